"""The roadmap under the rule "in order of priority": a greedy schedule down the ranking.

The walk goes down the ranking (ideas that must be funded first) and gives each idea the
earliest start year that works, keeping every plan already made:

- the idea comes with those of its prerequisites that are not in the plan yet; they are placed
  first (a prerequisite before the ideas that need it), each in its earliest year;
- a start year is admissible when the idea can finish by the last budget year, is not before
  its ``start_after`` year and comes after every prerequisite has *finished*;
- every year it runs must have room for ``cost / duration`` within that year's budget;
- the total cost stays within the total budget (the run's ``budget``, else the sum of the
  years); groups and theme maxima are respected by skipping, as in
  :func:`~prioritisation.decisions.priority.priority_walk`.

When the idea or one of the prerequisites it brings cannot be placed, none of them is, and the
walk goes on with the next idea; :class:`~prioritisation.decisions.priority.Skip` says why
(``budget``, ``group``, ``theme_max``, ``years``: no year with room, ``other`` = the idea that
found none; ``prerequisite``: a prerequisite that can never start in the horizon).

This is a greedy schedule: an idea placed early is never moved to make room for a later one,
so a lower-ranked idea can find no room where the exact plan (rule ``best``) would shuffle the
years. Ideas that must be funded and that the walk cannot place are placed where the exact
plan puts them (``fixed``), then the walk goes on.

>>> from prioritisation.decisions.portfolio.problem import build_problem
>>> from prioritisation.decisions.roadmap.model import build_model
>>> p = build_problem(["A", "B", "C"], [100, 100, 80], [True] * 3, [(), (), ("A",)], 300)
>>> m = build_model(p, [2027, 2028], [150, 150], [1, 1, 1], [None] * 3)
>>> w = schedule_walk(m, [2, 1, 0])   # C first: it brings A, which must finish before C
>>> [(p.ids[i], m.years[s]) for i, s in enumerate(w.start) if s >= 0]
[('A', 2027), ('C', 2028)]
>>> w.skipped[1].kind          # B: 50 left in 2027 and 70 in 2028, it needs 100 in one year
'years'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from prioritisation.decisions.priority import EPS, Skip
from prioritisation.decisions.roadmap.model import RoadmapModel


@dataclass(frozen=True, eq=False)
class ScheduleWalk:
    """``start``: start-year index per idea (−1 when not in the plan); ``skipped``: why the
    walk passed an idea; ``free``: per passed idea the room left in each year at its turn;
    ``must_failed``: ideas that must be funded but could not be placed."""

    start: np.ndarray
    order: tuple[int, ...]
    skipped: dict[int, Skip] = field(default_factory=dict)
    free: dict[int, np.ndarray] = field(default_factory=dict)
    must_failed: tuple[int, ...] = ()


def schedule_walk(
    model: RoadmapModel, order: Sequence[int], fixed: Mapping[int, int] | None = None
) -> ScheduleWalk:
    """Walk ``order`` (idea indices, best first) and plan what fits (see the module's
    docstring). ``fixed``: ideas placed beforehand at the given start-year index."""
    problem = model.problem
    n = problem.n
    costs = np.asarray(problem.costs, dtype=float)
    d = np.asarray(model.durations, dtype=int)
    per_year = costs / np.maximum(d, 1)
    total = float(problem.budget)
    start = np.full(n, -1)
    spend = np.zeros(len(model.years))
    theme_spend: dict[str, float] = {}
    skipped: dict[int, Skip] = {}
    free: dict[int, np.ndarray] = {}
    starts = [sorted({model.pairs[v][1] for v in model.by_idea[i]}) for i in range(n)]
    direct: list[list[int]] = [[] for _ in range(n)]
    for i, j in problem.requires:
        direct[i].append(j)

    def place(j: int, s: int) -> None:
        start[j] = s
        spend[s : s + d[j]] += per_year[j]
        t = problem.theme_of[j]
        theme_spend[t] = theme_spend.get(t, 0.0) + float(costs[j])

    def attempt(i: int) -> Skip | None:
        along = sorted((j for j in problem.prereqs[i] if start[j] < 0),
                       key=lambda j: (len(problem.prereqs[j]), j))  # fmt: skip
        closure = [*along, i]
        for j in closure:
            if not problem.fundable[j] or problem.exclude[j] or not starts[j]:
                return Skip("prerequisite", other=j)
        for j in closure:
            g = problem.group_of[j]
            if g and g in problem.groups:
                rivals = [
                    k for k in problem.groups[g] if k != j and (start[k] >= 0 or k in closure)
                ]
                if rivals:
                    return Skip("group", other=int(rivals[0]))
        needed = float(costs[closure].sum())
        spent = float(costs[start >= 0].sum())
        if spent + needed > total + EPS:
            return Skip("budget", needed=needed, left=total - spent, along=tuple(along))
        adding: dict[str, float] = {}
        for j in closure:
            adding[problem.theme_of[j]] = adding.get(problem.theme_of[j], 0.0) + float(costs[j])
        for t, extra in adding.items():
            if t in problem.theme_max:
                room = problem.theme_max[t] * total - theme_spend.get(t, 0.0)
                if extra > room + EPS:
                    return Skip("theme_max", needed=extra, left=max(room, 0.0), theme=t,
                                along=tuple(along))  # fmt: skip
        saved = (start.copy(), spend.copy(), dict(theme_spend))
        for j in closure:
            first = max([0] + [int(start[k] + d[k]) for k in direct[j]])
            slot = next((s for s in starts[j] if s >= first
                         and np.all(spend[s : s + d[j]] + per_year[j] <= model.budgets[s : s + d[j]] + EPS)),
                        None)  # fmt: skip
            if slot is None:
                start[:], spend[:] = saved[0], saved[1]
                theme_spend.clear()
                theme_spend.update(saved[2])
                return Skip("years", needed=float(per_year[j]), other=j, along=tuple(along))
            place(j, slot)
        return None

    for j, s in (fixed or {}).items():
        place(int(j), int(s))
    walk = [int(i) for i in order]
    must_failed = []
    musts = [i for i in walk if problem.must[i]]
    musts += [int(i) for i in np.flatnonzero(problem.must) if int(i) not in musts]
    for i in musts:
        if start[i] < 0 and attempt(i) is not None:
            must_failed.append(i)
    for i in walk:
        if start[i] >= 0 or problem.must[i] or not problem.fundable[i] or problem.exclude[i]:
            continue
        before = model.budgets - spend
        reason = attempt(i)
        if reason is not None:
            skipped[i] = reason
            free[i] = before
    return ScheduleWalk(start, tuple(walk), skipped, free, tuple(must_failed))
