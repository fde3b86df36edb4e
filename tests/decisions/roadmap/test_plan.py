"""Planning the roadmap over yearly budgets: the sample, the option syntaxes, conflicts."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.core.parse import budget_per_year
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.roadmap.plan import plan_roadmap
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import check_plan, idea_wb


def test_sample_roadmap_fits_every_year_and_respects_dependencies():
    wb = read_workbook(SAMPLE)
    per_year = budget_per_year(wb.settings["budget_per_year"])
    assert per_year == {2027: 700_000, 2028: 600_000, 2029: 500_000}
    for rule in ("best", "priority"):
        r = plan_roadmap(wb, funding_rule=rule, lang="en")
        assert r.rule == rule and r.optimal == (rule == "best")
        check_plan(r, wb, per_year)
        assert r.total_cost <= 1_500_000  # the workbook's total budget binds as well
        t = r.table
        # REGIO may not start before 2028 (start_after) and needs FUSIE (2 years) finished first
        if t.loc["REGIO", "funded"]:
            assert t.loc["REGIO", "start"] >= max(2028, t.loc["FUSIE", "end"] + 1)
        assert t.loc["CRM", "reason_kind"] == "not_eligible"
        assert t.loc[~t["funded"], "reason"].str.len().gt(0).all()


def test_sample_roadmap_in_order_of_priority_starts_each_idea_as_early_as_it_fits():
    wb = read_workbook(SAMPLE)
    r = plan_roadmap(wb, lang="en")
    assert r.rule == "priority" and r.status == "complete"
    assert r.selected == ["ELOKET", "DIGIPUNT", "ZOEK", "DIGICOACH", "LEESCLUB", "PODIUM",
                          "LEESPROMO", "TOEGANK", "UX", "FUSIE", "OPLEID"]  # fmt: skip
    t = r.table
    assert (t.loc["ZOEK", "start"], t.loc["ZOEK", "end"]) == (2027, 2028)
    # UX (rank 7) finds room only in 2029: 2027 and 2028 are full with higher-ranked ideas
    assert t.loc["UX", "start"] == 2029
    assert t.loc["EBOEK", "reason"] == "at EBOEK's turn €5,000 was left, EBOEK costs €300,000"
    best = plan_roadmap(wb, funding_rule="best", lang="en")
    assert r.alternative.selected == tuple(best.selected) and len(best.selected) == 14
    assert r.alternative.text == (
        "With the largest total score, DATA, ERFGOED, LAPTOP, SCHOOL, REGIO would be funded and "
        "ZOEK, PODIUM would drop out; the total score rises by 1.64.")  # fmt: skip
    assert best.alternative.selected == tuple(r.selected)
    assert r.to_json()["alternative"]["rule"] == "best" and r.to_json()["rule"] == "priority"


def test_the_walk_says_when_no_year_has_room():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 100},
                  {"id": "B", "scores": (4, 4), "cost": 120, "duration": 2},
                  {"id": "C", "scores": (3, 3), "cost": 50}])  # fmt: skip
    r = plan_roadmap(wb, {2027: 120, 2028: 100}, lang="en")
    t = r.table
    assert r.selected == ["A", "C"]  # B needs 60 in both years: 20 left in 2027
    assert (t.loc["A", "start"], t.loc["C", "start"]) == (2027, 2028)
    assert t.loc["B", "reason_kind"] == "years"
    assert t.loc["B", "reason"] == ("at B's turn no year had room: €60 a year for 2 years; "
                                    "still free: 2027 €20, 2028 €100")  # fmt: skip


def test_shrinking_budgets_from_the_cli_syntax():
    wb = read_workbook(SAMPLE)
    spec = "2027=400000,2028=350000,2029=300000"
    r = plan_roadmap(wb, spec)
    check_plan(r, wb, budget_per_year(spec))
    assert r.total_cost <= 1_050_000


def test_infeasible_roadmap_is_explained():
    wb = read_workbook(SAMPLE)
    r = plan_roadmap(wb, "2027=200000,2028=350000", must="TICKET", lang="en")
    assert r.status == "infeasible" and r.selected == []
    assert r.conflicts == ["TICKET must be funded, but cannot finish within 2027–2028: earliest "
                           "start 2029 (after ZOEK, PODIUM), duration 1 year"]  # fmt: skip
    r = plan_roadmap(wb, "2027=200000,2028=350000", must="ZOEK,EBOEK", lang="en")
    assert "the budget for 2027 of €200,000" in r.conflicts
    assert any(c.startswith("ZOEK must be funded") for c in r.conflicts)


@pytest.mark.parametrize(
    ("spec", "code"),
    [("2027", "usage.budget_per_year"), ("2027=abc", "usage.budget"), ("2027=1,2029=2", "usage.years_gap"),
     ("twenty=5", "usage.budget_per_year")],
)  # fmt: skip
def test_bad_yearly_budgets_are_usage_errors(spec, code):
    with pytest.raises(UsageError) as info:
        plan_roadmap(read_workbook(SAMPLE), spec)
    assert info.value.code == code


def test_no_yearly_budgets_anywhere_is_a_usage_error():
    wb = read_workbook(SAMPLE)
    wb.settings.pop("budget_per_year")
    with pytest.raises(UsageError) as info:
        plan_roadmap(wb)
    assert info.value.code == "usage.no_years"


def test_yearly_budget_syntaxes_plan_the_same():
    wb = read_workbook(SAMPLE)
    one = plan_roadmap(wb, "2027=700.000; 2028=600.000")
    two = plan_roadmap(wb, {2028: 600_000, "2027": "700000"})
    assert one.selected == two.selected
    assert list(one.years.index) == [2027, 2028]
