"""A scenario applied to a workbook, and two scenarios side by side.

:func:`scenario_workbook` puts a scenario's thresholds, method, aggregation and budget in
force; :func:`scenario_ranking` and :func:`scenario_portfolio` rank and fund under it;
:func:`compare` sets two scenarios side by side: settings, weights, ranking and funded set.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.scenarios.scenario import make_scenario
>>> wb = read_workbook(sample_path())
>>> a = make_scenario(wb, "A", "An")
>>> b = make_scenario(wb, "B", "Bart", weights="equal", budget=900000)
>>> result = compare(wb, a, b, lang="en")
>>> print(result.weights.round(2).loc[["innovation"]].to_string())
                       label    a     b  difference
criterion
innovation  Innovation value  0.3  0.25       -0.05
>>> result.settings.loc[result.settings["changed"], "label"].tolist()
['budget', 'budget 2027', 'budget 2028', 'budget 2029']
>>> len(result.moved) > 0, len(result.funded_changed) > 0
(True, True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import get_language
from prioritisation.core.model import Workbook
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.engine.scoring import rank
from prioritisation.scenarios.audit import field_label, same_value, union
from prioritisation.scenarios.scenario import Scenario


def scenario_workbook(wb: Workbook, scenario: Scenario) -> Workbook:
    """``wb`` with the scenario's thresholds, method, aggregation and budget in force."""
    check_fits(wb, scenario)
    criteria = wb.criteria.copy()
    criteria["threshold"] = [
        np.nan if scenario.thresholds.get(c) is None else float(scenario.thresholds[c])
        for c in criteria.index
    ]
    settings = dict(wb.settings)
    settings.update(method=scenario.method, aggregate=scenario.aggregate)
    budget = scenario.budget or {}
    if budget.get("total") is not None:
        settings["budget"] = float(budget["total"])
    else:
        settings.pop("budget", None)
    if budget.get("per_year"):
        settings["budget_per_year"] = "; ".join(f"{y}={v:g}" for y, v in budget["per_year"].items())
    else:
        settings.pop("budget_per_year", None)
    return dataclasses.replace(wb, criteria=criteria, settings=settings)


def check_fits(wb: Workbook, scenario: Scenario) -> None:
    """``UsageError`` when the scenario's criteria are not the workbook's."""
    have, want = set(scenario.weights), set(wb.criteria.index)
    if have != want:
        raise UsageError("usage.scenario_mismatch", name=scenario.label,
                         missing=", ".join(sorted(want - have)) or "—",
                         extra=", ".join(sorted(have - want)) or "—")  # fmt: skip


def scenario_weights(wb: Workbook, scenario: Scenario) -> pd.Series:
    """The scenario's weights in the workbook's criterion order."""
    check_fits(wb, scenario)
    return pd.Series(scenario.weights, dtype=float).reindex(wb.criteria.index)


def scenario_ranking(wb: Workbook, scenario: Scenario, lang: str | None = None):
    """The :class:`~prioritisation.engine.scoring.Ranking` of ``wb`` under ``scenario`` (its
    weights, method, aggregation and thresholds)."""
    swb = scenario_workbook(wb, scenario)
    return rank(swb, method=scenario.method, weights=scenario_weights(wb, scenario),
                aggregate=scenario.aggregate, lang=lang)  # fmt: skip


