"""The smallest realistic change of the criterion weights that would fund an idea (weighted sum).

"Realistic" means bounded: no criterion falls below ``floor`` times its current weight (half,
by default), so that no suggestion wipes out a criterion the group chose to weigh. Within that
box a small linear program moves as little weight as possible (the sum of absolute changes):

- rule ``best`` (the largest total score): the best portfolio that includes the idea must beat
  every competing portfolio found so far; the new weights are re-solved exactly, a portfolio
  that still wins becomes a competitor, and the loop repeats;
- rule ``priority`` (walk down the ranking): the idea must rank above the ideas that take the
  budget before its turn; the walk is re-run with the new weights, and ideas that still come
  first are added.

The suggestion is rounded to whole percentage points (one decimal if needed), never below the
floor, and returned only when the selection re-run with exactly those weights funds the idea
(for ``best``: not by a tie, the best portfolio without it is strictly worse). When the linear
program has no solution within the floor, :func:`weight_change` says so
(:attr:`WeightChange.found` is false, ``text`` names the floor).

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.portfolio.selection import select_portfolio
>>> wb = read_workbook(sample_path())
>>> p = select_portfolio(wb, "1.200.000", lang="en", funding_rule="best")
>>> print(weight_change(p, "SCHOOL").text)
would be funded with +8 points on Desirability, −8 points on Innovation value (weights Innovation
value 22 % / Desirability 38 % / Financial viability 20 % / Technical feasibility 20 %; no
criterion below 50% of its current weight)
>>> print(weight_change(select_portfolio(wb, "1.500.000", lang="en", funding_rule="best"), "ZOEK").text)
no shift found that funds ZOEK without taking a criterion below 50% of its current weight
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.i18n import fmt_number, fmt_percent, tr
from prioritisation.core.quiet import quiet_fd1
from prioritisation.decisions.portfolio.selection import Portfolio
from prioritisation.decisions.priority import priority_walk
from prioritisation.engine.methods import METHODS
from prioritisation.explain.bounds import exact_solve
from prioritisation.explain.numbers import signed

FLOOR = 0.5  # no criterion below this share of its current weight
DELTAS = (1e-4, 0.005, 0.02)  # score margins tried by the weight LP (in score units)
ROUNDS = 8


@dataclass(frozen=True)
class WeightChange:
    """The smallest (L1) move of weights found that funds ``idea``, verified by re-running the
    selection; or, when ``found`` is false, that none exists within the floor (``text`` says
    so, the other fields are empty).

    ``weights`` are the suggested shares (rounded to ``points``, percentage points summing to
    100), ``delta`` the change against the weights in force, ``moved`` the percentage points
    moved from some criteria to others, ``spec`` the ``--weights`` text that reproduces it,
    ``selected`` the portfolio under those weights, ``floor`` the share of its current weight
    below which no criterion was allowed to fall.
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
    floor: float = FLOOR
    found: bool = True


def funding_rule(portfolio: Portfolio) -> str:
    """The rule that chose ``portfolio``'s set: ``best`` or ``priority``."""
    return getattr(portfolio, "rule", None) or "best"


def walk_order(portfolio: Portfolio, scores: pd.Series | None = None) -> list[int]:
    """Problem indices in ranking order (by ``scores`` when given: the re-ranked order)."""
    problem = portfolio.problem
    if scores is None:
        ids = list(portfolio.table.index)
    else:
        from prioritisation.engine.scoring import rank_positions

        raw = scores.reindex(list(problem.ids)).to_numpy(float)
        _, order = rank_positions(raw, list(problem.ids), portfolio.prepared.eligible)
        ids = [problem.ids[k] for k in order]
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    return [pos[i] for i in ids]


def weight_change(
    portfolio: Portfolio,
    idea: str,
    *,
    floor: float = FLOOR,
    forced: np.ndarray | None = None,
    max_rounds: int = ROUNDS,
    known: Iterable[np.ndarray] = (),
) -> WeightChange | None:
    """The smallest verified change of the criterion weights that funds ``idea``, with no
    criterion below ``floor`` times its current weight (weighted sum only; ``None`` for other
    methods or when nothing was found). ``forced``: the best portfolio with the idea at the
    current weights, when already known; ``known``: other feasible selections (e.g. the best
    ones with other ideas), used as starting points of the exact solves. A result with ``found`` false
    says that the linear program has no solution within the floor."""
    if not METHODS[portfolio.method].additive:
        return None
    problem = portfolio.problem
    k = problem.index(idea)
    normalised = np.nan_to_num(portfolio.prepared.normalised.reindex(list(problem.ids)).to_numpy())
    w0 = portfolio.weights.to_numpy(float)
    lower = floor * w0
    rule = funding_rule(portfolio)
    search = _priority_search if rule == "priority" else _best_search
    known = [np.asarray(x, dtype=bool) for x in known]  # feasible selections (incumbents)
    for delta in DELTAS:
        shares = search(portfolio, normalised, w0, lower, k, delta, max_rounds, forced, known)
        if shares is None:
            return _none(portfolio, idea, floor)
        if isinstance(shares, str):
            return None  # a bound on the rounds: nothing found, nothing proven
        for points in _candidates(shares, w0, lower):
            trial = points.to_numpy() / points.sum()
            x = _funds(portfolio, normalised, trial, k, known)
            if x is not None:
                return _describe(portfolio, idea, trial, points, w0, x, floor)
    return None


