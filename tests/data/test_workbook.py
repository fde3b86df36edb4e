"""The entry points: reading a workbook whole, the default criteria, missing sheets and files."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import WorkbookError
from prioritisation.data.workbook import check_workbook, read_workbook
from tests.conftest import xlsx

IDEAS = [["id", "title", "theme", "cost", "depends_on"], ["A", "Alpha", "T1", 100, None],
         ["B", "Beta", "T2", 200, "A"]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 4],
          ["B", "innovation", "An", 2]]  # fmt: skip


def test_sample_reads_with_default_structure(sample_path):
    wb = read_workbook(sample_path)
    assert len(wb.ideas) >= 20
    assert len(wb.assessors) >= 6
    assert wb.criterion_ids == ["innovation", "desirability", "viability", "feasibility"]
    assert wb.scores["score"].isna().any(), "the sample has a few empty cells"
    assert wb.ideas.loc["TICKET", "depends_on"] == ("ZOEK", "PODIUM")
    assert "illustratie" in wb.settings["note"].lower()
    assert len(wb.sha256) == 64


def test_missing_criteria_sheet_gives_the_four_defaults(tmp_path):
    wb = read_workbook(xlsx(tmp_path, ideas=IDEAS, scores=SCORES))
    assert wb.criteria_defaulted
    assert wb.criteria.loc["viability", "label"] == "Financiële leefbaarheid"
    assert (
        list(wb.criteria["scale_min"]) == [1.0] * 4 and list(wb.criteria["scale_max"]) == [5.0] * 4
    )
    assert wb.weights().tolist() == [0.25] * 4


def test_missing_sheets_and_columns(tmp_path):
    path = xlsx(tmp_path, ideas=[["naam_onbekend", "title"], ["x", "y"]])
    _, problems = check_workbook(path)
    codes = {(p.sheet, p.column, p.code) for p in problems}
    assert (None, None, "problem.sheet_missing") in codes
    assert ("ideas", None, "problem.column_missing") in codes
    assert any("scores" in p.format("en") for p in problems)


def test_unreadable_and_absent_files(tmp_path):
    bad = tmp_path / "kapot.xlsx"
    bad.write_text("not a zip")
    _, problems = check_workbook(bad)
    assert [p.code for p in problems] == ["problem.not_a_workbook"]
    _, problems = check_workbook(tmp_path / "nope.xlsx")
    assert [p.code for p in problems] == ["problem.file_missing"]
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "nope.xlsx")
    assert len(info.value.lines()) == 2
