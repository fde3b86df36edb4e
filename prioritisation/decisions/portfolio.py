"""Portfolio selection: the best set of ideas a budget can fund, solved exactly (HiGHS MILP).

Maximise the sum of the selected ideas' scores (the scores ``rank`` prints) subject to

- total cost ≤ budget;
- an idea only with everything in its ``depends_on`` (``x_i ≤ x_j``);
- ineligible ideas and ideas without a cost are never selected;
- optional ``must`` / ``exclude`` lists;
- mutually exclusive groups (at most one idea of each ``group``);
- per-theme minimum / maximum shares of the budget (spearhead balance).

The model is a 0–1 integer program solved by HiGHS through :func:`scipy.optimize.milp`
(branch and bound with a proven bound; ``Portfolio.optimal`` and ``Portfolio.gap`` say how
good the answer is). Scores are compared at a resolution of 10⁻⁶ (they are scaled to whole
numbers), and among portfolios of equal value the cheaper one wins: a tie-breaker worth less
than one unit of value in total is subtracted in proportion to cost.

:func:`select_portfolio` is the validating public wrapper; :func:`select_prepared` is the fast
path for a budget slider (the workbook already aggregated). :class:`Portfolio` carries the
structural reason of every idea that is not funded (a gate, no cost, excluded, a prerequisite
that cannot or is not funded, its group, a theme maximum, the budget line with the extra
budget it would need); :mod:`prioritisation.explain.funding` adds what it would displace and the
smallest weight change that would fund it. When the constraints cannot all hold,
:class:`InfeasibleError` (``Portfolio.conflicts``) names a minimal set of constraints that
conflict, in words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from prioritisation.core.errors import PrioritisationError, UsageError
from prioritisation.core.i18n import fmt_money, fmt_number, fmt_percent, get_language, tr
from prioritisation.core.model import Workbook
from prioritisation.core.parse import number as to_number
from prioritisation.engine.methods import METHODS
from prioritisation.engine.scoring import (
    Prepared,
    Ranking,
    check_method,
    gate_reason,
    prepare,
    rank_prepared,
)
from prioritisation.engine.weights import resolve_weights

SCALE = 1_000_000  # scores are compared at a resolution of 1e-6
TIE = 0.5  # total tie-breaker (cheaper wins) stays below one unit of scaled value
MIP_GAP = 1e-9  # relative gap asked of HiGHS: a proven optimum, not "within 0.01 %"


# --------------------------------------------------------------------------- problem


@dataclass(frozen=True)
class Constraints:
    """What the selection must respect besides the budget and the dependencies.

    ``theme_min`` / ``theme_max`` map a theme to a share of the budget (0–1). ``groups``:
    honour the workbook's mutually exclusive groups (at most one idea per group).
    """

    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    theme_min: Mapping[str, float] = field(default_factory=dict)
    theme_max: Mapping[str, float] = field(default_factory=dict)
    groups: bool = True


@dataclass(frozen=True, eq=False)
class Problem:
    """The selection problem as arrays (index order = the workbook's ideas)."""

    ids: tuple[str, ...]
    costs: np.ndarray  # EUR; 0 where unknown (such ideas are not fundable)
    fundable: np.ndarray  # eligible and cost known
    blocked: tuple[str, ...]  # per idea: "" or not_eligible / no_cost
    requires: tuple[tuple[int, int], ...]  # (i, j): i needs j
    prereqs: tuple[tuple[int, ...], ...]  # per idea, every prerequisite (transitive closure)
    groups: Mapping[str, np.ndarray]  # group → member indices (2 or more)
    group_of: tuple[str, ...]
    themes: Mapping[str, np.ndarray]  # theme → member indices
    theme_of: tuple[str, ...]
    must: np.ndarray  # bool
    exclude: np.ndarray  # bool
    theme_min: Mapping[str, float]
    theme_max: Mapping[str, float]
    budget: float

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self, idea: str) -> int:
        return self.ids.index(idea)

    def with_budget(self, budget: float) -> Problem:
        return replace(self, budget=float(budget))


