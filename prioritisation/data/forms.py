"""The assessors' round, first half: an Excel form per member (collecting them is
:mod:`prioritisation.data.collect`).

:func:`write_template` writes one member's form: one row per idea (id, title, theme,
description), one column per criterion with Excel data validation on every score cell (a
drop-down of the levels for a whole-number scale, else a decimal range), a comment column,
the scoring rubric (each criterion's description, split into levels where it says
``1 = …, 5 = …``) on a second sheet, locked cells outside the answers and a protected
structure. A hidden sheet ``_meta`` records the assessor, the workbook's SHA-256 and which
column holds which criterion. Scores the member already gave are filled in, so a form can be
sent out again to revise.

>>> import tempfile
>>> from pathlib import Path
>>> from prioritisation.data.sample import sample_workbook
>>> wb = sample_workbook()
>>> path = write_template(wb, wb.assessors[0], Path(tempfile.mkdtemp()) / form_name("An"))
>>> path.name
'form-An.xlsx'
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

from prioritisation.core.i18n import get_language, tr
from prioritisation.core.model import Workbook
from prioritisation.data.export import atomic_path, write_cell

FORM_VERSION = 1
META_SHEET = "_meta"
MAX_DROPDOWN_LEVELS = 11


def field_headings(lang: str | None = None) -> dict[str, str]:
    """The headings of a form's fixed columns in ``lang``: ``{"id": "Id", …}``."""
    return {"id": tr("form.id", lang), "title": tr("form.title", lang),
            "theme": tr("form.theme", lang), "description": tr("form.description", lang),
            "comment": tr("form.comment", lang)}  # fmt: skip


