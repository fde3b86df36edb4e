"""Satisfaction, the members' own optima and the compromise set
(prioritisation/decisions/compromise.py): a hand-checked example, the tie-breaks, and a
hypothesis property against brute force over every subset of small instances."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.decisions.compromise import (
    compromise,
    core_contested_never,
    member_values,
    own_optima,
    own_optimum,
    satisfaction,
)
from prioritisation.engine.run import resolve_run
from tests.decisions.portfolio_helpers import idea_wb

# ---------------------------------------------------------------- a worked example by hand
#
# Two criteria on a 1–5 scale (normalised (s − 1) / 4), budget 100.
#   idea  cost  a  b   normalised   An (a only)   Bo (b only)
#   A1    100   5  1   (1, 0)       1             0
#   A2     50   4  1   (.75, 0)     .75           0
#   B1    100   1  5   (0, 1)       0             1
#   B2     50   1  4   (0, .75)     0             .75
# An's optimum is {A1} (1 > .75), Bo's {B1}. Every set within 100:
#   {A1}: An 1, Bo 0; {B1}: 0, 1; {A2}: .75, 0; {B2}: 0, .75; {A2, B2}: .75, .75; {}: 0, 0.
# The lowest satisfaction is largest for {A2, B2}: .75 — two ideas that neither member's
# own optimum funds (core: none; contested: A1, B1; never: A2, B2).

OPPOSITE = [
    {"id": "A1", "scores": (5, 1), "cost": 100},
    {"id": "A2", "scores": (4, 1), "cost": 50},
    {"id": "B1", "scores": (1, 5), "cost": 100},
    {"id": "B2", "scores": (1, 4), "cost": 50},
]
AN_BO = pd.DataFrame({"c0": [1.0, 0.0], "c1": [0.0, 1.0]}, index=["An", "Bo"])


def test_worked_example_by_hand():
    run = resolve_run(idea_wb(OPPOSITE), budget=100)
    assert member_values(run, AN_BO.loc["An"]).tolist() == [1.0, 0.75, 0.0, 0.0]
    own = own_optima(run, AN_BO)
    assert (own["An"].funded, own["Bo"].funded) == (("A1",), ("B1",))
    assert own["An"].total == 1.0 and own["An"].cost == 100.0
    result = compromise(run, AN_BO, own=own)
    assert result.funded == ("A2", "B2")
    assert result.per_member.to_dict() == {"An": 0.75, "Bo": 0.75}
    assert result.min_satisfaction == 0.75 and result.least == ("An", "Bo")
    assert (result.status, result.gap, result.cost) == ("optimal", 0.0, 100.0)
    assert result.group_total == pytest.approx(0.75)  # mean weights (.5, .5): .375 + .375
    split = core_contested_never(own, list(run.wb.ideas.index))
    assert split.core == () and split.never == ("A2", "B2")
    assert dict(split.contested) == {"A1": (("An",), ("Bo",)), "B1": (("Bo",), ("An",))}
    assert satisfaction(run, AN_BO.loc["An"], ["A1"]) == 1.0
    assert satisfaction(run, AN_BO.loc["Bo"], ["A2", "B2"]) == 0.75


def test_the_compromise_is_not_the_set_the_group_weights_fund():
    # An and Bo weigh only a, Cas only b: the mean weights (2/3, 1/3) fund A1 (2/3 against
    # .75 · 2/3 + .25 · 1/3 = 7/12 for A2 + B2), leaving Cas at 0; the compromise A2 + B2
    # gives An and Bo .75 and Cas .25.
    ideas = [
        {"id": "A1", "scores": (5, 1), "cost": 100},
        {"id": "A2", "scores": (4, 1), "cost": 50},
        {"id": "B1", "scores": (1, 5), "cost": 100},
        {"id": "B2", "scores": (1, 2), "cost": 50},
    ]
    sets = pd.DataFrame({"c0": [1.0, 1.0, 0.0], "c1": [0.0, 0.0, 1.0]}, index=["An", "Bo", "Cas"])
    run = resolve_run(idea_wb(ideas), budget=100, funding_rule="best")
    from prioritisation.decisions.portfolio.selection import select_run

    assert select_run(run.with_weights(sets.mean())).selected == ["A1"]
    result = compromise(run, sets)
    assert result.funded == ("A2", "B2")
    assert result.per_member.to_dict() == {"An": 0.75, "Bo": 0.75, "Cas": 0.25}
    assert result.least == ("Cas",) and result.group_total == pytest.approx(7 / 12)


def test_ties_go_to_the_group_total_then_to_the_lower_cost():
    # Both members value X and Y alike (min satisfaction 1 with either, budget for one):
    # the group's weights prefer nothing, so the cheaper one wins; with Z as good as X for
    # both but better under the group's weights, Z wins over the cheaper X.
    ideas = [{"id": "X", "scores": (5, 5), "cost": 60}, {"id": "Y", "scores": (5, 5), "cost": 80}]
    sets = pd.DataFrame({"c0": [1.0, 0.0], "c1": [0.0, 1.0]}, index=["An", "Bo"])
    run = resolve_run(idea_wb(ideas), budget=100)
    assert compromise(run, sets).funded == ("X",)
    ideas = [{"id": "X", "scores": (5, 3), "cost": 60}, {"id": "Z", "scores": (5, 3), "cost": 80}]
    run = resolve_run(idea_wb(ideas), budget=100)
    sets = pd.DataFrame({"c0": [1.0, 1.0], "c1": [0.0, 0.0]}, index=["An", "Bo"])
    # the group's weights put everything on c1 where X and Z tie: the cheaper X
    assert compromise(run, sets, pd.Series({"c0": 0.0, "c1": 1.0})).funded == ("X",)
    ideas[1]["scores"] = (5, 4)  # Z now better on c1 only: members indifferent, group not
    run = resolve_run(idea_wb(ideas), budget=100)
    assert compromise(run, sets, pd.Series({"c0": 0.0, "c1": 1.0})).funded == ("Z",)


def test_a_member_whose_optimum_is_worth_nothing_is_satisfied_by_any_set():
    ideas = [{"id": "A", "scores": (5, 1), "cost": 10}, {"id": "B", "scores": (3, 1), "cost": 10}]
    run = resolve_run(idea_wb(ideas), budget=10)
    sets = pd.DataFrame({"c0": [1.0, 0.0], "c1": [0.0, 1.0]}, index=["An", "Bo"])
    result = compromise(run, sets)
    assert result.funded == ("A",) and result.per_member["Bo"] == 1.0
    assert satisfaction(run, sets.loc["Bo"], []) == 1.0


def test_constraints_that_cannot_hold_give_no_compromise():
    run = resolve_run(idea_wb(OPPOSITE), budget=100, must="A1,B1")
    result = compromise(run, AN_BO)
    assert result.status == "infeasible" and result.funded == ()
    assert math.isnan(result.min_satisfaction)


def test_the_own_optimum_is_the_best_rule_whatever_rule_the_run_uses():
    run = resolve_run(idea_wb(OPPOSITE), budget=100, funding_rule="priority")
    # the walk down An's ranking funds A1 too; a budget of 150 shows the difference:
    run = resolve_run(idea_wb(OPPOSITE), budget=150, funding_rule="priority")
    weights = pd.Series({"c0": 1.0, "c1": 0.2})
    # values: A1 1/1.2, A2 .75/1.2, B1 .2/1.2, B2 .15/1.2 → best within 150: A1 + A2
    mine = own_optimum(run, weights)
    assert mine.funded == ("A1", "A2") and mine.total == pytest.approx(1.75 / 1.2)


# ---------------------------------------------------------------- brute force


def _feasible_sets(run):
    """Every subset that keeps to the run's budget and constraints (as the portfolio)."""
    wb = run.wb
    ids = list(wb.ideas.index)
    costs = wb.ideas["cost"].to_numpy(float)
    eligible = run.prepared.eligible
    budget = float(run.budget.total)
    deps = [[ids.index(d) for d in wb.ideas.loc[i, "depends_on"]] for i in ids]
    groups = wb.ideas["group"].tolist()
    themes = wb.ideas["theme"].tolist()
    for bits in itertools.product((False, True), repeat=len(ids)):
        x = np.array(bits)
        if (x & ~eligible).any() or costs[x].sum() > budget + 1e-9:
            continue
        if any(x[i] and not x[j] for i in range(len(ids)) for j in deps[i]):
            continue
        if any(groups.count(g) > 1 and sum(x[k] for k in range(len(ids)) if groups[k] == g) > 1
               for g in set(groups) if g):  # fmt: skip
            continue
        if any(x[ids.index(i)] for i in run.exclude) or not all(x[ids.index(i)] for i in run.must):
            continue
        spend = {t: costs[[k for k in range(len(ids)) if themes[k] == t and x[k]]].sum()
                 for t in set(themes)}  # fmt: skip
        if any(spend.get(t, 0) > share * budget + 1e-6 for t, share in run.theme_max.items()):
            continue
        yield x


