"""Planning the reports: which PDFs to make, checked before any kernel starts.

:func:`plan_jobs` reads the workbook and checks every option in this process (a bad
workbook or option is a :class:`~prioritisation.core.errors.WorkbookError` /
:class:`~prioritisation.core.errors.UsageError`, exit code 2), resolves scenario references
(``NAME``, ``NAME@2``, ``all``) to fixed versions in the store, and names the output of
each language × scenario. :mod:`prioritisation.report.pipeline` then builds them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import LANGUAGES, N_
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import check_aggregate, check_method
from prioritisation.engine.weights import resolve_weights
from prioritisation.report.context import total_budget


@dataclass(frozen=True)
class ReportJob:
    """One PDF to make: the notebook's parameters (JSON-simple) and where it goes."""

    workbook: str
    out: Path
    lang: str = "nl"
    title: str = ""
    scenario: str = ""
    scenario_version: int | None = None
    store: str = ""
    weights: str = ""
    method: str = ""
    aggregate: str = ""
    budget: float | None = None
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    def parameters(self) -> dict:
        return {
            "workbook": self.workbook, "lang": self.lang, "title": self.title,
            "scenario": self.scenario, "scenario_version": self.scenario_version,
            "store": self.store, "weights": self.weights, "method": self.method,
            "aggregate": self.aggregate, "budget": self.budget, "date": self.date,
        }  # fmt: skip

    @property
    def name(self) -> str:
        return self.out.name


def parse_languages(value: str | Sequence[str] | None, default: str = "nl") -> list[str]:
    """The report languages: ``"nl,en"`` → ``["nl", "en"]``; ``None`` → ``[default]``.

    >>> parse_languages(" EN , nl, en"), parse_languages(None, "en")
    (['en', 'nl'], ['en'])
    >>> parse_languages("xx")
    Traceback (most recent call last):
    ...
    prioritisation.core.errors.UsageError: ...
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return [default]
    parts = value.split(",") if isinstance(value, str) else list(value)
    langs = []
    for part in parts:
        lang = part.strip().lower()
        if lang not in LANGUAGES:
            raise UsageError(N_("usage.report_lang"), value=part.strip())
        if lang not in langs:
            langs.append(lang)
    return langs


def plan_jobs(
    path,
    out,
    langs: Sequence[str] = ("nl",),
    scenarios: Sequence[str] = ("",),
    title: str = "",
    weights: str | None = None,
    method: str | None = None,
    aggregate: str | None = None,
    budget=None,
    date: str | None = None,
    wb=None,
    store: str | None = None,
) -> list[ReportJob]:
    """Check every input in this process and return the reports to make.

    ``scenarios``: names of stored scenarios (``NAME`` = its latest version, ``NAME@2`` a
    given one, ``all`` = the latest version of every scenario) in the store at ``store``
    (default: ``$PRIORITISATION_STORE``, else the SQLite file beside the workbook); each is
    resolved to a fixed version here, so the report shows the version that was asked for.
    With one report, ``out`` is the file; with several, each file is named after ``out``
    with ``-SCENARIO`` and/or ``-LANG`` added before ``.pdf`` (``out`` may also be a folder).

    >>> import tempfile
    >>> from prioritisation.data.sample import sample_path
    >>> jobs = plan_jobs(sample_path(), Path(tempfile.gettempdir()) / "rapport.pdf",
    ...                  langs=["nl", "en"], budget="1.200.000")
    >>> [(j.out.name, j.lang, j.budget) for j in jobs]
    [('rapport-nl.pdf', 'nl', 1200000.0), ('rapport-en.pdf', 'en', 1200000.0)]
    """
    if wb is None:
        wb = read_workbook(path)  # WorkbookError (exit 2) before any kernel starts
    refs = [s for s in scenarios if s]
    if refs and (weights or method or aggregate or budget not in (None, "")):
        raise UsageError(N_("usage.report_scenario_options"))
    method = check_method(method) if method else ""
    aggregate = check_aggregate(aggregate) if aggregate else ""
    resolve_weights(wb, weights or None)
    budget = total_budget(budget)
    stored = resolve_scenarios(wb, path, refs, store) if refs else [("", None, "")]
    langs = list(langs)
    folder = _is_folder(out)
    out = Path(out).absolute()
    single = len(langs) * len(stored) == 1 and not folder
    jobs = []
    for name, version, url in stored:
        for lang in langs:
            jobs.append(
                ReportJob(
                    workbook=str(Path(path).resolve()),
                    out=out if single else _batch_name(out, folder, path, name, lang, langs),
                    lang=lang,
                    title=title or "",
                    scenario=name,
                    scenario_version=version,
                    store=url,
                    weights=weights or "",
                    method=method,
                    aggregate=aggregate,
                    budget=budget,
                    date=date or dt.date.today().isoformat(),
                )  # fmt: skip
            )
    for job in jobs:
        _check_writable(job.out)
    return jobs


def _check_writable(out: Path) -> None:
    """The folder of ``out`` exists (it is created) and can be written, before any work."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            N_("usage.report_out"), path=str(out), error=exc.strerror or str(exc)
        ) from None
    if out.is_dir() or not os.access(out.parent, os.W_OK):
        raise UsageError(N_("usage.report_out"), path=str(out), error=os.strerror(13))


def resolve_scenarios(wb, path, refs: Sequence[str], store: str | None):
    """``[(name, version, store URL)]`` for the scenario references (UsageError if absent)."""
    from prioritisation.scenarios.compare import check_fits
    from prioritisation.scenarios.db import default_store_path, open_store, store_url

    url = store_url(path, store)
    if not store and not os.environ.get("PRIORITISATION_STORE"):
        beside = default_store_path(path)
        if not beside.exists():  # do not create an empty store just to find nothing in it
            raise UsageError(N_("usage.report_no_scenarios"), store=str(beside))
    with open_store(path, url=url) as st:
        if any(r.strip().lower() in ("all", "alle") for r in refs):
            names = st.names()
            if not names:
                raise UsageError(N_("usage.report_no_scenarios"), store=st.display)
            pairs = [(n, None) for n in names]
        else:
            pairs = [_parse_ref(r) for r in refs]
        out = []
        for name, version in pairs:
            scenario = st.get(name, version)
            check_fits(wb, scenario)
            if (scenario.name, scenario.version) not in [(n, v) for n, v, _ in out]:
                out.append((scenario.name, int(scenario.version), url))
    return out


def _parse_ref(text: str) -> tuple[str, int | None]:
    """A scenario reference: a name, with ``@VERSION`` for a given version.

    >>> _parse_ref("Leesklimaat@2"), _parse_ref(" Leesklimaat ")
    (('Leesklimaat', 2), ('Leesklimaat', None))
    """
    match = re.fullmatch(r"(.+)@(\d+)", text.strip())
    return (match.group(1), int(match.group(2))) if match else (text.strip(), None)


def _is_folder(out) -> bool:
    return Path(out).is_dir() or str(out).endswith(("/", os.sep))


def _batch_name(
    out: Path, folder: bool, path, scenario: str, lang: str, langs: Sequence[str]
) -> Path:
    if folder:
        where, stem = out, Path(path).stem
    else:
        where, stem = out.parent, out.stem
    parts = [stem]
    if scenario:
        parts.append("".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in scenario))
    if len(langs) > 1:
        parts.append(lang)
    return where / ("-".join(parts) + ".pdf")
