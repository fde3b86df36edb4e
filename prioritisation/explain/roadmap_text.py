"""What changes in the roadmap when the yearly budgets change, in words: which yearly budgets
changed, which ideas drop out, which move to another year, which come in, and the totals.

Pure: two plans in (:class:`~prioritisation.decisions.roadmap.plan.Roadmap`, or anything with
the same ``table`` and ``years``), a :class:`PlanDiff` out (:func:`plan_diff`), and its sentences
(:func:`diff_lines`). The app's roadmap tab compares the plan at the workbook's yearly budgets
with the plan at the budgets the member set (same weights, same total budget).

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.roadmap.plan import plan_roadmap
>>> wb = read_workbook(sample_path())
>>> before = plan_roadmap(wb, lang="nl")
>>> after = plan_roadmap(wb, "2027=700.000; 2028=400.000; 2029=500.000", lang="nl")
>>> diff = plan_diff(before, after)
>>> [(c.id, c.kind, c.before, c.after) for c in diff.ideas]
[('PODIUM', 'dropped', 2027, None), ('TOEGANK', 'moved', 2028, 2027), ('FUSIE', 'moved', 2028, 2027), ('DATA', 'added', None, 2029), ('LEESTIP', 'added', None, 2029)]
>>> diff_lines(diff, "nl")[0]
'Jaarbudget 2028: €\\xa0400.000 in plaats van €\\xa0600.000 (€\\xa0200.000 minder).'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from prioritisation.core.i18n import N_, fmt_money, tr

KINDS = ("dropped", "moved", "added")  # the order the sentences come in


@dataclass(frozen=True)
class BudgetChange:
    """One year's budget in both plans (``None``: the year is not in that plan)."""

    year: int
    before: float | None
    after: float | None


@dataclass(frozen=True)
class IdeaChange:
    """One idea whose place differs: ``dropped`` (funded before, not after; ``reason`` is the
    second plan's), ``moved`` (another start year) or ``added`` (funded only after).
    ``before`` / ``after``: its start year in each plan (``None`` when not funded there)."""

    id: str
    kind: str
    before: int | None
    after: int | None
    title: str
    cost: float
    duration: int
    reason: str = ""

    @property
    def per_year(self) -> float:
        return self.cost / max(self.duration, 1)


@dataclass(frozen=True)
class PlanDiff:
    budgets: list[BudgetChange]  # only the years whose budget changed
    ideas: list[IdeaChange]  # dropped, then moved, then added; each in ranking order
    count: tuple[int, int]  # funded ideas before, after
    cost: tuple[float, float]  # their total cost before, after

    @property
    def same_plan(self) -> bool:
        return not self.ideas


def _starts(table: pd.DataFrame) -> dict[str, int]:
    funded = table[table["funded"].astype(bool)]
    return {str(i): int(s) for i, s in funded["start"].items()}


def _budgets(years: pd.DataFrame) -> dict[int, float]:
    return {int(y): float(b) for y, b in years["budget"].items()}


def plan_diff(before, after) -> PlanDiff:
    """Compare two plans of the same ideas: the years whose budget differs and every idea
    that drops out, moves or comes in (an idea in the same years in both is not named)."""
    start0, start1 = _starts(before.table), _starts(after.table)
    b0, b1 = _budgets(before.years), _budgets(after.years)
    budgets = [
        BudgetChange(y, b0.get(y), b1.get(y))
        for y in sorted(set(b0) | set(b1))
        if b0.get(y) is None or b1.get(y) is None or not math.isclose(b0[y], b1[y], abs_tol=0.5)
    ]
    t = after.table
    order = list(t.index) + [i for i in before.table.index if i not in t.index]
    found: dict[str, list[IdeaChange]] = {k: [] for k in KINDS}
    for iid in order:
        s0, s1 = start0.get(str(iid)), start1.get(str(iid))
        if s0 == s1:
            continue
        row = t.loc[iid] if iid in t.index else before.table.loc[iid]
        kind = "dropped" if s1 is None else "added" if s0 is None else "moved"
        found[kind].append(IdeaChange(
            str(iid), kind, s0, s1, str(row["title"]), float(row["cost"]),
            int(row["duration"]), str(row["reason"]) if kind == "dropped" else "",
        ))  # fmt: skip
    cost0 = sum(float(before.table.at[i, "cost"]) for i in start0)
    cost1 = sum(float(t.at[i, "cost"]) for i in start1)
    return PlanDiff(budgets, [c for k in KINDS for c in found[k]], (len(start0), len(start1)),
                    (cost0, cost1))  # fmt: skip


def _cost_text(change: IdeaChange, lang, currency) -> str:
    cost = fmt_money(change.cost, currency, lang)
    if change.duration <= 1:
        return cost
    return tr("road.diff.cost_years", lang, cost=cost, duration=change.duration,
              per_year=fmt_money(change.per_year, currency, lang))  # fmt: skip


def idea_line(change: IdeaChange, lang: str | None = None, currency: str = "EUR") -> str:
    """One idea's change as a sentence.

    >>> c = IdeaChange("ZOEK", "moved", 2027, 2028, "Zoeken", 420000.0, 2)
    >>> idea_line(c, "nl")
    'ZOEK · Zoeken (€\\xa0420.000; €\\xa0210.000 per jaar, 2 jaar) schuift op van 2027 naar 2028.'
    >>> idea_line(IdeaChange("X", "dropped", 2027, None, "Iets", 5.0, 1, "te duur"), "en")
    'X · Iets (€5) drops out: te duur.'
    """
    idea, cost = f"{change.id} · {change.title}", _cost_text(change, lang, currency)
    if change.kind == "dropped":
        reason = change.reason.strip().rstrip(".")
        return tr("road.diff.dropped", lang, idea=idea, cost=cost, reason=reason)
    if change.kind == "added":
        return tr("road.diff.added", lang, idea=idea, cost=cost, after=change.after)
    key = N_("road.diff.later") if change.after > change.before else N_("road.diff.earlier")
    return tr(key, lang, idea=idea, cost=cost, before=change.before, after=change.after)


def budget_line(change: BudgetChange, lang: str | None = None, currency: str = "EUR") -> str:
    """One year's budget change as a sentence."""
    if change.before is None or change.after is None:
        amount = change.after if change.before is None else change.before
        key = N_("road.diff.year_new") if change.before is None else N_("road.diff.year_gone")
        return tr(key, lang, year=change.year, amount=fmt_money(amount, currency, lang))
    delta = change.after - change.before
    key = N_("road.diff.budget_less") if delta < 0 else N_("road.diff.budget_more")
    return tr(key, lang, year=change.year, after=fmt_money(change.after, currency, lang),
              before=fmt_money(change.before, currency, lang),
              delta=fmt_money(abs(delta), currency, lang))  # fmt: skip


def diff_lines(diff: PlanDiff, lang: str | None = None, currency: str = "EUR") -> list[str]:
    """The comparison in sentences: the budgets that changed, then (when the plan differs)
    each idea that drops out, moves or comes in, and the totals of both plans."""
    if not diff.budgets:
        return [tr("road.diff.same_budgets", lang)]
    lines = [budget_line(b, lang, currency) for b in diff.budgets]
    if diff.same_plan:
        return [*lines, tr("road.diff.none", lang)]
    lines += [idea_line(c, lang, currency) for c in diff.ideas]
    lines.append(tr("road.diff.totals", lang, n=diff.count[1], n0=diff.count[0],
                    cost=fmt_money(diff.cost[1], currency, lang),
                    cost0=fmt_money(diff.cost[0], currency, lang)))  # fmt: skip
    return lines
