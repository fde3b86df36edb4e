"""The roadmap in order of priority: a valid plan, each idea as early as it fits, nothing
passed that still fits, and required ideas placed even when the walk alone cannot."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.decisions.portfolio.problem import build_problem
from prioritisation.decisions.roadmap.model import build_model
from prioritisation.decisions.roadmap.plan import plan_roadmap
from prioritisation.decisions.roadmap.walk import schedule_walk
from tests.decisions.portfolio_helpers import check_plan, idea_wb


def test_prerequisites_come_first_and_a_later_idea_never_moves_an_earlier_one():
    # ranking C, B, A; C needs A (2 years) finished first
    p = build_problem(["A", "B", "C"], [100, 90, 50], [True] * 3, [(), (), ("A",)], 1000)
    m = build_model(p, [2027, 2028, 2029], [100, 100, 150], [2, 1, 1], [None] * 3)
    w = schedule_walk(m, [2, 1, 0])
    assert [m.years[s] for s in w.start] == [2027, 2029, 2029]
    assert w.skipped == {}


def test_a_required_idea_the_walk_cannot_place_goes_where_the_exact_plan_puts_it():
    # A (rank 1) takes 2027; B must be funded and only fits in 2027 (start_after is not the
    # issue: it lasts 2 years); the exact plan puts B in 2027 and A in 2029
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 60},
                  {"id": "B", "scores": (1, 1), "cost": 160, "duration": 2}])  # fmt: skip
    r = plan_roadmap(wb, {2027: 100, 2028: 100}, must="B", lang="en")
    assert r.status == "complete" and r.table.loc["B", "start"] == 2027
    assert r.table.loc["B", "reason_kind"] == "must"


@st.composite
def plans(draw):
    n = draw(st.integers(1, 6))
    ideas = []
    for k in range(n):
        idea = {"id": f"I{k}", "scores": (draw(st.integers(1, 5)), draw(st.integers(1, 5))),
                "cost": draw(st.integers(1, 12)), "duration": draw(st.integers(1, 2)),
                "group": draw(st.sampled_from(["", "", "G"]))}  # fmt: skip
        if k and draw(st.booleans()):
            idea["depends_on"] = (f"I{draw(st.integers(0, k - 1))}",)
        ideas.append(idea)
    per_year = {2030 + k: float(draw(st.integers(0, 12))) for k in range(draw(st.integers(1, 3)))}
    total = draw(st.one_of(st.none(), st.integers(0, 40)))
    return ideas, per_year, total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_the_walk_plans_validly_and_passes_nothing_that_still_fits(case):
    ideas, per_year, total = case
    wb = idea_wb(ideas)
    r = plan_roadmap(wb, per_year, budget=total)
    assert r.rule == "priority" and r.status == "complete"
    check_plan(r, wb, per_year)
    cap = sum(per_year.values()) if total is None else total
    assert r.total_cost <= cap + 1e-9
    t = r.table
    years = list(per_year)
    free = r.years["remaining"].to_dict()
    funded = set(r.selected)
    groups = {i["id"] for i in ideas if i["group"] == "G"}
    for idea in ideas:  # maximal: an idea whose prerequisites are planned fits nowhere more
        iid = idea["id"]
        deps = idea.get("depends_on", ())
        if iid in funded or not all(d in funded for d in deps):
            continue
        if iid in groups and groups & funded:
            continue
        if r.total_cost + idea["cost"] > cap + 1e-9:
            continue
        d = idea["duration"]
        first = max([years[0]] + [int(t.loc[j, "end"]) + 1 for j in deps])
        for s in range(first, years[-1] - d + 2):
            assert not all(free[y] + 1e-9 >= idea["cost"] / d for y in range(s, s + d)), (iid, s)
    best = plan_roadmap(wb, per_year, budget=total, funding_rule="best")
    assert best.total_value >= r.total_value - 1e-6
    assert r.alternative.selected == tuple(best.selected)
    assert np.isclose(r.alternative.value_change, best.total_value - r.total_value)
