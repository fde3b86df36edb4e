"""Reading and validating workbooks: formats, aliases, and every problem located."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.errors import WorkbookError
from prioritisation.data.workbook import check_workbook, read_workbook, to_number, write_workbook
from tests.conftest import xlsx

IDEAS = [["id", "title", "theme", "cost", "depends_on"], ["A", "Alpha", "T1", 100, None],
         ["B", "Beta", "T2", 200, "A"]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 4],
          ["B", "innovation", "An", 2]]  # fmt: skip


def locations(problems):
    return [(p.sheet, p.row, p.column, p.code) for p in problems]


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


def test_dutch_headings_and_sheet_names_are_aliases(tmp_path):
    path = xlsx(
        tmp_path,
        ideeën=[["ID", "Titel", "Thema", "Kost", "Afhankelijk van", "Eigenaar", "budgetlijn"],
                ["A", "Alfa", "T", "1.234,50", None, "Bib", "x1"], ["B", "Bèta", "T", 5, "A", "", "x2"]],
        beoordelingen=[["Idee", "Criterium", "Beoordelaar", "Score", "Opmerking"],
                       ["A", "innovation", "An", "3,5", "goed"]],
    )  # fmt: skip
    wb = read_workbook(path)
    assert wb.ideas.loc["A", "cost"] == 1234.5
    assert wb.ideas.loc["B", "depends_on"] == ("A",)
    assert wb.ideas.loc["A", "owner"] == "Bib"
    assert wb.ideas.loc["B", "budgetlijn"] == "x2", "extra columns are kept"
    row = wb.scores.iloc[0]
    assert row["score"] == 3.5 and row["comment"] == "goed"


def test_wide_scores_form(tmp_path):
    path = xlsx(
        tmp_path, ideas=IDEAS,
        scores=[["idea_id", "assessor", "innovation", "desirability", "viability", "feasibility"],
                ["A", "An", 4, 3, None, 5], ["B", "An", 2, 2, 2, 2]],
    )  # fmt: skip
    wb = read_workbook(path)
    a = wb.scores[(wb.scores.idea_id == "A")].set_index("criterion_id")["score"]
    assert a["innovation"] == 4 and a["feasibility"] == 5 and np.isnan(a["viability"])


def test_csv_folder_as_belgian_excel_writes_it(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "ideeen.csv").write_bytes(
        "id;titel;thema;kost\r\nA;Leesbevordering één;Rijk leesklimaat;12.500\r\nB;Café;T;3,5\r\n".encode(
            "cp1252"
        )
    )
    (folder / "scores.csv").write_bytes(
        "\ufeffidee;criterium;beoordelaar;score\nA;innovation;Zoë;3,5\nB;innovation;Zoë;4\n".encode()
    )
    wb = read_workbook(folder)
    assert wb.ideas.loc["A", "title"] == "Leesbevordering één"
    assert wb.ideas.loc["A", "cost"] == 12500.0, (
        "a Dutch CSV's 12.500 is twelve thousand five hundred"
    )
    assert wb.ideas.loc["B", "cost"] == 3.5
    assert wb.scores.iloc[0]["assessor"] == "Zoë" and wb.scores.iloc[0]["score"] == 3.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3,5", 3.5), ("3.5", 3.5), ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("€ 12 500", 12500.0),
     (" 7 ", 7.0), (4, 4.0), (None, None), ("", None)],
)  # fmt: skip
def test_to_number(text, expected):
    assert to_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "3,5,x", "1/2", True, float("inf")])
def test_to_number_rejects(text):
    with pytest.raises(ValueError):
        to_number(text)


def test_every_problem_is_reported_with_its_location(tmp_path):
    """The bad-workbook test: each message names sheet, Excel row (header = 1) and column."""
    path = xlsx(
        tmp_path,
        criteria=[["id", "label", "direction", "scale_min", "scale_max", "weight", "threshold"],
                  ["q", "Kwaliteit", "benefit", 1, 5, 1, None],               # row 2 fine
                  ["r", "Risico", "sideways", 5, 1, -2, None],                # row 3: 3 problems
                  ["q", "Nog eens", "cost", 0, 10, 1, 12]],                    # row 4: dup, threshold
        ideas=[["id", "title", "cost", "depends_on"],
               ["A", "Alfa", 10, "B"],                                         # row 2
               ["B", "", -1, "A"],                                             # row 3: title, cost; cycle
               ["A", "Dubbel", 5, None],                                       # row 4: dup id
               ["C", "Gamma", "veel", "X; C"]],                                # row 5: cost, unknown, self
        scores=[["idea_id", "criterion_id", "assessor", "score"],
                ["A", "q", "An", 6],                                           # row 2: outside scale
                ["A", "q", "An", 3],                                           # row 3: duplicate
                ["Z", "q", "An", 3],                                           # row 4: unknown idea
                ["A", "zz", "An", 3],                                          # row 5: unknown criterion
                ["A", "q", "Bo", "veel"],                                      # row 6: not a number
                ["A", "q", None, 3]],                                          # row 7: no assessor
    )  # fmt: skip
    wb, problems = check_workbook(path)
    assert wb is None
    got = set(locations(problems))
    expected = {
        ("criteria", 3, "direction", "bad_direction"),
        ("criteria", 3, "scale_max", "scale_order"),
        ("criteria", 3, "weight", "negative"),
        ("criteria", 4, "id", "duplicate_id"),
        ("ideas", 2, "depends_on", "dependency_cycle"),
        ("ideas", 3, "title", "empty"),
        ("ideas", 3, "cost", "negative"),
        ("ideas", 4, "id", "duplicate_id"),
        ("ideas", 5, "cost", "not_a_number"),
        ("ideas", 5, "depends_on", "unknown_dependency"),
        ("ideas", 5, "depends_on", "self_dependency"),
        ("scores", 2, "score", "score_outside"),
        ("scores", 3, "score", "duplicate_score"),
        ("scores", 4, "idea_id", "unknown_idea"),
        ("scores", 5, "criterion_id", "unknown_criterion"),
        ("scores", 6, "score", "not_a_number"),
        ("scores", 7, "assessor", "empty"),
    }
    assert expected <= got, expected - got
    assert got <= expected, got - expected
    messages = {(p.sheet, p.row): p.format("en") for p in problems}
    assert messages[("scores", 2)] == (
        "sheet 'scores', row 2, column 'score': score 6 is outside the scale 1–5 of criterion 'q'"
    )
    assert "A → B → A" in messages[("ideas", 2)]
    assert "'veel'" in messages[("scores", 6)], "the message quotes the bad value"


def test_problem_columns_are_named_as_the_user_wrote_them(tmp_path):
    path = xlsx(tmp_path, ideeen=[["id", "titel", "kost"], ["A", "Alfa", "-3"]],
                scores=[["idee", "criterium", "beoordelaar", "score"], ["A", "innovation", "An", 3]])  # fmt: skip
    _, problems = check_workbook(path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("ideeen", 2, "kost")]
    assert (
        problems[0].format("nl")
        == "blad 'ideeen', rij 2, kolom 'kost': '-3' is negatief; verwacht een getal ≥ 0"
    )


def test_missing_sheets_and_columns(tmp_path):
    path = xlsx(tmp_path, ideas=[["naam_onbekend", "title"], ["x", "y"]])
    _, problems = check_workbook(path)
    codes = {(p.sheet, p.column, p.code) for p in problems}
    assert (None, None, "sheet_missing") in codes
    assert ("ideas", None, "column_missing") in codes
    assert any("scores" in p.format("en") for p in problems)


def test_unreadable_and_absent_files(tmp_path):
    bad = tmp_path / "kapot.xlsx"
    bad.write_text("not a zip")
    _, problems = check_workbook(bad)
    assert [p.code for p in problems] == ["not_a_workbook"]
    _, problems = check_workbook(tmp_path / "nope.xlsx")
    assert [p.code for p in problems] == ["file_missing"]
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "nope.xlsx")
    assert len(info.value.lines()) == 2


def test_all_zero_weights_is_a_problem(tmp_path):
    path = xlsx(tmp_path, criteria=[["id", "weight"], ["a", 0], ["b", 0]], ideas=IDEAS,
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "a", "An", 3]])  # fmt: skip
    _, problems = check_workbook(path)
    assert [p.code for p in problems] == ["all_weights_zero"]


def test_settings_and_pairwise_are_parsed_and_checked(tmp_path):
    path = xlsx(
        tmp_path, ideas=IDEAS, scores=SCORES,
        instellingen=[["sleutel", "waarde"], ["taal", "en"], ["titel", "Agenda"], ["budget", "1.000.000"]],
        pairwise=[["assessor", "criterion_a", "criterion_b", "value"],
                  ["An", "innovation", "viability", 3], ["An", "innovation", "desirability", "1/5"]],
    )  # fmt: skip
    wb = read_workbook(path)
    assert wb.settings == {"language": "en", "title": "Agenda", "budget": 1_000_000.0}
    assert wb.pairwise["value"].tolist() == pytest.approx([3.0, 0.2])
    bad = xlsx(tmp_path, "bad.xlsx", ideas=IDEAS, scores=SCORES,
               settings=[["key", "value"], ["language", "fr"]],
               pairwise=[["assessor", "criterion_a", "criterion_b", "value"], ["An", "innovation", "x", 12]])  # fmt: skip
    _, problems = check_workbook(bad)
    assert {(p.sheet, p.row, p.code) for p in problems} == {
        ("settings", 2, "bad_language"), ("pairwise", 2, "unknown_criterion"), ("pairwise", 2, "pairwise_value")
    }  # fmt: skip


def test_write_then_read_round_trip(tmp_path, sample_path):
    wb = read_workbook(sample_path)
    again = read_workbook(write_workbook(wb, tmp_path / "copy.xlsx"))
    cols = ["title", "theme", "description", "cost", "depends_on", "owner", "duration"]
    assert again.ideas[cols].equals(wb.ideas[cols])
    assert again.scores.drop(columns="row").equals(wb.scores.drop(columns="row"))
    assert again.criteria[["label", "weight", "threshold"]].equals(
        wb.criteria[["label", "weight", "threshold"]]
    )


def test_formula_looking_title_is_read_as_text(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", '=HYPERLINK("http://x","klik")']],
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 3]])  # fmt: skip
    assert read_workbook(path).ideas.loc["A", "title"].startswith("=HYPERLINK")