def scenario_portfolio(wb: Workbook, scenario: Scenario, lang: str | None = None):
    """The funded set under ``scenario``: a :class:`~prioritisation.decisions.portfolio.Portfolio`
    for its total budget, weights, method, aggregation, thresholds and selection (``include``
    = must, ``exclude``), or ``None`` when the scenario has no budget."""
    total = (scenario.budget or {}).get("total")
    if total is None:
        return None
    selection = scenario.selection or {}
    return select_portfolio(
        scenario_workbook(wb, scenario), float(total), method=scenario.method,
        weights=scenario_weights(wb, scenario), aggregate=scenario.aggregate,
        must=list(selection.get("include") or []) or None,
        exclude=list(selection.get("exclude") or []) or None, lang=lang,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two scenarios side by side (see :func:`compare`).

    ``settings``: one row per setting (method, aggregation, each threshold, budget, selection)
    with columns ``setting`` (``threshold feasibility``), ``label`` (in words, in the language
    asked), ``field``, ``item``, ``a``, ``b``, ``changed``. ``weights``: index criterion id;
    ``label``, ``a``, ``b``, ``difference`` (shares). ``ranking``: index idea id; ``title``,
    ``rank_a``, ``rank_b``, ``moved`` (places up, positive = better in B; NA when not ranked in
    one), ``score_a``, ``score_b``, ``eligible_a``, ``eligible_b``. ``moved``: the ids whose
    rank or eligibility differ. ``funded`` (``None`` when a scenario has no budget): index idea
    id; ``title``, ``cost``, ``funded_a``, ``funded_b``, ``reason_a``, ``reason_b``,
    ``changed``; ``funded_changed`` the ids funded in one and not the other;
    ``portfolio_a``/``_b`` the :class:`~prioritisation.decisions.portfolio.Portfolio` objects.
    ``workbook_differs``: a scenario was made on another version of the workbook.
    """

    a: Scenario
    b: Scenario
    settings: pd.DataFrame
    weights: pd.DataFrame
    ranking: pd.DataFrame
    moved: list[str]
    ranking_a: object
    ranking_b: object
    funded: pd.DataFrame | None = None
    workbook_differs: tuple[str, ...] = ()
    funded_changed: list[str] = field(default_factory=list)
    portfolio_a: object = None
    portfolio_b: object = None


def compare(wb: Workbook, a: Scenario, b: Scenario, lang: str | None = None) -> Comparison:
    """Compare two scenarios on ``wb``: settings, weights, ranking and funded set side by side
    (see the module's example)."""
    lang = get_language(lang)
    ra, rb = scenario_ranking(wb, a, lang), scenario_ranking(wb, b, lang)
    labels = wb.criterion_labels(lang)
    weights = pd.DataFrame(
        {"label": [labels[c] for c in wb.criteria.index],
         "a": [a.weights[c] for c in wb.criteria.index],
         "b": [b.weights[c] for c in wb.criteria.index]},
        index=pd.Index(wb.criteria.index, name="criterion"),
    )  # fmt: skip
    weights["difference"] = weights["b"] - weights["a"]
    ranking = _ranking(ra.table, rb.table)
    changed = (ranking["rank_a"].fillna(-1) != ranking["rank_b"].fillna(-1)) | (
        ranking["eligible_a"] != ranking["eligible_b"]
    )
    moved = [str(i) for i in ranking.index[changed.to_numpy(dtype=bool)]]
    differs = tuple(
        s.label
        for s in (a, b)
        if s.workbook_sha256 and wb.sha256 and s.workbook_sha256 != wb.sha256
    )
    pa, pb = scenario_portfolio(wb, a, lang), scenario_portfolio(wb, b, lang)
    funded, funded_changed = None, []
    if pa is not None and pb is not None:
        ids = list(ranking.index)
        funded = pd.DataFrame(
            {"title": ranking["title"], "cost": wb.ideas["cost"].reindex(ids),
             "funded_a": pa.table["funded"].reindex(ids).astype(bool),
             "funded_b": pb.table["funded"].reindex(ids).astype(bool),
             "reason_a": pa.table["reason"].reindex(ids), "reason_b": pb.table["reason"].reindex(ids)},
            index=ranking.index,
        )  # fmt: skip
        funded["changed"] = funded["funded_a"] != funded["funded_b"]
        funded_changed = [str(i) for i in funded.index[funded["changed"].to_numpy(dtype=bool)]]
    return Comparison(a=a, b=b, settings=_settings(wb, a, b, labels, lang), weights=weights,
                      ranking=ranking, moved=moved, ranking_a=ra, ranking_b=rb, funded=funded,
                      workbook_differs=differs, funded_changed=funded_changed, portfolio_a=pa,
                      portfolio_b=pb)  # fmt: skip


def _ranking(ta: pd.DataFrame, tb: pd.DataFrame) -> pd.DataFrame:
    ranking = pd.DataFrame(
        {"title": tb["title"], "rank_a": ta["rank"].reindex(tb.index).astype("Int64"),
         "rank_b": tb["rank"].astype("Int64"), "score_a": ta["score"].reindex(tb.index),
         "score_b": tb["score"], "eligible_a": ta["eligible"].reindex(tb.index),
         "eligible_b": tb["eligible"]},
        index=tb.index,
    )  # fmt: skip
    ranking.insert(3, "moved", (ranking["rank_a"] - ranking["rank_b"]).astype("Int64"))
    ranking.index.name = "id"
    return ranking


def _settings(wb: Workbook, a: Scenario, b: Scenario, labels, lang: str) -> pd.DataFrame:
    rows = [("method", None, a.method, b.method), ("aggregate", None, a.aggregate, b.aggregate)]
    for cid in wb.criteria.index:
        rows.append(("threshold", cid, a.thresholds.get(cid), b.thresholds.get(cid)))
    rows.append(("budget_total", None, a.budget.get("total"), b.budget.get("total")))
    years_a, years_b = a.budget.get("per_year") or {}, b.budget.get("per_year") or {}
    for year in union(years_a, years_b):
        rows.append(("budget_year", year, years_a.get(year), years_b.get(year)))
    for kind in ("include", "exclude"):
        rows.append((kind, None, "; ".join(a.selection.get(kind) or []),
                     "; ".join(b.selection.get(kind) or [])))  # fmt: skip
    settings = pd.DataFrame(
        [{"setting": f"{f} {i}" if i else f, "label": field_label(f, i, labels, lang), "field": f,
          "item": i, "a": x, "b": y} for f, i, x, y in rows],
        columns=["setting", "label", "field", "item", "a", "b"], dtype=object,
    )  # fmt: skip
    settings["changed"] = [
        not same_value(x, y) for x, y in zip(settings["a"], settings["b"], strict=True)
    ]
    return settings
