"""The roadmap's program is the joint optimum: brute force over every start-year assignment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.decisions.portfolio.problem import build_problem
from prioritisation.decisions.roadmap.model import build_model, left_shift, solve_roadmap
from prioritisation.decisions.roadmap.plan import plan_roadmap
from tests.decisions.portfolio_helpers import best_plan_value, check_plan, idea_wb


def test_roadmap_is_the_joint_optimum_not_a_fixed_set_scheduled():
    """Brute force over every start-year assignment: the plan's value is the best possible."""
    ideas = [{"id": "A", "scores": (5, 5), "cost": 100, "duration": 2},
             {"id": "B", "scores": (4, 4), "cost": 60, "depends_on": ("A",)},
             {"id": "C", "scores": (3, 4), "cost": 50},
             {"id": "D", "scores": (4, 3), "cost": 40, "start_after": 2026},
             {"id": "E", "scores": (2, 2), "cost": 30}]  # fmt: skip
    wb = idea_wb(ideas)
    per_year = {2025: 90, 2026: 80, 2027: 60}
    r = plan_roadmap(wb, per_year, funding_rule="best")
    check_plan(r, wb, per_year)
    assert r.total_value == pytest.approx(best_plan_value(wb, per_year), abs=1e-6)


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
    r = plan_roadmap(wb, per_year, funding_rule="best")
    check_plan(r, wb, per_year)
    assert r.total_value == pytest.approx(best_plan_value(wb, per_year), abs=n * 1e-6)


def test_an_idea_that_cannot_finish_in_time_has_no_start_years_and_left_shift_starts_early():
    problem = build_problem(["A", "B"], [10, 10], [True, True], [(), ()], 100)
    model = build_model(problem, [2027, 2028], [100, 100], [3, 1], [None, 2028])
    assert model.by_idea[0] == () and model.not_before[1] == 1
    solution = solve_roadmap(model, [1.0, 1.0])
    assert solution.feasible and solution.x.sum() == 1
    assert left_shift(model, np.array([-1, 1])).tolist() == [-1, 1], "not before 2028"
