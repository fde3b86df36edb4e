"""What a steering group decided to try: the :class:`Scenario` record and how one is made.

A scenario holds a method, an aggregation, weights (shares summing to 1), thresholds (gates),
a budget, a selection (ideas forced in or out), a note, who saved it, when, and the SHA-256 of
the workbook it was made on. :func:`make_scenario` checks every setting against a workbook and
fills the unset ones from it; user text is read with :mod:`prioritisation.core.parse`.
Names, authors and notes have stated length limits (:data:`NAME_MAX`, :data:`AUTHOR_MAX`,
:data:`NOTE_MAX` characters), checked by :func:`check_texts` here and again before the store
writes, so that SQLite and PostgreSQL refuse the same things with the same message.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> sc = make_scenario(wb, "Leesklimaat eerst", "An", weights="desirability=3",
...                    thresholds="feasibility=3", budget="2027: 400000, 2028: 300000")
>>> sc.label, sc.method, sc.thresholds["feasibility"]
('Leesklimaat eerst', 'wsm', 3.0)
>>> sc.budget
{'total': 700000.0, 'per_year': {'2027': 400000.0, '2028': 300000.0}}
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core import parse
from prioritisation.core.errors import UsageError
from prioritisation.core.model import Workbook
from prioritisation.engine.run import resolve_run

# The longest name, author and note a scenario may have (characters).
NAME_MAX = 200
AUTHOR_MAX = 200
NOTE_MAX = 5000

# Control characters (C0, DEL, C1) and the bidirectional overrides that can disguise a text on
# a terminal or a page: refused in names and authors.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Scenario:
    """One saved version of a scenario.

    ``weights``: criterion id → share (the shares sum to 1). ``thresholds``: criterion id →
    gate value, ``None`` for no gate. ``budget``: ``{"total": float | None, "per_year":
    {"2027": amount}}`` (see :func:`scenario_budget`). ``selection``: ``{"include": [ids],
    "exclude": [ids]}`` — ideas the group forces into or out of the funded set. ``version``
    (1, 2, …), ``created`` (UTC) and ``id`` are set by
    :meth:`~prioritisation.scenarios.db.ScenarioStore.save`.
    """

    name: str
    author: str
    method: str
    aggregate: str
    weights: dict[str, float]
    thresholds: dict[str, float | None] = field(default_factory=dict)
    budget: dict = field(default_factory=lambda: {"total": None, "per_year": {}})
    selection: dict = field(default_factory=lambda: {"include": [], "exclude": []})
    note: str = ""
    workbook_sha256: str | None = None
    workbook: str | None = None
    version: int | None = None
    created: datetime | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        """``name v3``: how a version is named in tables and reports."""
        return f"{self.name} v{self.version}" if self.version else self.name

    def to_record(self) -> dict:
        """A JSON-ready dict (``created`` as ISO 8601 UTC)."""
        record = dataclasses.asdict(self)
        record["created"] = self.created.isoformat() if self.created else None
        return record


# A threshold written as one of these words removes the criterion's gate.
NO_GATE = ("none", "geen", "-")
_NO_GATE_PAIR = re.compile(
    r"(?:^|[;,\n])\s*([^=;,\n]+?)\s*=\s*(?:none|geen|-)\s*(?=[;,\n]|$)", re.IGNORECASE
)


def parse_thresholds(wb: Workbook, spec) -> dict[str, float | None]:
    """The workbook's thresholds, overridden by ``spec``: ``"innovation=2,feasibility=none"``
    or a mapping (``None``/NaN removes a gate). Values must lie on the criterion's scale.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> parse_thresholds(read_workbook(sample_path()), "innovation=none; feasibility=2,5")
    {'innovation': None, 'desirability': None, 'viability': 2.0, 'feasibility': 2.5}
    """
    c = wb.criteria
    out = {cid: _opt_float(v) for cid, v in c["threshold"].items()}
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return out
    if isinstance(spec, str):
        removed = {m.group(1).strip(): None for m in _NO_GATE_PAIR.finditer(spec)}
        rest = _NO_GATE_PAIR.sub("", spec)
        try:
            values = parse.assignments(rest) if rest.strip(" ;,\n") else {}
        except UsageError:
            raise UsageError("usage.threshold_syntax", spec=spec.strip()) from None
        items = {**values, **removed}
    else:
        items = {}
        for key, value in dict(spec).items():
            gone = value is None or (isinstance(value, float) and math.isnan(value)) or (
                isinstance(value, str) and value.strip().lower() in ("", *NO_GATE))  # fmt: skip
            items[str(key)] = None if gone else value
        given = {k: v for k, v in items.items() if v is not None}
        try:
            items.update(parse.assignments(given) if given else {})
        except UsageError:
            raise UsageError("usage.threshold_syntax", spec=str(dict(spec))) from None
    known = ", ".join(c.index)
    for key, value in items.items():
        if key not in c.index:
            raise UsageError("usage.threshold_unknown", id=key, known=known)
        if value is not None:
            lo, hi = float(c.at[key, "scale_min"]), float(c.at[key, "scale_max"])
            if not lo <= value <= hi:
                raise UsageError("usage.threshold_value", id=key, value=f"{value:g}",
                                 min=f"{lo:g}", max=f"{hi:g}")  # fmt: skip
        out[key] = value
    return out


def scenario_budget(spec, settings=None) -> dict:
    """The stored budget (``{"total": …, "per_year": {"2027": …}}``) of ``spec``: anything
    :func:`prioritisation.core.parse.budget` reads; ``None`` takes the workbook's ``budget``
    and ``budget_per_year`` settings (a bad setting is a ``UsageError``, never dropped).
    Yearly budgets without a total give their sum as the total.

    >>> scenario_budget("2027=400.000; 2028=300.000")
    {'total': 700000.0, 'per_year': {'2027': 400000.0, '2028': 300000.0}}
    >>> scenario_budget("2027: 400000, 2028: 300000")
    {'total': 700000.0, 'per_year': {'2027': 400000.0, '2028': 300000.0}}
    >>> scenario_budget(None, {"budget": 1500000, "budget_per_year": "2027: 700000"})
    {'total': 1500000.0, 'per_year': {'2027': 700000.0}}
    """
    if spec is None:
        settings = settings or {}
        found = parse.budget(settings.get("budget"), settings.get("budget_per_year"))
    else:
        found = parse.budget(spec)
    if found.total is None and found.per_year:
        found = parse.Budget(float(sum(found.per_year.values())), found.per_year)
    return found.as_dict()


def make_scenario(
    wb: Workbook,
    name: str,
    author: str,
    *,
    weights=None,
    method: str | None = None,
    aggregate: str | None = None,
    thresholds=None,
    budget=None,
    include=None,
    exclude=None,
    note: str = "",
) -> Scenario:
    """A scenario of ``wb`` (not yet saved), every setting checked and resolved.

    ``weights`` is anything :func:`~prioritisation.engine.weights.resolve_weights` takes (stored
    as shares); ``thresholds`` overrides the workbook's gates (see :func:`parse_thresholds`);
    ``budget`` see :func:`scenario_budget`; ``include``/``exclude`` are idea ids. Unset values
    are the workbook's (see the module's example).
    """
    name, author = (name or "").strip(), (author or "").strip()
    check_texts(name, author, note)
    run = resolve_run(wb, method=method, aggregate=aggregate, weights=weights)
    method, aggregate, shares = run.method, run.aggregate, run.weights
    include, exclude = list(parse.id_list(include)), list(parse.id_list(exclude))
    for iid in include + exclude:
        if iid not in wb.ideas.index:
            raise UsageError("usage.selection_unknown", id=iid)
    for iid in include:
        if iid in exclude:
            raise UsageError("usage.selection_both", id=iid)
    return Scenario(
        name=name, author=author, method=method, aggregate=aggregate,
        weights={c: float(w) for c, w in shares.items()},
        thresholds=parse_thresholds(wb, thresholds), budget=scenario_budget(budget, wb.settings),
        selection={"include": include, "exclude": exclude}, note=note or "",
        workbook_sha256=wb.sha256, workbook=Path(wb.source).name if wb.source else None,
    )  # fmt: skip


def check_texts(name: str, author: str, note: str | None = "") -> None:
    """Refuse (``UsageError`` naming the field and its limit) an empty name or author, one
    with a control character, or a name, author or note over its length limit.

    >>> check_texts("Leesklimaat eerst", "An", "")
    >>> check_texts("x" * 201, "An")
    Traceback (most recent call last):
    UsageError: ...
    """
    check_name(name)
    check_author(author)
    check_note(note)


def check_name(name: str) -> None:
    """A scenario name: not empty, at most :data:`NAME_MAX` characters, no control character."""
    name = str(name or "")
    if not name.strip():
        raise UsageError("usage.scenario_name")
    if len(name) > NAME_MAX:
        raise UsageError("usage.name_too_long", limit=NAME_MAX, length=len(name))
    if _CONTROL.search(name):
        raise UsageError("usage.name_control", name=_CONTROL.sub("?", name))


def check_author(author: str) -> None:
    """An author: not empty, at most :data:`AUTHOR_MAX` characters, no control character."""
    author = str(author or "")
    if not author.strip():
        raise UsageError("usage.scenario_author")
    if len(author) > AUTHOR_MAX:
        raise UsageError("usage.author_too_long", limit=AUTHOR_MAX, length=len(author))
    if _CONTROL.search(author):
        raise UsageError("usage.author_control", author=_CONTROL.sub("?", author))


def check_note(note: str | None) -> None:
    """A note: at most :data:`NOTE_MAX` characters (line breaks allowed)."""
    if len(note or "") > NOTE_MAX:
        raise UsageError("usage.note_too_long", limit=NOTE_MAX, length=len(note))


def _opt_float(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def scenarios_frame(scenarios: list[Scenario]) -> pd.DataFrame:
    """Scenarios as a flat table (one row per version), for listing and export."""
    criteria = list(dict.fromkeys(c for s in scenarios for c in s.weights))
    rows = []
    for s in scenarios:
        row = {"name": s.name, "version": s.version, "author": s.author,
               "created": s.created.isoformat(timespec="seconds") if s.created else None,
               "method": s.method, "aggregate": s.aggregate}  # fmt: skip
        for cid in criteria:
            row[f"w_{cid}"] = s.weights.get(cid, np.nan)
        for cid in criteria:
            row[f"t_{cid}"] = s.thresholds.get(cid)
        row["budget"] = s.budget.get("total")
        row["include"] = "; ".join(s.selection.get("include") or [])
        row["exclude"] = "; ".join(s.selection.get("exclude") or [])
        row["note"] = s.note
        row["workbook_sha256"] = s.workbook_sha256
        rows.append(row)
    columns = ["name", "version", "author", "created", "method", "aggregate"]
    columns += [f"w_{c}" for c in criteria] + [f"t_{c}" for c in criteria]
    columns += ["budget", "include", "exclude", "note", "workbook_sha256"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["version"] = frame["version"].astype("Int64")
    for cid in criteria:
        frame[f"t_{cid}"] = frame[f"t_{cid}"].astype(float)
    frame["budget"] = frame["budget"].astype(float)
    return frame
