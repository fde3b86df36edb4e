"""Scoring: aggregate assessors, normalise by scale, apply gates, rank with a method.

The kernels here are pure numpy (:func:`aggregate_cube`, :func:`normalise_matrix`,
:func:`rank_positions`); :func:`rank` is the one validating public wrapper that every shell
(CLI, app, report) calls. Its :class:`Ranking` carries everything an explanation needs
(aggregated scores, spread, contributions, gate failures), so no shell recomputes anything.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_number, get_language, tr
from prioritisation.core.model import AGGREGATIONS, Workbook
from prioritisation.engine.methods import METHODS, MethodInput

TRIM = 0.2  # share cut from each end by the trimmed mean (20 %: one of five assessors)


# --------------------------------------------------------------------------- kernels


def score_cube(wb: Workbook) -> tuple[np.ndarray, list[str]]:
    """Scores as an array ideas × criteria × assessors (NaN where none), and the assessors."""
    assessors = wb.assessors
    cube = np.full((len(wb.ideas), len(wb.criteria), len(assessors)), np.nan)
    s = wb.scores
    if len(s):
        i = pd.Index(wb.ideas.index).get_indexer(s["idea_id"])
        j = pd.Index(wb.criteria.index).get_indexer(s["criterion_id"])
        k = pd.Index(assessors).get_indexer(s["assessor"])
        cube[i, j, k] = s["score"].to_numpy(dtype=float)
    return cube, assessors


def aggregate_cube(cube: np.ndarray, how: str = "mean", trim: float = TRIM) -> np.ndarray:
    """Aggregate the last axis ignoring NaN; NaN where a cell has no score at all."""
    count = np.sum(~np.isnan(cube), axis=-1)
    out = np.full(cube.shape[:-1], np.nan)
    has = count > 0
    with np.errstate(all="ignore"):
        if how == "mean":
            out[has] = np.nansum(cube, axis=-1)[has] / count[has]
        elif how == "median":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[has] = np.nanmedian(cube[has], axis=-1)
        elif how == "geomean":
            logs = np.log(np.where(np.isnan(cube), 1.0, cube))
            logs = np.where(np.isnan(cube), 0.0, logs)
            out[has] = np.exp(logs.sum(axis=-1)[has] / count[has])
        elif how == "trimmed":
            ordered = np.sort(cube, axis=-1)  # NaN sorts last
            cut = np.floor(trim * count).astype(int)
            pos = np.arange(cube.shape[-1])
            keep = (pos >= cut[..., None]) & (pos < (count - cut)[..., None])
            total = np.where(keep, ordered, 0.0).sum(axis=-1)
            out[has] = total[has] / (count - 2 * cut)[has]
        else:  # pragma: no cover - guarded by rank()
            raise ValueError(how)
    return out


def normalise_matrix(matrix, lower, upper, benefit) -> np.ndarray:
    """``(s − min) / (max − min)`` by each criterion's scale; reversed for cost criteria."""
    n = (matrix - lower) / (upper - lower)
    return np.where(benefit, n, 1.0 - n)


