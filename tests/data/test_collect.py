"""Collecting returned forms: template → filled form → collect, and every way a form can go wrong."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from openpyxl import load_workbook

from prioritisation.data.collect import collect
from prioritisation.data.forms import write_template
from prioritisation.data.workbook import file_sha256, read_workbook
from tests.conftest import run_cli
from tests.forms_helpers import fill, round_book


@pytest.fixture
def book(tmp_path):
    return round_book(tmp_path)


@pytest.fixture
def wb(book):
    return read_workbook(book)


def test_template_collect_round_trip(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    bart = write_template(wb, "Bart", tmp_path / "bart.xlsx")
    fill(an, {(2, "Innovatiewaarde"): 5, (3, "Haalbaarheid"): 10, (4, "Kostenfit"): 1.5},
         comment={2: '=HYPERLINK("http://evil")'})  # fmt: skip
    fill(bart, {(r, h): v for r in (2, 3, 4) for h, v in
                (("Innovatiewaarde", 3), ("Haalbaarheid", 6), ("Kostenfit", 2))})  # fmt: skip
    result = collect(wb, [an, bart])
    assert result.ok, result.problems
    report = result.report().set_index("assessor")
    assert report.loc["Bart", "filled"] == 9 and report.loc["Bart", "complete"] == 1.0
    assert report.loc["An", "filled"] == 5  # 3 prefilled (one changed) + 2 new
    assert (
        report.loc["An", "new"],
        report.loc["An", "changed"],
        report.loc["An", "unchanged"],
    ) == (2, 1, 2)
    assert report.loc["An", "missing"] == "A; B; C"
    changed = result.changes.dropna(subset=["old"])
    assert changed[["idea_id", "criterion_id", "old", "new"]].values.tolist() == [
        ["A", "innovation", 4.0, 5.0]
    ]

    out = tmp_path / "merged.xlsx"
    proc = run_cli("collect", book, an, bart, "--out", out, check_exit=0)
    assert "Samengevoegd" in proc.stdout and "4,0 → 5,0" in proc.stdout
    merged = read_workbook(out)
    s = merged.scores.set_index(["idea_id", "criterion_id", "assessor"])["score"]
    assert s[("A", "innovation", "An")] == 5 and s[("C", "cost_fit", "An")] == 1.5
    assert s[("B", "feasibility", "Bart")] == 6 and len(s) == 3 + 2 + 9
    comments = merged.scores.set_index(["idea_id", "assessor"])["comment"]
    assert set(comments.loc[("A", "An")]) == {'=HYPERLINK("http://evil")'}
    assert merged.ideas.loc["A", "title"] == '=HYPERLINK("http://x","klik")'
    raw = load_workbook(out)["scores"]
    assert all(c.data_type != "f" for row in raw.iter_rows() for c in row)
    assert file_sha256(book) == wb.sha256  # the input workbook was not touched
    doc = json.loads(run_cli("collect", book, an, bart, "--out", tmp_path / "m2.xlsx", "--format",
                             "json", check_exit=0).stdout)  # fmt: skip
    assert {f["assessor"]: f["filled"] for f in doc["forms"]} == {"An": 5, "Bart": 9}


def test_empty_cells_keep_the_workbooks_scores(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx", prefill=False)
    fill(an, {(3, "Haalbaarheid"): 8})
    result = collect(wb, [an])
    s = result.workbook.scores.set_index(["idea_id", "criterion_id", "assessor"])["score"]
    assert s[("A", "innovation", "An")] == 4 and s[("B", "feasibility", "An")] == 8


def test_value_in_unknown_column_is_not_dropped(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    book_ = load_workbook(an)
    book_.worksheets[0]["J3"] = 4
    book_.save(an)
    result = collect(wb, [an])
    (problem,) = result.problems["an.xlsx"]
    assert (problem.row, problem.column, problem.code) == (3, "J", "problem.form_unknown_column")


def test_same_form_twice_counts_duplicates(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    copy = tmp_path / "an-kopie.xlsx"
    shutil.copy(an, copy)
    result = collect(wb, [an, copy])
    assert result.ok
    assert result.report()["duplicates"].tolist() == [0, 3]
    assert np.array_equal(result.workbook.scores["score"].to_numpy(), wb.scores["score"].to_numpy())
