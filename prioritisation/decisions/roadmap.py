"""The roadmap: which ideas to fund and in which year they start, within yearly budgets.

One exact 0–1 program (HiGHS via :func:`scipy.optimize.milp`) chooses the set *and* the
start years jointly — not a fixed set scheduled afterwards — because a shrinking budget
changes which set is best. Variable ``y[i, s] = 1`` when idea ``i`` starts in year ``s``.

- **Cost over the years**: an idea costs ``cost / duration`` in each year it runs (spread
  evenly); every year's spend stays within that year's budget.
- **Within the horizon**: an idea must finish by the last budget year (a 2-year idea cannot
  start in the last year), and starts no earlier than its ``start_after`` year (the
  workbook's "not before" year).
- **Dependencies**: an idea starts only after each prerequisite has *finished*:
  for every year τ, ``Σ_{s≤τ} y[i,s] ≤ Σ_{s≤τ−d_j} y[j,s]``.
- Groups, ``must``/``exclude`` and theme shares (of the sum of the yearly budgets) as in
  :mod:`prioritisation.decisions.portfolio`; ``budget`` optionally caps the total as well.
- Objective: the sum of the funded ideas' scores (as ``portfolio``); ties go to the cheaper
  set, then to earlier starts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_array, vstack

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_money, get_language, tr
from prioritisation.core.model import Workbook
from prioritisation.decisions.portfolio import (
    Constraints,
    InfeasibleError,
    Problem,
    Solution,
    constraint_rows,
    describe_conflict,
    find_conflict,
    idea_reasons,
    make_constraints,
    parse_budget,
    problem_for,
    solve_lp_model,
)
from prioritisation.engine.scoring import Prepared, Ranking, check_method, prepare, rank_prepared
from prioritisation.engine.weights import resolve_weights

SCALE = 1_000  # the roadmap compares total scores to 0.001, the precision rank prints


def parse_budget_per_year(spec) -> dict[int, float]:
    """``"2027=400000,2028=350000"`` / ``"2027=700.000; 2028=600.000"`` / a mapping →
    ``{year: amount}`` in year order; the years must follow each other."""
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        raise UsageError("usage.no_years")
    if isinstance(spec, Mapping):
        pairs = list(spec.items())
    else:
        text = str(spec)
        parts = [p for p in re.split(r";|,(?=\s*\d{4}\s*[=:])|\n", text) if p.strip()]
        pairs = []
        for part in parts:
            m = re.fullmatch(r"\s*(\d{4})\s*[=:]\s*(.+?)\s*", part)
            if not m:
                raise UsageError("usage.budget_per_year", spec=text)
            pairs.append((m.group(1), m.group(2)))
    out: dict[int, float] = {}
    for year, amount in pairs:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise UsageError("usage.budget_per_year", spec=spec) from None
        out[year] = parse_budget(amount)
    if not out:
        raise UsageError("usage.budget_per_year", spec=spec)
    years = sorted(out)
    if years != list(range(years[0], years[-1] + 1)):
        raise UsageError("usage.years_gap", years=", ".join(map(str, years)))
    return {y: out[y] for y in years}


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, eq=False)
class RoadmapModel:
    """The time-indexed model: columns are admissible (idea, start-year index) pairs."""

    problem: Problem
    years: tuple[int, ...]
    budgets: np.ndarray
    durations: np.ndarray
    earliest: np.ndarray  # per idea, first start-year index possible (may exceed the horizon)
    not_before: np.ndarray  # per idea, the start_after year as an index (0 when none)
    pairs: tuple[tuple[int, int], ...]  # (idea, start index) per column
    by_idea: tuple[tuple[int, ...], ...]  # columns of each idea


def build_model(problem: Problem, years, budgets, durations, start_after) -> RoadmapModel:
    years = tuple(int(y) for y in years)
    horizon = len(years)
    durations = np.asarray(durations, dtype=int)
    not_before = earliest = np.array([0 if (s is None or (isinstance(s, float) and math.isnan(s)))
                         else max(0, int(s) - years[0]) for s in start_after])  # fmt: skip
    direct: list[list[int]] = [[] for _ in range(problem.n)]
    for i, j in problem.requires:
        direct[i].append(j)
    memo: dict[int, int] = {}

    def first_start(i: int) -> int:  # after every prerequisite has finished (acyclic)
        if i not in memo:
            memo[i] = max([earliest[i]] + [first_start(j) + int(durations[j]) for j in direct[i]])
        return memo[i]

    earliest = np.array([first_start(i) for i in range(problem.n)], dtype=int)
    pairs, by_idea = [], []
    for i in range(problem.n):
        cols = []
        if problem.fundable[i] and not problem.exclude[i]:
            for s in range(earliest[i], horizon - durations[i] + 1):
                cols.append(len(pairs))
                pairs.append((i, s))
        by_idea.append(tuple(cols))
    return RoadmapModel(problem, years, np.asarray(budgets, dtype=float), durations, earliest,
                        not_before, tuple(pairs), tuple(by_idea))  # fmt: skip


def _rows(model: RoadmapModel, drop: frozenset):
    """Constraint matrix on the y columns (selection rows mapped through x = Σ_s y)."""
    problem, horizon = model.problem, len(model.years)
    nv = len(model.pairs)
    idea = np.array([p[0] for p in model.pairs], dtype=int)
    start = np.array([p[1] for p in model.pairs], dtype=int)
    # x = S y
    spread = csr_array((np.ones(nv), (idea, np.arange(nv))), shape=(problem.n, nv))
    matrix_x, lo_x, hi_x, lb_x, _ = constraint_rows(problem, drop)
    blocks, lo, hi = [matrix_x @ spread], [lo_x], [hi_x]
    # must: Σ_s y ≥ 1 (exclusion and unfundable ideas have no columns at all)
    must = np.flatnonzero(lb_x > 0.5)
    if len(must):
        blocks.append(spread[must])
        lo.append(np.ones(len(must)))
        hi.append(np.full(len(must), np.inf))
    # at most one start per idea
    blocks.append(spread)
    lo.append(np.full(problem.n, -np.inf))
    hi.append(np.ones(problem.n))
    # yearly spend
    rows, cols, vals = [], [], []
    for v, (i, s) in enumerate(model.pairs):
        for t in range(s, s + model.durations[i]):
            rows.append(t)
            cols.append(v)
            vals.append(problem.costs[i] / model.durations[i])
    blocks.append(csr_array((vals, (rows, cols)), shape=(horizon, nv)))
    lo.append(np.full(horizon, -np.inf))
    hi.append(np.array([np.inf if ("year", y, b) in drop else b + 1e-6
                        for y, b in zip(model.years, model.budgets, strict=True)]))  # fmt: skip
    # dependencies: i started by τ ⇒ j started by τ − d_j
    rows, cols, vals, count = [], [], [], 0
    for i, j in problem.requires:
        for tau in range(horizon):
            for v in model.by_idea[i]:
                if start[v] <= tau:
                    rows.append(count)
                    cols.append(v)
                    vals.append(1.0)
            for v in model.by_idea[j]:
                if start[v] <= tau - model.durations[j]:
                    rows.append(count)
                    cols.append(v)
                    vals.append(-1.0)
            count += 1
    if count:
        blocks.append(csr_array((vals, (rows, cols)), shape=(count, nv)))
        lo.append(np.full(count, -np.inf))
        hi.append(np.zeros(count))
    return vstack(blocks).tocsr(), np.concatenate(lo), np.concatenate(hi)


def solve_roadmap(model: RoadmapModel, values, drop: frozenset = frozenset(),
                  time_limit: float | None = None) -> Solution:  # fmt: skip
    """Best start years; ``Solution.x`` is per column (see ``model.pairs``)."""
    problem = model.problem
    nv = len(model.pairs)
    if nv == 0:
        feasible_empty = not problem.must.any() or all(("must", int(i)) in drop
                                                       for i in np.flatnonzero(problem.must))  # fmt: skip
        return Solution(x=np.zeros(0, dtype=bool) if feasible_empty else None,
                        status="optimal" if feasible_empty else "infeasible", gap=0.0)  # fmt: skip
    matrix, lo, hi = _rows(model, drop)
    values = np.nan_to_num(np.asarray(values, dtype=float))
    idea = np.array([p[0] for p in model.pairs])
    # whole units of 0.001 score (as printed) and no fractional tie-breaker: HiGHS then knows
    # the objective is integral and prunes every node that cannot gain one unit
    c = -np.round(values[idea] * SCALE)
    # Solve in the cumulative variables z[i, s] = "started by year s" (y = D z): the same
    # LP bound, but branching on "started by s" splits the symmetric year choices evenly,
    # which proves optimality far sooner than branching on single start years.
    rows = np.arange(nv)
    prev = np.array([v - 1 if v > 0 and idea[v - 1] == idea[v] else -1 for v in range(nv)])
    has = prev >= 0
    diff = csr_array(
        (np.concatenate([np.ones(nv), -np.ones(has.sum())]),
         (np.concatenate([rows, rows[has]]), np.concatenate([rows, prev[has]]))),
        shape=(nv, nv),
    )  # fmt: skip
    matrix_z = vstack([matrix @ diff, diff]).tocsr()
    lo_z = np.concatenate([lo, np.zeros(nv)])
    hi_z = np.concatenate([hi, np.full(nv, np.inf)])
    solution = solve_lp_model(
        diff.T @ c, matrix_z, lo_z, hi_z, np.zeros(nv), np.ones(nv), time_limit
    )
    if solution.x is None:
        return solution
    y = (diff @ solution.x.astype(float)) > 0.5
    return Solution(x=y, status=solution.status, gap=solution.gap, message=solution.message)


# --------------------------------------------------------------------------- result


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
    """Plan the best fundable set over the years (default yearly budgets: the workbook's
    ``budget_per_year`` setting, e.g. ``"2027=700000; 2028=600000"``). ``budget`` optionally
    caps the total too. Other options as :func:`prioritisation.decisions.portfolio.select_portfolio`."""
    method = check_method(method or str(wb.settings.get("method") or "wsm"))
    shares = resolve_weights(wb, weights)
    spec = budget_per_year if budget_per_year is not None else wb.settings.get("budget_per_year")
    per_year = parse_budget_per_year(spec)
    constraints = make_constraints(wb, must, exclude, theme_min, theme_max, groups)
    cap = None if budget is None else parse_budget(budget)
    return roadmap_prepared(prepare(wb, aggregate), shares, per_year, constraints, method, cap,
                            lang, time_limit)  # fmt: skip


def left_shift(model: RoadmapModel, start: np.ndarray) -> np.ndarray:
    """Move funded ideas to earlier years while every year still fits and every prerequisite
    has finished: the same set and value, each idea as early as the others allow."""
    problem, horizon = model.problem, len(model.years)
    start = start.copy()
    d = model.durations
    per_year = problem.costs / np.maximum(d, 1)
    spend = np.zeros(horizon)
    for i in np.flatnonzero(start >= 0):
        spend[start[i] : start[i] + d[i]] += per_year[i]
    direct: list[list[int]] = [[] for _ in range(problem.n)]
    for i, j in problem.requires:
        direct[i].append(j)
    moved = True
    while moved:
        moved = False
        for i in sorted(np.flatnonzero(start >= 0), key=lambda k: (start[k], k)):
            first = max([model.not_before[i]] + [start[j] + d[j] for j in direct[i]])
            for s in range(first, start[i]):
                trial = spend.copy()
                trial[start[i] : start[i] + d[i]] -= per_year[i]
                trial[s : s + d[i]] += per_year[i]
                if np.all(trial <= model.budgets + 1e-6):
                    spend, start[i], moved = trial, s, True
                    break
    return start


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
    base = idea_reasons(problem, values, funded, ranking, lang, currency)
    free = model.budgets - spend

    def money(v):
        return fmt_money(v, currency, lang)

    kinds, reasons = [], []
    for i in range(n):
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


def _unit(d: int, lang) -> str:
    return tr("road.year_unit" if d == 1 else "road.years_unit", lang)


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
