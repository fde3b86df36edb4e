"""Portfolio selection: published budget case, brute force, constraints, reasons, conflicts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.portfolio import (
    InfeasibleError,
    build_problem,
    funding_probability,
    parse_budget,
    select_portfolio,
    solve,
)

from .portfolio_helpers import brute_force, idea_wb

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


def sample():
    from tests.conftest import SAMPLE

    return read_workbook(SAMPLE)


def test_sample_portfolio_fits_and_is_proven_optimal_and_explains_everyone():
    wb = sample()
    p = select_portfolio(wb, lang="en")
    assert p.optimal and p.budget == 1_500_000
    assert p.total_cost <= p.budget
    t = p.table
    assert set(p.selected) == set(t.index[t["funded"]])
    assert (t["status"].isin(["funded", "not funded"])).all()
    assert t.loc[~t["funded"], "reason"].str.len().gt(0).all(), "every idea not funded has a reason"
    assert t.loc["CRM", "reason_kind"] == "not_eligible"
    assert (
        "Financial viability 1.86 below the threshold 2.00 (0.14 short)" in t.loc["CRM", "reason"]
    )
    assert t.loc["PERSO", "reason_kind"] == "prereq_blocked" and "CRM" in t.loc["PERSO", "reason"]
    # the score column is exactly what rank prints
    from prioritisation.engine.scoring import rank

    r = rank(wb)
    assert t["score"].to_dict() == pytest.approx(r.table["score"].to_dict())
    assert not set(p.selected) & set(r.table.index[~r.table["eligible"]])


def test_budget_line_reason_gives_the_extra_budget_that_adds_it():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
                  {"id": "C", "scores": (3, 3), "cost": 30}])  # fmt: skip
    p = select_portfolio(wb, 100, lang="en")
    assert p.selected == ["A", "C"]  # 1.0 + 0.5 beats A alone, B + C = 0.75 + 0.5
    row = p.table.loc["B"]
    assert row["reason_kind"] == "budget"
    assert row["extra_budget"] == pytest.approx(50 - 10)
    assert "€40 more budget" in row["reason"]
    assert "B" in select_portfolio(wb, 100 + 40).selected


def test_idea_without_cost_is_never_funded_and_says_so():
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": np.nan}, {"id": "B", "scores": (2, 2), "cost": 10}]
    )
    p = select_portfolio(wb, 1000, lang="en")
    assert p.selected == ["B"]
    assert p.table.loc["A", "reason_kind"] == "no_cost"
    assert "no cost known" in p.table.loc["A", "reason"]


def test_groups_must_exclude_and_theme_shares():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 40, "group": "G", "theme": "X"},
             {"id": "B", "scores": (4, 4), "cost": 40, "group": "G", "theme": "X"},
             {"id": "C", "scores": (3, 3), "cost": 40, "theme": "Y"},
             {"id": "D", "scores": (2, 2), "cost": 40, "theme": "Y"}]  # fmt: skip
    wb = idea_wb(ideas)
    p = select_portfolio(wb, 120, lang="en")
    assert p.selected == ["A", "C", "D"]
    assert p.table.loc["B", "reason_kind"] == "group" and "A" in p.table.loc["B", "reason"]
    assert select_portfolio(wb, 120, groups=False).selected == ["A", "B", "C"]
    assert select_portfolio(wb, 120, must="B").selected == ["B", "C", "D"]
    assert select_portfolio(wb, 120, exclude=["A"]).selected == ["B", "C", "D"]
    q = select_portfolio(wb, 120, groups=False, theme_max="X=0.34", lang="en")
    assert q.selected == ["A", "C", "D"]
    assert q.table.loc["B", "reason_kind"] == "theme_max"
    assert select_portfolio(wb, 120, theme_min={"Y": 0.6}, exclude="D").status == "infeasible"


def test_infeasible_constraints_are_named_in_words():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 70}, {"id": "B", "scores": (4, 4), "cost": 50,
                  "depends_on": ("A",)}, {"id": "C", "scores": (3, 3), "cost": 10}])  # fmt: skip
    p = select_portfolio(wb, 100, must="B,C", lang="en")
    assert p.status == "infeasible" and p.selected == []
    assert p.conflicts == [
        "the budget of €100",
        "B must be funded (€120 together with A)",
        "The required ideas cost €120 together, €20 more than the budget €100.",
    ], "C is not part of the conflict: B with its prerequisite alone does not fit"
    with pytest.raises(InfeasibleError) as info:
        p.raise_if_infeasible()
    assert info.value.lines()[0] == "These constraints cannot all hold:"
    q = select_portfolio(wb, 1000, must="B", exclude="A", lang="en")
    assert q.conflicts == ["B must be funded (€120 together with A)", "A is excluded"]
    r = select_portfolio(wb, 1000, theme_min="T=0.5", lang="en")
    assert r.conflicts[0] == "theme T gets at least 50% of the budget (€500)"
    assert "has only €130 of eligible ideas" in r.conflicts[1]


def test_must_on_an_ineligible_idea_says_why():
    wb = idea_wb([{"id": "A", "scores": (1, 5), "cost": 10}, {"id": "B", "scores": (4, 4), "cost": 10,
                  "depends_on": ("A",)}], thresholds=[2.0, np.nan])  # fmt: skip
    p = select_portfolio(wb, 100, must="B", lang="en")
    assert p.conflicts == ["B must be funded, but needs A, which cannot be funded (not eligible)"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"budget": "lots"}, "budget"), ({"budget": -5}, "budget"), ({"must": "NOPE"}, "unknown_idea"),
     ({"theme_min": "Nope=0.2"}, "unknown_theme"), ({"theme_max": "T=2"}, "share"),
     ({"theme_max": "T"}, "share_syntax"), ({"must": "A", "exclude": "A"}, "must_exclude")],
)  # fmt: skip
def test_bad_options_are_usage_errors(kwargs, code):
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}])
    kwargs = {"budget": 100, **kwargs}
    with pytest.raises(UsageError) as info:
        select_portfolio(wb, **kwargs)
    assert info.value.code == f"usage.{code}"


def test_no_budget_anywhere_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        select_portfolio(idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}]))
    assert info.value.code == "usage.no_budget"


def test_parse_budget_understands_belgian_amounts():
    assert parse_budget("1.500.000") == 1_500_000
    assert parse_budget("€ 1 500 000") == 1_500_000
    assert parse_budget(250000) == 250_000


def test_funding_probability_is_reproducible_and_sensible():
    wb = idea_wb([{"id": "A", "scores": (5, 1), "cost": 50}, {"id": "B", "scores": (1, 5), "cost": 50},
                  {"id": "C", "scores": (5, 5), "cost": 50}, {"id": "D", "scores": (1, 1), "cost": 10},
                  {"id": "E", "scores": (5, 5), "cost": 500}])  # fmt: skip
    p = select_portfolio(wb, 110)
    one = funding_probability(p, samples=80, spread=None, seed=3)
    two = funding_probability(p, samples=80, spread=None, seed=3)
    assert one.table["p_funded"].equals(two.table["p_funded"])
    t = one.table
    assert t.loc["C", "p_funded"] == 1.0 and t.loc["C", "verdict_kind"] == "always"
    assert t.loc["A", "p_funded"] + t.loc["B", "p_funded"] == pytest.approx(1.0)
    assert 0.2 < t.loc["A", "p_funded"] < 0.8, "A or B: a coin toss over all weightings"
    assert t.loc["E", "p_funded"] == 0 and t.loc["E", "verdict_kind"] == "never"
