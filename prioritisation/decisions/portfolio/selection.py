"""Selecting the portfolio: the public entry points and their result, :class:`Portfolio`.

:func:`select_run` selects for a resolved run under its funding rule (``run.funding_rule``):

- ``priority`` (the default, "in volgorde van prioriteit"): walk down the ranking and fund what
  fits (:func:`prioritisation.decisions.priority.priority_walk`);
- ``best`` ("grootste totale score"): the exact best set (HiGHS MILP, :mod:`.milp`).

The other rule is always computed as well: :attr:`Portfolio.alternative` says which set it
would choose and what differs, in words with numbers. :func:`select_portfolio` resolves a run
from a workbook and options first; :func:`select_prepared` is the fast path for a budget slider
(the workbook already aggregated, options already valid). A :class:`Portfolio` carries the
reason of every idea that is not funded (a gate, no cost, excluded, a prerequisite that cannot
or is not funded, its group, a theme maximum, the budget at its turn or the budget line);
:mod:`prioritisation.explain.funding` adds what it would displace and the smallest weight change
that would fund it. When the constraints cannot all hold, its ``status`` is ``infeasible``
and ``conflicts`` names a minimal conflicting set in words
(:meth:`Portfolio.raise_if_infeasible` raises
:class:`~prioritisation.decisions.portfolio.conflicts.InfeasibleError`).

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> p = select_portfolio(wb, "1.500.000", lang="en")
>>> p.rule, p.status, "ZOEK" in p.selected, p.total_cost <= 1_500_000
('priority', 'complete', True, True)
>>> p.alternative.rule, p.alternative.status, len(p.alternative.selected)
('best', 'optimal', 14)
>>> b = select_portfolio(wb, "1.500.000", funding_rule="best", lang="en")
>>> b.status, len(b.selected), b.table.loc["CRM", "reason_kind"]
('optimal', 14, 'not_eligible')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import get_language
from prioritisation.core.model import Workbook
from prioritisation.decisions.portfolio.conflicts import (
    InfeasibleError,
    describe_conflict,
    find_conflict,
)
from prioritisation.decisions.portfolio.milp import Solution, solve
from prioritisation.decisions.portfolio.options import constraints_of, total_budget
from prioritisation.decisions.portfolio.problem import Constraints, SelectionProblem, problem_for
from prioritisation.decisions.portfolio.reasons import idea_reasons, shortfall_lines, walk_reasons
from prioritisation.decisions.portfolio.rules import RULES, Alternative, alternative, walk_order
from prioritisation.decisions.priority import PriorityWalk, priority_walk
from prioritisation.engine.run import Run, resolve_run
from prioritisation.engine.scoring import Prepared, Ranking, rank_prepared


@dataclass(frozen=True, eq=False)
class Portfolio:
    """The selection and, per idea, whether it is funded and why (not).

    ``table`` (index = idea id, in ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``rank``, ``eligible``, ``funded`` (bool), ``status`` (``funded`` / ``not funded``),
    ``reason_kind`` (``funded``, ``must``, ``not_eligible``, ``no_cost``, ``excluded``,
    ``prereq_blocked``, ``too_expensive``, ``group``, ``prerequisite``, ``theme_max``,
    ``negative``, ``budget``), ``reason`` (text in ``lang``), ``needs`` (unfunded
    prerequisites, tuple of ids), ``extra_budget`` (EUR more that would let it be added to the
    funded set, NaN when that is not the issue).
    ``rule``: the funding rule that chose the set (``priority`` or ``best``); ``alternative``:
    what the other rule would choose (:class:`~.rules.Alternative`, with a sentence).
    ``status``: under ``best`` the solve's ``optimal`` (proven, ``gap`` ≈ 0) or ``time_limit``;
    under ``priority`` ``complete`` (the walk is not an optimisation; ``gap`` is NaN); under
    either ``infeasible`` when the constraints cannot all hold (then ``conflicts`` lists them in
    words and nothing is selected). ``shortfalls``: theme minimums the walk did not reach, in
    words.
    """

    table: pd.DataFrame
    selected: list[str]
    budget: float
    total_cost: float
    total_value: float
    status: str
    gap: float
    conflicts: list[str]
    constraints: Constraints
    problem: SelectionProblem
    ranking: Ranking
    prepared: Prepared
    values: np.ndarray  # score per idea in problem order (NaN where none)
    lang: str = "nl"
    currency: str = "EUR"
    rule: str = "best"
    alternative: Alternative | None = None
    shortfalls: tuple[str, ...] = ()

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def remaining(self) -> float:
        return self.budget - self.total_cost

    @property
    def weights(self) -> pd.Series:
        return self.ranking.weights

    @property
    def method(self) -> str:
        return self.ranking.method

    def raise_if_infeasible(self) -> None:
        if self.status == "infeasible":
            raise InfeasibleError(self.conflicts, self.lang)

    def to_records(self) -> list[dict]:
        """JSON records: ``id``, ``title``, ``theme``, ``cost``, ``score``, ``rank``,
        ``status``, ``reason``, ``reason_kind``, ``needs``, ``extra_budget``."""
        out = []
        for iid, row in self.table.iterrows():
            out.append(
                {
                    "id": iid, "title": row["title"], "theme": row["theme"],
                    "cost": _num(row["cost"]), "score": _num(row["score"]),
                    "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
                    "status": row["status"], "reason": row["reason"],
                    "reason_kind": row["reason_kind"], "needs": list(row["needs"]),
                    "extra_budget": _num(row["extra_budget"]),
                }
            )  # fmt: skip
        return out

    def to_json(self) -> dict:
        return {
            "budget": self.budget,
            "selected": list(self.selected),
            "total_cost": self.total_cost,
            "total_value": round(self.total_value, 10),
            "remaining": self.remaining,
            "rule": self.rule,
            "status": self.status,
            "optimal": self.optimal,
            "gap": None if math.isnan(self.gap) else self.gap,
            "conflicts": list(self.conflicts),
            "shortfalls": list(self.shortfalls),
            "alternative": None if self.alternative is None else self.alternative.to_json(),
            "method": self.method,
            "weights": {c: round(float(w), 10) for c, w in self.weights.items()},
            "ranking": self.to_records(),
        }

    def frame(self) -> pd.DataFrame:
        """Flat table for export (one row per idea)."""
        flat = self.table[["title", "theme", "cost", "score", "rank", "eligible", "status",
                           "reason", "extra_budget"]].copy()  # fmt: skip
        flat["rank"] = flat["rank"].astype("Int64")
        flat["needs"] = self.table["needs"].map(", ".join)
        flat.index.name = "id"
        return flat


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else round(v, 10)


def select_prepared(
    prepared: Prepared,
    weights: pd.Series,
    budget: float,
    constraints: Constraints | None = None,
    method: str = "wsm",
    lang: str | None = None,
    time_limit: float | None = None,
    rule: str = "priority",
) -> Portfolio:
    """The fast path (no validation of options): rank with ``weights`` and select under
    ``rule`` (``priority`` or ``best``); the other rule is computed too."""
    if rule not in RULES:
        raise UsageError("usage.funding_rule", value=rule, choices=", ".join(RULES))
    lang = get_language(lang)
    constraints = constraints or Constraints()
    ranking = rank_prepared(prepared, weights, method, lang)
    problem = problem_for(prepared, budget, constraints)
    values = ranking.table["score"].reindex(list(problem.ids)).to_numpy(float)
    best = solve(problem, values, time_limit=time_limit)
    walk = priority_walk(problem, walk_order(problem, values))
    return _portfolio(prepared, ranking, problem, values, rule, best, walk, constraints, lang)


def select_run(run: Run, lang: str | None = None, time_limit: float | None = None) -> Portfolio:
    """The portfolio of a resolved run (its weights, method, budget, constraints) under its
    funding rule, with the other rule's set beside it."""
    return select_prepared(run.prepared, run.weights, total_budget(run), constraints_of(run),
                           run.method, lang, time_limit, run.funding_rule)  # fmt: skip


def select_portfolio(
    wb: Workbook,
    budget=None,
    *,
    method: str | None = None,
    weights=None,
    aggregate: str | None = None,
    must=None,
    exclude=None,
    theme_min=None,
    theme_max=None,
    groups: bool = True,
    funding_rule: str | None = None,
    lang: str | None = None,
    time_limit: float | None = None,
) -> Portfolio:
    """The fundable set for ``budget`` (default: the workbook's ``budget`` setting, else
    the sum of its yearly budgets): :func:`~prioritisation.engine.run.resolve_run` with these
    options, then :func:`select_run`.

    ``must``/``exclude``: idea ids (list or ``"A,B"``); ``theme_min``/``theme_max``: theme →
    share of the budget (mapping or ``"E-inclusie=0.2"``); ``groups``: honour the mutually
    exclusive groups; ``funding_rule``: ``priority`` or ``best`` (default: the workbook's
    ``funding_rule`` setting, else ``priority``). Returns a :class:`Portfolio`; when the constraints conflict its
    ``status`` is ``infeasible`` and ``conflicts`` says why (call
    :meth:`Portfolio.raise_if_infeasible` to turn that into an error).
    """
    run = resolve_run(wb, method=method, weights=weights, aggregate=aggregate, budget=budget,
                      must=must, exclude=exclude, theme_min=theme_min, theme_max=theme_max,
                      groups=groups, funding_rule=funding_rule)  # fmt: skip
    return select_run(run, lang, time_limit)


def _portfolio(
    prepared: Prepared,
    ranking: Ranking,
    problem: SelectionProblem,
    values: np.ndarray,
    rule: str,
    best: Solution,
    walk: PriorityWalk,
    constraints: Constraints,
    lang: str,
) -> Portfolio:
    wb = prepared.wb
    order = list(ranking.table.index)
    x_best = best.x if best.feasible else None
    conflicts: list[str] = []
    shortfalls: tuple[str, ...] = ()
    if best.status == "infeasible" or walk.must_failed:
        # the constraints themselves cannot all hold: said the same way under either rule
        status, gap = "infeasible", math.nan
        x = x_alt = np.zeros(problem.n, dtype=bool)
        conflicts = describe_conflict(problem, find_conflict(problem), ranking, lang, wb.currency)
        reasons = idea_reasons(problem, values, x, ranking, lang, wb.currency)
    elif rule == "priority":
        status, gap, x, x_alt = "complete", math.nan, walk.funded, x_best
        reasons = walk_reasons(problem, values, walk, ranking, lang, wb.currency)
        shortfalls = tuple(shortfall_lines(walk, lang, wb.currency))
    else:
        status, gap, x_alt = best.status, best.gap, walk.funded
        x = x_best if x_best is not None else np.zeros(problem.n, dtype=bool)
        if x_best is None:
            conflicts = [best.message]
        reasons = idea_reasons(problem, values, x, ranking, lang, wb.currency)
    other = "best" if rule == "priority" else "priority"
    other_status = best.status if other == "best" else ("infeasible" if status == "infeasible"
                                                        else "complete")  # fmt: skip
    alt = alternative(other, problem.ids, x_alt, x, values, problem.costs, lang, order,
                      other_status)  # fmt: skip
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    t = ranking.table
    table = pd.DataFrame(
        {
            "title": t["title"], "theme": t["theme"], "cost": t["cost"], "score": t["score"],
            "rank": t["rank"], "eligible": t["eligible"],
            "funded": [bool(x[pos[i]]) for i in order],
        },
        index=t.index,
    )  # fmt: skip
    table["status"] = np.where(table["funded"], "funded", "not funded")
    for key in ("reason_kind", "reason", "needs", "extra_budget"):
        table[key] = [reasons[pos[i]][key] for i in order]
    selected = [i for i in order if x[pos[i]]]
    return Portfolio(
        table=table, selected=selected, budget=problem.budget,
        total_cost=float(problem.costs[x].sum()), total_value=float(np.nansum(values[x])),
        status=status, gap=gap, conflicts=conflicts, constraints=constraints,
        problem=problem, ranking=ranking, prepared=prepared, values=values, lang=lang,
        currency=wb.currency, rule=rule, alternative=alt, shortfalls=shortfalls,
    )  # fmt: skip
