"""A steering group's round in one computation: what the ``group`` command, the app's Group tab
and the report show.

:func:`analyse_group` takes a resolved run (the budget, constraints, aggregation and method
in force) and the members' weight sets (from the workbook,
:func:`~prioritisation.decisions.group_weights.member_weight_sets`, or from a round in the
store) and returns a :class:`GroupAnalysis`:

- the members' weights (shares) and the group's weights with the spread per criterion;
- the group's ranking (the run's method under the group's weights) and the **group set**:
  what the run's funding rule funds under the group's weights;
- each member's **own optimum** and satisfaction with the group set and with the
  **compromise** (:mod:`prioritisation.decisions.compromise`);
- **core / contested / never**: the ideas in every member's own optimum, in some, in none.

:meth:`GroupAnalysis.to_dict` is plain JSON and :meth:`GroupAnalysis.from_dict` reads it
back, so a result stored with a round (:func:`prioritisation.scenarios.rounds.store_result`,
keyed by :func:`inputs_digest`) is read by every page instead of solved again.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.group_weights import member_weight_sets
>>> from prioritisation.engine.run import resolve_run
>>> wb = read_workbook(sample_path())
>>> result = analyse_group(resolve_run(wb, budget="600.000"), member_weight_sets(wb))
>>> result.group_weights.round(3).to_dict()
{'innovation': 0.273, 'desirability': 0.315, 'viability': 0.221, 'feasibility': 0.19}
>>> result.split.core
('TOEGANK', 'LEESPROMO', 'DIGIPUNT', 'ELOKET', 'DIGICOACH', 'FUSIE')
>>> round(result.compromise.min_satisfaction, 3), GroupAnalysis.from_dict(result.to_dict()).digest == result.digest
(0.987, True)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from prioritisation.decisions.compromise import (
    Compromise,
    OwnOptimum,
    Split,
    compromise,
    core_contested_never,
    member_values,
    own_optima,
    selection_problem,
    set_total,
)
from prioritisation.decisions.group_weights import DEFAULT_FLOOR, as_shares, group_weights
from prioritisation.decisions.portfolio.selection import select_run
from prioritisation.engine.run import Run

ALGORITHM = "compromise-1"  # part of the digest: a stored result of another algorithm is stale
SATISFACTION_COLUMNS = ["own", "group", "compromise"]


@dataclass(frozen=True, eq=False)
class GroupAnalysis:
    """Everything a round shows (see the module's text).

    ``weights``: members × criteria (shares); ``group_weights`` (shares) made ``how``
    (``mean``, ``median``, ``geometric`` with ``floor``); ``spread``: criteria × ``min``,
    ``max``, ``range``, ``std``; ``ranking``: eligible ideas in rank order with ``rank`` and
    ``score`` (the run's ``method`` under the group's weights); ``group_set``: what the
    funding ``rule`` funds under the group's weights; ``own``: member →
    :class:`~prioritisation.decisions.compromise.OwnOptimum`; ``satisfaction``: members ×
    ``own``, ``group``, ``compromise`` (0–1, the weighted sum whatever ``method`` ranks:
    ``weighted_sum_differs`` says when that is not the method ranking); ``split``: core /
    contested / never; ``compromise``; ``budget`` (the total the sets keep to) and
    ``yearly_as_total`` (the run has yearly budgets, but the sets keep to the total budget
    instead of being planned over the years: the shells say so); ``digest``: :func:`inputs_digest` of the inputs.
    """

    members: tuple[str, ...]
    weights: pd.DataFrame
    group_weights: pd.Series
    how: str
    floor: float
    spread: pd.DataFrame
    ranking: pd.DataFrame
    rule: str
    group_set: tuple[str, ...]
    own: Mapping[str, OwnOptimum]
    satisfaction: pd.DataFrame
    split: Split
    compromise: Compromise
    method: str
    budget: float
    yearly_as_total: bool
    digest: str

    @property
    def weighted_sum_differs(self) -> bool:
        """The ranking's method is not the weighted sum that satisfaction uses."""
        return self.method != "wsm"

    def to_dict(self, visible=None) -> dict:
        """Plain JSON (numbers rounded to 10 decimals; NaN as ``None``). ``visible``: only
        these members' own weights, optima and satisfaction (a blind round); who is for or
        against a contested idea is then counted (``in_count``, ``out_count``) and only the
        visible members named. What is stored is always the whole (``visible=None``)."""
        if visible is not None and set(self.members) - set(visible):
            return _masked(self.to_dict(), list(visible))
        return {
            "algorithm": ALGORITHM, "digest": self.digest, "members": list(self.members),
            "weights": {m: _numbers(row) for m, row in self.weights.iterrows()},
            "group_weights": _numbers(self.group_weights), "how": self.how, "floor": self.floor,
            "spread": {c: _numbers(row) for c, row in self.spread.iterrows()},
            "ranking": [{"id": i, "rank": int(r["rank"]), "score": _num(r["score"])}
                        for i, r in self.ranking.iterrows()],
            "rule": self.rule, "group_set": list(self.group_set),
            "own": {m: {"funded": list(o.funded), "total": _num(o.total), "cost": _num(o.cost),
                        "status": o.status, "gap": _num(o.gap)} for m, o in self.own.items()},
            "satisfaction": {m: _numbers(row) for m, row in self.satisfaction.iterrows()},
            "split": self.split.to_dict(), "compromise": self.compromise.to_dict(),
            "method": self.method, "weighted_sum_differs": self.weighted_sum_differs,
            "budget": _num(self.budget), "yearly_as_total": self.yearly_as_total,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping) -> GroupAnalysis:
        """The analysis :meth:`to_dict` wrote (read from the store)."""
        members = tuple(d["members"])
        ranking = pd.DataFrame(d["ranking"], columns=["id", "rank", "score"]).set_index("id")
        return cls(
            members=members,
            weights=_frame(d["weights"], members), group_weights=_series(d["group_weights"]),
            how=d["how"], floor=float(d["floor"]),
            spread=_frame(d["spread"], list(d["spread"])), ranking=ranking.astype({"rank": int}),
            rule=d["rule"], group_set=tuple(d["group_set"]),
            own={m: OwnOptimum(m, tuple(o["funded"]), _float(o["total"]), _float(o["cost"]),
                               o["status"], _float(o["gap"])) for m, o in d["own"].items()},
            satisfaction=_frame(d["satisfaction"], members),
            split=Split.from_dict(d["split"]), compromise=Compromise.from_dict(d["compromise"]),
            method=d["method"], budget=_float(d["budget"]), yearly_as_total=bool(d["yearly_as_total"]),
            digest=d["digest"],
        )  # fmt: skip


def _masked(d: dict, visible: list[str]) -> dict:
    """The whole analysis ``d`` with only ``visible`` members' own rows (see ``to_dict``)."""
    keep = [m for m in d["members"] if m in visible]
    out = {**d, "members": keep, "hidden_members": len(d["members"]) - len(keep)}
    for key in ("weights", "own", "satisfaction"):
        out[key] = {m: v for m, v in d[key].items() if m in keep}
    contested = {i: {"in": [m for m in v["in"] if m in keep], "out": [m for m in v["out"] if m in keep],
                     "in_count": len(v["in"]), "out_count": len(v["out"])}
                 for i, v in d["split"]["contested"].items()}  # fmt: skip
    out["split"] = {**d["split"], "contested": contested}
    c = d["compromise"]
    out["compromise"] = {**c, "per_member": {m: v for m, v in c["per_member"].items() if m in keep},
                         "least": [m for m in c["least"] if m in keep]}  # fmt: skip
    return out


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 10)


