"""Satisfaction and the compromise set: the funded set that the least satisfied member likes best.

Every member judges a funded set P with their *own* weights on the group's shared assessment
(the aggregated, normalised scores of the run):

- a member's value of an idea is its **weighted sum** under that member's weights, whatever
  method ranks the ideas (the weighted sum adds up over a set; TOPSIS or PROMETHEE scores do
  not), so a ranking by another method and this satisfaction can disagree: the analysis
  says so;
- a member's **own optimum** is the exact best set for them (a MILP solved with HiGHS: the
  funding rule ``best`` under their weights, whatever funding rule the run uses), within the
  same budget and constraints as the portfolio: budget, dependencies, gates (ineligible
  ideas), must / exclude, mutually exclusive groups, theme shares;
- a member's **satisfaction** with P is the total of P divided by the total of their own
  optimum (100 % = their own optimum; a member whose optimum is worth 0 is satisfied by
  any set: 100 %).

The **compromise** is the feasible set that maximises the lowest member's satisfaction;
ties go to the larger total score under the group's weights, then to the lower cost. It is
solved exactly: a MILP ``max t`` subject to ``t ≤ satisfaction_m(x)`` for every member and
the portfolio's constraints on ``x``, then a second MILP that keeps every member at or
above that ``t`` and maximises the group's total score with the portfolio's cost
tie-breaker (:func:`~prioritisation.decisions.portfolio.milp.objective`).

With yearly budgets the sets here are chosen within the *total* budget (the sum of the
years when no total is set), not over roadmaps: the analysis says so.

Two members who want opposite things (An only criterion ``a``, Bo only ``b``), a budget of 100
for ideas costing 100 (all ``a`` or all ``b``) or 50 (mostly ``a`` or mostly ``b``):

>>> import tempfile
>>> from pathlib import Path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.engine.run import resolve_run
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "criteria.csv").write_text("id;weight\\na;1\\nb;1\\n")
>>> _ = (folder / "ideas.csv").write_text("id;title;cost\\nA1;a;100\\nA2;a+;50\\nB1;b;100\\nB2;b+;50\\n")
>>> rows = [("A1", 5, 1), ("A2", 4, 1), ("B1", 1, 5), ("B2", 1, 4)]
>>> _ = (folder / "scores.csv").write_text("idea;criterion;assessor;score\\n" + "".join(
...     f"{i};a;X;{a}\\n{i};b;X;{b}\\n" for i, a, b in rows))
>>> run = resolve_run(read_workbook(folder), budget=100)
>>> sets = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["An", "Bo"])
>>> own_optimum(run, sets.loc["An"]).funded, own_optimum(run, sets.loc["Bo"]).funded
(('A1',), ('B1',))
>>> result = compromise(run, sets)
>>> result.funded, result.per_member.to_dict(), result.status
(('A2', 'B2'), {'An': 0.75, 'Bo': 0.75}, 'optimal')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.decisions.group_weights import as_shares, group_weights
from prioritisation.decisions.portfolio.milp import (
    constraint_rows,
    objective,
    solve,
    solve_each,
    solve_lp_model,
)
from prioritisation.decisions.portfolio.options import constraints_of, total_budget
from prioritisation.decisions.portfolio.problem import SelectionProblem, problem_for
from prioritisation.engine.run import Run

SLACK = 1e-9  # how far below the max-min value the tie-break solve may go (then checked)


@dataclass(frozen=True)
class OwnOptimum:
    """A member's own best set: ``funded`` (idea ids, workbook order), its ``total`` (the
    member's weighted-sum score of the set), ``cost``, and the solve's ``status``/``gap``."""

    member: str
    funded: tuple[str, ...]
    total: float
    cost: float
    status: str
    gap: float


@dataclass(frozen=True, eq=False)
class Compromise:
    """The compromise set (see the module's text).

    ``funded`` (idea ids, workbook order), ``min_satisfaction`` (0–1), ``per_member``
    (member → satisfaction with ``funded``), ``least`` (the members at the minimum),
    ``group_total`` (the set's total score under the group's weights), ``cost``, ``budget``,
    ``status`` (``optimal``, ``time_limit`` or ``infeasible``) and ``gap`` (the relative gap
    HiGHS proved for the max-min solve; 0 = proven optimum).
    """

    funded: tuple[str, ...]
    min_satisfaction: float
    per_member: pd.Series
    least: tuple[str, ...]
    group_total: float
    cost: float
    budget: float
    status: str
    gap: float

    def to_dict(self) -> dict:
        return {
            "funded": list(self.funded), "min_satisfaction": _num(self.min_satisfaction),
            "per_member": {m: _num(v) for m, v in self.per_member.items()},
            "least": list(self.least), "group_total": _num(self.group_total),
            "cost": _num(self.cost), "budget": _num(self.budget), "status": self.status,
            "gap": _num(self.gap),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping) -> Compromise:
        return cls(
            funded=tuple(d["funded"]), min_satisfaction=_float(d["min_satisfaction"]),
            per_member=pd.Series({m: _float(v) for m, v in d["per_member"].items()}, dtype=float),
            least=tuple(d["least"]), group_total=_float(d["group_total"]),
            cost=_float(d["cost"]), budget=_float(d["budget"]), status=d["status"],
            gap=_float(d["gap"]),
        )  # fmt: skip


@dataclass(frozen=True)
class Split:
    """Where the members' own optima agree: ``core`` (in every member's optimum),
    ``contested`` (idea → ``(in_for, out_for)``: the members whose optimum funds it, and
    those whose optimum does not) and ``never`` (in none); ideas in workbook order."""

    core: tuple[str, ...]
    contested: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    never: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"core": list(self.core), "never": list(self.never),
                "contested": {i: {"in": list(a), "out": list(b)}
                              for i, (a, b) in self.contested.items()}}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping) -> Split:
        return cls(tuple(d["core"]), {i: (tuple(v["in"]), tuple(v["out"]))
                                      for i, v in d["contested"].items()}, tuple(d["never"]))  # fmt: skip


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 10)


def _float(v) -> float:
    return math.nan if v is None else float(v)


def selection_problem(run: Run) -> SelectionProblem:
    """The run's selection problem within its total budget (:func:`total_budget`)."""
    return problem_for(run.prepared, total_budget(run), constraints_of(run))