@st.composite
def instances(draw):
    n = draw(st.integers(3, 7))
    m = draw(st.integers(2, 3))
    ideas = []
    for k in range(n):
        idea = {"id": f"I{k}", "scores": tuple(draw(st.sampled_from([1, 1, 2, 3, 5, 5])) for _ in range(m)),
                "cost": draw(st.integers(1, 10)), "theme": draw(st.sampled_from("TU")),
                "group": draw(st.sampled_from(["", "", "", "G"]))}  # fmt: skip
        if k and draw(st.booleans()):
            idea["depends_on"] = (f"I{draw(st.integers(0, k - 1))}",)
        ideas.append(idea)
    members = draw(st.integers(2, 5))
    rows = []
    for _ in range(members):
        row = [draw(st.sampled_from([0, 0, 0, 1, 5])) for _ in range(m)]  # members who differ
        if not any(row):
            row[draw(st.integers(0, m - 1))] = 1
        rows.append(row)
    sets = pd.DataFrame(rows, columns=[f"c{j}" for j in range(m)],
                        index=[f"M{k}" for k in range(members)], dtype=float)  # fmt: skip
    total = sum(i["cost"] for i in ideas)
    options = {"budget": draw(st.integers(total // 4, (3 * total) // 4))}
    if draw(st.integers(0, 4)) == 0:
        options["must"] = draw(st.sampled_from([i["id"] for i in ideas]))
    if any(i["theme"] == "U" for i in ideas) and draw(st.integers(0, 4)) == 0:
        options["theme_max"] = f"U={draw(st.sampled_from([25, 50, 75]))}%"
    thresholds = [draw(st.sampled_from([np.nan, np.nan, 2.0]))] + [np.nan] * (m - 1)
    return idea_wb(ideas, weights=(1.0,) * m, thresholds=thresholds), sets, options


@settings(max_examples=100, deadline=None)
@given(instances())
def test_the_compromise_is_never_beaten_on_its_lowest_satisfaction(instance):
    """Brute force over every feasible subset: no set gives the least satisfied member more
    than the compromise; each member's own optimum is their best set (100 %); among the sets
    as good for the least satisfied member, none has a larger total under the group's weights."""
    wb, sets, options = instance
    run = resolve_run(wb, **options)
    shares = sets.div(sets.sum(axis=1), axis=0)
    own = own_optima(run, shares)
    result = compromise(run, shares, own=own)
    feasible = list(_feasible_sets(run))
    if not feasible:
        assert result.status == "infeasible" and result.funded == ()
        return
    assert result.status == "optimal" and result.gap <= 1e-6
    ids = list(wb.ideas.index)
    values = {m: member_values(run, shares.loc[m]) for m in shares.index}
    for m in shares.index:
        brute_best = max(values[m][x].sum() for x in feasible)
        assert own[m].total == pytest.approx(brute_best, abs=1e-5)
        assert satisfaction(run, shares.loc[m], own[m].funded, best=own[m].total) == 1.0
        assert satisfaction(run, shares.loc[m], own[m].funded) == 1.0

    def min_sat(x):
        return min(values[m][x].sum() / own[m].total if own[m].total > 0 else 1.0
                   for m in shares.index)  # fmt: skip

    chosen = np.array([i in result.funded for i in ids])
    assert any((chosen == x).all() for x in feasible)  # the compromise itself is feasible
    assert result.min_satisfaction == pytest.approx(min_sat(chosen), abs=1e-12)
    best_floor = max(min_sat(x) for x in feasible)
    assert result.min_satisfaction >= best_floor - 1e-7
    group = member_values(run, shares.mean().div(shares.mean().sum()))
    rivals = [x for x in feasible if min_sat(x) >= result.min_satisfaction - 1e-12]
    assert result.group_total >= max(group[x].sum() for x in rivals) - 1e-5
