"""Planning the roadmap: the public entry points, the result and the reasons in words.

:func:`plan_run` plans a resolved run over its yearly budgets (its total budget binds as well)
under its funding rule: ``priority`` walks down the ranking and starts each idea in the
earliest year its budgets allow (:mod:`.walk`), ``best`` solves the time-indexed program of
:mod:`.model` exactly. Both are computed; the result, a :class:`Roadmap`, follows the rule in
force and says in words what the other would fund instead (``alternative``). It has every
funded idea with its start and end year, the spend per year, and for every other idea why it
is not in the plan (the portfolio's structural reasons, or that it cannot finish within the
years, its prerequisite finishes too late, or the yearly budgets have no room for it).
:func:`plan_roadmap` resolves the run from a workbook and options first.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> r = plan_roadmap(wb, "2027=700.000; 2028=600.000", funding_rule="best", lang="en")
>>> r.rule, r.status, len(r.selected), list(r.years.index)
('best', 'optimal', 12, [2027, 2028])
>>> q = plan_roadmap(wb, "2027=700.000; 2028=600.000", lang="en")
>>> q.rule, q.status, q.alternative.rule, q.total_value <= r.total_value
('priority', 'complete', 'best', True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_money, get_language, tr
from prioritisation.core.model import Workbook
from prioritisation.decisions.portfolio.conflicts import (
    InfeasibleError,
    describe_conflict,
    find_conflict,
)
from prioritisation.decisions.portfolio.milp import Solution
from prioritisation.decisions.portfolio.options import constraints_of
from prioritisation.decisions.portfolio.problem import Constraints, problem_for
from prioritisation.decisions.portfolio.reasons import STRUCTURAL, idea_reasons, walk_reason
from prioritisation.decisions.portfolio.rules import RULES, Alternative, alternative, walk_order
from prioritisation.decisions.roadmap.model import (
    RoadmapModel,
    build_model,
    left_shift,
    solve_roadmap,
)
from prioritisation.decisions.roadmap.walk import ScheduleWalk, schedule_walk
from prioritisation.engine.run import Run, resolve_run
from prioritisation.engine.scoring import Prepared, Ranking, rank_prepared


@dataclass(frozen=True, eq=False)
class Roadmap:
    """Funded ideas with their years, the spend per year, and why the others are not in it.

    ``table`` (index = idea id, ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``rank``, ``duration``, ``funded``, ``status`` (``funded`` / ``not funded``), ``start``
    and ``end`` (years, ``<NA>`` when not funded), ``per_year`` (EUR a year while it runs),
    ``reason_kind``, ``reason``. ``years`` (index = year): ``budget``, ``spend``,
    ``remaining``, ``running`` (ids running that year). ``rule``: the funding rule that made
    the plan; ``alternative``: the other rule's set, in words. ``status``: under ``best`` the
    solve's ``optimal`` / ``time_limit``, under ``priority`` ``complete``; under either
    ``infeasible`` when the constraints cannot all hold (then ``conflicts`` in words).
    """

    table: pd.DataFrame
    years: pd.DataFrame
    selected: list[str]
    total_cost: float
    total_value: float
    status: str
    gap: float
    conflicts: list[str]
    ranking: Ranking
    lang: str = "nl"
    currency: str = "EUR"
    rule: str = "best"
    alternative: Alternative | None = None

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    def raise_if_infeasible(self) -> None:
        if self.status == "infeasible":
            raise InfeasibleError(self.conflicts, self.lang)

    def to_json(self) -> dict:
        t = self.table
        plan = [
            {"id": iid, "title": r["title"], "theme": r["theme"], "cost": _num(r["cost"]),
             "score": _num(r["score"]), "duration": int(r["duration"]), "status": r["status"],
             "start": None if pd.isna(r["start"]) else int(r["start"]),
             "end": None if pd.isna(r["end"]) else int(r["end"]),
             "per_year": _num(r["per_year"]), "reason": r["reason"], "reason_kind": r["reason_kind"]}
            for iid, r in t.iterrows()
        ]  # fmt: skip
        years = [
            {"year": int(y), "budget": float(r["budget"]), "spend": float(r["spend"]),
             "remaining": float(r["remaining"]), "running": list(r["running"])}
            for y, r in self.years.iterrows()
        ]  # fmt: skip
        return {
            "selected": list(self.selected), "total_cost": self.total_cost,
            "total_value": round(self.total_value, 10), "rule": self.rule, "status": self.status,
            "optimal": self.optimal, "gap": None if math.isnan(self.gap) else self.gap,
            "conflicts": list(self.conflicts),
            "alternative": None if self.alternative is None else self.alternative.to_json(),
            "years": years, "roadmap": plan,
        }  # fmt: skip

    def frame(self) -> pd.DataFrame:
        flat = self.table[["title", "theme", "cost", "score", "duration", "status", "start", "end",
                           "per_year", "reason"]].copy()  # fmt: skip
        flat.index.name = "id"
        return flat


def _num(v):
    if v is None or pd.isna(v):
        return None
    return round(float(v), 10)


def roadmap_prepared(
    prepared: Prepared,
    weights: pd.Series,
    budget_per_year: Mapping[int, float],
    constraints: Constraints | None = None,
    method: str = "wsm",
    budget: float | None = None,
    lang: str | None = None,
    time_limit: float | None = None,
    rule: str = "priority",
) -> Roadmap:
    """The fast path: rank with ``weights`` and plan within ``budget_per_year`` (and the total
    ``budget`` when given) under ``rule``; the other rule is computed too."""
    if rule not in RULES:
        raise UsageError("usage.funding_rule", value=rule, choices=", ".join(RULES))
    lang = get_language(lang)
    constraints = constraints or Constraints()
    wb = prepared.wb
    ranking = rank_prepared(prepared, weights, method, lang)
    years = list(budget_per_year)
    budgets = np.array([budget_per_year[y] for y in years], dtype=float)
    total = float(budget) if budget is not None else float(budgets.sum())
    problem = problem_for(prepared, total, constraints)
    ideas = wb.ideas
    durations = ideas["duration"] if "duration" in ideas else pd.Series(1, index=ideas.index)
    starts = (
        ideas["start_after"] if "start_after" in ideas else pd.Series(np.nan, index=ideas.index)
    )
    model = build_model(problem, years, budgets, durations.fillna(1).astype(int).to_numpy(),
                        starts.to_numpy(float))  # fmt: skip
    values = ranking.table["score"].reindex(list(problem.ids)).to_numpy(float)
    best = solve_roadmap(model, values, time_limit=time_limit)
    walk = _walk(model, values, best)
    return _roadmap(model, ranking, values, rule, best, walk, lang, wb.currency, budget is not None)


def _starts(model: RoadmapModel, solution: Solution) -> np.ndarray | None:
    """Start-year index per idea (−1: not in the plan) of an exact solve, moved as early as
    the years allow; ``None`` when the solve found no plan."""
    if not solution.feasible:
        return None
    start = np.full(model.problem.n, -1)
    for v in np.flatnonzero(solution.x):
        i, s = model.pairs[v]
        start[i] = s
    return left_shift(model, start)


def _walk(model: RoadmapModel, values, best: Solution) -> ScheduleWalk:
    """The plan in order of priority; required ideas the walk cannot place go where the exact
    plan puts them (with their prerequisites), then the walk runs again."""
    order = walk_order(model.problem, values)
    walk = schedule_walk(model, order)
    exact = _starts(model, best)
    if walk.must_failed and exact is not None:
        problem = model.problem
        keep = {int(j) for i in np.flatnonzero(problem.must) for j in (i, *problem.prereqs[i])}
        walk = schedule_walk(model, order, {j: int(exact[j]) for j in keep if exact[j] >= 0})
    return walk


def plan_run(run: Run, lang: str | None = None, time_limit: float | None = None) -> Roadmap:
    """The roadmap of a resolved run over its yearly budgets under its funding rule; the run's
    total budget, when it has one, binds as well."""
    if not run.budget.per_year:
        raise UsageError(N_("usage.no_years"))
    return roadmap_prepared(run.prepared, run.weights, run.budget.per_year, constraints_of(run),
                            run.method, run.budget.total, lang, time_limit,
                            run.funding_rule)  # fmt: skip


def plan_roadmap(
    wb: Workbook,
    budget_per_year=None,
    *,
    budget=None,
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
) -> Roadmap:
    """Plan the fundable set over the years: :func:`~prioritisation.engine.run.resolve_run`
    with these options, then :func:`plan_run`. The yearly budgets default to the workbook's
    ``budget_per_year`` setting (e.g. ``"2027=700000; 2028=600000"``) and the total to its
    ``budget`` setting; when both are there, both bind. ``funding_rule``: ``priority`` or
    ``best`` (default: the workbook's ``funding_rule`` setting, else ``priority``). Other
    options as
    :func:`~prioritisation.decisions.portfolio.selection.select_portfolio`."""
    run = resolve_run(wb, method=method, weights=weights, aggregate=aggregate, budget=budget,
                      budget_per_year=budget_per_year, must=must, exclude=exclude,
                      theme_min=theme_min, theme_max=theme_max, groups=groups,
                      funding_rule=funding_rule)  # fmt: skip
    return plan_run(run, lang, time_limit)


def _roadmap(model, ranking, values, rule, best, walk, lang, currency, capped) -> Roadmap:
    problem, years = model.problem, model.years
    n, horizon = problem.n, len(years)
    order = list(ranking.table.index)
    exact = _starts(model, best)
    conflicts: list[str] = []
    none = np.full(n, -1)
    if best.status == "infeasible" or (rule == "priority" and walk.must_failed):
        status, gap, start, other = "infeasible", math.nan, none, None
        conflicts = _conflicts(model, ranking, lang, currency, capped)
    elif rule == "priority":
        status, gap, start, other = "complete", math.nan, walk.start, exact
    else:
        status, gap, other = best.status, best.gap, walk.start
        start = exact if exact is not None else none
        if exact is None:
            conflicts = [best.message]
    funded = start >= 0
    spend = np.zeros(horizon)
    running = [[] for _ in range(horizon)]
    rank_of = {iid: r for r, iid in enumerate(order)}
    for i in sorted(np.flatnonzero(funded), key=lambda i: rank_of[problem.ids[i]]):
        for t in range(start[i], start[i] + model.durations[i]):
            spend[t] += problem.costs[i] / model.durations[i]
            running[t].append(problem.ids[i])
    free = model.budgets - spend
    base = idea_reasons(problem, values, funded, ranking, lang, currency)
    if rule == "priority" and status != "infeasible":
        kinds, reasons = _walk_reasons(model, base, walk, lang, currency)
    else:
        kinds, reasons = _reasons(model, base, start, free, lang, currency)
    other_status = best.status if rule == "priority" else status if status == "infeasible" else (
        "complete")  # fmt: skip
    alt = alternative("best" if rule == "priority" else "priority", problem.ids,
                      None if other is None else other >= 0, funded, values, problem.costs, lang,
                      order, other_status)  # fmt: skip
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    t = ranking.table
    idx = [pos[i] for i in order]
    table = pd.DataFrame(
        {"title": t["title"], "theme": t["theme"], "cost": t["cost"], "score": t["score"],
         "rank": t["rank"], "duration": model.durations[idx], "funded": funded[idx]},
        index=t.index,
    )  # fmt: skip
    table["status"] = np.where(table["funded"], "funded", "not funded")
    table["start"] = pd.array([years[start[k]] if funded[k] else pd.NA for k in idx], dtype="Int64")
    table["end"] = pd.array(
        [years[start[k]] + int(model.durations[k]) - 1 if funded[k] else pd.NA for k in idx],
        dtype="Int64",
    )
    table["per_year"] = [
        problem.costs[k] / model.durations[k] if funded[k] else math.nan for k in idx
    ]
    table["reason_kind"] = [kinds[k] for k in idx]
    table["reason"] = [reasons[k] for k in idx]
    year_frame = pd.DataFrame(
        {"budget": model.budgets, "spend": spend, "remaining": free, "running": running},
        index=pd.Index(years, name="year"),
    )
    selected = [i for i in order if funded[pos[i]]]
    return Roadmap(
        table=table, years=year_frame, selected=selected,
        total_cost=float(problem.costs[funded].sum()),
        total_value=float(np.nansum(values[funded])), status=status, gap=gap,
        conflicts=conflicts, ranking=ranking, lang=lang, currency=currency, rule=rule,
        alternative=alt,
    )  # fmt: skip


def _reasons(model: RoadmapModel, base: list[dict], start, free, lang, currency):
    """Per idea (problem order) the roadmap's reason kind and sentence: the portfolio's
    structural reasons (``base``), or when it starts, that it cannot finish within the years
    (``too_long``), that a prerequisite finishes too late (``prerequisite``) or that the yearly
    budgets have no room for it (``years``)."""
    problem, years = model.problem, model.years
    funded = start >= 0

    def money(v):
        return fmt_money(v, currency, lang)

    kinds, reasons = [], []
    for i in range(problem.n):
        kind, text = base[i]["reason_kind"], base[i]["reason"]
        d = int(model.durations[i])
        if funded[i]:
            kind = "must" if problem.must[i] else "funded"
            text = tr("road.funded", lang, start=years[start[i]], end=years[start[i]] + d - 1)
        elif kind in ("not_eligible", "no_cost", "excluded", "prereq_blocked"):
            pass
        elif not model.by_idea[i]:
            kind = "too_long"
            text = too_long_text(model, i, lang)
        elif kind == "group":
            pass
        elif any(not funded[j] for j in problem.prereqs[i]) or kind == "prerequisite":
            kind = "prerequisite"
            missing = [problem.ids[j] for j in problem.prereqs[i] if not funded[j]] or [
                problem.ids[j] for j in problem.prereqs[i]]  # fmt: skip
            text = tr("road.prereq_late", lang, prereqs=", ".join(missing))
        elif kind in ("theme_max", "negative", "too_expensive"):
            pass
        else:
            kind = "years"
            text = tr("road.years", lang, per_year=money(problem.costs[i] / d), duration=d,
                      unit=_unit(d, lang),
                      free=", ".join(f"{y} {money(f)}" for y, f in zip(years, free, strict=True)))  # fmt: skip
        kinds.append(kind)
        reasons.append(text)
    return kinds, reasons


def _walk_reasons(model: RoadmapModel, base: list[dict], walk: ScheduleWalk, lang, currency):
    """Per idea (problem order) the reason kind and sentence under the rule "in order of
    priority": when a funded idea starts; the structural reasons (``base``); that it cannot
    finish within the years; or why the walk passed it at its turn (the total budget, its
    group, a theme maximum, no year with room, a prerequisite that cannot be planned)."""
    problem, years = model.problem, model.years
    start = walk.start

    def money(v):
        return fmt_money(v, currency, lang)

    kinds, reasons = [], []
    for i in range(problem.n):
        kind, text = base[i]["reason_kind"], base[i]["reason"]
        d = int(model.durations[i])
        skip = walk.skipped.get(i)
        if start[i] >= 0:
            kind = "must" if problem.must[i] else "funded"
            text = tr("road.funded", lang, start=years[start[i]], end=years[start[i]] + d - 1)
        elif kind in STRUCTURAL:
            pass
        elif not model.by_idea[i]:
            kind, text = "too_long", too_long_text(model, i, lang)
        elif skip is None:
            pass
        elif skip.kind == "years" and skip.other == i:
            free = walk.free[i]
            kind = "years"
            text = tr("walk.years", lang, id=problem.ids[i], per_year=money(skip.needed),
                      duration=d, unit=_unit(d, lang),
                      free=", ".join(f"{y} {money(f)}" for y, f in zip(years, free, strict=True)))  # fmt: skip
        elif skip.kind in ("years", "prerequisite"):
            kind = "prerequisite"
            text = tr("road.prereq_late", lang, prereqs=problem.ids[skip.other])
        else:
            kind, text = walk_reason(problem, i, skip, lang, currency)
        kinds.append(kind)
        reasons.append(text)
    return kinds, reasons


def _unit(d: int, lang) -> str:
    return tr("road.year_unit", lang) if d == 1 else tr("road.years_unit", lang)


def too_long_text(model: RoadmapModel, i: int, lang) -> str:
    problem, years = model.problem, model.years
    direct = [problem.ids[j] for k, j in problem.requires if k == i]
    if model.earliest[i] > model.not_before[i] and direct:
        after = tr("road.after_prereqs", lang, prereqs=", ".join(direct))
    elif model.not_before[i] > 0:
        after = tr("road.after", lang, year=years[0] + model.not_before[i])
    else:
        after = ""
    d = int(model.durations[i])
    return tr("road.too_long", lang, first=years[0], last=years[-1], duration=d, unit=_unit(d, lang),
              earliest=years[0] + int(model.earliest[i]), after=after)  # fmt: skip


def _conflicts(model: RoadmapModel, ranking, lang, currency, capped) -> list[str]:
    problem, years = model.problem, model.years
    # a required idea that cannot be done within the horizon is a conflict on its own
    for i in np.flatnonzero(problem.must):
        if problem.fundable[i] and not problem.exclude[i] and not model.by_idea[i]:
            why = too_long_text(model, i, lang)
            return [tr("conflict.must_blocked", lang, id=problem.ids[i], why=why)]
    extra = [("year", y, float(b)) for y, b in zip(years, model.budgets, strict=True)]

    def is_feasible(drop):
        return solve_roadmap(model, np.zeros(problem.n), drop).feasible

    items = find_conflict(problem, is_feasible, extra)
    if not capped:
        items = [it for it in items if it[0] != "budget"]
    return describe_conflict(problem, items, ranking, lang, currency)
