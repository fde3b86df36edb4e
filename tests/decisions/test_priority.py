"""The funding rule "in order of priority": feasible, maximal, and in the ranking's order."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.decisions.priority import priority_walk


def problem(costs, budget, deps=(), groups=None, themes=None, theme_max=None, theme_min=None,
            fundable=None, exclude=(), must=()):  # fmt: skip
    n = len(costs)
    direct = [[] for _ in range(n)]
    for i, j in deps:
        direct[i].append(j)

    def closure(i):
        seen, stack = set(), list(direct[i])
        while stack:
            j = stack.pop()
            if j not in seen and j != i:
                seen.add(j)
                stack.extend(direct[j])
        return tuple(sorted(seen))

    group_of = tuple(groups or [""] * n)
    members = {}
    for k, g in enumerate(group_of):
        if g:
            members.setdefault(g, []).append(k)
    return SimpleNamespace(
        ids=tuple(f"I{k}" for k in range(n)), costs=np.asarray(costs, float), budget=float(budget),
        fundable=np.ones(n, bool) if fundable is None else np.asarray(fundable, bool),
        exclude=np.isin(np.arange(n), list(exclude)), must=np.isin(np.arange(n), list(must)),
        prereqs=tuple(closure(i) for i in range(n)),
        groups={g: np.array(m) for g, m in members.items() if len(m) > 1}, group_of=group_of,
        theme_of=tuple(themes or [""] * n), theme_min=theme_min or {}, theme_max=theme_max or {},
    )  # fmt: skip


def funded(p, walk):
    return [p.ids[i] for i in np.flatnonzero(walk.funded)]


def test_worked_example_lower_ranked_prerequisite_comes_along():
    # ranking: A (needs D), B, C, D; budget 100
    p = problem([40, 50, 30, 20], 100, deps=[(0, 3)])
    walk = priority_walk(p, [0, 1, 2, 3])
    # A comes with D (60); 40 left: B (50) is skipped, C (30) fits
    assert funded(p, walk) == ["I0", "I2", "I3"]
    assert walk.skipped[1].kind == "budget" and walk.skipped[1].left == 40


def test_an_idea_whose_prerequisite_cannot_be_funded_is_skipped():
    p = problem([10, 10], 100, deps=[(0, 1)], fundable=[True, False])
    walk = priority_walk(p, [0])
    assert funded(p, walk) == [] and walk.skipped[0].kind == "prerequisite"
    assert walk.skipped[0].other == 1


def test_groups_and_theme_maxima_are_respected_by_skipping():
    p = problem([30, 30, 30], 100, groups=["g", "g", ""], themes=["x", "y", "x"],
                theme_max={"x": 0.5})  # fmt: skip
    walk = priority_walk(p, [0, 1, 2])
    assert funded(p, walk) == ["I0"]
    assert walk.skipped[1].kind == "group" and walk.skipped[1].other == 0
    assert walk.skipped[2].kind == "theme_max" and walk.skipped[2].theme == "x"


def test_a_theme_minimum_not_reached_is_reported_not_forced():
    p = problem([60, 30], 100, themes=["x", "y"], theme_min={"y": 0.5})
    walk = priority_walk(p, [0, 1])
    assert funded(p, walk) == ["I0", "I1"] and not walk.feasible
    (short,) = walk.shortfalls
    assert (short.theme, short.required, short.spent) == ("y", 50.0, 30.0)


def test_must_comes_first_and_a_must_that_cannot_fit_is_reported():
    p = problem([80, 50], 100, must=[1])
    walk = priority_walk(p, [0, 1])
    assert funded(p, walk) == ["I1"] and walk.skipped[0].kind == "budget"
    assert priority_walk(problem([80, 150], 100, must=[1]), [0, 1]).must_failed == (1,)


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    costs = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    deps = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n))
    deps = [(i, j) for i, j in deps if j < i]  # acyclic: depend on earlier ids only
    groups = draw(st.lists(st.sampled_from(["", "", "g", "h"]), min_size=n, max_size=n))
    themes = draw(st.lists(st.sampled_from(["x", "y"]), min_size=n, max_size=n))
    theme_max = draw(st.sampled_from([{}, {"x": 0.5}, {"y": 0.3}]))
    fundable = draw(
        st.lists(st.booleans(), min_size=n, max_size=n).filter(any) | st.just([True] * n)
    )
    order = draw(st.permutations(range(n)))
    budget = draw(st.integers(0, 200))
    return problem(costs, budget, deps, groups, themes, theme_max, fundable=fundable), order


def fits(p, chosen):
    chosen = np.asarray(chosen, bool)
    if p.costs[chosen].sum() > p.budget + 1e-6:
        return False
    for i in np.flatnonzero(chosen):
        if not p.fundable[i] or any(not chosen[j] for j in p.prereqs[i]):
            return False
    for members in p.groups.values():
        if chosen[members].sum() > 1:
            return False
    for t, share in p.theme_max.items():
        spend = sum(p.costs[i] for i in np.flatnonzero(chosen) if p.theme_of[i] == t)
        if spend > share * p.budget + 1e-6:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_walk_is_feasible_maximal_and_ordered(case):
    p, order = case
    walk = priority_walk(p, order)
    assert fits(p, walk.funded)
    for i in order:  # maximal: no passed idea (with its prerequisites) can still be added
        if not walk.funded[i] and p.fundable[i]:
            more = walk.funded.copy()
            more[[i, *p.prereqs[i]]] = True
            assert not fits(p, more)
    # ordered: the first idea of the order that fits alone (with its prerequisites) is funded
    for i in order:
        alone = np.zeros(len(p.ids), bool)
        alone[[i, *p.prereqs[i]]] = True
        if p.fundable[i] and fits(p, alone):
            assert walk.funded[i]
            break