def rank_positions(scores: np.ndarray, ids: list[str], eligible: np.ndarray, decimals: int = 10):
    """Competition ranks (1, 2, 2, 4) for eligible ideas, and the deterministic display order.

    Order: eligible ideas by score (high first), ties by id; then ineligible ideas by score
    (missing last), ties by id. Scores are rounded to ``decimals`` for comparison so that
    floating-point noise never splits a real tie.
    """
    rounded = np.round(np.where(np.isnan(scores), -np.inf, scores), decimals)
    idarr = np.array(ids, dtype=object)
    order = sorted(range(len(ids)), key=lambda i: (not eligible[i], -rounded[i], idarr[i]))
    ranks = np.full(len(ids), np.nan)
    previous, current = None, 0
    for position, i in enumerate(o for o in order if eligible[o]):
        if previous is None or rounded[i] != previous:
            current = position + 1
            previous = rounded[i]
        ranks[i] = current
    return ranks, order


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class Ranking:
    """An explained ranking.

    ``table`` (index = idea id, in display order) has ``title``, ``theme``, ``cost``, ``score``,
    ``rank`` (NaN when not eligible), ``eligible``, ``reasons`` (list of text) and ``gates``
    (list of dicts: ``criterion``, ``kind`` = ``missing``/``below``/``above``, ``value``,
    ``threshold``, ``gap``). ``contributions`` (ideas × criteria) sums to ``score`` for
    additive methods, else is empty. ``aggregated`` holds the aggregated scores on each
    criterion's scale, ``spread`` their standard deviation across assessors, ``counts`` the
    number of assessors who scored.
    """

    table: pd.DataFrame
    contributions: pd.DataFrame
    aggregated: pd.DataFrame
    normalised: pd.DataFrame
    spread: pd.DataFrame
    counts: pd.DataFrame
    weights: pd.Series
    method: str
    aggregate: str
    labels: dict[str, str] = field(default_factory=dict)
    lang: str = "nl"

    @property
    def ranked(self) -> pd.DataFrame:
        return self.table[self.table["eligible"]]

    @property
    def winner(self) -> str | None:
        ranked = self.ranked
        return ranked.index[0] if len(ranked) else None

    def to_records(self) -> list[dict]:
        """The JSON ``ranking`` records (see the README for the fields)."""
        out = []
        for iid, row in self.table.iterrows():
            contrib = (
                {c: json_number(v) for c, v in self.contributions.loc[iid].items()}
                if not self.contributions.empty
                else {}
            )
            out.append(
                {
                    "id": iid,
                    "title": row["title"],
                    "theme": row["theme"],
                    "cost": json_number(row["cost"]),
                    "rank": None if np.isnan(row["rank"]) else int(row["rank"]),
                    "score": json_number(row["score"]),
                    "eligible": bool(row["eligible"]),
                    "reasons": list(row["reasons"]),
                    "contributions": contrib,
                    "criteria": {c: json_number(v) for c, v in self.aggregated.loc[iid].items()},
                }
            )
        return out

    def frame(self) -> pd.DataFrame:
        """A flat table for export: one row per idea, one column per criterion contribution."""
        flat = self.table[["title", "theme", "cost", "rank", "score", "eligible"]].copy()
        flat["rank"] = flat["rank"].astype("Int64")
        flat["reasons"] = self.table["reasons"].map("; ".join)
        for cid in self.aggregated.columns:
            flat[f"{cid}"] = self.aggregated[cid]
            if not self.contributions.empty:
                flat[f"{cid}_contribution"] = self.contributions[cid]
        flat.index.name = "id"
        return flat


def json_number(v):
    """A number for the JSON output: rounded to 10 decimals, ``None`` for None or NaN."""
    if v is None:
        return None
    v = float(v)
    return None if np.isnan(v) else round(v, 10)


# --------------------------------------------------------------------------- public wrapper


def check_method(name: str) -> str:
    if name not in METHODS:
        raise UsageError("usage.method", name=name, choices=", ".join(sorted(METHODS)))
    return name


def check_aggregate(name: str) -> str:
    if name not in AGGREGATIONS:
        raise UsageError("usage.aggregate", name=name, choices=", ".join(AGGREGATIONS))
    return name


@dataclass(frozen=True, eq=False)
class Prepared:
    """What a slider callback needs to re-rank without re-aggregating: see :func:`prepare`."""

    wb: Workbook
    aggregate: str
    aggregated: pd.DataFrame
    normalised: pd.DataFrame
    spread: pd.DataFrame
    counts: pd.DataFrame
    gates: list[list[dict]]  # per idea, its gate failures
    eligible: np.ndarray


