"""The 0–1 program of the selection and its solve: HiGHS through :func:`scipy.optimize.milp`.

:func:`constraint_rows` writes the selection's constraints as a sparse matrix (each named
constraint can be left out, which is how :mod:`.conflicts` finds a minimal conflicting set);
:func:`objective` scales the scores to whole units of 10⁻⁶ and subtracts a cost tie-breaker
worth less than one unit in total (among portfolios of equal value the cheaper one wins);
:func:`solve_lp_model` is the shared kernel (also the roadmap's), asking HiGHS for a proven
optimum and running it inside :func:`~prioritisation.core.quiet.quiet_fd1` so that nothing
HiGHS prints reaches standard output.

The published budget case of Merkhofer (prioritysystem.com): the optimum funds P2, P3, P4.

>>> from prioritisation.decisions.portfolio.problem import build_problem
>>> p = build_problem(["P1", "P2", "P3", "P4"], [3571, 2857, 5000, 2143], [True] * 4, [()] * 4,
...                   10_000)
>>> s = solve(p, [5714, 4286, 7857, 2857])
>>> s.status, [i for i, x in zip(p.ids, s.x) if x]
('optimal', ['P2', 'P3', 'P4'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from prioritisation.core.cores import usable_cores
from prioritisation.core.quiet import quiet_fd1
from prioritisation.decisions.portfolio.problem import SelectionProblem

SCALE = 1_000_000  # scores are compared at a resolution of 1e-6
TIE = 0.5  # total tie-breaker (cheaper wins) stays below one unit of scaled value
MIP_GAP = 1e-9  # relative gap asked of HiGHS: a proven optimum, not "within 0.01 %"

# The named constraints a conflict can be made of: ("budget",), ("must", i), ("exclude", i),
# ("theme_min", theme), ("theme_max", theme), ("group", name); the roadmap adds
# ("year", year, budget).
Item = tuple


@dataclass(frozen=True)
class Solution:
    """One solve: ``x`` (bool per idea), ``status`` (optimal / infeasible / time_limit /
    error), ``gap`` (relative MIP gap HiGHS proved; 0 = proven optimum)."""

    x: np.ndarray
    status: str
    gap: float
    message: str = ""

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "time_limit") and self.x is not None


def constraint_items(problem: SelectionProblem) -> list[Item]:
    """The named constraints of ``problem`` that :func:`constraint_rows` can leave out."""
    items: list[Item] = [("budget",)]
    items += [("must", int(i)) for i in np.flatnonzero(problem.must)]
    items += [("exclude", int(i)) for i in np.flatnonzero(problem.exclude)]
    items += [("theme_min", t) for t in problem.theme_min]
    items += [("theme_max", t) for t in problem.theme_max]
    items += [("group", g) for g in problem.groups]
    return items


def constraint_rows(problem: SelectionProblem, drop: frozenset = frozenset()):
    """The selection constraints as (sparse matrix on x, lower, upper, bounds lb, ub).

    ``drop`` leaves out named items (see :func:`constraint_items`); used to find conflicts.
    """
    n = problem.n
    rows, cols, vals, lo, hi = [], [], [], [], []

    def add(indices, coefs, lower, upper):
        r = len(lo)
        rows.extend([r] * len(indices))
        cols.extend(int(i) for i in indices)
        vals.extend(float(c) for c in coefs)
        lo.append(lower)
        hi.append(upper)

    if ("budget",) not in drop:
        add(range(n), problem.costs, -np.inf, problem.budget)
    for i, j in problem.requires:
        add((i, j), (1.0, -1.0), -np.inf, 0.0)
    for g, members in problem.groups.items():
        if ("group", g) not in drop:
            add(members, np.ones(len(members)), -np.inf, 1.0)
    for t, share in problem.theme_min.items():
        if ("theme_min", t) not in drop:
            members = problem.themes.get(t, np.array([], dtype=int))
            add(members, problem.costs[members], share * problem.budget - 1e-6, np.inf)
    for t, share in problem.theme_max.items():
        if ("theme_max", t) not in drop:
            members = problem.themes.get(t, np.array([], dtype=int))
            add(members, problem.costs[members], -np.inf, share * problem.budget + 1e-6)
    from scipy.sparse import csr_array  # imported here: keeps CLI start-up light

    matrix = csr_array((vals, (rows, cols)), shape=(len(lo), n))
    lb = np.zeros(n)
    ub = problem.fundable.astype(float)
    for i in np.flatnonzero(problem.must):
        if ("must", int(i)) not in drop:
            lb[i] = 1.0
    for i in np.flatnonzero(problem.exclude):
        if ("exclude", int(i)) not in drop:
            ub[i] = 0.0
    return matrix, np.array(lo), np.array(hi), lb, ub


def objective(problem: SelectionProblem, values) -> np.ndarray:
    """Scaled integer values minus a cost tie-breaker (for minimisation: negated)."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    scaled = np.round(values * SCALE)
    total = float(problem.costs.sum()) or 1.0
    return -(scaled - TIE * problem.costs / total)


