"""True bounds on "the best selection that includes this idea", and exact solves sped up by them.

Explaining every unfunded idea exactly would take one 0–1 program per idea (hundreds at 1,000
ideas). This module gives, for every idea at once, two numbers that bracket the exact answer:

- an **upper bound** from one LP relaxation of the selection: with its dual prices ``y``
  (any ``y ≥ 0`` will do: weak duality) every feasible selection satisfies
  ``v·x ≤ y·b + Σⱼ max(rⱼ·lbⱼ, rⱼ·ubⱼ)`` with reduced values ``r = v − Aᵀy``; forcing an
  idea and its prerequisites to 1 subtracts what that costs against the unconstrained maximum
  (:meth:`Relaxation.upper`);
- a **lower bound** from a feasible selection that includes the idea (:func:`repair`: the
  current set plus the idea and its prerequisites, its group rivals out, then the funded ideas
  with the least score per euro out until the budget and theme maxima hold, then what still
  fits back in), checked against every constraint.

The same relaxation makes the exact solves fast (:func:`exact_solve`): a variable whose flip
would push the upper bound below a known feasible value cannot differ in any optimum, so it is
fixed before HiGHS sees the program (reduced-cost fixing). The answer is the exact optimum
of the full program; only the work shrinks.

>>> from prioritisation.decisions.portfolio.problem import build_problem
>>> p = build_problem(["A", "B", "C"], [60, 50, 40], [True] * 3, [(), (), ()], 100)
>>> values = np.array([0.9, 0.6, 0.5])
>>> r = relax(p, values)
>>> round(r.upper_score([1]), 3) >= 1.1   # the best with B is B + C = 1.1
True
>>> x = repair(p, values, np.array([True, False, True]), 1)
>>> [p.ids[i] for i in np.flatnonzero(x)]
['B', 'C']
>>> s = exact_solve(p, values, force=[1], incumbent=x)
>>> [p.ids[i] for i in np.flatnonzero(s.x)]
['B', 'C']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from prioritisation.core.quiet import quiet_fd1
from prioritisation.decisions.portfolio.milp import (
    SCALE,
    Solution,
    constraint_rows,
    objective,
    solve_lp_model,
)
from prioritisation.decisions.portfolio.problem import SelectionProblem

TOL = 2.0  # in scaled objective units (10⁻⁶ score): margin kept when fixing variables
FIRST_STEP = 0.05 * SCALE  # the first target lies this far (in score) below the bound
FILL_STEPS = 200  # at most this many unfunded ideas tried when filling a repaired selection


@dataclass(frozen=True, eq=False)
class Relaxation:
    """A Lagrangian bound of the selection from the LP's dual prices, for two objectives: the
    program's own (scaled, with the cost tie-breaker: ``reduced``/``base``, used to fix
    variables) and the plain scores (``reduced_score``/``base_score``, used for the bounds a
    member reads). ``lb``/``ub``: the variable bounds it was computed with."""

    reduced: np.ndarray
    base: float
    reduced_score: np.ndarray
    base_score: float
    lb: np.ndarray
    ub: np.ndarray

    def _upper(self, reduced, base, forced, forbidden) -> float:
        forced, forbidden = list(forced), list(forbidden)
        if any(self.ub[j] < 1 for j in forced) or any(self.lb[j] > 0 for j in forbidden):
            return -np.inf
        best = np.maximum(reduced * self.lb, reduced * self.ub)
        return float(base - sum(best[j] - reduced[j] for j in forced)
                     - sum(best[j] for j in forbidden))  # fmt: skip

    def upper(self, forced: Iterable[int], forbidden: Iterable[int] = ()) -> float:
        """Upper bound (scaled objective) of any feasible selection with ``forced`` all in and
        ``forbidden`` all out."""
        return self._upper(self.reduced, self.base, forced, forbidden)

    def upper_score(self, forced: Iterable[int], forbidden: Iterable[int] = ()) -> float:
        """Upper bound (total score) of any feasible selection with ``forced`` all in and
        ``forbidden`` all out."""
        return self._upper(self.reduced_score, self.base_score, forced, forbidden)


_ROWS: dict[int, tuple] = {}


def _rows(problem: SelectionProblem):
    """:func:`~prioritisation.decisions.portfolio.milp.constraint_rows` of ``problem``, built
    once (an explanation solves the same problem many times); the bounds are copies."""
    known = _ROWS.get(id(problem))
    if known is None or known[0] is not problem:
        _ROWS.clear()
        known = _ROWS[id(problem)] = (problem, constraint_rows(problem))
    matrix, lo, hi, lb, ub = known[1]
    return matrix, lo, hi, lb.copy(), ub.copy()


def _bounds(problem, force, forbid):
    matrix, lo, hi, lb, ub = _rows(problem)
    for i in force:
        lb[i] = 1.0
    for i in forbid:
        ub[i] = 0.0
    return matrix, lo, hi, lb, ub


def relax(
    problem: SelectionProblem, values, force: Iterable[int] = (), forbid: Iterable[int] = ()
) -> Relaxation | None:
    """The LP relaxation's bound (see the module's docstring); ``None`` when even the LP has
    no solution (then the 0–1 program has none either)."""
    from scipy.optimize import linprog  # imported here: keeps CLI start-up light
    from scipy.sparse import vstack

    matrix, lo, hi, lb, ub = _bounds(problem, force, forbid)
    if np.any(lb > ub):
        return None
    c = -objective(problem, values)  # maximised
    score = np.nan_to_num(np.asarray(values, dtype=float))
    upper_rows, lower_rows = np.isfinite(hi), np.isfinite(lo)
    a_ub = vstack([matrix[upper_rows], -matrix[lower_rows]]).tocsr()
    b_ub = np.concatenate([hi[upper_rows], -lo[lower_rows]])
    with quiet_fd1():
        res = linprog(-c, A_ub=a_ub if a_ub.shape[0] else None,
                      b_ub=b_ub if a_ub.shape[0] else None,
                      bounds=np.column_stack([lb, ub]), method="highs")  # fmt: skip
    if res.status != 0:
        return None
    y = np.clip(-res.ineqlin.marginals, 0, None) if a_ub.shape[0] else np.zeros(0)

    def lagrangian(obj, prices):
        reduced = obj - (a_ub.T @ prices if len(prices) else 0.0)
        base = float(prices @ b_ub) + float(np.maximum(reduced * lb, reduced * ub).sum())
        return reduced, base

    reduced, base = lagrangian(c, y)
    reduced_score, base_score = lagrangian(score, y / SCALE)
    return Relaxation(reduced, base, reduced_score, base_score, lb, ub)


class Checker:
    """Whether a selection keeps every constraint of one problem (the matrix built once)."""

    def __init__(self, problem: SelectionProblem):
        self.matrix, self.lo, self.hi, self.lb, self.ub = _rows(problem)

    def __call__(self, x: np.ndarray) -> bool:
        xf = x.astype(float)
        ax = self.matrix @ xf if self.matrix.shape[0] else np.zeros(0)
        return bool(np.all(xf >= self.lb) and np.all(xf <= self.ub)
                    and np.all(ax >= self.lo - 1e-6) and np.all(ax <= self.hi + 1e-6))  # fmt: skip


class Repair:
    """Feasible selections that include one more idea, made from the selection ``x0``: the
    idea and its prerequisites in, its group rivals out, then whole "units" (a funded idea
    with the funded ideas that need it) with the least score per euro out until the budget
    and the theme maxima hold, then what still fits back in (best score per euro first).
    Everything that does not depend on the idea is computed once."""

    def __init__(self, problem: SelectionProblem, values, x0: np.ndarray):
        self.problem, self.x0 = problem, np.asarray(x0, dtype=bool)
        self.values = np.nan_to_num(np.asarray(values, dtype=float))
        self.check = Checker(problem)
        n, costs = problem.n, problem.costs
        dependents: list[list[int]] = [[] for _ in range(n)]
        for i, chain in enumerate(problem.prereqs):
            for j in chain:
                dependents[j].append(i)
        self.units = [np.array([j, *(d for d in dependents[j] if self.x0[d])], dtype=int)
                      for j in range(n)]  # fmt: skip
        unit_value = np.array([self.values[u].sum() for u in self.units])
        unit_cost = np.array([costs[u].sum() for u in self.units])
        self.locked = np.array([bool(problem.must[u].any()) for u in self.units])
        removable = self.x0 & ~self.locked & (unit_cost > 0)
        ratio = np.where(removable, unit_value / np.where(unit_cost > 0, unit_cost, 1), np.inf)
        self.removal = np.flatnonzero(removable)[np.argsort(ratio[removable], kind="stable")]
        worth = np.where(costs > 0, self.values / np.where(costs > 0, costs, 1), np.inf)
        open_ = problem.fundable & ~problem.exclude & (self.values > 0)
        self.fill_order = np.flatnonzero(open_)[np.argsort(-worth[open_], kind="stable")]
        self.members = {t: np.isin(np.arange(n), m) for t, m in problem.themes.items()}

    def __call__(self, idea: int) -> np.ndarray | None:
        """A feasible selection with ``idea`` in, or ``None`` when this repair finds none."""
        problem, costs = self.problem, self.problem.costs
        keep = [idea, *problem.prereqs[idea]]
        if any(not problem.fundable[j] or problem.exclude[j] for j in keep):
            return None
        x = self.x0.copy()
        keep_set = set(keep)
        for j in keep:
            g = problem.group_of[j]
            if g in problem.groups:
                for k in problem.groups[g]:
                    k = int(k)
                    if k == j or not (x[k] or k in keep_set):
                        continue
                    if k in keep_set or not self._drop(x, k, keep_set):
                        return None
        x[keep] = True
        limits = {t: share * problem.budget for t, share in problem.theme_max.items()
                  if t in self.members}  # fmt: skip
        spent = float(costs[x].sum())
        for j in self.removal:
            if spent <= problem.budget + 1e-6:
                theme = next((t for t, lim in limits.items()
                              if float(costs[x & self.members[t]].sum()) > lim + 1e-6), None)  # fmt: skip
                if theme is None:
                    break
                if problem.theme_of[j] != theme:
                    continue
            if x[j] and self._drop(x, int(j), keep_set):
                spent = float(costs[x].sum())
        self._fill(x, limits)
        return x if self.check(x) else None

    def _drop(self, x, j, keep) -> bool:
        unit = self.units[j]
        if self.locked[j] or any(int(k) in keep for k in unit):
            return False
        x[unit] = False
        return True

    def _fill(self, x, limits) -> None:
        problem, costs = self.problem, self.problem.costs
        left = problem.budget - float(costs[x].sum())
        order = self.fill_order[costs[self.fill_order] <= left + 1e-6]
        for j in order[:FILL_STEPS]:
            j = int(j)
            if x[j] or costs[j] > left + 1e-6:
                continue
            closure = [j, *(k for k in problem.prereqs[j] if not x[k])]
            extra = float(costs[closure].sum())
            if (extra > left + 1e-6 or not problem.fundable[closure].all()
                    or problem.exclude[closure].any()):  # fmt: skip
                continue
            if any(problem.group_of[k] in problem.groups
                   and any(x[r] or (r != k and int(r) in closure)
                           for r in problem.groups[problem.group_of[k]] if r != k)
                   for k in closure):  # fmt: skip
                continue
            if any(float(costs[[k for k in closure if self.members[t][k]]].sum())
                   + float(costs[x & self.members[t]].sum()) > lim + 1e-6
                   for t, lim in limits.items()):  # fmt: skip
                continue
            x[closure] = True
            left -= extra


def repair(problem: SelectionProblem, values, x0: np.ndarray, idea: int) -> np.ndarray | None:
    """A feasible selection that includes ``idea``, made from ``x0`` (see :class:`Repair`)."""
    return Repair(problem, values, x0)(idea)


def exact_solve(
    problem: SelectionProblem,
    values,
    *,
    force: Iterable[int] = (),
    forbid: Iterable[int] = (),
    incumbent: np.ndarray | None = None,
    relaxation: Relaxation | None = None,
    time_limit: float | None = None,
) -> Solution:
    """The exact best selection with ``force`` in and ``forbid`` out (the same answer as
    :func:`~prioritisation.decisions.portfolio.milp.solve`), faster.

    With the relaxation's bound ``U`` and a target ``T ≤ U``, every variable whose flip alone
    would bring ``U`` below ``T`` is fixed; if the program so reduced reaches ``T``, its optimum
    is the optimum of the full program (every selection it left out is worth less than ``T``).
    ``T`` starts just below ``U`` and is lowered until that holds; a feasible ``incumbent`` (a
    selection that keeps ``force`` and ``forbid``) is a floor that needs no check. A
    ``relaxation`` of the program without ``force``/``forbid`` may be shared between calls."""
    force, forbid = [int(i) for i in force], [int(i) for i in forbid]
    if relaxation is None:
        relaxation = relax(problem, values, force, forbid)
    if relaxation is None:
        return Solution(x=None, status="infeasible", gap=np.nan)
    fixed = {*force, *(j for i in force for j in problem.prereqs[i])}
    base = relaxation.upper(fixed, forbid)
    if not np.isfinite(base):
        return _solve(problem, values, force, forbid, time_limit)
    c = -objective(problem, values)
    known = -np.inf
    if (
        incumbent is not None
        and all(incumbent[i] for i in fixed)
        and not any(incumbent[i] for i in forbid)
    ):
        known = float(c[incumbent].sum())
    r = relaxation.reduced
    free = relaxation.lb < relaxation.ub
    free[list(fixed | set(forbid))] = False
    loss = np.where(free, np.abs(r), 0.0)
    step = FIRST_STEP
    while True:
        target = base - step
        floor = target <= known
        if floor:
            target = known
        elif step > base - float(np.sort(base - loss)[0]) + 1:  # nothing left to fix
            return _solve(problem, values, force, forbid, time_limit)
        fixable = free & (base - loss < target - TOL - 1e-9 * abs(target))
        fix1 = [int(j) for j in np.flatnonzero(fixable & (r > 0))]
        fix0 = [int(j) for j in np.flatnonzero(fixable & (r < 0))]
        s = _solve(problem, values, force + fix1, forbid + fix0, time_limit)
        if floor or s.status == "time_limit":
            return s
        if s.feasible and float(c[s.x].sum()) >= target - TOL:
            return s
        step *= 8


def _solve(problem, values, force, forbid, time_limit) -> Solution:
    """:func:`~prioritisation.decisions.portfolio.milp.solve` on the cached constraint rows."""
    matrix, lo, hi, lb, ub = _bounds(problem, force, forbid)
    return solve_lp_model(objective(problem, values), matrix, lo, hi, lb, ub, time_limit)