def _float(v) -> float:
    return math.nan if v is None else float(v)


def _numbers(row: pd.Series) -> dict:
    return {str(k): _num(v) for k, v in row.items()}


def _series(d: Mapping) -> pd.Series:
    return pd.Series({k: _float(v) for k, v in d.items()}, dtype=float)


def _frame(d: Mapping, index) -> pd.DataFrame:
    return pd.DataFrame({k: {c: _float(v) for c, v in d[k].items()} for k in index}).T.reindex(
        list(index)
    )


def inputs_digest(
    run: Run, sets: pd.DataFrame, how: str = "mean", floor: float = DEFAULT_FLOOR
) -> str:
    """SHA-256 (hex) of everything the analysis depends on: the workbook's own SHA-256, the
    run's options that change a set or a ranking (aggregation, method, budget, must /
    exclude, theme shares, groups, funding rule), the members' weight sets, ``how``,
    ``floor`` and the algorithm's version. Equal digests mean an equal analysis."""
    options = {k: v for k, v in run.options().items()
               if k not in ("weights", "samples", "seed", "sampling", "spread")}  # fmt: skip
    shares = as_shares(sets, run.wb.criteria.index)
    payload = {
        "algorithm": ALGORITHM, "workbook": run.wb.sha256, "options": options,
        "sets": {str(m): [round(float(v), 12) for v in row] for m, row in shares.iterrows()},
        "criteria": list(shares.columns), "how": how, "floor": float(floor),
    }  # fmt: skip
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def analyse_group(
    run: Run,
    sets: pd.DataFrame,
    *,
    how: str = "mean",
    floor: float = DEFAULT_FLOOR,
    time_limit: float | None = None,
) -> GroupAnalysis:
    """The round's analysis for the members' weight ``sets`` (members × criteria, any
    scale: each row is made into shares) under ``run`` (see the module's text)."""
    shares = as_shares(sets, run.wb.criteria.index)
    weights, spread = group_weights(shares, how, floor)
    group_run = run.with_weights(weights)
    portfolio = select_run(group_run, time_limit=time_limit)
    table = portfolio.ranking.table
    ranking = table.loc[table["rank"].notna(), ["rank", "score"]].astype({"rank": int})
    ranking.index.name = "id"
    problem = selection_problem(run)
    own = own_optima(run, shares, problem=problem, time_limit=time_limit)
    result = compromise(run, shares, weights, own=own, time_limit=time_limit)
    group_set = tuple(i for i in problem.ids if i in set(portfolio.selected))
    rows = {}
    for member, row in shares.iterrows():
        values, best = member_values(run, row), own[member].total

        def sat(ids, values=values, best=best):
            if math.isnan(best):
                return math.nan
            return set_total(values, problem.ids, ids) / best if best > 0 else 1.0

        rows[member] = [sat(own[member].funded), sat(group_set) if portfolio.status != "infeasible"
                        else math.nan, float(result.per_member.get(member, math.nan))]  # fmt: skip
    satisfaction = pd.DataFrame.from_dict(rows, orient="index", columns=SATISFACTION_COLUMNS)
    return GroupAnalysis(
        members=tuple(shares.index), weights=shares, group_weights=weights, how=how,
        floor=float(floor), spread=spread, ranking=ranking, rule=run.funding_rule,
        group_set=group_set, own=own, satisfaction=satisfaction,
        split=core_contested_never(own, list(problem.ids)), compromise=result,
        method=run.method, budget=problem.budget,
        yearly_as_total=bool(run.budget.per_year), digest=inputs_digest(run, shares, how, floor),
    )  # fmt: skip
