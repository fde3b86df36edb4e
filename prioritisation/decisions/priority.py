"""The funding rule "in order of priority" (in volgorde van prioriteit): walk down the ranking
and fund what fits.

This is how the seed steering group worked, and the rule a member can follow with a pencil:

- ideas that must be funded come first, then the ranked (eligible) ideas in rank order;
- an idea is funded together with those of its prerequisites that are not funded yet (a
  lower-ranked prerequisite comes along) when all of them fit; otherwise the idea is skipped and
  the walk goes on with the next one;
- mutually exclusive groups and theme maxima are respected by skipping (a group rival already
  funded is said before the budget);
- a theme minimum is not forced (the walk does not jump the order for it): when the funded set
  does not reach it, the result says so, with the shortfall.

The alternative rule, "the largest total score" (the exact MILP), lives in the portfolio
modules; both rules work on the same selection problem (its arrays: ``ids``, ``costs``,
``fundable``, ``exclude``, ``must``, ``prereqs``, ``groups``, ``group_of``, ``theme_of``,
``theme_min``, ``theme_max``, ``budget``), so their sets can be compared idea by idea.

>>> from types import SimpleNamespace as P
>>> import numpy as np
>>> p = P(ids=("A", "B", "C"), costs=np.array([60.0, 30.0, 50.0]), budget=100.0,
...       fundable=np.ones(3, bool), exclude=np.zeros(3, bool), must=np.zeros(3, bool),
...       prereqs=((), (), (1,)), groups={}, group_of=("", "", ""), theme_of=("", "", ""),
...       theme_min={}, theme_max={})
>>> walk = priority_walk(p, order=[0, 2, 1])   # A first, then C (which needs B), then B
>>> [p.ids[i] for i in np.flatnonzero(walk.funded)], walk.skipped[2].kind
(['A', 'B'], 'budget')

Here C and its prerequisite B cost 80 together, 40 was left: C is skipped, B alone fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EPS = 1e-6  # EUR: amounts that differ by less are equal


@dataclass(frozen=True)
class Skip:
    """Why the walk passed an idea: ``kind`` is one of ``budget`` (with ``needed``: the cost
    of the idea and its unfunded prerequisites, ``left``: what was left at its turn),
    ``prerequisite`` (``other``: a prerequisite that cannot be funded), ``group`` (``other``:
    the funded idea of its mutually exclusive group), ``theme_max`` (``theme``, ``needed``,
    ``left``: room left under the theme's maximum). ``along``: the prerequisites that were
    not funded yet at its turn and would have come along (their cost is in ``needed``)."""

    kind: str
    needed: float = 0.0
    left: float = 0.0
    other: int | None = None
    theme: str | None = None
    along: tuple[int, ...] = ()


@dataclass(frozen=True)
class ThemeShortfall:
    """A theme minimum the walk did not reach: ``share`` of the budget required, ``spent``."""

    theme: str
    share: float
    required: float
    spent: float


@dataclass(frozen=True, eq=False)
class PriorityWalk:
    """The set chosen by the walk (``funded``, bool per idea), the order it was chosen in,
    why each walked idea was passed, and theme minimums not reached. ``must_failed``: ideas
    that must be funded but could not be (then the constraints conflict)."""

    funded: np.ndarray
    order: tuple[int, ...]
    skipped: dict[int, Skip] = field(default_factory=dict)
    shortfalls: tuple[ThemeShortfall, ...] = ()
    must_failed: tuple[int, ...] = ()

    @property
    def feasible(self) -> bool:
        return not self.must_failed and not self.shortfalls


def priority_walk(problem, order) -> PriorityWalk:
    """Walk ``order`` (idea indices, best first; ideas not in it are never chosen except as
    a prerequisite) over ``problem`` and fund what fits (see the module's docstring)."""
    n = len(problem.ids)
    costs = np.asarray(problem.costs, dtype=float)
    budget = float(problem.budget)
    funded = np.zeros(n, dtype=bool)
    theme_spend: dict[str, float] = {}
    skipped: dict[int, Skip] = {}
    must_failed: list[int] = []
    spent = 0.0

    def attempt(i: int) -> Skip | None:
        nonlocal spent
        closure = [i] + [j for j in problem.prereqs[i] if not funded[j]]
        for j in closure:
            if not problem.fundable[j] or problem.exclude[j]:
                return Skip("prerequisite", other=j)
        taken: dict[str, int] = {}
        for j in closure:
            g = problem.group_of[j]
            if g and g in problem.groups:
                rivals = [k for k in problem.groups[g] if funded[k] and k != j]
                if rivals:
                    return Skip("group", other=int(rivals[0]))
                if g in taken and taken[g] != j:
                    return Skip("group", other=taken[g])
                taken[g] = j
        needed = float(costs[closure].sum())
        if spent + needed > budget + EPS:
            return Skip("budget", needed=needed, left=budget - spent, along=tuple(closure[1:]))
        adding: dict[str, float] = {}
        for j in closure:
            t = problem.theme_of[j]
            adding[t] = adding.get(t, 0.0) + float(costs[j])
        for t, extra in adding.items():
            if t in problem.theme_max:
                room = problem.theme_max[t] * budget - theme_spend.get(t, 0.0)
                if extra > room + EPS:
                    return Skip(
                        "theme_max",
                        needed=extra,
                        left=max(room, 0.0),
                        theme=t,
                        along=tuple(closure[1:]),
                    )
        for j in closure:
            funded[j] = True
        for t, extra in adding.items():
            theme_spend[t] = theme_spend.get(t, 0.0) + extra
        spent += needed
        return None

    walk = [int(i) for i in order]
    musts = [i for i in walk if problem.must[i]]
    musts += [int(i) for i in np.flatnonzero(problem.must) if int(i) not in musts]
    for i in musts:
        if not funded[i] and attempt(i) is not None:
            must_failed.append(i)
    for i in walk:
        if funded[i] or problem.must[i]:
            continue
        if not problem.fundable[i] or problem.exclude[i]:
            continue
        reason = attempt(i)
        if reason is not None:
            skipped[i] = reason
    shortfalls = tuple(
        ThemeShortfall(t, share, share * budget, theme_spend.get(t, 0.0))
        for t, share in sorted(problem.theme_min.items())
        if theme_spend.get(t, 0.0) + EPS < share * budget
    )
    return PriorityWalk(funded, tuple(walk), skipped, shortfalls, tuple(must_failed))
