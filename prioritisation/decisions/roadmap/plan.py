"""Planning the roadmap: the public entry point, its result and the reasons in words.

:func:`plan_roadmap` validates the options (yearly budgets, an optional total cap, weights,
method, constraints), solves the time-indexed program of :mod:`.model` and returns a
:class:`Roadmap`: every funded idea with its start and end year, the spend per year, and for
every other idea why it is not in the plan (the portfolio's structural reasons, or that it
cannot finish within the years, its prerequisite finishes too late, or the yearly budgets
have no room for it).

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> r = plan_roadmap(read_workbook(sample_path()), "2027=700.000; 2028=600.000", lang="en")
>>> r.status, len(r.selected), list(r.years.index)
('optimal', 12, [2027, 2028])
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
from prioritisation.decisions.portfolio.options import constraints_of
from prioritisation.decisions.portfolio.problem import Constraints, problem_for
from prioritisation.decisions.portfolio.reasons import idea_reasons
from prioritisation.decisions.roadmap.model import (
    RoadmapModel,
    build_model,
    left_shift,
    solve_roadmap,
)
from prioritisation.engine.run import Run, resolve_run
from prioritisation.engine.scoring import Prepared, Ranking, rank_prepared


@dataclass(frozen=True, eq=False)
class Roadmap:
    """Funded ideas with their years, the spend per year, and why the others are not in it.

    ``table`` (index = idea id, ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``rank``, ``duration``, ``funded``, ``status`` (``funded`` / ``not funded``), ``start``
    and ``end`` (years, ``<NA>`` when not funded), ``per_year`` (EUR a year while it runs),
    ``reason_kind``, ``reason``. ``years`` (index = year): ``budget``, ``spend``,
    ``remaining``, ``running`` (ids running that year). ``status`` of the solve:
    ``optimal`` / ``time_limit`` / ``infeasible`` (then ``conflicts`` in words).
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
            "total_value": round(self.total_value, 10), "status": self.status,
            "optimal": self.optimal, "gap": None if math.isnan(self.gap) else self.gap,
            "conflicts": list(self.conflicts), "years": years, "roadmap": plan,
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
) -> Roadmap:
    """The fast path: rank with ``weights`` and plan within ``budget_per_year``."""
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
    solution = solve_roadmap(model, values, time_limit=time_limit)
    return _roadmap(model, ranking, values, solution, lang, wb.currency, budget is not None)


def plan_run(run: Run, lang: str | None = None, time_limit: float | None = None) -> Roadmap:
    """The best fundable set of a resolved run over its yearly budgets; the run's total
    budget, when it has one, binds as well."""
    if not run.budget.per_year:
        raise UsageError(N_("usage.no_years"))
    return roadmap_prepared(run.prepared, run.weights, run.budget.per_year, constraints_of(run),
                            run.method, run.budget.total, lang, time_limit)  # fmt: skip


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
    lang: str | None = None,
    time_limit: float | None = None,
) -> Roadmap:
    """Plan the best fundable set over the years: :func:`~prioritisation.engine.run.resolve_run`
    with these options, then :func:`plan_run`. The yearly budgets default to the workbook's
    ``budget_per_year`` setting (e.g. ``"2027=700000; 2028=600000"``) and the total to its
    ``budget`` setting; when both are there, both bind. Other options as
    :func:`~prioritisation.decisions.portfolio.selection.select_portfolio`."""
    run = resolve_run(wb, method=method, weights=weights, aggregate=aggregate, budget=budget,
                      budget_per_year=budget_per_year, must=must, exclude=exclude,
                      theme_min=theme_min, theme_max=theme_max, groups=groups)  # fmt: skip
    return plan_run(run, lang, time_limit)


def _roadmap(model, ranking, values, solution, lang, currency, capped) -> Roadmap:
    problem, years = model.problem, model.years
    n, horizon = problem.n, len(years)
    start = np.full(n, -1)
    conflicts: list[str] = []
    if solution.feasible:
        for v in np.flatnonzero(solution.x):
            i, s = model.pairs[v]
            start[i] = s
    elif solution.status == "infeasible":
        conflicts = _conflicts(model, ranking, lang, currency, capped)
    else:
        conflicts = [solution.message]
    start = left_shift(model, start)
    funded = start >= 0
    spend = np.zeros(horizon)
    running = [[] for _ in range(horizon)]
    order = list(ranking.table.index)
    rank_of = {iid: r for r, iid in enumerate(order)}
    for i in sorted(np.flatnonzero(funded), key=lambda i: rank_of[problem.ids[i]]):
        for t in range(start[i], start[i] + model.durations[i]):
            spend[t] += problem.costs[i] / model.durations[i]
            running[t].append(problem.ids[i])
    free = model.budgets - spend
    base = idea_reasons(problem, values, funded, ranking, lang, currency)
    kinds, reasons = _reasons(model, base, start, free, lang, currency)
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
        total_value=float(np.nansum(values[funded])), status=solution.status, gap=solution.gap,
        conflicts=conflicts, ranking=ranking, lang=lang, currency=currency,
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
