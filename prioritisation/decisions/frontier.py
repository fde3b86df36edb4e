"""The budget frontier: what each budget level buys under the funding rule, and where each
idea enters.

For budget levels from 0 to the cost of every fundable idea, the set the portfolio's funding
rule chooses for the same selection problem as
:func:`~prioritisation.decisions.portfolio.selection.select_run` (same constraints; theme
shares scale with the level):

- ``priority``: the walk down the ranking at each level
  (:func:`~prioritisation.decisions.priority.priority_walk`). Its total score can *fall* at a
  higher level: a higher-ranked, expensive idea that now fits takes the place of several
  cheaper ones. A level's ``status`` is ``complete``, ``shortfall`` (a theme minimum not
  reached) or ``infeasible`` (a required idea does not fit);
- ``best``: the exact optimum at each level (never falls). Because ties go to the cheaper set,
  each level's ``cost`` is where its value step starts.

An idea *enters* at the first level that funds it; it can leave again at a higher level (a
bigger project displaces it), so ``stays`` says whether it is funded at every level from
there on.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.engine.run import resolve_run
>>> run = resolve_run(read_workbook(sample_path()), funding_rule="best")
>>> f = frontier_run(run, levels=5)
>>> f.rule, f.points["count"].tolist(), f.points["value"].is_monotonic_increasing
('best', [0, 9, 14, 18, 21], True)
>>> frontier_run(run.with_options(funding_rule="priority"), levels=5).points["count"].tolist()
[0, 5, 12, 17, 21]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_
from prioritisation.decisions.portfolio.milp import solve
from prioritisation.decisions.portfolio.rules import walk_order
from prioritisation.decisions.portfolio.selection import Portfolio, select_run
from prioritisation.decisions.priority import priority_walk
from prioritisation.engine.run import Run


@dataclass(frozen=True, eq=False)
class Frontier:
    """``points``: one row per level with ``budget``, ``value`` (NaN when the constraints
    cannot hold at that level), ``cost`` (of the optimal set), ``count``, ``selected``
    (tuple of ids), ``entering`` / ``leaving`` (ids against the previous level), ``status``.
    ``entries`` (index = idea id, ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``enters_at`` (first budget level that funds it, NaN if none), ``stays`` (funded at
    every level from there on). ``budget`` is the portfolio's budget (marked on the chart);
    ``rule`` the funding rule that chose each level's set."""

    points: pd.DataFrame
    entries: pd.DataFrame
    budget: float
    currency: str = "EUR"
    lang: str = "nl"
    rule: str = "best"

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
        return {"budget": self.budget, "rule": self.rule, "points": points, "entries": entries}


def frontier_run(
    run: Run, levels: int = 50, max_budget: float | None = None, lang: str | None = None,
    time_limit: float | None = None,
) -> Frontier:  # fmt: skip
    """The frontier of a resolved run under its funding rule (its budget, 0 when it has
    none, is marked on the chart)."""
    if run.budget.total is None and not run.budget.per_year:
        run = run.with_options(budget=0)
    return budget_frontier(select_run(run, lang, time_limit), levels, max_budget)


def budget_frontier(
    portfolio: Portfolio, levels: int = 50, max_budget: float | None = None
) -> Frontier:
    """The frontier for the portfolio's problem (weights, method, constraints) and funding rule
    at ``levels`` evenly spaced budgets from 0 to ``max_budget`` (default: the cost of all
    fundable ideas)."""
    if not isinstance(levels, int | np.integer) or levels < 2:
        raise UsageError(N_("usage.levels"), value=levels)
    problem = portfolio.problem
    usable = problem.fundable & ~problem.exclude
    top = float(problem.costs[usable].sum()) if max_budget is None else float(max_budget)
    budgets = np.linspace(0.0, top, int(levels))
    rows, previous = [], set()
    values = np.nan_to_num(portfolio.values)
    ids = np.array(problem.ids)
    order = walk_order(problem, portfolio.values)
    for b in budgets:
        if portfolio.rule == "priority":
            walk = priority_walk(problem.with_budget(b), order)
            x = None if walk.must_failed else walk.funded
            status = "infeasible" if walk.must_failed else (
                "shortfall" if walk.shortfalls else "complete")  # fmt: skip
        else:
            solution = solve(problem.with_budget(b), portfolio.values)
            x = solution.x if solution.feasible else None
            status = solution.status
        if x is not None:
            chosen = set(ids[x])
            rows.append({"budget": b, "value": float(values[x].sum()),
                         "cost": float(problem.costs[x].sum()), "status": status,
                         "chosen": chosen})  # fmt: skip
        else:
            chosen = set()
            rows.append({"budget": b, "value": math.nan, "cost": math.nan,
                         "status": status, "chosen": chosen})  # fmt: skip
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
    return Frontier(points, entries, portfolio.budget, portfolio.currency, portfolio.lang,
                    portfolio.rule)  # fmt: skip
