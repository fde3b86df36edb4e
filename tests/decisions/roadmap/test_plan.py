"""Planning the roadmap over yearly budgets: the sample, the option syntaxes, conflicts."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.core.parse import budget_per_year
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.roadmap.plan import plan_roadmap
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import check_plan


def test_sample_roadmap_fits_every_year_and_respects_dependencies():
    wb = read_workbook(SAMPLE)
    per_year = budget_per_year(wb.settings["budget_per_year"])
    assert per_year == {2027: 700_000, 2028: 600_000, 2029: 500_000}
    r = plan_roadmap(wb, lang="en")
    assert r.optimal
    check_plan(r, wb, per_year)
    t = r.table
    # REGIO may not start before 2028 (start_after) and needs FUSIE (2 years) finished first
    if t.loc["REGIO", "funded"]:
        assert t.loc["REGIO", "start"] >= max(2028, t.loc["FUSIE", "end"] + 1)
    assert t.loc["CRM", "reason_kind"] == "not_eligible"
    assert t.loc[~t["funded"], "reason"].str.len().gt(0).all()


def test_shrinking_budgets_from_the_cli_syntax():
    wb = read_workbook(SAMPLE)
    spec = "2027=400000,2028=350000,2029=300000"
    r = plan_roadmap(wb, spec)
    check_plan(r, wb, budget_per_year(spec))
    assert r.total_cost <= 1_050_000


def test_infeasible_roadmap_is_explained():
    wb = read_workbook(SAMPLE)
    r = plan_roadmap(wb, "2027=200000,2028=350000", must="TICKET", lang="en")
    assert r.status == "infeasible"
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