def rubric_levels(description: str) -> list[tuple[str, str]]:
    """``"… 1 = bestaat al overal, 5 = nieuw in Vlaanderen."`` → ``[("1", "bestaat al
    overal"), ("5", "nieuw in Vlaanderen")]``; empty when the text names no levels."""
    text = str(description or "")
    marks = list(re.finditer(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*[=:]\s*", text))
    levels = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        meaning = text[m.end() : end].strip().rstrip(",;.").strip()
        if meaning:
            levels.append((m.group(1), meaning))
    return levels


def _whole(x: float) -> bool:
    return float(x).is_integer()


def _n(x: float) -> str:
    return f"{float(x):g}"


def form_name(assessor: str) -> str:
    """``"An (Cultuurconnect)"`` → ``form-An-Cultuurconnect.xlsx``."""
    slug = re.sub(r"[^\w]+", "-", assessor, flags=re.UNICODE).strip("-") or "lid"
    return f"form-{slug}.xlsx"


def write_templates(
    wb: Workbook, folder, assessors=None, lang: str | None = None, **options
) -> list[Path]:
    """One form per assessor (default: every assessor in the workbook) in ``folder``, named
    by :func:`form_name`; ``options`` as for :func:`write_template`."""
    folder = Path(folder)
    return [
        write_template(wb, name, folder / form_name(name), lang, **options)
        for name in (assessors or wb.assessors)
    ]


def write_template(
    wb: Workbook,
    assessor: str,
    path,
    lang: str | None = None,
    *,
    prefill: bool = True,
    decimal: bool = False,
) -> Path:
    """Write ``assessor``'s form for ``wb`` to ``path`` (``.xlsx``, atomically).

    ``prefill``: fill in the scores the assessor already has in the workbook. ``decimal``:
    allow any number on the scale (a decimal range) instead of the drop-down of levels.
    """
    from openpyxl import Workbook as XlsxBook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = get_language(lang)
    assessor = str(assessor).strip()
    labels = wb.criterion_labels(lang)
    book = XlsxBook()
    ws = book.active
    ws.title = tr("form.sheet", lang)
    fixed = ["id", "title", "theme", "description"]
    names = field_headings(lang)
    headings = [names[k] for k in fixed]
    criteria = list(wb.criteria.index)
    headings += [labels[c] for c in criteria] + [names["comment"]]
    first_score = len(fixed) + 1
    comment_col = first_score + len(criteria)
    answer = PatternFill("solid", start_color="FFF7E1")
    for j, heading in enumerate(headings, start=1):
        cell = write_cell(ws, 1, j, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    mine = wb.scores[wb.scores["assessor"] == assessor] if prefill else wb.scores.iloc[:0]
    given = {(r.idea_id, r.criterion_id): r.score for r in mine.itertuples()}
    comments = {}
    for r in mine.itertuples():
        if r.comment and r.idea_id not in comments:
            comments[r.idea_id] = r.comment
    n = len(wb.ideas)
    for i, (iid, idea) in enumerate(wb.ideas.iterrows(), start=2):
        for j, value in enumerate([iid, idea["title"], idea["theme"], idea["description"]], 1):
            cell = write_cell(ws, i, j, value)
            cell.alignment = Alignment(wrap_text=j == 4, vertical="top")
        for k, cid in enumerate(criteria):
            value = given.get((iid, cid))
            cell = write_cell(ws, i, first_score + k, None if value is None or
                              math.isnan(value) else value)  # fmt: skip
            cell.protection = Protection(locked=False)
            cell.fill = answer
        cell = write_cell(ws, i, comment_col, comments.get(iid))
        cell.protection = Protection(locked=False)
        cell.fill = answer
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    for k, cid in enumerate(criteria):
        c = wb.criteria.loc[cid]
        lo, hi = float(c["scale_min"]), float(c["scale_max"])
        letter = get_column_letter(first_score + k)
        levels = hi - lo + 1
        if not decimal and _whole(lo) and _whole(hi) and levels <= MAX_DROPDOWN_LEVELS:
            choices = ",".join(str(v) for v in range(int(lo), int(hi) + 1))
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        else:
            dv = DataValidation(type="decimal", operator="between", formula1=_n(lo),
                                formula2=_n(hi), allow_blank=True)  # fmt: skip
        dv.error = tr("form.error", lang, min=_n(lo), max=_n(hi))
        dv.errorTitle = tr("form.error_title", lang)
        dv.errorStyle = "stop"
        dv.showErrorMessage = True
        dv.promptTitle = labels[cid][:32]
        dv.prompt = (str(c.get("description") or "") or labels[cid])[:250]
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        if n:
            dv.add(f"{letter}2:{letter}{n + 1}")

    widths = [10, 40, 24, 60] + [16] * len(criteria) + [40]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=2, column=3)
    _protect(ws)

    rubric = book.create_sheet(tr("form.rubric_sheet", lang))
    for j, heading in enumerate([tr("form.rubric_criterion", lang), tr("form.rubric_level", lang),
                                 tr("form.rubric_meaning", lang)], start=1):  # fmt: skip
        write_cell(rubric, 1, j, heading).font = Font(bold=True)
    directions = {"benefit": tr("form.benefit", lang), "cost": tr("form.cost", lang)}
    row = 2
    for cid in criteria:
        c = wb.criteria.loc[cid]
        direction = directions[c["direction"]]
        scale = tr("form.rubric_scale", lang, min=_n(c["scale_min"]), max=_n(c["scale_max"]),
                   direction=direction)  # fmt: skip
        write_cell(rubric, row, 1, labels[cid]).font = Font(bold=True)
        write_cell(rubric, row, 2, scale)
        write_cell(rubric, row, 3, c.get("description") or "")
        rubric.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
        for level, meaning in rubric_levels(c.get("description") or ""):
            write_cell(rubric, row, 1, labels[cid])
            write_cell(rubric, row, 2, level)
            write_cell(rubric, row, 3, meaning)
            row += 1
    row += 1
    note = write_cell(rubric, row, 1, tr("form.instructions", lang, assessor=assessor,
                                         sheet=ws.title))  # fmt: skip
    note.alignment = Alignment(wrap_text=True, vertical="top")
    rubric.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    rubric.row_dimensions[row].height = 75
    for letter, width in zip("ABC", (28, 22, 90), strict=True):
        rubric.column_dimensions[letter].width = width
    _protect(rubric)

    meta = book.create_sheet(META_SHEET)
    meta_rows = [
        ("form_version", FORM_VERSION), ("assessor", assessor), ("workbook_sha256", wb.sha256),
        ("workbook", Path(wb.source).name if wb.source else ""), ("sheet", ws.title),
        ("created", datetime.now(UTC).isoformat(timespec="seconds")), ("language", lang),
        ("criteria", json.dumps({headings[first_score - 1 + k]: cid for k, cid in enumerate(criteria)},
                                ensure_ascii=False)),
        ("comment", headings[comment_col - 1]),
    ]  # fmt: skip
    for i, (key, value) in enumerate(meta_rows, start=1):
        write_cell(meta, i, 1, key)
        write_cell(meta, i, 2, value)
    meta.sheet_state = "veryHidden"
    _protect(meta)
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)


def _protect(ws) -> None:
    """Lock the sheet (answers are unlocked cells); columns and rows may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = True
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