def member_values(run: Run, weights) -> np.ndarray:
    """Each idea's weighted sum (0–1) on the run's aggregated scores under ``weights`` (a
    mapping or series of criterion → weight, made into shares); 0 where a score is missing
    (such ideas are not eligible anyway). Workbook order."""
    w = pd.Series(weights, dtype=float).reindex(run.wb.criteria.index).fillna(0.0)
    w = w / w.sum() if w.sum() > 0 else w
    return np.nan_to_num(run.prepared.normalised.to_numpy(float), nan=0.0) @ w.to_numpy(float)


def own_optimum(
    run: Run, weights, member: str = "", *, problem: SelectionProblem | None = None,
    time_limit: float | None = None,
) -> OwnOptimum:  # fmt: skip
    """The member's own best set: the exact optimum (MILP, HiGHS) of their weighted-sum
    total within the run's budget and constraints (ties: the cheaper set).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.run import resolve_run
    >>> run = resolve_run(read_workbook(sample_path()), budget="600.000")
    >>> mine = own_optimum(run, {"innovation": 1, "feasibility": 1}, "An")
    >>> mine.funded, mine.cost, mine.status
    (('TOEGANK', 'LEESPROMO', 'LEESCLUB', 'DIGIPUNT', 'ELOKET', 'DIGICOACH', 'FUSIE'), 575000.0, 'optimal')
    """
    problem = problem or selection_problem(run)
    values = member_values(run, weights)
    return _optimum(member, problem, values, solve(problem, values, time_limit=time_limit))


def _optimum(member: str, problem: SelectionProblem, values, solution) -> OwnOptimum:
    if not solution.feasible:
        return OwnOptimum(member, (), math.nan, math.nan, solution.status, math.nan)
    x = solution.x
    return OwnOptimum(member, _ids(problem, x), float(values[x].sum()),
                      float(problem.costs[x].sum()), solution.status, solution.gap)  # fmt: skip


