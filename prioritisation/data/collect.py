"""The assessors' round, second half: collecting the returned forms into the workbook's scores
(the forms are written by :mod:`prioritisation.data.forms`).

:func:`collect` never drops a value silently: every cell that cannot be taken (not a number,
outside the scale, an unknown idea, a value in an unknown column, two forms disagreeing) is a
:class:`~prioritisation.core.errors.Problem` naming the form file, Excel row and column, and
:func:`collect` reports per member how complete the form is, what is new, what changed
(old → new) and what was duplicated. An empty cell keeps the score already in the workbook.
:func:`write_collected` writes the merged workbook only after reading it back.

>>> import tempfile
>>> from pathlib import Path
>>> from prioritisation.data.forms import write_template
>>> from prioritisation.data.sample import sample_workbook
>>> wb = sample_workbook()
>>> form = write_template(wb, "Zoë", Path(tempfile.mkdtemp()) / "form-Zoe.xlsx")
>>> result = collect(wb, [form])
>>> result.ok, result.forms[0].assessor, result.forms[0].filled
(True, 'Zoë', 0)
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.errors import PrioritisationError, Problem, WorkbookError
from prioritisation.core.i18n import N_, tr
from prioritisation.core.model import Workbook
from prioritisation.core.parse import number
from prioritisation.data.export import atomic_path
from prioritisation.data.forms import META_SHEET, field_headings
from prioritisation.data.reader import cell_id, normalise_name
from prioritisation.data.workbook import read_workbook
from prioritisation.data.writer import write_workbook


@dataclass(frozen=True)
class FormReport:
    """What one returned form contributed.

    ``filled`` of ``expected`` score cells (ideas × criteria of the workbook) hold a valid
    score; ``missing`` lists the ideas with at least one empty criterion. ``new``, ``changed``
    and ``unchanged`` count the cells against the workbook; ``duplicates`` counts cells
    another form of the same assessor already gave with the same value. ``problems`` are the
    cells that could not be taken.
    """

    path: str
    assessor: str | None
    ideas: int
    filled: int
    expected: int
    missing: tuple[str, ...]
    new: int
    changed: int
    unchanged: int
    duplicates: int
    problems: tuple[Problem, ...]
    workbook_differs: bool

    @property
    def complete(self) -> float:
        return self.filled / self.expected if self.expected else 1.0

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True, eq=False)
class Collected:
    """The result of :func:`collect`: the merged workbook, one report per form, the changes.

    ``changes`` has one row per cell that is new or differs from the workbook: ``assessor``,
    ``idea_id``, ``criterion_id``, ``old`` (NaN when new), ``new``, ``form``, ``row``,
    ``column``. ``ok`` is false when any form has problems (then nothing should be written).
    """

    workbook: Workbook
    forms: list[FormReport]
    changes: pd.DataFrame
    problems: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def error(self) -> CollectError:
        return CollectError(self.problems)

    def report(self) -> pd.DataFrame:
        """One row per form: assessor, form, filled, expected, complete, new, changed,
        unchanged, duplicates, problems, missing (ids)."""
        return pd.DataFrame(
            [{"assessor": f.assessor, "form": f.name, "filled": f.filled, "expected": f.expected,
              "complete": f.complete, "new": f.new, "changed": f.changed, "unchanged": f.unchanged,
              "duplicates": f.duplicates, "problems": len(f.problems),
              "workbook_differs": f.workbook_differs, "missing": "; ".join(f.missing)}
             for f in self.forms],
            columns=["assessor", "form", "filled", "expected", "complete", "new", "changed",
                     "unchanged", "duplicates", "problems", "workbook_differs", "missing"],
        )  # fmt: skip


class CollectError(PrioritisationError):
    """Problems in returned forms, grouped per form file (exit 2, nothing written)."""

    def __init__(self, problems: dict[str, list[Problem]]):
        self.problems = {k: v for k, v in problems.items() if v}
        super().__init__("; ".join(self.lines()))

    def lines(self, lang: str | None = None) -> list[str]:
        out = []
        for form, problems in self.problems.items():
            out += WorkbookError(problems, source=form).lines(lang)
        return out


@dataclass
class _Cell:
    form: str
    sheet: str
    row: int
    column: str
    assessor: str
    idea: str
    criterion: str
    score: float


def _read_form(path: Path, wb: Workbook, problems: list[Problem]):
    """(assessor, sheet name, sha256, [(row, idea, {criterion: (heading, raw)}, comment)])."""
    from openpyxl import load_workbook

    if not path.exists():
        problems.append(Problem(None, None, None, N_("problem.file_missing"), {"path": str(path)}))
        return None
    try:
        book = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a bad file
        problems.append(
            Problem(None, None, None, N_("problem.not_a_workbook"), {"error": str(exc)[:200]})
        )
        return None
    meta = {}
    if META_SHEET in book.sheetnames:
        for key, value, *_ in book[META_SHEET].iter_rows(values_only=True):
            if key is not None:
                meta[str(key)] = value
    visible = [ws for ws in book.worksheets if ws.title != META_SHEET]
    ws = book[meta["sheet"]] if meta.get("sheet") in book.sheetnames else (visible or [None])[0]
    assessor = str(meta.get("assessor") or "").strip() or None
    if assessor is None:
        problems.append(
            Problem(ws.title if ws else None, None, None, N_("problem.form_no_assessor"))
        )
    if ws is None:
        return None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    # a formula saved without its computed value (not by Excel) is kept as its text
    for r, raw in enumerate(formulas[ws.title].iter_rows(values_only=True)):
        for j, value in enumerate(raw):
            if r < len(rows) and j < len(rows[r]) and rows[r][j] is None and value is not None:
                rows[r][j] = str(value)
    headers = [("" if h is None else str(h).strip()) for h in (rows[0] if rows else [])]
    mapping = json.loads(meta["criteria"]) if meta.get("criteria") else {}
    lookup = {normalise_name(h): cid for h, cid in mapping.items()}
    for cid, c in wb.criteria.iterrows():
        for name in (cid, c.get("label"), c.get("label_en")):
            if isinstance(name, str) and name:
                lookup.setdefault(normalise_name(name), cid)
    fixed = {normalise_name(heading): k for lang in ("nl", "en")
             for k, heading in field_headings(lang).items()}  # fmt: skip
    fixed.update({"idea_id": "id", "idee_id": "id", "idee": "id"})
    if meta.get("comment"):
        fixed[normalise_name(str(meta["comment"]))] = "comment"
    columns: dict[int, tuple[str, str]] = {}  # position → (kind, criterion or field)
    for j, heading in enumerate(headers):
        key = normalise_name(heading)
        if not heading:
            columns[j] = ("unknown", "")
        elif key in fixed:
            columns[j] = ("field", fixed[key])
        elif key in lookup:
            columns[j] = ("criterion", lookup[key])
        else:
            columns[j] = ("unknown", heading)
    id_col = next((j for j, (k, f) in columns.items() if k == "field" and f == "id"), None)
    if id_col is None:
        problems.append(Problem(ws.title, 1, None, N_("problem.column_missing"),
                                {"column": tr("form.id"), "found": ", ".join(headers) or "—"}))  # fmt: skip
        return None
    if not any(k == "criterion" for k, _ in columns.values()):
        problems.append(Problem(ws.title, 1, None, N_("problem.form_no_criteria"),
                                {"known": ", ".join(wb.criteria.index)}))  # fmt: skip
        return None
    entries = []
    for r, values in enumerate(rows[1:], start=2):
        cells, comment, idea = {}, None, None
        for j, value in enumerate(values):
            kind, name = columns.get(j, ("unknown", ""))
            if isinstance(value, str):
                value = value.strip() or None
            if kind == "criterion":
                cells[name] = (headers[j], value)
            elif kind == "field" and name == "id":
                idea = value
            elif kind == "field" and name == "comment":
                comment = value
            elif kind == "unknown" and value is not None:
                column = headers[j] if j < len(headers) and headers[j] else _letter(j)
                problems.append(Problem(ws.title, r, column, N_("problem.form_unknown_column"),
                                        {"column": column, "value": value}))  # fmt: skip
        entries.append((r, idea, cells, comment))
    return assessor, ws.title, meta.get("workbook_sha256"), headers[id_col], entries


def _letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def collect(wb: Workbook, forms, lang: str | None = None) -> Collected:
    """Merge returned forms into ``wb.scores`` (see the module text). Never raises for form
    content: problems are in the result (``ok`` false); write nothing then."""
    criteria = list(wb.criteria.index)
    existing = wb.scores.copy()
    index = {
        (r.idea_id, r.criterion_id, r.assessor): i for i, r in enumerate(existing.itertuples())
    }
    taken: dict[tuple[str, str, str], _Cell] = {}
    comments: dict[tuple[str, str], str] = {}
    all_problems: dict[str, list[Problem]] = {}
    reports: list[FormReport] = []
    changes = []
    for form in forms:
        path = Path(form)
        problems: list[Problem] = []
        all_problems[path.name if path.name not in all_problems else str(path)] = problems
        read = _read_form(path, wb, problems)
        if read is None:
            reports.append(FormReport(str(path), None, 0, 0, len(wb.ideas) * len(criteria),
                                      tuple(wb.ideas.index), 0, 0, 0, 0, tuple(problems), False))  # fmt: skip
            continue
        assessor, sheet, sha, id_heading, entries = read
        seen_rows: dict[str, tuple[int, dict]] = {}
        filled: dict[str, set] = {}
        new = changed = unchanged = duplicates = 0
        ideas_in_form = 0
        for row, idea, cells, comment in entries:
            has_values = any(v is not None for _, v in cells.values()) or comment is not None
            if idea is None:
                if has_values:
                    problems.append(Problem(sheet, row, id_heading, N_("problem.empty")))
                continue
            idea = cell_id(idea)
            if idea not in wb.ideas.index:
                if has_values:
                    problems.append(
                        Problem(sheet, row, id_heading, N_("problem.unknown_idea"), {"id": idea})
                    )
                continue
            values = {}
            for cid, (heading, raw) in cells.items():
                try:
                    score = number(raw)
                except ValueError:
                    problems.append(
                        Problem(sheet, row, heading, N_("problem.not_a_number"), {"value": raw})
                    )
                    continue
                if score is None:
                    continue
                lo, hi = wb.criteria.at[cid, "scale_min"], wb.criteria.at[cid, "scale_max"]
                if not lo <= score <= hi:
                    problems.append(Problem(sheet, row, heading, N_("problem.score_outside"),
                                            {"value": _n(score), "min": _n(lo), "max": _n(hi),
                                             "criterion": cid}))  # fmt: skip
                    continue
                values[cid] = (heading, score)
            if idea in seen_rows:
                first_row, first_values = seen_rows[idea]
                if {c: s for c, (_, s) in values.items()} != first_values or comment:
                    problems.append(Problem(sheet, row, id_heading, N_("problem.form_duplicate_row"),
                                            {"id": idea, "first": first_row}))  # fmt: skip
                continue
            seen_rows[idea] = (row, {c: s for c, (_, s) in values.items()})
            ideas_in_form += 1
            if assessor is None:
                continue
            for cid, (heading, score) in values.items():
                key = (idea, cid, assessor)
                cell = _Cell(path.name, sheet, row, heading, assessor, idea, cid, score)
                if key in taken:
                    other = taken[key]
                    if other.score != score:
                        problems.append(Problem(sheet, row, heading, N_("problem.form_conflict"), {
                            "assessor": assessor, "idea": idea, "criterion": cid,
                            "value": _n(score), "other": _n(other.score), "file": other.form,
                            "row": other.row}))  # fmt: skip
                    else:
                        duplicates += 1
                        filled.setdefault(idea, set()).add(cid)
                    continue
                taken[key] = cell
                filled.setdefault(idea, set()).add(cid)
                old = existing.at[index[key], "score"] if key in index else np.nan
                if key in index and not np.isnan(old) and old == score:
                    unchanged += 1
                    continue
                if np.isnan(old):
                    new += 1
                else:
                    changed += 1
                changes.append({"assessor": assessor, "idea_id": idea, "criterion_id": cid,
                                "old": old, "new": score, "form": path.name, "row": row,
                                "column": heading})  # fmt: skip
            if comment is not None:
                comments[(idea, assessor)] = str(comment)
        missing = tuple(i for i in wb.ideas.index if len(filled.get(i, ())) < len(criteria))
        reports.append(FormReport(
            str(path), assessor, ideas_in_form, sum(len(v) for v in filled.values()),
            len(wb.ideas) * len(criteria), missing, new, changed, unchanged, duplicates,
            tuple(problems), bool(sha and wb.sha256 and sha != wb.sha256)))  # fmt: skip
    for problems in all_problems.values():
        problems.sort(key=lambda p: p.row or 0)
    merged = _merge(wb, existing, index, taken, comments)
    frame = pd.DataFrame(changes, columns=["assessor", "idea_id", "criterion_id", "old", "new",
                                           "form", "row", "column"])  # fmt: skip
    return Collected(workbook=merged, forms=reports, changes=frame, problems=all_problems)


def _merge(wb, existing, index, taken, comments) -> Workbook:
    scores = existing.copy()
    added = []
    for key, cell in taken.items():
        if key in index:
            scores.at[index[key], "score"] = cell.score
        else:
            added.append({"idea_id": cell.idea, "criterion_id": cell.criterion,
                          "assessor": cell.assessor, "score": cell.score, "comment": "",
                          "row": np.nan})  # fmt: skip
    order = {iid: k for k, iid in enumerate(wb.ideas.index)}
    corder = {cid: k for k, cid in enumerate(wb.criteria.index)}
    added.sort(key=lambda r: (r["assessor"], order[r["idea_id"]], corder[r["criterion_id"]]))
    for (idea, assessor), comment in comments.items():
        mask = (scores["idea_id"] == idea) & (scores["assessor"] == assessor)
        if mask.any():
            scores.loc[mask, "comment"] = comment
        mine = [r for r in added if r["idea_id"] == idea and r["assessor"] == assessor]
        for r in mine:
            r["comment"] = comment
        if not mask.any() and not mine:  # a comment without any score is kept too
            added.append({"idea_id": idea, "criterion_id": wb.criteria.index[0],
                          "assessor": assessor, "score": np.nan, "comment": comment,
                          "row": np.nan})  # fmt: skip
    if added:  # the workbook's own rows keep their order; new rows follow
        scores = pd.concat([scores, pd.DataFrame(added)], ignore_index=True)
    scores["score"] = scores["score"].astype(float)
    return replace(wb, scores=scores.reset_index(drop=True))


def _n(x: float) -> str:
    return f"{float(x):g}"


def write_collected(collected: Collected, out, *, backup_of=None) -> Path:
    """Write the merged workbook to ``out`` atomically, after reading it back to check it.

    ``backup_of``: when ``out`` is the input workbook itself, a copy of it is first kept as
    ``NAME.before-collect-YYYYmmdd-HHMMSS.xlsx`` beside it; its path is returned as well."""
    out = Path(out)
    backup = None
    if backup_of is not None and Path(backup_of).exists():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup = out.with_name(f"{out.stem}.before-collect-{stamp}{out.suffix}")
        shutil.copy2(backup_of, backup)
    with atomic_path(out) as tmp:
        write_workbook(collected.workbook, tmp)
        read_workbook(tmp)  # what is written must read back as a valid workbook
    return backup
