"""When the constraints cannot all hold: a minimal set of them that conflict, in words.

:func:`find_conflict` is a deletion filter over the named constraints (the budget, each
``must`` and ``exclude``, each theme share and group; the roadmap adds its yearly budgets):
what it returns is irreducible, leaving out any one of them makes the problem feasible.
:func:`describe_conflict` says them in the user's language, with the sum that does not fit
when that is simple; :class:`InfeasibleError` carries those sentences to the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from prioritisation.core.errors import PrioritisationError
from prioritisation.core.i18n import N_, fmt_money, fmt_percent, tr
from prioritisation.decisions.portfolio.milp import Item, constraint_items, feasible
from prioritisation.decisions.portfolio.problem import SelectionProblem
from prioritisation.decisions.portfolio.reasons import BLOCKED, REASONS, ids_text, with_prereqs
from prioritisation.engine.scoring import Ranking, gate_reason

THEME_SHARES = {"theme_min": N_("conflict.theme_min"), "theme_max": N_("conflict.theme_max")}


class InfeasibleError(PrioritisationError):
    """The constraints cannot all hold; ``conflicts`` says which ones, in words."""

    def __init__(self, conflicts: list[str], lang: str | None = None):
        self.conflicts = list(conflicts)
        self.lang = lang
        super().__init__(tr("conflict.header", lang) + " " + "; ".join(conflicts))

    def lines(self, lang: str | None = None) -> list[str]:
        return [tr("conflict.header", lang or self.lang)] + [f"- {c}" for c in self.conflicts]


def find_conflict(
    problem: SelectionProblem, is_feasible=None, extra_items: Sequence[Item] = ()
) -> list[Item]:
    """A minimal set of constraints that cannot hold together (deletion filter).

    Dependencies and eligibility are always kept; every other constraint is dropped in turn
    and stays dropped while the rest is still infeasible. What remains is irreducible:
    leaving out any one of them makes the problem feasible. ``is_feasible(drop)`` tests a
    model without the items in ``drop`` (default: the selection model); ``extra_items`` are
    further named constraints that model knows (the roadmap's yearly budgets).
    """
    is_feasible = is_feasible or (lambda drop: feasible(problem, drop))
    items = constraint_items(problem) + list(extra_items)
    # a required idea that can never be funded is a conflict on its own
    for item in items:
        if item[0] == "must" and _must_blocked(problem, item[1]):
            return [item] + [("exclude", j) for j in problem.prereqs[item[1]] if problem.exclude[j]]
    dropped: set = set()
    for item in items:
        if not is_feasible(frozenset(dropped | {item})):
            dropped.add(item)
    return [item for item in items if item not in dropped]


def _must_blocked(problem: SelectionProblem, i: int) -> bool:
    chain = (i, *problem.prereqs[i])
    return any(not problem.fundable[j] for j in chain)


def describe_conflict(
    problem: SelectionProblem, items: list[Item], ranking: Ranking, lang=None, currency="EUR"
) -> list[str]:
    """The conflicting constraints in words, and the sum that does not fit when it is simple."""

    def money(v):
        return fmt_money(v, currency, lang)

    lines = []
    for item in items:
        kind = item[0]
        if kind == "budget":
            lines.append(tr("conflict.budget", lang, budget=money(problem.budget)))
        elif kind == "year":
            lines.append(tr("conflict.year", lang, year=item[1], budget=money(item[2])))
        elif kind == "must":
            lines.append(_must_line(problem, item[1], ranking, lang, money))
        elif kind == "exclude":
            lines.append(tr("conflict.exclude", lang, id=problem.ids[item[1]]))
        elif kind in THEME_SHARES:
            share = getattr(problem, kind)[item[1]]
            lines.append(tr(THEME_SHARES[kind], lang, theme=item[1], share=fmt_percent(share, 0, lang),
                            amount=money(share * problem.budget)))  # fmt: skip
        elif kind == "group":
            members = ids_text(problem.ids[k] for k in problem.groups[item[1]])
            lines.append(tr("conflict.group", lang, members=members, group=item[1]))
    kinds = {item[0] for item in items}
    if kinds == {"budget", "must"}:
        chosen = set()
        for item in items:
            if item[0] == "must":
                chosen |= {item[1], *problem.prereqs[item[1]]}
        cost = float(problem.costs[sorted(chosen)].sum())
        if cost > problem.budget:
            lines.append(tr("conflict.sum", lang, cost=money(cost), over=money(cost - problem.budget),
                            budget=money(problem.budget)))  # fmt: skip
    for item in items:
        if item[0] == "theme_min":
            members = problem.themes.get(item[1], np.array([], dtype=int))
            ok = [k for k in members if problem.fundable[k] and not problem.exclude[k]]
            available = float(problem.costs[ok].sum()) if ok else 0.0
            amount = problem.theme_min[item[1]] * problem.budget
            if available < amount:
                lines.append(tr("conflict.theme_sum", lang, theme=item[1], available=money(available),
                                amount=money(amount)))  # fmt: skip
    return lines


def _must_line(problem: SelectionProblem, i: int, ranking: Ranking, lang, money) -> str:
    """``B must be funded (€120 together with A)``, or why it cannot be."""
    chain = (i, *problem.prereqs[i])
    bad = [j for j in chain if not problem.fundable[j]]
    if not bad:
        return tr("conflict.must", lang, id=problem.ids[i],
                  cost=money(problem.costs[list(chain)].sum()),
                  with_prereqs=with_prereqs(problem, problem.prereqs[i], lang))  # fmt: skip
    j = bad[0]
    if j != i:
        why = tr("why.prereq_blocked", lang, prereq=problem.ids[j],
                 why=tr(BLOCKED[problem.blocked[j]], lang))  # fmt: skip
    else:
        gates = ranking.table.loc[problem.ids[j], "gates"]
        why = tr(REASONS[problem.blocked[j]], lang,
                 gates="; ".join(gate_reason(g, ranking.labels, lang) for g in gates))  # fmt: skip
    return tr("conflict.must_blocked", lang, id=problem.ids[i], why=why)