def satisfaction(
    run: Run, member_weights, funded: Sequence[str], *, best: float | None = None
) -> float:
    """A member's satisfaction (0–1) with the funded set ``funded``: its weighted-sum total
    under ``member_weights`` divided by the total of the member's own optimum (computed
    exactly unless ``best`` is given). 1.0 when that optimum is worth 0.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.run import resolve_run
    >>> run = resolve_run(read_workbook(sample_path()), budget="600.000")
    >>> mine = {"innovation": 1, "feasibility": 1}
    >>> satisfaction(run, mine, own_optimum(run, mine).funded), satisfaction(run, mine, [])
    (1.0, 0.0)
    >>> round(satisfaction(run, mine, ["ZOEK", "ELOKET"]), 3)
    0.302
    """
    values = member_values(run, member_weights)
    if best is None:
        best = own_optimum(run, member_weights).total
    return _ratio(set_total(values, run.wb.ideas.index, funded), best)


def set_total(values, ids: Sequence[str], funded: Sequence[str]) -> float:
    """The total of ``values`` (one per idea of ``ids``) over the ideas in ``funded``, summed
    in ``ids`` order (so that a set's total is the same however it is listed)."""
    chosen = set(funded)
    return float(np.asarray(values, dtype=float)[[i in chosen for i in ids]].sum())


def _ratio(total: float, best: float) -> float:
    if best is None or math.isnan(best):
        return math.nan
    return total / best if best > 0 else 1.0


def _ids(problem: SelectionProblem, x) -> tuple[str, ...]:
    return tuple(i for i, chosen in zip(problem.ids, x, strict=True) if chosen)


def own_optima(
    run: Run, sets: pd.DataFrame, *, problem: SelectionProblem | None = None,
    time_limit: float | None = None,
) -> dict[str, OwnOptimum]:  # fmt: skip
    """Every member's :func:`own_optimum` (``sets``: members × criteria), solved side by
    side on the machine's cores (:func:`~prioritisation.decisions.portfolio.milp.solve_each`)."""
    problem = problem or selection_problem(run)
    members = [str(m) for m in sets.index]
    values = [member_values(run, row) for _, row in sets.iterrows()]
    solutions = solve_each(problem, values, time_limit=time_limit)
    return {m: _optimum(m, problem, v, s)
            for m, v, s in zip(members, values, solutions, strict=True)}  # fmt: skip


def compromise(
    run: Run,
    sets: pd.DataFrame,
    group: pd.Series | None = None,
    *,
    own: Mapping[str, OwnOptimum] | None = None,
    time_limit: float | None = None,
) -> Compromise:
    """The compromise set of the members' weight ``sets`` (members × criteria) under the
    run's budget and constraints (see the module's text and example).

    ``group``: the group's weights for the tie-break (default: the mean of the members'
    shares, :func:`~prioritisation.decisions.group_weights.group_weights`); ``own``: the
    members' own optima when already computed.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.group_weights import member_weight_sets
    >>> from prioritisation.engine.run import resolve_run
    >>> wb = read_workbook(sample_path())
    >>> result = compromise(resolve_run(wb, budget="600.000"), member_weight_sets(wb))
    >>> len(result.funded), round(result.min_satisfaction, 3), result.least, result.status
    (7, 0.987, ('Dina (Vlaamse Erfgoedbibliotheken)',), 'optimal')
    """
    shares = as_shares(sets, run.wb.criteria.index)
    if group is None:
        group = group_weights(shares)[0]
    problem = selection_problem(run)
    own = (
        own if own is not None else own_optima(run, shares, problem=problem, time_limit=time_limit)
    )
    members = [str(m) for m in shares.index]
    budget = problem.budget
    if not members:
        raise UsageError("usage.no_member_weights")
    failed = [own[m].status for m in members if own[m].status not in ("optimal", "time_limit")]
    if failed:
        status = failed[0]
        return Compromise((), math.nan, pd.Series(math.nan, index=members, dtype=float), (),
                          math.nan, math.nan, budget, status, math.nan)  # fmt: skip
    values = np.array([member_values(run, shares.loc[m]) for m in members])
    best = np.array([own[m].total for m in members])
    scored = best > 0
    rows = values[scored] / best[scored, None]
    first = _maximin(problem, rows, time_limit)
    if not first.feasible:
        return Compromise((), math.nan, pd.Series(math.nan, index=members, dtype=float), (),
                          math.nan, math.nan, budget, first.status, first.gap)  # fmt: skip
    x = first.x[: problem.n] > 0.5
    floor = _min_satisfaction(rows, x)
    group_values = member_values(run, group)
    second = _tie_break(problem, rows, floor - SLACK, group_values, time_limit)
    if second.feasible and _min_satisfaction(rows, second.x) >= floor - 1e-12:
        x = second.x
    per_member = pd.Series([_ratio(float(v[x].sum()), b) for v, b in zip(values, best, strict=True)],
                           index=members, dtype=float)  # fmt: skip
    low = float(per_member.min())
    status = "optimal" if first.status == second.status == "optimal" else "time_limit"
    return Compromise(
        funded=_ids(problem, x), min_satisfaction=low, per_member=per_member,
        least=tuple(m for m, v in per_member.items() if v <= low + 1e-9),
        group_total=float(group_values[x].sum()), cost=float(problem.costs[x].sum()),
        budget=budget, status=status, gap=max(first.gap, second.gap if second.feasible else 0.0),
    )  # fmt: skip


