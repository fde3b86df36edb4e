"""Roadmap over yearly budgets (brute force on small cases), and the budget frontier."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio import select_portfolio
from prioritisation.decisions.roadmap import parse_budget_per_year, plan_roadmap

from .conftest import SAMPLE
from .portfolio_helpers import brute_force, idea_wb


def check_plan(roadmap, wb, per_year):
    """Every year within budget, prerequisites finished before a start, within the horizon."""
    t = roadmap.table
    years = list(per_year)
    spend = dict.fromkeys(years, 0.0)
    for iid, row in t[t["funded"]].iterrows():
        d = int(row["duration"])
        assert row["end"] == row["start"] + d - 1 <= years[-1]
        start_after = wb.ideas.loc[iid, "start_after"]
        assert np.isnan(start_after) or row["start"] >= start_after
        for y in range(row["start"], row["start"] + d):
            spend[y] += row["cost"] / d
        for dep in wb.ideas.loc[iid, "depends_on"]:
            assert t.loc[dep, "funded"], (iid, dep)
            assert t.loc[dep, "end"] < row["start"], (iid, dep)
    for y in years:
        assert spend[y] <= per_year[y] + 1e-6
        assert roadmap.years.loc[y, "spend"] == pytest.approx(spend[y])


def test_sample_roadmap_fits_every_year_and_respects_dependencies():
    wb = read_workbook(SAMPLE)
    per_year = parse_budget_per_year(wb.settings["budget_per_year"])
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
    check_plan(r, wb, parse_budget_per_year(spec))
    assert r.total_cost <= 1_050_000


def test_roadmap_is_the_joint_optimum_not_a_fixed_set_scheduled():
    """Brute force over every start-year assignment: the plan's value is the best possible."""
    ideas = [{"id": "A", "scores": (5, 5), "cost": 100, "duration": 2},
             {"id": "B", "scores": (4, 4), "cost": 60, "depends_on": ("A",)},
             {"id": "C", "scores": (3, 4), "cost": 50},
             {"id": "D", "scores": (4, 3), "cost": 40, "start_after": 2026},
             {"id": "E", "scores": (2, 2), "cost": 30}]  # fmt: skip
    wb = idea_wb(ideas)
    per_year = {2025: 90, 2026: 80, 2027: 60}
    r = plan_roadmap(wb, per_year)
    check_plan(r, wb, per_year)
    assert r.total_value == pytest.approx(best_plan_value(wb, per_year), abs=1e-6)


def best_plan_value(wb, per_year):
    years = list(per_year)
    ids = list(wb.ideas.index)
    from prioritisation.engine.scoring import rank

    score = rank(wb).table["score"]
    best = 0.0
    options = [None, *years]
    for starts in itertools.product(options, repeat=len(ids)):
        spend = dict.fromkeys(years, 0.0)
        ok = True
        for iid, s in zip(ids, starts, strict=True):
            if s is None:
                continue
            row = wb.ideas.loc[iid]
            d = int(row["duration"])
            if s + d - 1 > years[-1] or (
                not np.isnan(row["start_after"]) and s < row["start_after"]
            ):
                ok = False
                break
            for dep in row["depends_on"]:
                ds = starts[ids.index(dep)]
                if ds is None or ds + int(wb.ideas.loc[dep, "duration"]) > s:
                    ok = False
            for y in range(s, s + d):
                spend[y] += row["cost"] / d
        if ok and all(spend[y] <= per_year[y] + 1e-9 for y in years):
            best = max(
                best, sum(score[i] for i, s in zip(ids, starts, strict=True) if s is not None)
            )
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    costs=st.lists(st.integers(1, 9), min_size=2, max_size=4),
    budgets=st.lists(st.integers(0, 12), min_size=1, max_size=3),
    data=st.data(),
)
def test_roadmap_matches_brute_force(costs, budgets, data):
    n = len(costs)
    ideas = []
    for i, c in enumerate(costs):
        deps = tuple(f"I{j}" for j in range(i) if data.draw(st.integers(0, 3)) == 0)
        ideas.append({"id": f"I{i}", "scores": (data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))),
                      "cost": c, "duration": data.draw(st.integers(1, 2)), "depends_on": deps})  # fmt: skip
    wb = idea_wb(ideas)
    per_year = {2030 + k: float(b) for k, b in enumerate(budgets)}
    r = plan_roadmap(wb, per_year)
    check_plan(r, wb, per_year)
    assert r.total_value == pytest.approx(best_plan_value(wb, per_year), abs=n * 1e-6)


def test_infeasible_roadmap_is_explained():
    wb = read_workbook(SAMPLE)
    r = plan_roadmap(wb, "2027=200000,2028=350000", must="TICKET", lang="en")
    assert r.status == "infeasible"
    assert r.conflicts == ["TICKET must be funded, but cannot finish within 2027–2028: earliest "
                           "start 2029 (after ZOEK, PODIUM), duration 1 year"]  # fmt: skip
    r = plan_roadmap(wb, "2027=200000,2028=350000", must="ZOEK,EBOEK", lang="en")
    assert "the budget for 2027 of €200,000" in r.conflicts
    assert any(c.startswith("ZOEK must be funded") for c in r.conflicts)


@pytest.mark.parametrize("spec", ["2027", "2027=abc", "2027=1,2029=2", "", "twenty=5"])
def test_bad_yearly_budgets_are_usage_errors(spec):
    with pytest.raises(UsageError):
        parse_budget_per_year(spec)


def test_yearly_budget_syntaxes():
    assert parse_budget_per_year("2027=700.000; 2028=600.000") == {2027: 700_000, 2028: 600_000}
    assert parse_budget_per_year({2028: 5, 2027: "1.000"}) == {2027: 1000, 2028: 5}


# --------------------------------------------------------------------------- frontier


def test_frontier_values_are_the_optimum_at_each_level_and_non_decreasing():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 30, "depends_on": ("B",)},
             {"id": "D", "scores": (1, 1), "cost": 10}, {"id": "X", "scores": (5, 5), "cost": np.nan}]  # fmt: skip
    wb = idea_wb(ideas)
    p = select_portfolio(wb, 100)
    f = budget_frontier(p, levels=16)
    pts = f.points
    assert pts["budget"].iloc[0] == 0 and pts["budget"].iloc[-1] == 150  # all fundable ideas
    assert (np.diff(pts["value"]) >= -1e-12).all()
    values = [1.0, 0.75, 0.5, 0.0]
    costs = [60, 50, 30, 10]
    for b, v in zip(pts["budget"], pts["value"], strict=True):
        assert v == pytest.approx(brute_force(values, costs, b, [(2, 1)])[0])
    e = f.entries
    # A enters at 60, is pushed out at 80 by B + C (1.25 > 1.0) and comes back at 140
    assert e.loc["A", "enters_at"] == 60 and not e.loc["A", "stays"]
    assert pts.set_index("budget").loc[80, "selected"] == ("B", "C")
    assert "A" in pts.set_index("budget").loc[80, "leaving"]
    assert e.loc["B", "enters_at"] == 50
    assert np.isnan(e.loc["X", "enters_at"])


def test_frontier_on_the_sample_ends_with_every_fundable_idea():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb)
    f = budget_frontier(p, levels=5)
    last = set(f.points["selected"].iloc[-1])
    fundable = set(p.table.index[~p.table["reason_kind"].isin(["not_eligible", "prereq_blocked"])])
    assert last == fundable
    with pytest.raises(UsageError):
        budget_frontier(p, levels=1)