def build_problem(
    ids: Sequence[str],
    costs,
    eligible,
    depends_on: Sequence[Iterable[str]],
    budget: float,
    themes: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    constraints: Constraints | None = None,
) -> Problem:
    """Arrays for :func:`solve` from plain lists (no validation of ids beyond lookup)."""
    constraints = constraints or Constraints()
    ids = tuple(str(i) for i in ids)
    n = len(ids)
    pos = {iid: k for k, iid in enumerate(ids)}
    raw_costs = np.asarray(costs, dtype=float)
    known = ~np.isnan(raw_costs)
    eligible = np.asarray(eligible, dtype=bool)
    blocked = tuple(
        "" if e and k else ("not_eligible" if not e else "no_cost")
        for e, k in zip(eligible, known, strict=True)
    )
    requires = tuple((i, pos[d]) for i, deps in enumerate(depends_on) for d in deps if d in pos)
    direct: list[list[int]] = [[] for _ in range(n)]
    for i, j in requires:
        direct[i].append(j)
    prereqs = tuple(tuple(sorted(_closure(i, direct))) for i in range(n))
    theme_of = tuple(str(t or "") for t in (themes if themes is not None else [""] * n))
    group_of = tuple(str(g or "") for g in (groups if groups is not None else [""] * n))
    theme_map = _members(theme_of)
    group_map = (
        {g: m for g, m in _members(group_of).items() if g and len(m) > 1}
        if constraints.groups
        else {}
    )
    flags = {}
    for name in ("must", "exclude"):
        mask = np.zeros(n, dtype=bool)
        mask[[pos[i] for i in getattr(constraints, name)]] = True
        flags[name] = mask
    return Problem(
        ids=ids, costs=np.where(known, raw_costs, 0.0), fundable=eligible & known, blocked=blocked,
        requires=requires, prereqs=prereqs, groups=group_map, group_of=group_of, themes=theme_map,
        theme_of=theme_of, must=flags["must"], exclude=flags["exclude"],
        theme_min=dict(constraints.theme_min), theme_max=dict(constraints.theme_max),
        budget=float(budget),
    )  # fmt: skip


def _closure(i: int, direct: list[list[int]]) -> set[int]:
    seen: set[int] = set()
    stack = list(direct[i])
    while stack:
        j = stack.pop()
        if j not in seen and j != i:
            seen.add(j)
            stack.extend(direct[j])
    return seen


def _members(labels: Sequence[str]) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for k, label in enumerate(labels):
        out.setdefault(label, []).append(k)
    return {k: np.array(v, dtype=int) for k, v in out.items()}


# --------------------------------------------------------------------------- kernel


@dataclass(frozen=True)
class Solution:
    """One solve: ``x`` (bool per idea), ``status`` (optimal / infeasible / time_limit /
    error), ``gap`` (relative MIP gap HiGHS proved; 0 = proven optimum)."""

    x: np.ndarray
    status: str
    gap: float
    message: str = ""

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "time_limit") and self.x is not None


# items a conflict can be made of: ("budget",), ("must", i), ("exclude", i),
# ("theme_min", theme), ("theme_max", theme), ("group", name)
Item = tuple


def _items(problem: Problem) -> list[Item]:
    items: list[Item] = [("budget",)]
    items += [("must", int(i)) for i in np.flatnonzero(problem.must)]
    items += [("exclude", int(i)) for i in np.flatnonzero(problem.exclude)]
    items += [("theme_min", t) for t in problem.theme_min]
    items += [("theme_max", t) for t in problem.theme_max]
    items += [("group", g) for g in problem.groups]
    return items


