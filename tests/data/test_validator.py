"""Validating: every problem located (sheet, Excel row, column as written), settings, AHP."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.data.workbook import check_workbook, read_workbook
from tests.conftest import xlsx

IDEAS = [["id", "title", "theme", "cost", "depends_on"], ["A", "Alpha", "T1", 100, None],
         ["B", "Beta", "T2", 200, "A"]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 4],
          ["B", "innovation", "An", 2]]  # fmt: skip


def locations(problems):
    return [(p.sheet, p.row, p.column, p.code) for p in problems]


def test_wide_scores_form(tmp_path):
    path = xlsx(
        tmp_path, ideas=IDEAS,
        scores=[["idea_id", "assessor", "innovation", "desirability", "viability", "feasibility"],
                ["A", "An", 4, 3, None, 5], ["B", "An", 2, 2, 2, 2]],
    )  # fmt: skip
    wb = read_workbook(path)
    a = wb.scores[(wb.scores.idea_id == "A")].set_index("criterion_id")["score"]
    assert a["innovation"] == 4 and a["feasibility"] == 5 and np.isnan(a["viability"])


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
        ("criteria", 3, "direction", "problem.bad_direction"),
        ("criteria", 3, "scale_max", "problem.scale_order"),
        ("criteria", 3, "weight", "problem.negative"),
        ("criteria", 4, "id", "problem.duplicate_id"),
        ("ideas", 2, "depends_on", "problem.dependency_cycle"),
        ("ideas", 3, "title", "problem.empty"),
        ("ideas", 3, "cost", "problem.negative"),
        ("ideas", 4, "id", "problem.duplicate_id"),
        ("ideas", 5, "cost", "problem.not_a_number"),
        ("ideas", 5, "depends_on", "problem.unknown_dependency"),
        ("ideas", 5, "depends_on", "problem.self_dependency"),
        ("scores", 2, "score", "problem.score_outside"),
        ("scores", 3, "score", "problem.duplicate_score"),
        ("scores", 4, "idea_id", "problem.unknown_idea"),
        ("scores", 5, "criterion_id", "problem.unknown_criterion"),
        ("scores", 6, "score", "problem.not_a_number"),
        ("scores", 7, "assessor", "problem.empty"),
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


def test_all_zero_weights_is_a_problem(tmp_path):
    path = xlsx(tmp_path, criteria=[["id", "weight"], ["a", 0], ["b", 0]], ideas=IDEAS,
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "a", "An", 3]])  # fmt: skip
    _, problems = check_workbook(path)
    assert [p.code for p in problems] == ["problem.all_weights_zero"]


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
        ("settings", 2, "problem.bad_language"), ("pairwise", 2, "problem.unknown_criterion"), ("pairwise", 2, "problem.pairwise_value")
    }  # fmt: skip


def test_a_duplicated_idea_id_gives_one_message_not_one_per_score_row(tmp_path):
    """Score rows that refer to a duplicated id are not each reported again."""
    path = xlsx(
        tmp_path,
        ideas=[["id", "title"], ["A", "Alfa"], ["B", "Beta"], ["A", "Alfa bis"]],
        scores=[["idea_id", "criterion_id", "assessor", "score"]]
        + [["A", c, who, 3] for c in ("innovation", "viability") for who in ("An", "Bo", "Cas")]
        + [["B", "innovation", "An", 4]],
    )
    _, problems = check_workbook(path)
    assert locations(problems) == [("ideas", 4, "id", "problem.duplicate_id")]
    assert problems[0].format("en").endswith("id 'A' appears twice (first on row 2)")


SETTINGS_CASES = [
    ("budget", "veel", "usage.budget",
     "sheet 'settings', row 2, column 'value': budget 'veel' is not an amount ≥ 0 (e.g. 1500000 "
     "or 1.500.000)"),
    ("budget", "-5", "usage.budget", None),
    ("budget", "2027=700.000; 2028=x", "usage.budget", None),
    ("budget_per_year", "2027=700000; 2029=500000", "usage.years_gap",
     "sheet 'settings', row 2, column 'value': the years of the yearly budgets must follow each "
     "other (2027, 2029)"),
    ("jaarbudgetten", "veel", "usage.budget_per_year", None),
    ("budget_per_year", 700000, "usage.budget_per_year", None),
    ("method", "9999=1", "problem.bad_setting",
     "sheet 'settings', row 2, column 'value': '9999=1' is not a valid value for 'method'; "
     "choose from promethee, topsis, wpm, wsm"),
    ("methode", "WSM", "problem.bad_setting", None),
    ("aggregate", "average", "problem.bad_setting", None),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "code", "message"), SETTINGS_CASES)
def test_a_setting_the_parser_cannot_read_is_a_located_problem(tmp_path, key, value, code, message):
    path = xlsx(tmp_path, ideas=IDEAS, scores=SCORES, settings=[["key", "value"], [key, value]])
    _, problems = check_workbook(path)
    assert locations(problems) == [("settings", 2, "value", code)]
    if message:
        assert problems[0].format("en") == message


def test_settings_the_parser_reads_are_kept(tmp_path):
    path = xlsx(tmp_path, ideas=IDEAS, scores=SCORES, settings=[
        ["key", "value"], ["budget", "€ 1.500.000"], ["method", "topsis"], ["aggregate", "median"],
        ["budget_per_year", "2027=700.000; 2028: 600000"]])  # fmt: skip
    wb = read_workbook(path)
    assert wb.settings == {"budget": 1_500_000.0, "method": "topsis", "aggregate": "median",
                           "budget_per_year": "2027=700.000; 2028: 600000"}  # fmt: skip
    yearly = xlsx(tmp_path, "y.xlsx", ideas=IDEAS, scores=SCORES,
                  settings=[["key", "value"], ["budget", "2027=700000; 2028=600000"]])  # fmt: skip
    assert read_workbook(yearly).settings["budget"] == "2027=700000; 2028=600000"
