"""The budget frontier: the best value each budget level buys, and where each idea enters.

For budget levels from 0 to the cost of every fundable idea, the exact optimum of the same
selection problem as
:func:`~prioritisation.decisions.portfolio.selection.select_portfolio` (same constraints; theme
shares scale with the level). Because ties go to the cheaper set, each level's
``cost`` is where its value step starts. An idea *enters* at the first level whose optimum
funds it; in a knapsack an idea can leave again at a higher level (a bigger project
displaces it), so ``stays`` says whether it is funded at every level from there on.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.portfolio.selection import select_portfolio
>>> f = budget_frontier(select_portfolio(read_workbook(sample_path())), levels=5)
>>> f.points["count"].tolist(), f.points["value"].is_monotonic_increasing
([0, 9, 14, 18, 21], True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_
from prioritisation.decisions.portfolio.milp import solve
from prioritisation.decisions.portfolio.selection import Portfolio


@dataclass(frozen=True, eq=False)
class Frontier:
    """``points``: one row per level with ``budget``, ``value`` (NaN when the constraints
    cannot hold at that level), ``cost`` (of the optimal set), ``count``, ``selected``
    (tuple of ids), ``entering`` / ``leaving`` (ids against the previous level), ``status``.
    ``entries`` (index = idea id, ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``enters_at`` (first budget level that funds it, NaN if none), ``stays`` (funded at
    every level from there on). ``budget`` is the portfolio's budget (marked on the chart)."""

    points: pd.DataFrame
    entries: pd.DataFrame
    budget: float
    currency: str = "EUR"
    lang: str = "nl"

    def to_json(self) -> dict:
        points = [
            {"budget": float(r.budget), "value": None if math.isnan(r.value) else round(r.value, 10),
             "cost": float(r.cost), "selected": list(r.selected), "entering": list(r.entering),
             "leaving": list(r.leaving), "status": r.status}
            for r in self.points.itertuples()
        ]  # fmt: skip
        entries = [
            {"id": iid, "enters_at": None if math.isnan(r["enters_at"]) else float(r["enters_at"]),
             "stays": bool(r["stays"])}
            for iid, r in self.entries.iterrows()
        ]  # fmt: skip
        return {"budget": self.budget, "points": points, "entries": entries}


def budget_frontier(
    portfolio: Portfolio, levels: int = 50, max_budget: float | None = None
) -> Frontier:
    """The frontier for the portfolio's problem (weights, method, constraints) at ``levels``
    evenly spaced budgets from 0 to ``max_budget`` (default: the cost of all fundable ideas)."""
    if not isinstance(levels, int | np.integer) or levels < 2:
        raise UsageError(N_("usage.levels"), value=levels)
    problem = portfolio.problem
    usable = problem.fundable & ~problem.exclude
    top = float(problem.costs[usable].sum()) if max_budget is None else float(max_budget)
    budgets = np.linspace(0.0, top, int(levels))
    rows, previous = [], set()
    values = np.nan_to_num(portfolio.values)
    ids = np.array(problem.ids)
    for b in budgets:
        solution = solve(problem.with_budget(b), portfolio.values)
        if solution.feasible:
            chosen = set(ids[solution.x])
            rows.append({"budget": b, "value": float(values[solution.x].sum()),
                         "cost": float(problem.costs[solution.x].sum()), "status": solution.status,
                         "chosen": chosen})  # fmt: skip
        else:
            chosen = set()
            rows.append({"budget": b, "value": math.nan, "cost": math.nan,
                         "status": solution.status, "chosen": chosen})  # fmt: skip
    order = {iid: r for r, iid in enumerate(portfolio.table.index)}
    for row in rows:
        chosen = row.pop("chosen")
        row["count"] = len(chosen)
        row["selected"] = tuple(sorted(chosen, key=order.get))
        row["entering"] = tuple(sorted(chosen - previous, key=order.get))
        row["leaving"] = tuple(sorted(previous - chosen, key=order.get))
        previous = chosen
    points = pd.DataFrame(rows, columns=["budget", "value", "cost", "count", "selected", "entering",
                                         "leaving", "status"])  # fmt: skip
    t = portfolio.table
    enters, stays = [], []
    for iid in t.index:
        funded = np.array([iid in s for s in points["selected"]])
        if funded.any():
            first = int(np.argmax(funded))
            enters.append(float(points["budget"].iloc[first]))
            stays.append(bool(funded[first:].all()))
        else:
            enters.append(math.nan)
            stays.append(False)
    entries = pd.DataFrame({"title": t["title"], "theme": t["theme"], "cost": t["cost"],
                            "score": t["score"], "enters_at": enters, "stays": stays},
                           index=t.index)  # fmt: skip
    return Frontier(points, entries, portfolio.budget, portfolio.currency, portfolio.lang)
