"""P(funded): how often each idea is funded when the weights are uncertain.

:func:`funding_probability` re-selects the portfolio under weight vectors sampled around the
weights in force (or uniformly over all weightings, as in SMAA), under the portfolio's funding
rule (the walk down the re-sampled ranking, or the exact best set), and counts how often each
idea is funded; the share becomes a verdict in words (almost always … never).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.decisions.portfolio.milp import solve_each
from prioritisation.decisions.portfolio.rules import walk_order
from prioritisation.decisions.portfolio.selection import Portfolio
from prioritisation.decisions.priority import priority_walk
from prioritisation.decisions.smaa import binomial_se
from prioritisation.engine.methods import METHODS
from prioritisation.engine.scoring import Prepared, method_input

VERDICTS = {
    "always": N_("pfunded.always"), "usually": N_("pfunded.usually"), "toss": N_("pfunded.toss"),
    "sometimes": N_("pfunded.sometimes"), "rarely": N_("pfunded.rarely"),
    "never": N_("pfunded.never"),
}  # fmt: skip
# reasons that no weighting can overcome
UNREACHABLE = ("not_eligible", "no_cost", "excluded", "prereq_blocked", "too_expensive")


@dataclass(frozen=True, eq=False)
class FundingProbability:
    """P(funded) per idea under weight uncertainty.

    ``table`` (index = idea id, ranking order): ``title``, ``theme``, ``score``, ``funded``
    (in the portfolio with the weights in force), ``p_funded`` (share of sampled weightings
    whose portfolio, under the same funding rule, funds it), ``p_funded_se`` (its Monte Carlo
    standard error, √(p(1−p)/``samples``)), ``verdict`` (text: almost always / usually / coin toss /
    sometimes / almost never / never) and ``verdict_kind``.
    """

    table: pd.DataFrame
    samples: int
    spread: float | None
    seed: int | None


def verdict_kind(p: float, fundable: bool) -> str:
    """``always`` (p ≥ 0.9), ``usually``, ``toss``, ``sometimes``, ``rarely``, or ``never``
    when no weighting can fund the idea.

    >>> verdict_kind(0.5, True), verdict_kind(0.0, False)
    ('toss', 'never')
    """
    if not fundable:
        return "never"
    if p >= 0.9:
        return "always"
    if p >= 0.65:
        return "usually"
    if p > 0.35:
        return "toss"
    if p > 0.1:
        return "sometimes"
    return "rarely"


def funding_probability(
    portfolio: Portfolio,
    samples: int = 300,
    spread: float | None = 0.05,
    seed: int | None = 0,
) -> FundingProbability:
    """Re-select the portfolio (under its funding rule) with ``samples`` weight vectors drawn
    around the weights in force (Dirichlet with concentration 1/``spread``; ``spread`` None or
    0: uniform over all weightings, as in SMAA) and count how often each idea is funded. Same budget, constraints,
    method and seed → same answer (:func:`prioritisation.engine.sampling.weight_chunks`).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.portfolio.selection import select_portfolio
    >>> p = select_portfolio(read_workbook(sample_path()), lang="en")
    >>> f = funding_probability(p, samples=8, seed=1)
    >>> f.table.loc[["ELOKET", "ZOEK", "CRM"], "verdict"].tolist()
    ['(almost) always', 'usually', 'never (cannot be)']
    >>> f.table.loc["ZOEK", ["p_funded", "p_funded_se"]].round(3).tolist()
    [0.875, 0.117]
    """
    from prioritisation.engine.sampling import weight_chunks

    if not isinstance(samples, int | np.integer) or samples < 1:
        raise UsageError(N_("usage.p_funded_samples"), value=samples)
    if portfolio.status == "infeasible":
        portfolio.raise_if_infeasible()
    problem, prepared = portfolio.problem, portfolio.prepared
    criteria = list(portfolio.weights.index)
    center = portfolio.weights.to_numpy(float)
    additive = METHODS[portfolio.method].additive and portfolio.method == "wsm"
    normalised = np.nan_to_num(prepared.normalised.reindex(list(problem.ids)).to_numpy())
    counts = np.zeros(problem.n)
    for chunk in weight_chunks(samples, len(criteria), seed, center=center, spread=spread):
        best = []  # the chunk's exact selections, solved side by side (solve_each)
        for w in chunk:
            if additive:
                values = normalised @ w
            else:
                values = scores_for(prepared, pd.Series(w, index=criteria), portfolio.method)
            if portfolio.rule == "priority":
                walk = priority_walk(problem, walk_order(problem, values))
                if not walk.must_failed:
                    counts += walk.funded
                continue
            best.append(values)
        for solution in solve_each(problem, best) if best else ():
            if solution.feasible:
                counts += solution.x
    p = counts / samples
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    t = portfolio.table
    reachable = ~t["reason_kind"].isin(UNREACHABLE)
    table = pd.DataFrame(
        {"title": t["title"], "theme": t["theme"], "score": t["score"], "funded": t["funded"],
         "p_funded": [float(p[pos[i]]) for i in t.index]},
        index=t.index,
    )  # fmt: skip
    table["p_funded_se"] = binomial_se(table["p_funded"], samples)
    table["verdict_kind"] = [verdict_kind(v, bool(r)) for v, r in zip(table["p_funded"], reachable,
                                                                      strict=True)]  # fmt: skip
    table["verdict"] = [tr(VERDICTS[k], portfolio.lang) for k in table["verdict_kind"]]
    return FundingProbability(table, int(samples), spread, seed)


def scores_for(prepared: Prepared, weights: pd.Series, method: str) -> np.ndarray:
    """Scores per idea (workbook order) under ``weights``, without building a Ranking."""
    method_ = METHODS[method]
    n = len(prepared.wb.ideas)
    scores = np.full(n, np.nan)
    complete = ~np.isnan(prepared.aggregated.to_numpy()).any(axis=1)
    rows = np.flatnonzero(prepared.eligible if method_.relative else complete)
    if len(rows):
        scores[rows] = method_.kernel(method_input(prepared, weights, rows)).scores
    return scores