def _none(portfolio, idea, floor) -> WeightChange:
    empty = pd.Series(dtype=float)
    text = tr("whynot.weights_floor", portfolio.lang, idea=idea,
              floor=fmt_percent(floor, 0, portfolio.lang))  # fmt: skip
    return WeightChange(idea, empty, empty, empty, 0.0, "", text, False, (), floor, found=False)


def _candidates(shares, w0, lower):
    """Rounded versions of ``shares`` (whole points away from ``w0``, then nearest whole, then
    one decimal), each kept at or above the floor."""
    minimum = np.ceil(lower * 100 - 1e-9)
    for points in (_round_away(shares * 100, w0 * 100, minimum),
                   _round_points(shares * 100, 0, minimum),
                   _round_points(shares * 100, 1, np.ceil(lower * 1000 - 1e-9) / 10)):  # fmt: skip
        if points is not None:
            yield points


def _funds(portfolio, normalised, shares, k, known=()) -> np.ndarray | None:
    """The selection re-run with ``shares`` if it funds idea ``k`` (for ``best``: strictly,
    not by a tie), else ``None``. ``known``: feasible selections, used as incumbents."""
    problem = portfolio.problem
    values = normalised @ shares
    if funding_rule(portfolio) == "priority":
        scores = pd.Series(np.where(portfolio.prepared.eligible, values, np.nan), index=problem.ids)
        x = priority_walk(problem, walk_order(portfolio, scores)).funded
        return x if x[k] else None
    current = np.isin(np.array(problem.ids), portfolio.selected)
    pool = [current, *known]
    check = exact_solve(problem, values, incumbent=_best_of(pool, values))
    if not (check.feasible and check.x[k]):
        return None
    without = exact_solve(problem, values, forbid=[k],
                          incumbent=_best_of([x for x in pool if not x[k]], values))  # fmt: skip
    if without.feasible and not (
        float(values[check.x].sum()) > float(values[without.x].sum()) + 1e-6
    ):
        return None
    return check.x


def _best_of(selections, values):
    return max(selections, key=lambda x: float(values[x].sum()), default=None)


def _lp(normalised_rows, w0, lower, delta):
    """min Σ|w − w0| s.t. rows·w ≥ delta, Σw = 1, w ≥ lower; the new shares or ``None``."""
    from scipy.optimize import linprog  # imported here: keeps CLI start-up light

    m = len(w0)
    c = np.concatenate([np.zeros(m), np.ones(2 * m)])
    a_eq = np.vstack([np.hstack([np.eye(m), -np.eye(m), np.eye(m)]),
                      np.concatenate([np.ones(m), np.zeros(2 * m)])])  # fmt: skip
    b_eq = np.concatenate([w0, [1.0]])
    bounds = [(float(lo), 1.0) for lo in lower] + [(0, None)] * (2 * m)
    rows = np.atleast_2d(normalised_rows)
    a_ub = np.hstack([-rows, np.zeros((len(rows), 2 * m))])
    b_ub = -np.full(len(rows), delta)
    with quiet_fd1():
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    shares = np.clip(res.x[:m], lower, None)
    return shares / shares.sum()


def _best_search(portfolio, normalised, w0, lower, k, delta, max_rounds, forced, known):
    """Rule ``best``: weights under which the best portfolio with ``k`` beats the competitors."""
    problem = portfolio.problem
    current = np.isin(np.array(problem.ids), portfolio.selected)
    competitors = [current]
    if forced is None:
        best_with = exact_solve(problem, normalised @ w0, force=[k])
        if not best_with.feasible:
            return None
        forced = best_with.x
    q = forced
    for _ in range(max_rounds):
        diffs = np.array([(q.astype(float) - p.astype(float)) @ normalised for p in competitors])
        shares = _lp(diffs, w0, lower, delta)
        if shares is None:
            return None
        values = normalised @ shares
        solution = exact_solve(problem, values, incumbent=_best_of([*competitors, q], values))
        if solution.feasible and solution.x[k]:
            known.append(solution.x)
            return shares
        competitors.append(solution.x)
        known.append(solution.x)
        best_with = exact_solve(problem, values, force=[k], incumbent=q)
        if not best_with.feasible:
            return None
        q = best_with.x
        known.append(q)
    return "rounds"


