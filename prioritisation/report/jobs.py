"""Planning the reports: which PDFs to make, checked before any kernel starts.

:func:`plan_jobs` reads the workbook and checks every option in this process (a bad
workbook or option is a :class:`~prioritisation.core.errors.WorkbookError` /
:class:`~prioritisation.core.errors.UsageError`, exit code 2), resolves scenario references
(``NAME``, ``NAME@2``, ``all``) to fixed versions in the store, and names the output of
each language × scenario (never one file for two reports, never an input:
:func:`prioritisation.data.outputs.check_output`). :mod:`prioritisation.report.pipeline`
then builds them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prioritisation.core.errors import EnvironmentFailure, UsageError
from prioritisation.core.i18n import LANGUAGES, N_
from prioritisation.data.outputs import check_output
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import check_aggregate, check_method
from prioritisation.engine.weights import resolve_weights
from prioritisation.report.context import total_budget, yearly_spec


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
    budget_per_year: str = ""  # the member's yearly budgets (the app); "" = the workbook's
    based_on: str = ""  # own weights, changed after opening this stored scenario (the app)
    based_on_version: int | None = None
    based_on_author: str = ""
    anonymise: bool = False  # members named "lid 1, lid 2 …" in a round's group section
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    def parameters(self) -> dict:
        return {
            "workbook": self.workbook, "lang": self.lang, "title": self.title,
            "scenario": self.scenario, "scenario_version": self.scenario_version,
            "store": self.store, "weights": self.weights, "method": self.method,
            "aggregate": self.aggregate, "budget": self.budget,
            "budget_per_year": self.budget_per_year, "based_on": self.based_on,
            "based_on_version": self.based_on_version, "based_on_author": self.based_on_author,
            "anonymise": self.anonymise, "date": self.date,
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
    budget_per_year=None,
    date: str | None = None,
    wb=None,
    store: str | None = None,
    force: bool = False,
    based_on=None,
    anonymise: bool = False,
) -> list[ReportJob]:
    """Check every input in this process and return the reports to make.

    ``scenarios``: names of stored scenarios (``NAME`` = its latest version, ``NAME@2`` a
    given one, ``all`` = the latest version of every scenario) in the store at ``store``
    (default: ``$PRIORITISATION_STORE``, else the SQLite file beside the workbook); each is
    resolved to a fixed version here, so the report shows the version that was asked for.
    With one report, ``out`` is the file; with several, each file is named after ``out``
    with ``-SCENARIO`` and/or ``-LANG`` added before ``.pdf`` (``out`` may also be a folder);
    ``SCENARIO`` is a short, file-safe form of the name with a hash of the full name
    (:func:`scenario_part`), so distinct scenarios never share a file. No output may be the
    workbook, a CSV of its folder or the store; an existing file that the report did not make
    is replaced only with ``force`` (:func:`prioritisation.data.outputs.check_output`).
    ``based_on``: the stored scenario (``name``, ``version``, ``author``) that own weights were
    changed from (the app); the decision record says so. ``anonymise``: a round's members
    are "lid 1, lid 2 …" in the group section and the decision record.

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
    if refs and (weights or method or aggregate or budget not in (None, "") or budget_per_year):
        raise UsageError(N_("usage.report_scenario_options"))
    method = check_method(method) if method else ""
    aggregate = check_aggregate(aggregate) if aggregate else ""
    resolve_weights(wb, weights or None)
    budget = total_budget(budget)
    per_year = yearly_spec(budget_per_year)
    stored = resolve_scenarios(wb, path, refs, store) if refs else [("", None, "")]
    langs = list(langs)
    folder = _is_folder(out)
    out = Path(out).absolute()
    single = len(langs) * len(stored) == 1 and not folder
    names = [name for name, _, _ in stored]
    jobs = []
    for name, version, url in stored:
        # one name saved in several versions (NAME and NAME@1): the version tells them apart
        part = scenario_part(name, version if names.count(name) > 1 else None) if name else ""
        for lang in langs:
            jobs.append(
                ReportJob(
                    workbook=str(Path(path).resolve()),
                    out=out if single else _batch_name(out, folder, path, part, lang, langs),
                    lang=lang,
                    title=title or "",
                    scenario=name,
                    scenario_version=version,
                    store=url,
                    weights=weights or "",
                    method=method,
                    aggregate=aggregate,
                    budget=budget,
                    budget_per_year=per_year,
                    based_on=based_on.name if based_on is not None else "",
                    based_on_version=int(based_on.version) if based_on is not None else None,
                    based_on_author=based_on.author if based_on is not None else "",
                    anonymise=bool(anonymise),
                    date=date or dt.date.today().isoformat(),
                )  # fmt: skip
            )
    inputs = [path, _store_file(path, store)]
    seen: dict[Path, ReportJob] = {}
    for job in jobs:
        if job.out in seen:  # a safeguard: scenario_part keeps distinct reports apart
            raise UsageError("usage.report_same_out", path=str(job.out))
        seen[job.out] = job
        check_output(job.out, inputs=inputs, force=force, kind="pdf")
        _check_writable(job.out)
    return jobs


def scenario_part(name: str, version: int | None = None) -> str:
    """The scenario's part of a report's file name: the name made file-safe and at most
    40 characters, then 8 hex digits of the SHA-256 of the full name (and ``vN``), so that
    "Basis 1", "Basis_1" and "Basis/1" get three files, and a long name a short one.

    >>> scenario_part("Basis 1"), scenario_part("Basis_1"), scenario_part("Basis/1")
    ('Basis_1-70c62eb6', 'Basis_1-741dbab5', 'Basis_1-4a5a67aa')
    >>> len(scenario_part("x" * 300)), scenario_part("Basis", 2)
    (49, 'Basis-v2-28893be4')
    """
    full = name if version is None else f"{name}@{version}"
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:8]
    slug = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)
    slug = slug[:40].strip("-") or "scenario"
    if version is not None:
        slug += f"-v{version}"
    return f"{slug}-{digest}"


def _store_file(path, store: str | None) -> str | None:
    """The store's URL (to keep outputs off it); ``None`` when it cannot be worked out."""
    from prioritisation.scenarios.db import store_url

    try:
        return store_url(path, store)
    except UsageError:
        return None


def _check_writable(out: Path) -> None:
    """The folder of ``out`` exists (it is created) and can be written, before any work.

    A path through a file is the user's mistake (exit 2); a folder that the computer does
    not let us write (read-only, no permission, a full disk) is an
    :class:`~prioritisation.core.errors.EnvironmentFailure` (exit 3).
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        failure = EnvironmentFailure.from_os_error(exc, out)
        if failure is not None:
            raise failure from None
        raise UsageError(
            N_("usage.report_out"), path=str(out), error=exc.strerror or str(exc)
        ) from None
    if not os.access(out.parent, os.W_OK):
        flags = os.statvfs(out.parent).f_flag if hasattr(os, "statvfs") else 0
        raise EnvironmentFailure("read_only" if flags & os.ST_RDONLY else "no_permission", out)


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
    """``scenario``: the scenario's part of the name (:func:`scenario_part`), or ``""``."""
    if folder:
        where, stem = out, Path(path).stem
    else:
        where, stem = out.parent, out.stem
    parts = [stem]
    if scenario:
        parts.append(scenario)
    if len(langs) > 1:
        parts.append(lang)
    return where / ("-".join(parts) + ".pdf")
