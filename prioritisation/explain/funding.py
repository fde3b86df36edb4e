"""Why (not) funded, and what would it take: explanations of a
:class:`~prioritisation.decisions.portfolio.selection.Portfolio`.

For every idea that is not funded, :func:`explain_portfolio` gives the structural reason the
portfolio already carries (a gate and by how much, no cost, excluded, a prerequisite that is
not or cannot be funded, its group, a theme maximum, the budget line and how much more
budget would let it be added) and, for ideas that could be funded:

- **what it would displace**: the best portfolio that *does* include the idea at the same
  budget (one more exact solve with the idea forced in): which funded ideas drop out, which
  come in with it, and how much total value is lost;
- **the smallest weight change that would fund it** (for the additive weighted sum, for the
  ``hints`` best-scoring such ideas): a small linear program moves as little weight as
  possible (sum of absolute changes) so that the best portfolio containing the idea beats
  every competing portfolio found so far; the new weights are re-solved exactly, a portfolio
  that still wins is added as a competitor, and the loop repeats. The suggestion is rounded
  to whole percentage points (one decimal if needed) and only returned once the selection
  re-run with exactly those weights funds the idea, and not by a tie: the best portfolio
  without it must be strictly worse (``verified``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.i18n import fmt_number, tr
from prioritisation.core.quiet import quiet_fd1
from prioritisation.decisions.portfolio.milp import solve
from prioritisation.decisions.portfolio.selection import Portfolio
from prioritisation.engine.methods import METHODS

FUNDABLE_KINDS = ("budget", "prerequisite", "group", "theme_max", "negative")
DELTAS = (1e-4, 0.005, 0.02)  # score margins tried by the weight LP (in score units)


@dataclass(frozen=True)
class Displacement:
    """The best portfolio that includes ``idea`` at the same budget, against the current one."""

    idea: str
    feasible: bool
    dropped: tuple[str, ...] = ()
    added: tuple[str, ...] = ()  # besides the idea itself (its prerequisites, cheaper swaps)
    value_change: float = math.nan  # total score of that portfolio minus the current one
    text: str = ""
    x: np.ndarray | None = field(default=None, repr=False)  # that portfolio (problem order)


@dataclass(frozen=True)
class WeightChange:
    """The smallest (L1) move of weights found that funds ``idea``, verified by re-solving.

    ``weights`` are the suggested shares (rounded to ``points``, percentage points summing to
    100), ``delta`` the change against the weights in force, ``moved`` the percentage points
    moved from some criteria to others, ``spec`` the ``--weights`` text that reproduces it,
    ``selected`` the portfolio under those weights.
    """

    idea: str
    weights: pd.Series
    delta: pd.Series
    points: pd.Series
    moved: float
    spec: str
    text: str
    verified: bool
    selected: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Explanation:
    """Per idea: status, reason (text) and what would change it.

    ``table`` (index = idea id, ranking order): ``status``, ``reason_kind``, ``reason``
    (the structural reason), ``displaces`` (ids), ``value_change``, ``displacement`` (text),
    ``weight_change`` (text), ``weight_spec`` (``--weights`` text), ``explanation`` (all of it
    in one sentence), ``extra_budget``, ``needs``.
    """

    portfolio: Portfolio
    table: pd.DataFrame
    displacements: dict[str, Displacement] = field(default_factory=dict)
    weight_changes: dict[str, WeightChange] = field(default_factory=dict)

    def why(self, idea: str) -> str:
        """One idea's full explanation in the portfolio's language."""
        return str(self.table.loc[idea, "explanation"])

    def to_records(self) -> list[dict]:
        records = self.portfolio.to_records()
        for record in records:
            row = self.table.loc[record["id"]]
            record["reason"] = row["explanation"]
            record["displaces"] = list(row["displaces"])
            record["value_change"] = None if pd.isna(row["value_change"]) else row["value_change"]
            wc = self.weight_changes.get(record["id"])
            record["weight_change"] = (
                None
                if wc is None
                else {"weights": {c: round(float(v), 6) for c, v in wc.weights.items()},
                      "points": {c: float(v) for c, v in wc.points.items()}, "spec": wc.spec,
                      "moved_points": wc.moved, "text": wc.text, "verified": wc.verified}
            )  # fmt: skip
        return records


def explain_portfolio(portfolio: Portfolio, hints: int = 3, displace: bool = True) -> Explanation:
    """Explain every idea of ``portfolio``: reasons, displacement and (for the ``hints``
    best-scoring ideas that could be funded) the smallest verified weight change.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.portfolio.selection import select_portfolio
    >>> p = select_portfolio(read_workbook(sample_path()), "1.000.000", lang="en")
    >>> print(explain_portfolio(p, hints=1).why("PODIUM"))
    fell under the budget line: costs €260,000, €0 is left; with €260,000 more budget it could
    be added; at this budget it would displace UX, ERFGOED (total score -0.621)
    """
    lang = portfolio.lang
    table = portfolio.table.copy()
    displacements: dict[str, Displacement] = {}
    weight_changes: dict[str, WeightChange] = {}
    tried_hints: list[str] = []
    if portfolio.status != "infeasible":
        candidates = [i for i in table.index if table.loc[i, "reason_kind"] in FUNDABLE_KINDS]
        if displace:
            for iid in candidates:
                displacements[iid] = displacement(portfolio, iid)
        if hints and METHODS[portfolio.method].additive:
            fundable = [
                i for i in candidates if i not in displacements or displacements[i].feasible
            ]
            ordered = sorted(fundable, key=lambda i: (-float(table.loc[i, "score"]), i))
            for iid in ordered[:hints]:
                tried_hints.append(iid)
                known = displacements.get(iid)
                change = weight_change(portfolio, iid, forced=None if known is None else known.x)
                if change is not None:
                    weight_changes[iid] = change
    tried = set(tried_hints)
    none = tr("explain.weights_none", lang)
    table["displaces"] = [
        displacements[i].dropped if i in displacements else () for i in table.index
    ]
    table["value_change"] = [displacements[i].value_change if i in displacements else math.nan
                             for i in table.index]  # fmt: skip
    table["displacement"] = [
        displacements[i].text if i in displacements else "" for i in table.index
    ]
    table["weight_change"] = [
        weight_changes[i].text if i in weight_changes else (none if i in tried else "")
        for i in table.index
    ]
    table["weight_spec"] = [
        weight_changes[i].spec if i in weight_changes else "" for i in table.index
    ]
    table["explanation"] = [
        "; ".join(p for p in (row["reason"], row["displacement"], row["weight_change"]) if p)
        for _, row in table.iterrows()
    ]
    return Explanation(portfolio, table, displacements, weight_changes)


def displacement(portfolio: Portfolio, idea: str) -> Displacement:
    """The best portfolio with ``idea`` forced in at the same budget and constraints."""
    problem, lang = portfolio.problem, portfolio.lang
    k = problem.index(idea)
    solution = solve(problem, portfolio.values, force=[k])
    if not solution.feasible:
        return Displacement(idea, False, text=tr("explain.displace_none", lang))
    current = np.isin(np.array(problem.ids), portfolio.selected)
    order = {iid: r for r, iid in enumerate(portfolio.table.index)}
    dropped = tuple(sorted((problem.ids[i] for i in np.flatnonzero(current & ~solution.x)),
                           key=order.get))  # fmt: skip
    added = tuple(sorted((problem.ids[i] for i in np.flatnonzero(solution.x & ~current) if i != k),
                         key=order.get))  # fmt: skip
    values = np.nan_to_num(portfolio.values)
    change = float(values[solution.x].sum() - values[current].sum())
    params = {"dropped": ", ".join(dropped) or "—", "change": fmt_number(change, 3, lang)}
    if added:
        text = tr("explain.displace_with", lang, added=", ".join(added), **params)
    else:
        text = tr("explain.displace", lang, **params)
    return Displacement(idea, True, dropped, added, change, text, solution.x)


def weight_change(
    portfolio: Portfolio, idea: str, max_rounds: int = 8, forced: np.ndarray | None = None
) -> WeightChange | None:
    """The smallest verified change of the criterion weights that funds ``idea`` (WSM only).

    ``forced``: the best portfolio with the idea at the current weights, when already known
    (:func:`displacement` computes it)."""
    if not METHODS[portfolio.method].additive:
        return None
    problem = portfolio.problem
    k = problem.index(idea)
    normalised = np.nan_to_num(portfolio.prepared.normalised.reindex(list(problem.ids)).to_numpy())
    w0 = portfolio.weights.to_numpy(float)
    current = np.isin(np.array(problem.ids), portfolio.selected)
    for delta in DELTAS:
        shares = _weight_search(problem, normalised, w0, current, k, delta, max_rounds, forced)
        if shares is None:
            return None  # no weights fund it against the competitors found: more margin won't help
        candidates = [_round_away(shares * 100, w0 * 100), _round_points(shares * 100, 0),
                      _round_points(shares * 100, 1)]  # fmt: skip
        for points in candidates:
            if points is None:
                continue
            trial = points.to_numpy() / points.sum()
            values = normalised @ trial
            check = solve(problem, values)
            if check.feasible and check.x[k] and _strict(problem, values, check.x, k):
                return _describe(portfolio, idea, trial, points, w0, check.x)
    return None


def _strict(problem, values, x, k) -> bool:
    """Funded by a real margin, not by a tie: the best portfolio without ``k`` is worse."""
    without = solve(problem, values, forbid=[k])
    if not without.feasible:
        return True
    return float(values[x].sum()) > float(values[without.x].sum()) + 1e-6


def _weight_search(problem, normalised, w0, current, k, delta, max_rounds, forced=None):
    m = len(w0)
    competitors = [current]
    shares = w0
    if forced is None:
        best_with = solve(problem, normalised @ w0, force=[k])
        if not best_with.feasible:
            return None
        forced = best_with.x
    q = forced
    # variables: w (m), u (m), v (m); w = w0 + u − v; minimise Σu + Σv
    c = np.concatenate([np.zeros(m), np.ones(2 * m)])
    a_eq = np.vstack([np.hstack([np.eye(m), -np.eye(m), np.eye(m)]),
                      np.concatenate([np.ones(m), np.zeros(2 * m)])])  # fmt: skip
    b_eq = np.concatenate([w0, [1.0]])
    bounds = [(0, 1)] * m + [(0, None)] * (2 * m)
    for _ in range(max_rounds):
        diffs = np.array([(q.astype(float) - p.astype(float)) @ normalised for p in competitors])
        a_ub = np.hstack([-diffs, np.zeros((len(diffs), 2 * m))])
        b_ub = -np.full(len(diffs), delta)
        from scipy.optimize import linprog  # imported here: keeps CLI start-up light

        with quiet_fd1():
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                          method="highs")  # fmt: skip
        if res.status != 0:
            return None
        shares = np.clip(res.x[:m], 0, None)
        shares = shares / shares.sum()
        values = normalised @ shares
        solution = solve(problem, values)
        if solution.feasible and solution.x[k]:
            return shares
        competitors.append(solution.x)
        best_with = solve(problem, values, force=[k])
        if not best_with.feasible:
            return None
        q = best_with.x
    return None


def _round_away(points: np.ndarray, start: np.ndarray) -> pd.Series | None:
    """Whole points rounded *further* from the weights in force (ceil what grows, floor what
    shrinks), the total brought back to 100 on the criteria that moved least."""
    delta = points - start
    rounded = np.where(delta > 0, np.ceil(points - 1e-9), np.floor(points + 1e-9))
    short = int(round(100 - rounded.sum()))
    order = np.argsort(np.abs(delta), kind="stable")
    for j in order:
        if short == 0:
            break
        step = 1 if short > 0 else -1
        if rounded[j] + step >= 0:
            rounded[j] += step
            short -= step
    return pd.Series(rounded) if short == 0 else None


def _round_points(points: np.ndarray, digits: int) -> pd.Series:
    """Round to ``digits`` decimals keeping the total at 100 (largest remainder)."""
    unit = 10.0**-digits
    scaled = points / unit
    floor = np.floor(scaled + 1e-9)
    short = int(round(100 / unit - floor.sum()))
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:short]] += 1
    return pd.Series(floor * unit)


def _describe(portfolio, idea, shares, points, w0, x) -> WeightChange:
    lang = portfolio.lang
    criteria = list(portfolio.weights.index)
    labels = portfolio.ranking.labels
    delta = shares - w0
    digits = 0 if np.allclose(points, np.round(points)) else 1
    parts_up, parts_down = [], []
    for j in np.argsort(-np.abs(delta), kind="stable"):
        p = 100 * delta[j]
        if abs(p) < 0.05:
            continue
        text = fmt_number(abs(p), digits if abs(p - round(p)) > 0.05 else 0, lang)
        criterion = labels.get(criteria[j], criteria[j])
        if p > 0:
            parts_up.append(tr("explain.more", lang, points=text, criterion=criterion))
        else:
            parts_down.append(tr("explain.less", lang, points=text, criterion=criterion))
    weights_text = " / ".join(f"{labels.get(c, c)} {fmt_number(p, digits, lang)} %"
                              for c, p in zip(criteria, points, strict=True))  # fmt: skip
    text = tr(
        "explain.weights", lang, changes=", ".join(parts_up + parts_down), weights=weights_text
    )
    spec = ",".join(f"{c}={fmt_number(p, digits, 'en').replace(',', '')}"
                    for c, p in zip(criteria, points, strict=True))  # fmt: skip
    ids = portfolio.problem.ids
    return WeightChange(
        idea=idea, weights=pd.Series(shares, index=criteria), delta=pd.Series(delta, index=criteria),
        points=pd.Series(points.to_numpy(), index=criteria), moved=float(np.abs(delta).sum() * 50),
        spec=spec, text=text, verified=True, selected=tuple(ids[i] for i in np.flatnonzero(x)),
    )  # fmt: skip