def constraint_rows(problem: Problem, drop: frozenset = frozenset()):
    """The selection constraints as (sparse matrix on x, lower, upper, bounds lb, ub).

    ``drop`` leaves out named items (see :func:`_items`); used to find conflicts.
    """
    n = problem.n
    rows, cols, vals, lo, hi = [], [], [], [], []

    def add(indices, coefs, lower, upper):
        r = len(lo)
        rows.extend([r] * len(indices))
        cols.extend(int(i) for i in indices)
        vals.extend(float(c) for c in coefs)
        lo.append(lower)
        hi.append(upper)

    if ("budget",) not in drop:
        add(range(n), problem.costs, -np.inf, problem.budget)
    for i, j in problem.requires:
        add((i, j), (1.0, -1.0), -np.inf, 0.0)
    for g, members in problem.groups.items():
        if ("group", g) not in drop:
            add(members, np.ones(len(members)), -np.inf, 1.0)
    for t, share in problem.theme_min.items():
        if ("theme_min", t) not in drop:
            members = problem.themes.get(t, np.array([], dtype=int))
            add(members, problem.costs[members], share * problem.budget - 1e-6, np.inf)
    for t, share in problem.theme_max.items():
        if ("theme_max", t) not in drop:
            members = problem.themes.get(t, np.array([], dtype=int))
            add(members, problem.costs[members], -np.inf, share * problem.budget + 1e-6)
    from scipy.sparse import csr_array  # imported here: keeps CLI start-up light

    matrix = csr_array((vals, (rows, cols)), shape=(len(lo), n))
    lb = np.zeros(n)
    ub = problem.fundable.astype(float)
    for i in np.flatnonzero(problem.must):
        if ("must", int(i)) not in drop:
            lb[i] = 1.0
    for i in np.flatnonzero(problem.exclude):
        if ("exclude", int(i)) not in drop:
            ub[i] = 0.0
    return matrix, np.array(lo), np.array(hi), lb, ub