def solve_lp_model(
    c, matrix, lo, hi, lb, ub, time_limit: float | None = None, integrality=None
) -> Solution:
    """Solve a 0–1 program with HiGHS; the shared kernel. Every variable is binary unless
    ``integrality`` (1 = integer, 0 = continuous, per variable) says otherwise; ``x`` is then
    the raw solution values, not rounded to bool."""
    with quiet_fd1():
        return _solve_lp(c, matrix, lo, hi, lb, ub, time_limit, integrality)


def _solve_lp(c, matrix, lo, hi, lb, ub, time_limit, integrality=None) -> Solution:
    """:func:`solve_lp_model` without the guard on file descriptor 1 (the caller holds it)."""
    n = len(c)
    options = {"mip_rel_gap": MIP_GAP}
    if time_limit:
        options["time_limit"] = float(time_limit)
    if np.any(lb > ub):
        return Solution(x=None, status="infeasible", gap=math.nan)
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(matrix, lo, hi)] if matrix.shape[0] else []
    res = milp(c, integrality=np.ones(n) if integrality is None else integrality,
               bounds=Bounds(lb, ub), constraints=constraints, options=options)  # fmt: skip
    status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded"}.get(
        res.status, "error"
    )
    if res.x is None:
        return Solution(x=None, status="infeasible" if status == "time_limit" else status,
                        gap=math.nan, message=str(res.message))  # fmt: skip
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    x = res.x > 0.5 if integrality is None else res.x
    return Solution(x=x, status=status, gap=gap, message=str(res.message))


def workers() -> int:
    """The solves :func:`solve_each` runs side by side: one per usable core."""
    return usable_cores()


def solve_each(
    problem: SelectionProblem, values_list, *, time_limit: float | None = None
) -> list[Solution]:
    """:func:`solve` for each value vector of ``values_list`` on the same constraints (e.g.
    every member's own optimum), in order. The solves run side by side, one thread per core:
    HiGHS releases the interpreter lock while it solves, and the guard on file descriptor 1
    is taken once around them all.

    >>> from prioritisation.decisions.portfolio.problem import build_problem
    >>> p = build_problem(["A", "B", "C"], [60, 50, 40], [True] * 3, [()] * 3, 100)
    >>> [[i for i, x in zip(p.ids, s.x) if x] for s in solve_each(p, [[3, 2, 0], [0, 1, 3]])]
    [['A'], ['B', 'C']]
    """
    matrix, lo, hi, lb, ub = constraint_rows(problem)
    objectives = [objective(problem, values) for values in values_list]

    def one(c) -> Solution:
        return _solve_lp(c, matrix, lo, hi, lb, ub, time_limit)

    with quiet_fd1():
        if min(len(objectives), workers()) <= 1:
            return [one(c) for c in objectives]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(len(objectives), workers())) as pool:
            return list(pool.map(one, objectives))


def solve(
    problem: SelectionProblem,
    values,
    *,
    force: Iterable[int] = (),
    forbid: Iterable[int] = (),
    drop: frozenset = frozenset(),
    time_limit: float | None = None,
) -> Solution:
    """Best selection for ``values`` (one per idea); ``force``/``forbid`` fix extra ideas."""
    matrix, lo, hi, lb, ub = constraint_rows(problem, drop)
    for i in force:
        lb[i] = 1.0
    for i in forbid:
        ub[i] = 0.0
    return solve_lp_model(objective(problem, values), matrix, lo, hi, lb, ub, time_limit)


def feasible(problem: SelectionProblem, drop: frozenset = frozenset()) -> bool:
    """Whether the constraints (less the named items in ``drop``) can all hold."""
    matrix, lo, hi, lb, ub = constraint_rows(problem, drop)
    return solve_lp_model(np.zeros(problem.n), matrix, lo, hi, lb, ub).feasible
