"""The assessors' round's test workbook (three criteria, three ideas) and a member filling a form."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.conftest import xlsx

CRITERIA = [["id", "label", "description", "scale_min", "scale_max"],
            ["innovation", "Innovatiewaarde", "1 = bestaat al, 5 = nieuw", 1, 5],
            ["feasibility", "Haalbaarheid", "Kan het? 0 = nee, 10 = zeker", 0, 10],
            ["cost_fit", "Kostenfit", "vrij", 0, 2.5]]  # fmt: skip
IDEAS = [["id", "title", "theme", "description"],
         ["A", '=HYPERLINK("http://x","klik")', "Lezen", "@eerste"],
         ["B", "Tweede", "E-inclusie", "tweede idee"],
         ["C", "Derde", "Lezen", ""]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"],
          ["A", "innovation", "An", 4], ["A", "feasibility", "An", 7], ["B", "innovation", "An", 2]]  # fmt: skip


def round_book(tmp_path):
    """The round's workbook ``ronde.xlsx`` in ``tmp_path`` (An has scored three cells)."""
    return xlsx(tmp_path, "ronde.xlsx", criteria=CRITERIA, ideas=IDEAS, scores=SCORES)


def fill(path, values: dict, comment: dict | None = None):
    """Fill a form as a member would: ``values`` = {(excel row, heading): value}."""
    book = load_workbook(path)
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    for (row, heading), value in values.items():
        ws.cell(row=row, column=headers.index(heading) + 1).value = value
    for row, text in (comment or {}).items():
        ws.cell(row=row, column=len(headers)).value = text
    book.save(path)
