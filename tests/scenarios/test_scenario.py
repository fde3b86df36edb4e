"""Making a scenario: settings checked and resolved, defaults from the workbook, budgets read
with core.parse (prioritisation/scenarios/scenario.py)."""

from __future__ import annotations

import dataclasses

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.scenarios.scenario import make_scenario, parse_thresholds, scenario_budget


def test_defaults_come_from_the_workbook(wb):
    sc = make_scenario(wb, "Basis", "An")
    assert sc.method == "wsm" and sc.aggregate == "mean"
    assert sc.weights == pytest.approx(wb.weights().to_dict())
    assert sc.thresholds == {"innovation": 2.0, "desirability": None, "viability": 2.0,
                             "feasibility": None}  # fmt: skip
    assert sc.budget["total"] == 1500000.0 and sc.budget["per_year"]["2029"] == 500000.0


def test_budget_spellings():
    assert scenario_budget("1.500.000") == {"total": 1500000.0, "per_year": {}}
    assert scenario_budget("€ 1 500 000")["total"] == 1500000.0
    assert scenario_budget(2500) == {"total": 2500.0, "per_year": {}}
    assert scenario_budget("2027=700.000; 2028=600000") == {
        "total": 1300000.0, "per_year": {"2027": 700000.0, "2028": 600000.0}}  # fmt: skip
    assert scenario_budget({"total": None, "per_year": {}}) == {"total": None, "per_year": {}}
    for bad in ("veel", "-5", "2027=", "x=1"):
        with pytest.raises(UsageError):
            scenario_budget(bad)


def test_yearly_budgets_with_a_colon_read_as_with_equals():
    """The known defect: ``2027: 400000`` was not read as a yearly budget."""
    stored = {"total": 700000.0, "per_year": {"2027": 400000.0, "2028": 300000.0}}
    assert scenario_budget("2027=400.000; 2028=300.000") == stored
    assert scenario_budget("2027: 400000, 2028: 300000") == stored


def test_workbook_yearly_budgets_with_a_colon_are_kept(wb):
    book = dataclasses.replace(
        wb, settings={**wb.settings, "budget_per_year": "2027: 400000, 2028: 300000"}
    )
    sc = make_scenario(book, "Jaren", "An")
    assert sc.budget == {"total": 1500000.0, "per_year": {"2027": 400000.0, "2028": 300000.0}}


def test_a_bad_workbook_budget_per_year_is_an_error_not_dropped(wb):
    book = dataclasses.replace(wb, settings={**wb.settings, "budget_per_year": "2027 veel"})
    with pytest.raises(UsageError) as info:
        make_scenario(book, "Jaren", "An")
    assert info.value.code == "usage.budget_per_year"


def test_thresholds_spellings(wb):
    assert parse_thresholds(wb, None) == {"innovation": 2.0, "desirability": None,
                                          "viability": 2.0, "feasibility": None}  # fmt: skip
    found = parse_thresholds(wb, "innovation=none; feasibility=2,5, viability=geen")
    assert found == {"innovation": None, "desirability": None, "viability": None,
                     "feasibility": 2.5}  # fmt: skip
    assert parse_thresholds(wb, "feasibility=3,innovation=-")["innovation"] is None
    assert parse_thresholds(wb, {"innovation": float("nan"), "feasibility": "3"}) == {
        "innovation": None, "desirability": None, "viability": 2.0, "feasibility": 3.0}  # fmt: skip
    assert parse_thresholds(wb, "innovation=1.5")["innovation"] == 1.5


@pytest.mark.parametrize(
    "kwargs, code",
    [({"name": " "}, "scenario_name"), ({"author": ""}, "scenario_author"),
     ({"thresholds": "innovation=9"}, "threshold_value"), ({"thresholds": "x=1"}, "threshold_unknown"),
     ({"thresholds": "innovation=x"}, "threshold_syntax"), ({"budget": "veel"}, "budget"),
     ({"budget": "2027: 400000, 2029: 1"}, "years_gap"), ({"include": "NOPE"}, "selection_unknown"),
     ({"include": "ZOEK", "exclude": "ZOEK"}, "selection_both"), ({"weights": "x=1"}, "weights_unknown"),
     ({"name": "N" * 201}, "name_too_long"), ({"author": "A" * 201}, "author_too_long"),
     ({"note": "x" * 5001}, "note_too_long"), ({"name": "Basis\x1b]0;hallo\x07"}, "name_control"),
     ({"name": "Ba\nsis"}, "name_control"), ({"author": "An\u202eB"}, "author_control"),
     ({"author": "An\x9b"}, "author_control")],
)  # fmt: skip
def test_bad_scenario_settings_are_usage_errors(wb, kwargs, code):
    args = {"name": "S", "author": "An", **kwargs}
    with pytest.raises(UsageError) as info:
        make_scenario(wb, args.pop("name"), args.pop("author"), **args)
    assert info.value.code == f"usage.{code}"


def test_limits_are_stated_in_the_message(wb):
    with pytest.raises(UsageError) as info:
        make_scenario(wb, "N" * 250, "An")
    assert info.value.lines("nl") == [
        "een scenarionaam mag hoogstens 200 tekens lang zijn (deze heeft er 250)"]  # fmt: skip
    assert "at most 5000 characters" in UsageError("usage.note_too_long", limit=5000,
                                                    length=5001).lines("en")[0]  # fmt: skip
    with pytest.raises(UsageError) as info:
        make_scenario(wb, "Basis\x1b[31m", "An")
    assert "\x1b" not in info.value.lines("en")[0] and "Basis?[31m" in info.value.lines("en")[0]
    assert make_scenario(wb, "  Basis  ", "An", note="regel 1\nregel 2").name == "Basis"
