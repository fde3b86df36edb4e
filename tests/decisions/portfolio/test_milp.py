"""The 0–1 program and its solve: a published budget case and brute force on small instances."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.decisions.portfolio import milp
from prioritisation.decisions.portfolio.milp import solve, solve_each
from prioritisation.decisions.portfolio.problem import build_problem
from tests.decisions.portfolio_helpers import brute_force

MERKHOFER_COSTS = [3571, 2857, 5000, 2143]
MERKHOFER_BENEFITS = [5714, 4286, 7857, 2857]


def test_published_budget_case_optimum_beats_benefit_cost_ranking():
    """Merkhofer, prioritysystem.com "mathematics" page (reference-cases.md): budget 10 000;
    the optimum is projects {2, 3, 4} with benefit 15 000, while ranking by benefit/cost and
    funding down the list picks {1, 3} with 13 571."""
    problem = build_problem(["P1", "P2", "P3", "P4"], MERKHOFER_COSTS, [True] * 4, [()] * 4, 10_000)
    solution = solve(problem, MERKHOFER_BENEFITS)
    assert solution.status == "optimal" and solution.gap == pytest.approx(0, abs=1e-9)
    chosen = [p for p, x in zip(problem.ids, solution.x, strict=True) if x]
    assert chosen == ["P2", "P3", "P4"]
    assert sum(np.array(MERKHOFER_BENEFITS)[solution.x]) == 15_000
    # the benefit/cost ranking, funded down the list until the next one does not fit
    ratio = np.argsort([-b / c for b, c in zip(MERKHOFER_BENEFITS, MERKHOFER_COSTS, strict=True)])
    spent, greedy = 0, []
    for i in ratio:
        if spent + MERKHOFER_COSTS[i] > 10_000:
            break
        spent += MERKHOFER_COSTS[i]
        greedy.append(int(i) + 1)
    assert sorted(greedy) == [1, 3]
    assert sum(MERKHOFER_BENEFITS[i - 1] for i in greedy) == 13_571 < 15_000


@st.composite
def instances(draw):
    n = draw(st.integers(1, 8))
    values = draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n))
    costs = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    budget = draw(st.integers(0, sum(costs)))
    requires = sorted({(i, j) for i in range(n) for j in range(i)
                       if draw(st.booleans()) and draw(st.booleans())})  # fmt: skip
    allowed = draw(st.lists(st.booleans(), min_size=n, max_size=n).map(
        lambda bs: [b or k % 3 for k, b in enumerate(bs)]))  # fmt: skip
    group = draw(st.lists(st.sampled_from(["", "", "g1", "g2"]), min_size=n, max_size=n))
    return values, costs, budget, requires, [bool(a) for a in allowed], group


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_milp_matches_brute_force_on_small_instances_with_dependencies(case):
    values, costs, budget, requires, allowed, group = case
    n = len(values)
    ids = [f"I{i}" for i in range(n)]
    deps = [tuple(ids[j] for i2, j in requires if i2 == i) for i in range(n)]
    problem = build_problem(ids, costs, allowed, deps, budget, groups=group)
    solution = solve(problem, values)
    groups = [[k for k in range(n) if group[k] == g] for g in ("g1", "g2")]
    best = brute_force(values, costs, budget, requires, groups, allowed)
    assert solution.feasible
    got = sum(v for v, x in zip(values, solution.x, strict=True) if x)
    assert got == pytest.approx(best[0], abs=n * 1e-6)
    # and the solution itself respects every constraint
    x = solution.x
    assert sum(c for c, b in zip(costs, x, strict=True) if b) <= budget
    assert all(x[j] for i, j in requires if x[i])
    assert all(sum(x[k] for k in g) <= 1 for g in groups)
    assert not any(x[k] and not allowed[k] for k in range(n))


def _larger_problem(n: int = 120, seed: int = 3):
    """A selection HiGHS branches on (a knapsack with prerequisites and exclusive groups)."""
    rng = np.random.default_rng(seed)
    ids = [f"I{i}" for i in range(n)]
    costs = rng.integers(50, 400, n) * 1000
    deps = [(ids[int(rng.integers(0, i))],) if i and rng.random() < 0.3 else () for i in range(n)]
    groups = [f"g{i % 7}" if rng.random() < 0.2 else "" for i in range(n)]
    problem = build_problem(ids, costs, [True] * n, deps, float(costs.sum()) * 0.3, groups=groups)
    return problem, [rng.random(n) for _ in range(6)]


@pytest.mark.parametrize("cores", [1, 2, 4])
def test_solve_each_equals_one_solve_after_another(monkeypatch, capfd, cores):
    """The solves that run side by side (one thread per core) give exactly what the solves
    one by one give, in the same order, and nothing HiGHS prints reaches standard output."""
    monkeypatch.setattr(milp, "workers", lambda: cores)
    problem, values = _larger_problem()
    together = solve_each(problem, values)
    alone = [solve(problem, v) for v in values]
    assert [s.status for s in together] == ["optimal"] * len(values)
    assert [list(s.x) for s in together] == [list(s.x) for s in alone]
    assert capfd.readouterr().out == ""


def test_solve_each_uses_the_cores_it_may_use():
    assert 1 <= milp.workers() <= (os.cpu_count() or 1)