def prepare(wb: Workbook, aggregate: str | None = None) -> Prepared:
    """Aggregate assessors, normalise and apply the gates (independent of weights and method).

    Prepare once, then re-rank cheaply with :func:`rank_prepared` (the app's sliders):

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.weights import resolve_weights
    >>> wb = read_workbook(sample_path())
    >>> prepared = prepare(wb)
    >>> prepared.aggregate, int(prepared.eligible.sum()), len(prepared.eligible)
    ('mean', 22, 26)
    >>> rank_prepared(prepared, resolve_weights(wb, "equal"), "topsis").winner
    'ELOKET'
    """
    aggregate = check_aggregate(aggregate or str(wb.settings.get("aggregate") or "mean"))
    cube, _ = score_cube(wb)
    matrix = aggregate_cube(cube, aggregate)
    counts = np.sum(~np.isnan(cube), axis=-1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanstd(cube, axis=-1)
    c = wb.criteria
    lower, upper = c["scale_min"].to_numpy(float), c["scale_max"].to_numpy(float)
    benefit = (c["direction"] == "benefit").to_numpy()
    normalised = normalise_matrix(matrix, lower, upper, benefit)
    threshold = c["threshold"].to_numpy(float)
    gates: list[list[dict]] = []
    for i in range(len(wb.ideas)):
        failures = []
        for j, cid in enumerate(c.index):
            value = matrix[i, j]
            if np.isnan(value):
                failures.append({"criterion": cid, "kind": "missing", "value": None,
                                 "threshold": None, "gap": None})  # fmt: skip
            elif not np.isnan(threshold[j]):
                gap = threshold[j] - value if benefit[j] else value - threshold[j]
                if gap > 1e-12:
                    failures.append({"criterion": cid, "kind": "below" if benefit[j] else "above",
                                     "value": float(value), "threshold": float(threshold[j]),
                                     "gap": float(gap)})  # fmt: skip
        gates.append(failures)
    eligible = np.array([not f for f in gates], dtype=bool)
    ideas, crits = wb.ideas.index, c.index
    return Prepared(
        wb=wb, aggregate=aggregate,
        aggregated=pd.DataFrame(matrix, index=ideas, columns=crits),
        normalised=pd.DataFrame(normalised, index=ideas, columns=crits),
        spread=pd.DataFrame(spread, index=ideas, columns=crits),
        counts=pd.DataFrame(counts, index=ideas, columns=crits),
        gates=gates, eligible=eligible,
    )  # fmt: skip


def gate_reason(failure: Mapping, labels: Mapping[str, str], lang: str | None = None) -> str:
    """One gate failure in words (``"Crit 1 1,00 onder de drempel 2,00 (1,00 te laag)"``)."""
    label = labels.get(failure["criterion"], failure["criterion"])
    if failure["kind"] == "missing":
        return tr("reason.missing", lang, criterion=label)
    numbers = {key: fmt_number(failure[key], 2, lang) for key in ("value", "threshold", "gap")}
    if failure["kind"] == "below":
        return tr("reason.below", lang, criterion=label, **numbers)
    return tr("reason.above", lang, criterion=label, **numbers)


def aggregate_label(name: str, lang: str | None = None) -> str:
    """An aggregation in words, for a sentence.

    >>> aggregate_label("trimmed", "en")
    'the trimmed mean (20 % cut at each end)'
    """
    labels = {"mean": tr("agg.mean", lang), "median": tr("agg.median", lang),
              "geomean": tr("agg.geomean", lang), "trimmed": tr("agg.trimmed", lang)}  # fmt: skip
    return labels[check_aggregate(name)]


def method_label(name: str, lang: str | None = None) -> str:
    """A method in words; a method without its own words is named in capitals.

    >>> method_label("wsm", "en")
    'weighted sum (WSM)'
    """
    labels = {"wsm": tr("method.wsm", lang), "wpm": tr("method.wpm", lang),
              "topsis": tr("method.topsis", lang), "promethee": tr("method.promethee", lang)}  # fmt: skip
    return labels.get(check_method(name), name.upper())


def method_input(
    prepared: Prepared, weights: pd.Series, rows: np.ndarray | None = None
) -> MethodInput:
    c = prepared.wb.criteria
    matrix = prepared.aggregated.to_numpy()
    normalised = prepared.normalised.to_numpy()
    if rows is not None:
        matrix, normalised = matrix[rows], normalised[rows]
    return MethodInput(
        matrix=matrix, normalised=normalised,
        weights=weights.reindex(c.index).to_numpy(float),
        benefit=(c["direction"] == "benefit").to_numpy(),
        lower=c["scale_min"].to_numpy(float), upper=c["scale_max"].to_numpy(float), criteria=c,
    )  # fmt: skip


def rank_prepared(
    prepared: Prepared, weights: pd.Series, method: str = "wsm", lang: str | None = None
) -> Ranking:
    """Rank with given (already resolved) weights: the fast path for sliders and sampling.

    ``weights`` are shares (:func:`~prioritisation.engine.weights.resolve_weights`), not
    checked here; ``method`` is checked. See :func:`prepare` for an example.
    """
    method_ = METHODS[check_method(method)]
    lang = get_language(lang)
    wb = prepared.wb
    n, m = len(wb.ideas), len(wb.criteria)
    scores = np.full(n, np.nan)
    contributions = np.full((n, m), np.nan)
    # Ideas missing a criterion cannot be scored; relative methods see eligible ideas only.
    complete = ~np.isnan(prepared.aggregated.to_numpy()).any(axis=1)
    rows = np.flatnonzero(prepared.eligible if method_.relative else complete)
    if len(rows):
        out = method_.kernel(method_input(prepared, weights, rows))
        scores[rows] = out.scores
        if out.contributions is not None:
            contributions[rows] = out.contributions
    ids = list(wb.ideas.index)
    ranks, order = rank_positions(scores, ids, prepared.eligible)
    labels = wb.criterion_labels(lang)
    table = pd.DataFrame(
        {
            "title": wb.ideas["title"], "theme": wb.ideas["theme"], "cost": wb.ideas["cost"],
            "score": scores, "rank": ranks, "eligible": prepared.eligible,
            "reasons": [[gate_reason(f, labels, lang) for f in g] for g in prepared.gates],
            "gates": prepared.gates,
        },
        index=wb.ideas.index,
    ).iloc[order]  # fmt: skip
    contrib = (
        pd.DataFrame(contributions, index=wb.ideas.index, columns=wb.criteria.index).iloc[order]
        if method_.additive
        else pd.DataFrame()
    )
    return Ranking(
        table=table, contributions=contrib,
        aggregated=prepared.aggregated.iloc[order], normalised=prepared.normalised.iloc[order],
        spread=prepared.spread.iloc[order], counts=prepared.counts.iloc[order],
        weights=weights.reindex(wb.criteria.index), method=method, aggregate=prepared.aggregate,
        labels=labels, lang=lang,
    )  # fmt: skip


def rank(
    wb: Workbook,
    method: str | None = None,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    lang: str | None = None,
) -> Ranking:
    """Rank the workbook's ideas: the validating public entry point.

    ``method`` defaults to the workbook's ``settings`` (else ``wsm``); ``weights`` is anything
    :func:`~prioritisation.engine.weights.resolve_weights` takes; ``aggregate`` is one of
    ``mean`` (default), ``median``, ``geomean``, ``trimmed`` (20 % cut at each end).
    Raises :class:`~prioritisation.core.errors.UsageError` for an unknown method, aggregation or
    bad weights.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> ranking = rank(read_workbook(sample_path()), lang="en")
    >>> ranking.winner, round(float(ranking.table.loc["ELOKET", "score"]), 4)
    ('ELOKET', 0.7643)
    >>> ranking.table.loc["CRM", "reasons"]
    ['Financial viability 1.86 below the threshold 2.00 (0.14 short)']
    """
    from prioritisation.engine.run import resolve_run  # the one set-up path (run sits above)

    run = resolve_run(wb, method=method, weights=weights, aggregate=aggregate)
    return rank_prepared(run.prepared, run.weights, run.method, lang)
