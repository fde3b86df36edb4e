"""Why (not) funded, and what would it take: explanations of a
:class:`~prioritisation.decisions.portfolio.selection.Portfolio`, the same sentence for the same
idea in the app, the command line and the report.

Every idea that is not funded keeps the structural reason the portfolio carries (a gate and
by how much, no cost, excluded, a prerequisite, its group, a theme maximum, the budget line and
how much more budget would let it be added: exact numbers). For ideas that could be funded,
:func:`explain_portfolio` adds what funding it would take at the same budget:

- **exactly**, for the ideas chosen by :func:`exact_ids` (a rule of the portfolio alone, never
  of the shell: the ``exact`` highest-ranked unfunded ideas that could be funded, and the
  ``hints`` best of those that get a weight change):

  - rule ``best`` (the largest total score): the best portfolio that includes the idea (one
    exact solve with it forced in): which funded ideas make room, which come along, and how
    the total score of the selection changes;
  - rule ``priority`` (walk down the ranking): the walk with the idea first in line;
  - the smallest realistic weight change that funds it
    (:mod:`~prioritisation.explain.weight_change`), verified by re-running the selection;

- **as bounds**, for the other ideas under rule ``best``: the total score of the selection
  would fall by at least the LP relaxation's bound and at most what a feasible repair of the
  selection loses (:mod:`~prioritisation.explain.bounds`); the sentence says these are bounds.

:func:`explain_idea` gives the exact answer for any one idea on demand (the app's "what would
it take" for the idea a member asks about). Long work reports ``progress(done, total)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.i18n import fmt_number, tr
from prioritisation.decisions.portfolio.selection import Portfolio
from prioritisation.decisions.priority import priority_walk
from prioritisation.engine.methods import METHODS
from prioritisation.explain.bounds import Repair, exact_solve, relax
from prioritisation.explain.weight_change import (
    FLOOR,
    WeightChange,
    funding_rule,
    walk_order,
    weight_change,
)

FUNDABLE_KINDS = ("budget", "prerequisite", "group", "theme_max", "negative")
EXACT = 10  # the unfunded ideas nearest the budget line that get the exact answer
DIGITS = 3  # decimals of a change of the total score

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Displacement:
    """What it would take to fund ``idea`` at the same budget, against the current selection.

    Exact (``exact``): the selection that would include it (rule ``best``: the best one;
    ``priority``: the walk with the idea first in line), the ideas ``dropped`` from the
    current selection, those ``added`` besides the idea, and ``value_change`` (its total score
    minus the current one). Bounds (``exact`` false): ``low`` ≤ the exact change ≤ ``high``,
    ``dropped``/``added`` those of one feasible selection with the idea (``high`` is its
    change). ``feasible`` false: no selection at this budget can include the idea.
    """

    idea: str
    feasible: bool
    dropped: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    value_change: float = math.nan
    text: str = ""
    x: np.ndarray | None = field(default=None, repr=False)  # that selection (problem order)
    exact: bool = True
    low: float = math.nan
    high: float = math.nan


@dataclass(frozen=True, eq=False)
class Explanation:
    """Per idea: status, reason (text) and what would change it.

    ``table`` (index = idea id, ranking order): ``status``, ``reason_kind``, ``reason``
    (the structural reason), ``displaces`` (ids), ``value_change``, ``displacement`` (text),
    ``weight_change`` (text), ``weight_spec`` (``--weights`` text), ``explanation`` (all of it
    in one sentence), ``exact`` (whether the numbers of the displacement are exact, not
    bounds), ``extra_budget``, ``needs``. ``exact_ids``: the ideas that got the exact work.
    """

    portfolio: Portfolio
    table: pd.DataFrame
    displacements: dict[str, Displacement] = field(default_factory=dict)
    weight_changes: dict[str, WeightChange] = field(default_factory=dict)
    exact_ids: tuple[str, ...] = ()

    def why(self, idea: str) -> str:
        """One idea's full explanation in the portfolio's language."""
        return str(self.table.loc[idea, "explanation"])

    def to_records(self) -> list[dict]:
        records = self.portfolio.to_records()
        for record in records:
            iid = record["id"]
            row = self.table.loc[iid]
            record["reason"] = row["explanation"]
            record["displaces"] = list(row["displaces"])
            record["value_change"] = None if pd.isna(row["value_change"]) else row["value_change"]
            d = self.displacements.get(iid)
            record["exact"] = None if d is None else d.exact
            record["value_change_bounds"] = (
                None if d is None or d.exact or not d.feasible
                else [None if math.isnan(v) else round(v, 10) for v in (d.low, d.high)]
            )  # fmt: skip
            record["weight_change"] = _weight_record(self.weight_changes.get(iid))
        return records


def _weight_record(wc: WeightChange | None) -> dict | None:
    if wc is None:
        return None
    if not wc.found:
        return {"found": False, "floor": wc.floor, "text": wc.text}
    return {"found": True, "weights": {c: round(float(v), 6) for c, v in wc.weights.items()},
            "points": {c: float(v) for c, v in wc.points.items()}, "spec": wc.spec,
            "moved_points": wc.moved, "text": wc.text, "verified": wc.verified,
            "floor": wc.floor}  # fmt: skip


def candidates(portfolio: Portfolio) -> list[str]:
    """The unfunded ideas that could be funded, in ranking order."""
    if portfolio.status == "infeasible":
        return []
    t = portfolio.table
    return list(t.index[t["reason_kind"].isin(FUNDABLE_KINDS)])


def exact_ids(portfolio: Portfolio, exact: int = EXACT, hints: int = 3) -> list[str]:
    """The ideas that get the exact answer: the ``max(exact, hints)`` highest-ranked unfunded
    ideas that could be funded (nearest the budget line by score rank). A rule of the
    portfolio alone, so every shell explains the same ideas the same way.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.portfolio.selection import select_portfolio
    >>> exact_ids(select_portfolio(read_workbook(sample_path()), "1.000.000", funding_rule="best"), exact=3)
    ['ZOEK', 'PODIUM', 'EBOEK']
    """
    return candidates(portfolio)[: max(exact, hints, 0)]


def explain_portfolio(
    portfolio: Portfolio,
    hints: int = 3,
    displace: bool = True,
    *,
    exact: int = EXACT,
    floor: float = FLOOR,
    progress: Progress | None = None,
) -> Explanation:
    """Explain every idea of ``portfolio``: reasons; for the ideas of :func:`exact_ids` what
    funding it would take (exactly) and, for the ``hints`` best of those that can be funded,
    the smallest verified weight change that keeps every criterion at ``floor`` of its
    weight or more; bounds for the other ideas. ``progress(done, total)`` is called as the
    exact work goes on.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.portfolio.selection import select_portfolio
    >>> p = select_portfolio(read_workbook(sample_path()), "1.000.000", lang="en", funding_rule="best")
    >>> print(explain_portfolio(p, hints=1).why("PODIUM"))
    fell under the budget line: costs €260,000, €0 is left; with €260,000 more budget it could
    be added; at this budget UX, ERFGOED would have to make room: the total score of the
    selection falls by 0.621
    """
    lang = portfolio.lang
    table = portfolio.table.copy()
    displacements: dict[str, Displacement] = {}
    weight_changes: dict[str, WeightChange] = {}
    chosen = exact_ids(portfolio, exact, hints) if displace else []
    pool = candidates(portfolio)
    hints = max(0, hints) if METHODS[portfolio.method].additive else 0
    total = len(chosen) + hints
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    if progress is not None:
        progress(0, total)
    if displace and pool:
        context = Explainer(portfolio)
        for iid in chosen:
            displacements[iid] = context.displacement(iid)
            tick()
        if funding_rule(portfolio) == "best":
            for iid in pool:
                if iid not in displacements:
                    displacements[iid] = context.bounds(iid)
    tried: list[str] = []
    for iid in pool:
        if len(tried) >= hints:
            break
        known = displacements.get(iid)
        if known is not None and not known.feasible:
            continue
        if known is None or not known.exact:
            known = displacements[iid] = (
                Explainer(portfolio).displacement(iid) if displace else None
            )
            if known is not None and not known.feasible:
                continue
        tried.append(iid)
        others = [d.x for d in displacements.values() if d.exact and d.x is not None]
        change = weight_change(portfolio, iid, floor=floor, known=others,
                               forced=None if known is None else _forced(portfolio, known))  # fmt: skip
        if change is not None:
            weight_changes[iid] = change
        tick()
    if progress is not None and done < total:
        progress(total, total)
    _fill_table(table, displacements, weight_changes, tried, lang)
    exact_set = tuple(i for i in table.index if i in displacements and displacements[i].exact)
    return Explanation(portfolio, table, displacements, weight_changes, exact_set)


@dataclass(frozen=True)
class IdeaExplanation:
    """One idea, exactly: its structural reason, what funding it would take, the smallest
    realistic weight change (when it could be funded) and all of it in one sentence."""

    idea: str
    reason: str
    displacement: Displacement | None
    weight_change: WeightChange | None
    text: str


def explain_idea(portfolio: Portfolio, idea: str, *, floor: float = FLOOR) -> IdeaExplanation:
    """The exact answer for one idea, on demand (whatever :func:`exact_ids` chose).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.portfolio.selection import select_portfolio
    >>> p = select_portfolio(read_workbook(sample_path()), "1.200.000", lang="en", funding_rule="best")
    >>> e = explain_idea(p, "SCHOOL")
    >>> e.displacement.exact, e.weight_change.spec
    (True, 'innovation=22,desirability=38,viability=20,feasibility=20')
    """
    reason = str(portfolio.table.loc[idea, "reason"])
    d = change = None
    if idea in candidates(portfolio):
        d = Explainer(portfolio).displacement(idea)
        if d.feasible and METHODS[portfolio.method].additive:
            change = weight_change(portfolio, idea, floor=floor, forced=_forced(portfolio, d))
    text = _sentence(
        reason, d.text if d else "", _change_text(change, idea, [idea], portfolio.lang)
    )
    return IdeaExplanation(idea, reason, d, change, text)


def _forced(portfolio, d: Displacement):
    return d.x if funding_rule(portfolio) == "best" else None


class Explainer:
    """What the displacements of one portfolio share: the current selection, its value, and
    (rule ``best``) one LP relaxation and one repair index for all ideas."""

    def __init__(self, portfolio: Portfolio):
        self.p = portfolio
        problem = portfolio.problem
        self.current = np.isin(np.array(problem.ids), portfolio.selected)
        self.values = np.nan_to_num(portfolio.values)
        self.value = float(self.values[self.current].sum())
        self.order = {iid: r for r, iid in enumerate(portfolio.table.index)}
        self.rule = funding_rule(portfolio)
        self._relaxation = self._repair = None

    @property
    def relaxation(self):
        if self._relaxation is None:
            self._relaxation = relax(self.p.problem, self.p.values) or False
        return self._relaxation or None

    @property
    def repair(self) -> Repair:
        if self._repair is None:
            self._repair = Repair(self.p.problem, self.p.values, self.current)
        return self._repair

    def _diff(self, x, k):
        ids = self.p.problem.ids
        dropped = tuple(sorted((ids[i] for i in np.flatnonzero(self.current & ~x)),
                               key=self.order.get))  # fmt: skip
        added = tuple(sorted((ids[i] for i in np.flatnonzero(x & ~self.current) if i != k),
                             key=self.order.get))  # fmt: skip
        return dropped, added

    def displacement(self, idea: str) -> Displacement:
        """The exact answer (see :class:`Displacement`)."""
        problem, lang = self.p.problem, self.p.lang
        k = problem.index(idea)
        if self.rule == "priority":
            order = walk_order(self.p)
            x = priority_walk(problem, [k, *(i for i in order if i != k)]).funded
            if not x[k]:
                return Displacement(idea, False, text=tr("whynot.first_none", lang))
        else:
            incumbent = self.repair(k)
            solution = exact_solve(problem, self.p.values, force=[k], incumbent=incumbent)
            if not solution.feasible:
                return Displacement(idea, False, text=tr("whynot.displace_none", lang))
            x = solution.x
        dropped, added = self._diff(x, k)
        change = float(self.values[x].sum()) - self.value
        params = {"dropped": ", ".join(dropped) or "—", "added": ", ".join(added),
                  "change": _total_change(change, lang)}  # fmt: skip
        if self.rule == "priority" and not dropped:
            text = tr("whynot.first_free", lang, **params)
        elif self.rule == "priority" and added:
            text = tr("whynot.first_with", lang, **params)
        elif self.rule == "priority":
            text = tr("whynot.first", lang, **params)
        elif not dropped:
            text = tr("whynot.displace_free", lang, **params)
        elif added:
            text = tr("whynot.displace_with", lang, **params)
        else:
            text = tr("whynot.displace", lang, **params)
        return Displacement(idea, True, dropped, added, change, text, x, True, change, change)

    def bounds(self, idea: str) -> Displacement:
        """Bounds on the exact answer (rule ``best``), see :class:`Displacement`."""
        problem, lang = self.p.problem, self.p.lang
        k = problem.index(idea)
        relaxation = self.relaxation
        upper = relaxation.upper_score([k, *problem.prereqs[k]]) if relaxation else math.inf
        if upper == -math.inf:
            return Displacement(idea, False, text=tr("whynot.displace_none", lang), exact=False)
        high = upper - self.value
        if self.p.optimal:
            high = min(high, 0.0)  # the current selection is the best there is
        x = self.repair(k)
        low = math.nan if x is None else float(self.values[x].sum()) - self.value
        dropped, added = self._diff(x, k) if x is not None else ((), ())
        fall_least, fall_most = -high, -low  # the fall of the total score
        least, most = _number(max(fall_least, 0.0), lang), _number(fall_most, lang)
        if x is None:
            text = tr("whynot.bounds_least", lang, least=least)
        elif round(fall_least, DIGITS) <= 0:
            text = tr("whynot.bounds_most", lang, most=most, dropped=", ".join(dropped) or "—")
        else:
            text = tr("whynot.bounds_range", lang, least=least, most=most,
                      dropped=", ".join(dropped) or "—")  # fmt: skip
        return Displacement(idea, True, dropped, added, math.nan, text, x, False, low, high)


@functools.lru_cache(maxsize=4096)
def _rounded(value: float, lang) -> str:
    return fmt_number(value, DIGITS, lang)


def _number(value: float, lang) -> str:
    """A change of the total score as shown (``DIGITS`` decimals); Babel is slow and an
    explanation of thousands of ideas shows many equal numbers."""
    return _rounded(round(float(value), DIGITS) + 0.0, lang)


def _total_change(change: float, lang) -> str:
    """ "the total score of the selection falls by 0.475" (rises by, stays the same)."""
    if round(abs(change), DIGITS) == 0:
        return tr("whynot.total_same", lang)
    shown = _number(abs(change), lang)
    if change < 0:
        return tr("whynot.total_down", lang, amount=shown)
    return tr("whynot.total_up", lang, amount=shown)


def _change_text(change: WeightChange | None, idea: str, tried, lang) -> str:
    if change is not None:
        return change.text
    return tr("whynot.weights_none", lang) if idea in tried else ""


def _sentence(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _fill_table(table, displacements, weight_changes, tried, lang) -> None:
    d, ids = displacements, list(table.index)
    table["displaces"] = [d[i].dropped if i in d and d[i].exact else () for i in ids]
    table["value_change"] = [d[i].value_change if i in d else math.nan for i in ids]
    table["displacement"] = [d[i].text if i in d else "" for i in ids]
    table["exact"] = [bool(d[i].exact) if i in d else True for i in ids]
    table["weight_change"] = [_change_text(weight_changes.get(i), i, tried, lang) for i in ids]
    table["weight_spec"] = [weight_changes[i].spec if i in weight_changes else "" for i in ids]
    table["explanation"] = [
        _sentence(*parts)
        for parts in zip(
            table["reason"], table["displacement"], table["weight_change"], strict=True
        )
    ]