def _priority_search(portfolio, normalised, w0, lower, k, delta, max_rounds, _forced, _known):
    """Rule ``priority``: weights under which ``k`` ranks above the ideas that take the budget
    before its turn (found by moving it up the order until the walk funds it)."""
    problem = portfolio.problem
    eligible = portfolio.prepared.eligible
    below: set[int] = set()
    shares = w0
    for _ in range(max_rounds):
        values = normalised @ shares
        order = walk_order(portfolio, pd.Series(np.where(eligible, values, np.nan),
                                                index=problem.ids))  # fmt: skip
        if priority_walk(problem, order).funded[k]:
            return shares
        at = order.index(k)
        rest = order[:at] + order[at + 1 :]
        if not priority_walk(problem, [k, *rest]).funded[k]:
            return None  # not even first in line
        lo, hi = 0, at  # funded when moved to position lo; find the latest such position
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if priority_walk(problem, rest[:mid] + [k] + rest[mid:]).funded[k]:
                lo = mid
            else:
                hi = mid - 1
        below |= set(rest[lo:at])
        rows = np.array([normalised[k] - normalised[j] for j in sorted(below)])
        shares = _lp(rows, w0, lower, delta)
        if shares is None:
            return None
    return "rounds"


def _round_away(points: np.ndarray, start: np.ndarray, minimum: np.ndarray) -> pd.Series | None:
    """Whole points rounded *further* from the weights in force (ceil what grows, floor what
    shrinks, never below ``minimum``), the total brought back to 100 on the criteria that
    moved least."""
    delta = points - start
    rounded = np.where(delta > 0, np.ceil(points - 1e-9), np.floor(points + 1e-9))
    rounded = np.maximum(rounded, minimum)
    short = int(round(100 - rounded.sum()))
    order = np.argsort(np.abs(delta), kind="stable")
    for j in order:
        if short == 0:
            break
        step = 1 if short > 0 else -1
        while short != 0 and rounded[j] + step >= minimum[j] and (step > 0 or rounded[j] > 0):
            if abs(rounded[j] + step - points[j]) > 1 + 1e-9:
                break
            rounded[j] += step
            short -= step
    return pd.Series(rounded) if short == 0 else None


def _round_points(points: np.ndarray, digits: int, minimum: np.ndarray) -> pd.Series | None:
    """Round to ``digits`` decimals keeping the total at 100 (largest remainder), never below
    ``minimum``."""
    unit = 10.0**-digits
    scaled = points / unit
    floor = np.maximum(np.floor(scaled + 1e-9), np.round(minimum / unit))
    short = int(round(100 / unit - floor.sum()))
    if short < 0:
        return None
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:short]] += 1
    return pd.Series(floor * unit)


def _describe(portfolio, idea, shares, points, w0, x, floor) -> WeightChange:
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
        text = signed(p, digits if abs(p - round(p)) > 0.05 else 0, lang, plus=True)
        criterion = labels.get(criteria[j], criteria[j])
        (parts_up if p > 0 else parts_down).append(
            tr("whynot.weight_part", lang, points=text, criterion=criterion)
        )
    weights_text = " / ".join(f"{labels.get(c, c)} {fmt_number(p + 0.0, digits, lang)} %"
                              for c, p in zip(criteria, points, strict=True))  # fmt: skip
    text = tr("whynot.weights", lang, changes=", ".join(parts_up + parts_down),
              weights=weights_text, floor=fmt_percent(floor, 0, lang))  # fmt: skip
    spec = ",".join(f"{c}={fmt_number(p, digits, 'en').replace(',', '')}"
                    for c, p in zip(criteria, points, strict=True))  # fmt: skip
    ids = portfolio.problem.ids
    return WeightChange(
        idea=idea, weights=pd.Series(shares, index=criteria), delta=pd.Series(delta, index=criteria),
        points=pd.Series(points.to_numpy(), index=criteria), moved=float(np.abs(delta).sum() * 50),
        spec=spec, text=text, verified=True, selected=tuple(ids[i] for i in np.flatnonzero(x)),
        floor=floor,
    )  # fmt: skip