def _min_satisfaction(rows: np.ndarray, x) -> float:
    return float((rows @ np.asarray(x, dtype=float)).min()) if len(rows) else 1.0


def _maximin(problem: SelectionProblem, rows: np.ndarray, time_limit):
    """``max t`` s.t. ``rows @ x ≥ t`` and the selection's constraints (x binary, t ≥ 0)."""
    from scipy.sparse import csr_array, hstack, vstack

    matrix, lo, hi, lb, ub = constraint_rows(problem)
    n, k = problem.n, len(rows)
    block = hstack([matrix, csr_array((matrix.shape[0], 1))])
    if k:
        block = vstack([block, hstack([csr_array(rows), csr_array(-np.ones((k, 1)))])])
    c = np.zeros(n + 1)
    c[n] = -1.0
    return solve_lp_model(
        c, block.tocsr(), np.concatenate([lo, np.zeros(k)]), np.concatenate([hi, np.full(k, np.inf)]),
        np.append(lb, 0.0), np.append(ub, 1.0 if not k else np.inf), time_limit,
        integrality=np.append(np.ones(n), 0.0),
    )  # fmt: skip


def _tie_break(problem: SelectionProblem, rows: np.ndarray, floor: float, group_values, time_limit):
    """The largest group total (then the lowest cost) among sets with every member's
    satisfaction at least ``floor``."""
    from scipy.sparse import csr_array, vstack

    matrix, lo, hi, lb, ub = constraint_rows(problem)
    if len(rows):
        matrix = vstack([matrix, csr_array(rows)]).tocsr()
        lo = np.concatenate([lo, np.full(len(rows), floor)])
        hi = np.concatenate([hi, np.full(len(rows), np.inf)])
    return solve_lp_model(objective(problem, group_values), matrix, lo, hi, lb, ub, time_limit)


def core_contested_never(own: Mapping[str, OwnOptimum], ids: Sequence[str]) -> Split:
    """Which of ``ids`` every member's own optimum funds (core), some do (contested, with the
    members for and against) and none does (never).

    >>> from prioritisation.decisions.compromise import OwnOptimum
    >>> own = {"An": OwnOptimum("An", ("A", "B"), 1, 1, "optimal", 0),
    ...        "Bo": OwnOptimum("Bo", ("A",), 1, 1, "optimal", 0)}
    >>> split = core_contested_never(own, ["A", "B", "C"])
    >>> split.core, dict(split.contested), split.never
    (('A',), {'B': (('An',), ('Bo',))}, ('C',))
    """
    funded = {m: set(o.funded) for m, o in own.items()}
    core, never, contested = [], [], {}
    for iid in ids:
        yes = tuple(m for m in funded if iid in funded[m])
        if len(yes) == len(funded) and funded:
            core.append(iid)
        elif not yes:
            never.append(iid)
        else:
            contested[iid] = (yes, tuple(m for m in funded if iid not in funded[m]))
    return Split(tuple(core), contested, tuple(never))