def objective(problem: Problem, values) -> np.ndarray:
    """Scaled integer values minus a cost tie-breaker (for minimisation: negated)."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    scaled = np.round(values * SCALE)
    total = float(problem.costs.sum()) or 1.0
    return -(scaled - TIE * problem.costs / total)


def solve_lp_model(c, matrix, lo, hi, lb, ub, time_limit: float | None = None) -> Solution:
    """Solve a 0–1 program (all variables binary) with HiGHS; the shared kernel."""
    n = len(c)
    options = {"mip_rel_gap": MIP_GAP}
    if time_limit:
        options["time_limit"] = float(time_limit)
    if np.any(lb > ub):
        return Solution(x=None, status="infeasible", gap=math.nan)
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(matrix, lo, hi)] if matrix.shape[0] else []
    res = milp(c, integrality=np.ones(n), bounds=Bounds(lb, ub), constraints=constraints,
               options=options)  # fmt: skip
    status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded"}.get(
        res.status, "error"
    )
    if res.x is None:
        return Solution(x=None, status="infeasible" if status == "time_limit" else status,
                        gap=math.nan, message=str(res.message))  # fmt: skip
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    return Solution(x=res.x > 0.5, status=status, gap=gap, message=str(res.message))


def solve(
    problem: Problem,
    values,
    *,
    force: Iterable[int] = (),
    forbid: Iterable[int] = (),
    drop: frozenset = frozenset(),
    time_limit: float | None = None,
) -> Solution:
    """Best selection for ``values`` (one per idea); ``force``/``forbid`` fix extra ideas."""
    matrix, lo, hi, lb, ub = constraint_rows(problem, drop)
    for i in force:
        lb[i] = 1.0
    for i in forbid:
        ub[i] = 0.0
    return solve_lp_model(objective(problem, values), matrix, lo, hi, lb, ub, time_limit)


def feasible(problem: Problem, drop: frozenset = frozenset()) -> bool:
    matrix, lo, hi, lb, ub = constraint_rows(problem, drop)
    return solve_lp_model(np.zeros(problem.n), matrix, lo, hi, lb, ub).feasible


def find_conflict(
    problem: Problem, is_feasible=None, extra_items: Sequence[Item] = ()
) -> list[Item]:
    """A minimal set of constraints that cannot hold together (deletion filter).

    Dependencies and eligibility are always kept; every other constraint is dropped in turn
    and stays dropped while the rest is still infeasible. What remains is irreducible:
    leaving out any one of them makes the problem feasible. ``is_feasible(drop)`` tests a
    model without the items in ``drop`` (default: the selection model); ``extra_items`` are
    further named constraints that model knows (the roadmap's yearly budgets).
    """
    is_feasible = is_feasible or (lambda drop: feasible(problem, drop))
    items = _items(problem) + list(extra_items)
    # a required idea that can never be funded is a conflict on its own
    for item in items:
        if item[0] == "must" and _must_blocked(problem, item[1]):
            return [item] + [("exclude", j) for j in problem.prereqs[item[1]] if problem.exclude[j]]
    dropped: set = set()
    for item in items:
        if not is_feasible(frozenset(dropped | {item})):
            dropped.add(item)
    return [item for item in items if item not in dropped]


def _must_blocked(problem: Problem, i: int) -> bool:
    chain = (i, *problem.prereqs[i])
    return any(not problem.fundable[j] for j in chain)


# --------------------------------------------------------------------------- results


class InfeasibleError(PrioritisationError):
    """The constraints cannot all hold; ``conflicts`` says which ones, in words."""

    def __init__(self, conflicts: list[str], lang: str | None = None):
        self.conflicts = list(conflicts)
        self.lang = lang
        super().__init__(tr("conflict.header", lang) + " " + "; ".join(conflicts))

    def lines(self, lang: str | None = None) -> list[str]:
        return [tr("conflict.header", lang or self.lang)] + [f"- {c}" for c in self.conflicts]


@dataclass(frozen=True, eq=False)
class Portfolio:
    """The selection and, per idea, whether it is funded and why (not).

    ``table`` (index = idea id, in ranking order): ``title``, ``theme``, ``cost``, ``score``,
    ``rank``, ``eligible``, ``funded`` (bool), ``status`` (``funded`` / ``not funded``),
    ``reason_kind`` (``funded``, ``must``, ``not_eligible``, ``no_cost``, ``excluded``,
    ``prereq_blocked``, ``too_expensive``, ``group``, ``prerequisite``, ``theme_max``,
    ``negative``, ``budget``), ``reason`` (text in ``lang``), ``needs`` (unfunded
    prerequisites, tuple of ids), ``extra_budget`` (EUR more that would let it be added to the
    funded set, NaN when that is not the issue).
    ``status`` of the solve is ``optimal`` (proven, ``gap`` ≈ 0), ``time_limit`` or
    ``infeasible`` (then ``conflicts`` lists the constraints in words and nothing is selected).
    """

    table: pd.DataFrame
    selected: list[str]
    budget: float
    total_cost: float
    total_value: float
    status: str
    gap: float
    conflicts: list[str]
    constraints: Constraints
    problem: Problem
    ranking: Ranking
    prepared: Prepared
    values: np.ndarray  # score per idea in problem order (NaN where none)
    lang: str = "nl"
    currency: str = "EUR"

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def remaining(self) -> float:
        return self.budget - self.total_cost

    @property
    def weights(self) -> pd.Series:
        return self.ranking.weights

    @property
    def method(self) -> str:
        return self.ranking.method

    def raise_if_infeasible(self) -> None:
        if self.status == "infeasible":
            raise InfeasibleError(self.conflicts, self.lang)

    def to_records(self) -> list[dict]:
        """JSON records: ``id``, ``title``, ``theme``, ``cost``, ``score``, ``rank``,
        ``status``, ``reason``, ``reason_kind``, ``needs``, ``extra_budget``."""
        out = []
        for iid, row in self.table.iterrows():
            out.append(
                {
                    "id": iid, "title": row["title"], "theme": row["theme"],
                    "cost": _num(row["cost"]), "score": _num(row["score"]),
                    "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
                    "status": row["status"], "reason": row["reason"],
                    "reason_kind": row["reason_kind"], "needs": list(row["needs"]),
                    "extra_budget": _num(row["extra_budget"]),
                }
            )  # fmt: skip
        return out

    def to_json(self) -> dict:
        return {
            "budget": self.budget,
            "selected": list(self.selected),
            "total_cost": self.total_cost,
            "total_value": round(self.total_value, 10),
            "remaining": self.remaining,
            "status": self.status,
            "optimal": self.optimal,
            "gap": None if math.isnan(self.gap) else self.gap,
            "conflicts": list(self.conflicts),
            "method": self.method,
            "weights": {c: round(float(w), 10) for c, w in self.weights.items()},
            "ranking": self.to_records(),
        }

    def frame(self) -> pd.DataFrame:
        """Flat table for export (one row per idea)."""
        flat = self.table[["title", "theme", "cost", "score", "rank", "eligible", "status",
                           "reason", "extra_budget"]].copy()  # fmt: skip
        flat["rank"] = flat["rank"].astype("Int64")
        flat["needs"] = self.table["needs"].map(", ".join)
        flat.index.name = "id"
        return flat


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else round(v, 10)


# --------------------------------------------------------------------------- public API


def parse_budget(value) -> float:
    """``"1.500.000"``, ``"€ 1 500 000"``, ``1500000`` → 1500000.0 (UsageError otherwise)."""
    try:
        number = to_number(value, decimal_comma=True)
    except (ValueError, TypeError):
        number = None
    if number is None or not math.isfinite(number) or number < 0:
        raise UsageError("usage.budget", value=value)
    return float(number)


def parse_ids(value, wb: Workbook, option: str) -> tuple[str, ...]:
    """``"A,B"`` or a list → a tuple of known idea ids (UsageError names an unknown one)."""
    if value is None:
        return ()
    items = re.split(r"[;,\s]+", value) if isinstance(value, str) else list(value)
    out = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        if item not in wb.ideas.index:
            raise UsageError("usage.unknown_idea", id=item, option=option,
                             known=", ".join(wb.ideas.index))  # fmt: skip
        if item not in out:
            out.append(item)
    return tuple(out)


def parse_shares(value, wb: Workbook, option: str) -> dict[str, float]:
    """``"E-inclusie=0.2; Rijk leesklimaat=10%"`` (or a mapping) → ``{theme: share}``."""
    if value is None:
        return {}
    if isinstance(value, str | list | tuple):
        parts = [value] if isinstance(value, str) else list(value)
        pairs = []
        for part in parts:
            for piece in re.split(r"[;]|,(?=[^=]*=)", part):
                if not piece.strip():
                    continue
                if "=" not in piece:
                    raise UsageError("usage.share_syntax", spec=piece.strip())
                theme, share = (s.strip() for s in piece.rsplit("=", 1))
                pairs.append((theme, share))
    else:
        pairs = list(dict(value).items())
    themes = sorted({str(t) for t in wb.ideas["theme"]})
    lookup = {t.casefold(): t for t in themes}
    out = {}
    for theme, share in pairs:
        if str(theme).casefold() not in lookup:
            raise UsageError(
                "usage.unknown_theme", theme=theme, option=option, known=", ".join(themes)
            )
        text = str(share).strip()
        try:
            number = (
                float(text.rstrip("% ").replace(",", ".")) / 100
                if text.endswith("%")
                else float(text.replace(",", "."))
            )
        except ValueError:
            number = math.nan
        if not (0 <= number <= 1):
            raise UsageError("usage.share", value=share, theme=theme)
        out[lookup[str(theme).casefold()]] = number
    return out


def make_constraints(
    wb: Workbook,
    must=None,
    exclude=None,
    theme_min=None,
    theme_max=None,
    groups: bool = True,
) -> Constraints:
    """Validated :class:`Constraints` from text (CLI) or lists/mappings (app)."""
    c = Constraints(
        must=parse_ids(must, wb, "must"), exclude=parse_ids(exclude, wb, "exclude"),
        theme_min=parse_shares(theme_min, wb, "theme-min"),
        theme_max=parse_shares(theme_max, wb, "theme-max"), groups=groups,
    )  # fmt: skip
    both = set(c.must) & set(c.exclude)
    if both:
        raise UsageError("usage.must_exclude", id=sorted(both)[0])
    return c


def resolve_budget(wb: Workbook, budget=None) -> float:
    if budget is None or (isinstance(budget, str) and not budget.strip()):
        budget = wb.settings.get("budget")
        if budget is None or budget == "":
            raise UsageError("usage.no_budget")
    return parse_budget(budget)


def problem_for(prepared: Prepared, budget: float, constraints: Constraints) -> Problem:
    ideas = prepared.wb.ideas
    return build_problem(
        ids=list(ideas.index), costs=ideas["cost"].to_numpy(float), eligible=prepared.eligible,
        depends_on=list(ideas["depends_on"]), budget=budget, themes=list(ideas["theme"]),
        groups=list(ideas["group"]) if "group" in ideas else None, constraints=constraints,
    )  # fmt: skip


def select_prepared(
    prepared: Prepared,
    weights: pd.Series,
    budget: float,
    constraints: Constraints | None = None,
    method: str = "wsm",
    lang: str | None = None,
    time_limit: float | None = None,
) -> Portfolio:
    """The fast path (no validation of options): rank with ``weights`` and select."""
    lang = get_language(lang)
    constraints = constraints or Constraints()
    ranking = rank_prepared(prepared, weights, method, lang)
    problem = problem_for(prepared, budget, constraints)
    values = ranking.table["score"].reindex(list(problem.ids)).to_numpy(float)
    solution = solve(problem, values, time_limit=time_limit)
    return _portfolio(prepared, ranking, problem, values, solution, constraints, lang)


def select_portfolio(
    wb: Workbook,
    budget=None,
    *,
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
) -> Portfolio:
    """The best fundable set for ``budget`` (default: the workbook's ``budget`` setting).

    ``must``/``exclude``: idea ids (list or ``"A,B"``); ``theme_min``/``theme_max``: theme →
    share of the budget (mapping or ``"E-inclusie=0.2"``); ``groups``: honour the mutually
    exclusive groups. Returns a :class:`Portfolio`; when the constraints conflict its
    ``status`` is ``infeasible`` and ``conflicts`` says why (call
    :meth:`Portfolio.raise_if_infeasible` to turn that into an error).
    """
    method = check_method(method or str(wb.settings.get("method") or "wsm"))
    shares = resolve_weights(wb, weights)
    constraints = make_constraints(wb, must, exclude, theme_min, theme_max, groups)
    return select_prepared(prepare(wb, aggregate), shares, resolve_budget(wb, budget),
                           constraints, method, lang, time_limit)  # fmt: skip


def scores_for(prepared: Prepared, weights: pd.Series, method: str) -> np.ndarray:
    """Scores per idea (workbook order) under ``weights``, without building a Ranking."""
    from prioritisation.engine.scoring import method_input

    method_ = METHODS[method]
    n = len(prepared.wb.ideas)
    scores = np.full(n, np.nan)
    complete = ~np.isnan(prepared.aggregated.to_numpy()).any(axis=1)
    rows = np.flatnonzero(prepared.eligible if method_.relative else complete)
    if len(rows):
        scores[rows] = method_.kernel(method_input(prepared, weights, rows)).scores
    return scores


# --------------------------------------------------------------------------- reasons


def _portfolio(prepared, ranking, problem, values, solution, constraints, lang) -> Portfolio:
    wb = prepared.wb
    if not solution.feasible:
        x = np.zeros(problem.n, dtype=bool)
        conflicts = (
            describe_conflict(problem, find_conflict(problem), ranking, lang, wb.currency)
            if solution.status == "infeasible"
            else [solution.message]
        )
    else:
        x, conflicts = solution.x, []
    order = list(ranking.table.index)
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    reasons = idea_reasons(problem, values, x, ranking, lang, wb.currency)
    t = ranking.table
    table = pd.DataFrame(
        {
            "title": t["title"], "theme": t["theme"], "cost": t["cost"], "score": t["score"],
            "rank": t["rank"], "eligible": t["eligible"],
            "funded": [bool(x[pos[i]]) for i in order],
        },
        index=t.index,
    )  # fmt: skip
    table["status"] = np.where(table["funded"], "funded", "not funded")
    for key in ("reason_kind", "reason", "needs", "extra_budget"):
        table[key] = [reasons[pos[i]][key] for i in order]
    selected = [i for i in order if x[pos[i]]]
    return Portfolio(
        table=table, selected=selected, budget=problem.budget,
        total_cost=float(problem.costs[x].sum()), total_value=float(np.nansum(values[x])),
        status=solution.status, gap=solution.gap, conflicts=conflicts, constraints=constraints,
        problem=problem, ranking=ranking, prepared=prepared, values=values, lang=lang,
        currency=wb.currency,
    )  # fmt: skip


def _ids_text(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def idea_reasons(problem: Problem, values, x, ranking: Ranking, lang, currency="EUR") -> list:
    """Per idea (problem order): ``reason_kind``, ``reason``, ``needs``, ``extra_budget``."""

    def money(v):
        return fmt_money(v, currency, lang)

    spent = float(problem.costs[x].sum())
    remaining = problem.budget - spent
    gates = ranking.table["gates"]
    out = []
    for i, iid in enumerate(problem.ids):
        kind, extra, needs, params = "", math.nan, (), {}
        chain = problem.prereqs[i]
        if x[i]:
            kind = "must" if problem.must[i] else "funded"
        elif problem.blocked[i] == "not_eligible":
            kind = "not_eligible"
            params["gates"] = "; ".join(gate_reason(g, ranking.labels, lang) for g in gates[iid])
        elif problem.blocked[i] == "no_cost":
            kind = "no_cost"
        elif problem.exclude[i]:
            kind = "excluded"
        elif any(problem.blocked[j] or problem.exclude[j] for j in chain):
            j = next(j for j in chain if problem.blocked[j] or problem.exclude[j])
            why = problem.blocked[j] or "excluded"
            kind = "prereq_blocked"
            needs = (problem.ids[j],)
            params = {"prereq": problem.ids[j], "why": tr(f"why.blocked.{why}", lang)}
        else:
            full = [i, *chain]
            missing = [j for j in chain if not x[j]]
            needs = tuple(problem.ids[j] for j in missing)
            add_cost = float(problem.costs[[i, *missing]].sum())
            theme_over = _theme_over(problem, x, [i, *missing])
            rival = _group_rival(problem, x, [i, *missing])
            if float(problem.costs[full].sum()) > problem.budget + 1e-6:
                kind = "too_expensive"
                params = {"cost": money(problem.costs[full].sum()), "budget": money(problem.budget),
                          "with_prereqs": tr("why.with_prereqs", lang, prereqs=_ids_text(
                              problem.ids[j] for j in chain)) if chain else ""}  # fmt: skip
            elif rival is not None:
                kind = "group"
                params = {"other": problem.ids[rival], "group": problem.group_of[rival]}
            elif missing:
                kind = "prerequisite"
                extra = max(0.0, add_cost - remaining)
                params = {"prereqs": _ids_text(needs), "cost": money(add_cost),
                          "extra": money(extra)}  # fmt: skip
            elif theme_over is not None:
                kind = "theme_max"
                t = theme_over
                params = {"theme": t, "share": fmt_percent(problem.theme_max[t], 0, lang),
                          "limit": money(problem.theme_max[t] * problem.budget)}  # fmt: skip
            elif not (values[i] > 0):
                kind = "negative"
                params = {"score": fmt_number(values[i], 3, lang)}
            else:
                kind = "budget"
                extra = max(0.0, add_cost - remaining)
                params = {"cost": money(add_cost), "remaining": money(remaining),
                          "extra": money(extra)}  # fmt: skip
        out.append({"reason_kind": kind, "reason": tr(f"why.{kind}", lang, **params),
                    "needs": needs, "extra_budget": extra})  # fmt: skip
    return out


def _theme_over(problem: Problem, x, adding: list[int]) -> str | None:
    for t, share in problem.theme_max.items():
        members = set(problem.themes.get(t, []).tolist())
        now = sum(problem.costs[j] for j in members if x[j])
        more = sum(problem.costs[j] for j in adding if j in members)
        if more and now + more > share * problem.budget + 1e-6:
            return t
    return None


def _group_rival(problem: Problem, x, adding: list[int]) -> int | None:
    for j in adding:
        g = problem.group_of[j]
        if g in problem.groups:
            for k in problem.groups[g]:
                if x[k] and k != j:
                    return int(k)
    return None


def describe_conflict(
    problem: Problem, items: list[Item], ranking: Ranking, lang=None, currency="EUR"
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
            i = item[1]
            chain = (i, *problem.prereqs[i])
            bad = [j for j in chain if not problem.fundable[j]]
            if bad:
                j = bad[0]
                why = tr(f"why.{problem.blocked[j]}", lang, gates="; ".join(
                    gate_reason(g, ranking.labels, lang) for g in ranking.table.loc[problem.ids[j], "gates"]
                ))  # fmt: skip
                if j != i:
                    why = tr("why.prereq_blocked", lang, prereq=problem.ids[j],
                             why=tr(f"why.blocked.{problem.blocked[j]}", lang))  # fmt: skip
                lines.append(tr("conflict.must_blocked", lang, id=problem.ids[i], why=why))
            else:
                prereqs = problem.prereqs[i]
                lines.append(tr(
                    "conflict.must", lang, id=problem.ids[i], cost=money(problem.costs[list(chain)].sum()),
                    with_prereqs=tr("why.with_prereqs", lang, prereqs=_ids_text(
                        problem.ids[j] for j in prereqs)) if prereqs else "",
                ))  # fmt: skip
        elif kind == "exclude":
            lines.append(tr("conflict.exclude", lang, id=problem.ids[item[1]]))
        elif kind in ("theme_min", "theme_max"):
            share = getattr(problem, kind)[item[1]]
            lines.append(tr(f"conflict.{kind}", lang, theme=item[1], share=fmt_percent(share, 0, lang),
                            amount=money(share * problem.budget)))  # fmt: skip
        elif kind == "group":
            members = _ids_text(problem.ids[k] for k in problem.groups[item[1]])
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


# --------------------------------------------------------------------------- P(funded)


@dataclass(frozen=True, eq=False)
class FundingProbability:
    """P(funded) per idea under weight uncertainty.

    ``table`` (index = idea id, ranking order): ``title``, ``theme``, ``score``, ``funded``
    (in the portfolio with the weights in force), ``p_funded`` (share of sampled weightings
    whose optimal portfolio funds it), ``verdict`` (text: almost always / usually / coin toss /
    sometimes / almost never / never) and ``verdict_kind``.
    """

    table: pd.DataFrame
    samples: int
    spread: float | None
    seed: int | None


def verdict_kind(p: float, fundable: bool) -> str:
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
    """Re-select the portfolio under ``samples`` weight vectors drawn around the weights in
    force (Dirichlet with concentration 1/``spread``; ``spread`` None or 0: uniform over all
    weightings, as in SMAA) and count how often each idea is funded. Same budget, constraints,
    method and seed → same answer (:func:`prioritisation.engine.sampling.weight_chunks`)."""
    from prioritisation.engine.sampling import weight_chunks

    if not isinstance(samples, int | np.integer) or samples < 1:
        raise UsageError("usage.p_funded_samples", value=samples)
    if portfolio.status == "infeasible":
        portfolio.raise_if_infeasible()
    problem, prepared = portfolio.problem, portfolio.prepared
    criteria = list(portfolio.weights.index)
    center = portfolio.weights.to_numpy(float)
    additive = METHODS[portfolio.method].additive and portfolio.method == "wsm"
    normalised = np.nan_to_num(prepared.normalised.reindex(list(problem.ids)).to_numpy())
    counts = np.zeros(problem.n)
    for chunk in weight_chunks(samples, len(criteria), seed, center=center, spread=spread):
        for w in chunk:
            if additive:
                values = normalised @ w
            else:
                values = scores_for(prepared, pd.Series(w, index=criteria), portfolio.method)
            solution = solve(problem, values)
            if solution.feasible:
                counts += solution.x
    p = counts / samples
    pos = {iid: k for k, iid in enumerate(problem.ids)}
    t = portfolio.table
    reachable = ~t["reason_kind"].isin(["not_eligible", "no_cost", "excluded", "prereq_blocked",
                                        "too_expensive"])  # fmt: skip
    table = pd.DataFrame(
        {"title": t["title"], "theme": t["theme"], "score": t["score"], "funded": t["funded"],
         "p_funded": [float(p[pos[i]]) for i in t.index]},
        index=t.index,
    )  # fmt: skip
    table["verdict_kind"] = [verdict_kind(v, bool(r)) for v, r in zip(table["p_funded"], reachable,
                                                                      strict=True)]  # fmt: skip
    table["verdict"] = [tr(f"pfunded.{k}", portfolio.lang) for k in table["verdict_kind"]]
    return FundingProbability(table, int(samples), spread, seed)
