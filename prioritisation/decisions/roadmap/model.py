"""The roadmap's time-indexed 0–1 program and its solve.

Variable ``y[i, s] = 1`` when idea ``i`` starts in year ``s``.

- **Cost over the years**: an idea costs ``cost / duration`` in each year it runs (spread
  evenly); every year's spend stays within that year's budget.
- **Within the horizon**: an idea must finish by the last budget year (a 2-year idea cannot
  start in the last year), and starts no earlier than its ``start_after`` year (the
  workbook's "not before" year).
- **Dependencies**: an idea starts only after each prerequisite has *finished*:
  for every year τ, ``Σ_{s≤τ} y[i,s] ≤ Σ_{s≤τ−d_j} y[j,s]``.
- Groups, ``must``/``exclude`` and theme shares (of the sum of the yearly budgets) as in
  the portfolio (:func:`~prioritisation.decisions.portfolio.milp.constraint_rows` on
  ``x = Σ_s y``); the problem's ``budget`` caps the total as well.
- Objective: the sum of the funded ideas' scores (as ``portfolio``); ties go to the cheaper
  set, then to earlier starts (:func:`left_shift`).

>>> from prioritisation.decisions.portfolio.problem import build_problem
>>> p = build_problem(["A", "B"], [100, 100], [True, True], [(), ("A",)], 200)
>>> m = build_model(p, [2027, 2028], [100, 100], [1, 1], [None, None])
>>> s = solve_roadmap(m, [1.0, 1.0])
>>> [(p.ids[m.pairs[v][0]], m.years[m.pairs[v][1]]) for v in s.x.nonzero()[0]]
[('A', 2027), ('B', 2028)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array, vstack

from prioritisation.decisions.portfolio.milp import Solution, constraint_rows, solve_lp_model
from prioritisation.decisions.portfolio.problem import SelectionProblem

SCALE = 1_000  # the roadmap compares total scores to 0.001, the precision rank prints


@dataclass(frozen=True, eq=False)
class RoadmapModel:
    """The time-indexed model: columns are admissible (idea, start-year index) pairs."""

    problem: SelectionProblem
    years: tuple[int, ...]
    budgets: np.ndarray
    durations: np.ndarray
    earliest: np.ndarray  # per idea, first start-year index possible (may exceed the horizon)
    not_before: np.ndarray  # per idea, the start_after year as an index (0 when none)
    pairs: tuple[tuple[int, int], ...]  # (idea, start index) per column
    by_idea: tuple[tuple[int, ...], ...]  # columns of each idea


def build_model(problem: SelectionProblem, years, budgets, durations, start_after) -> RoadmapModel:
    """The columns of the model: each idea's admissible start years (none for an idea that
    is excluded, cannot be funded, or cannot finish within the horizon)."""
    years = tuple(int(y) for y in years)
    horizon = len(years)
    durations = np.asarray(durations, dtype=int)
    not_before = earliest = np.array([0 if (s is None or (isinstance(s, float) and math.isnan(s)))
                         else max(0, int(s) - years[0]) for s in start_after])  # fmt: skip
    direct: list[list[int]] = [[] for _ in range(problem.n)]
    for i, j in problem.requires:
        direct[i].append(j)
    memo: dict[int, int] = {}

    def first_start(i: int) -> int:  # after every prerequisite has finished (acyclic)
        if i not in memo:
            memo[i] = max([earliest[i]] + [first_start(j) + int(durations[j]) for j in direct[i]])
        return memo[i]

    earliest = np.array([first_start(i) for i in range(problem.n)], dtype=int)
    pairs, by_idea = [], []
    for i in range(problem.n):
        cols = []
        if problem.fundable[i] and not problem.exclude[i]:
            for s in range(earliest[i], horizon - durations[i] + 1):
                cols.append(len(pairs))
                pairs.append((i, s))
        by_idea.append(tuple(cols))
    return RoadmapModel(problem, years, np.asarray(budgets, dtype=float), durations, earliest,
                        not_before, tuple(pairs), tuple(by_idea))  # fmt: skip


def _rows(model: RoadmapModel, drop: frozenset):
    """Constraint matrix on the y columns (selection rows mapped through x = Σ_s y)."""
    problem, horizon = model.problem, len(model.years)
    nv = len(model.pairs)
    idea = np.array([p[0] for p in model.pairs], dtype=int)
    start = np.array([p[1] for p in model.pairs], dtype=int)
    # x = S y
    spread = csr_array((np.ones(nv), (idea, np.arange(nv))), shape=(problem.n, nv))
    matrix_x, lo_x, hi_x, lb_x, _ = constraint_rows(problem, drop)
    blocks, lo, hi = [matrix_x @ spread], [lo_x], [hi_x]
    # must: Σ_s y ≥ 1 (exclusion and unfundable ideas have no columns at all)
    must = np.flatnonzero(lb_x > 0.5)
    if len(must):
        blocks.append(spread[must])
        lo.append(np.ones(len(must)))
        hi.append(np.full(len(must), np.inf))
    # at most one start per idea
    blocks.append(spread)
    lo.append(np.full(problem.n, -np.inf))
    hi.append(np.ones(problem.n))
    # yearly spend
    rows, cols, vals = [], [], []
    for v, (i, s) in enumerate(model.pairs):
        for t in range(s, s + model.durations[i]):
            rows.append(t)
            cols.append(v)
            vals.append(problem.costs[i] / model.durations[i])
    blocks.append(csr_array((vals, (rows, cols)), shape=(horizon, nv)))
    lo.append(np.full(horizon, -np.inf))
    hi.append(np.array([np.inf if ("year", y, b) in drop else b + 1e-6
                        for y, b in zip(model.years, model.budgets, strict=True)]))  # fmt: skip
    # dependencies: i started by τ ⇒ j started by τ − d_j
    rows, cols, vals, count = [], [], [], 0
    for i, j in problem.requires:
        for tau in range(horizon):
            for v in model.by_idea[i]:
                if start[v] <= tau:
                    rows.append(count)
                    cols.append(v)
                    vals.append(1.0)
            for v in model.by_idea[j]:
                if start[v] <= tau - model.durations[j]:
                    rows.append(count)
                    cols.append(v)
                    vals.append(-1.0)
            count += 1
    if count:
        blocks.append(csr_array((vals, (rows, cols)), shape=(count, nv)))
        lo.append(np.full(count, -np.inf))
        hi.append(np.zeros(count))
    return vstack(blocks).tocsr(), np.concatenate(lo), np.concatenate(hi)


def solve_roadmap(model: RoadmapModel, values, drop: frozenset = frozenset(),
                  time_limit: float | None = None) -> Solution:  # fmt: skip
    """Best start years; ``Solution.x`` is per column (see ``model.pairs``)."""
    problem = model.problem
    nv = len(model.pairs)
    if nv == 0:
        feasible_empty = not problem.must.any() or all(("must", int(i)) in drop
                                                       for i in np.flatnonzero(problem.must))  # fmt: skip
        return Solution(x=np.zeros(0, dtype=bool) if feasible_empty else None,
                        status="optimal" if feasible_empty else "infeasible", gap=0.0)  # fmt: skip
    matrix, lo, hi = _rows(model, drop)
    values = np.nan_to_num(np.asarray(values, dtype=float))
    idea = np.array([p[0] for p in model.pairs])
    # whole units of 0.001 score (as printed) and no fractional tie-breaker: HiGHS then knows
    # the objective is integral and prunes every node that cannot gain one unit
    c = -np.round(values[idea] * SCALE)
    # Solve in the cumulative variables z[i, s] = "started by year s" (y = D z): the same
    # LP bound, but branching on "started by s" splits the symmetric year choices evenly,
    # which proves optimality far sooner than branching on single start years.
    rows = np.arange(nv)
    prev = np.array([v - 1 if v > 0 and idea[v - 1] == idea[v] else -1 for v in range(nv)])
    has = prev >= 0
    diff = csr_array(
        (np.concatenate([np.ones(nv), -np.ones(has.sum())]),
         (np.concatenate([rows, rows[has]]), np.concatenate([rows, prev[has]]))),
        shape=(nv, nv),
    )  # fmt: skip
    matrix_z = vstack([matrix @ diff, diff]).tocsr()
    lo_z = np.concatenate([lo, np.zeros(nv)])
    hi_z = np.concatenate([hi, np.full(nv, np.inf)])
    solution = solve_lp_model(
        diff.T @ c, matrix_z, lo_z, hi_z, np.zeros(nv), np.ones(nv), time_limit
    )
    if solution.x is None:
        return solution
    y = (diff @ solution.x.astype(float)) > 0.5
    return Solution(x=y, status=solution.status, gap=solution.gap, message=solution.message)


def left_shift(model: RoadmapModel, start: np.ndarray) -> np.ndarray:
    """Move funded ideas to earlier years while every year still fits and every prerequisite
    has finished: the same set and value, each idea as early as the others allow."""
    problem, horizon = model.problem, len(model.years)
    start = start.copy()
    d = model.durations
    per_year = problem.costs / np.maximum(d, 1)
    spend = np.zeros(horizon)
    for i in np.flatnonzero(start >= 0):
        spend[start[i] : start[i] + d[i]] += per_year[i]
    direct: list[list[int]] = [[] for _ in range(problem.n)]
    for i, j in problem.requires:
        direct[i].append(j)
    moved = True
    while moved:
        moved = False
        for i in sorted(np.flatnonzero(start >= 0), key=lambda k: (start[k], k)):
            first = max([model.not_before[i]] + [start[j] + d[j] for j in direct[i]])
            for s in range(first, start[i]):
                trial = spend.copy()
                trial[start[i] : start[i] + d[i]] -= per_year[i]
                trial[s : s + d[i]] += per_year[i]
                if np.all(trial <= model.budgets + 1e-6):
                    spend, start[i], moved = trial, s, True
                    break
    return start
