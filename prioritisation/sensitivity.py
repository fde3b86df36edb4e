"""How solid is the ranking? Exact weight stability intervals and SMAA.

* :func:`stability` — for the weighted sum, per criterion the exact range of its weight
  (the other weights scaled proportionally so that they keep their ratios and the total
  stays 1) in which the current winner stays first, and in which the current top-k set
  stays the same. Scores are linear in that weight, so every edge is where one line
  crosses another: computed exactly, not by trying weights.
* :func:`smaa` — stochastic multicriteria acceptability analysis (Lahdelma, Hokkanen &
  Salminen 1998; SMAA-2, Lahdelma & Salminen 2001): draw weights (uniform on the simplex,
  or around the given weights with a chosen spread) and, optionally, scores within the
  assessors' spread; per idea the **rank acceptability** (the share of draws in which it
  takes each rank), P(top-k), the expected rank and the **central weights** (the mean
  weights of the draws in which it is first).

Both work on the eligible ideas only (gated ideas get no rank) and on the weighted sum.
Ties share a rank (competition ranking: 1, 2, 2, 4) — identical ideas are never split by
the order in which they happen to be stored.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import UsageError
from .i18n import register
from .model import Workbook
from .sampling import weight_chunks
from .scoring import Prepared, prepare, rank_prepared
from .weights import resolve_weights

register(
    {
        "nl": {
            "usage.samples": "--samples moet een geheel getal ≥ 1 zijn (niet {value})",
            "usage.spread": "--spread moet een getal > 0 zijn (niet {value})",
            "usage.top_k": "--top moet een geheel getal ≥ 1 zijn (niet {value})",
            "usage.vary_scores": "--vary-scores is 'sem' of 'sd' (niet {value})",
        },
        "en": {
            "usage.samples": "--samples must be a whole number ≥ 1 (not {value})",
            "usage.spread": "--spread must be a number > 0 (not {value})",
            "usage.top_k": "--top must be a whole number ≥ 1 (not {value})",
            "usage.vary_scores": "--vary-scores is 'sem' or 'sd' (not {value})",
        },
    }
)

TOL = 1e-12


# --------------------------------------------------------------------------- stability


def weight_interval(values: np.ndarray, weights: np.ndarray, keep: np.ndarray, j: int):
    """Exact range of criterion ``j``'s weight in which every idea in ``keep`` scores at
    least as high as every idea outside it (the others' weights scaled proportionally).

    ``values``: ideas × criteria, normalised (1 = best); ``weights``: shares summing to 1;
    ``keep``: bool mask. Returns ``(low, high, low_rival, high_rival)``: the rivals are the
    row indices (outside ``keep``) that would overtake just beyond each edge, or ``-1`` when
    the edge is 0 or 1 itself.
    """
    n, m = values.shape
    wj = float(weights[j])
    if m == 1:
        return 1.0, 1.0, -1, -1
    others = np.delete(np.arange(m), j)
    rest = weights[others]
    rest = rest / rest.sum() if rest.sum() > TOL else np.full(m - 1, 1.0 / (m - 1))
    base = values[:, others] @ rest  # score of the other criteria, at weight 0 for j
    inside, outside = np.flatnonzero(keep), np.flatnonzero(~keep)
    if len(inside) == 0 or len(outside) == 0:
        return 0.0, 1.0, -1, -1
    a = base[inside][:, None] - base[outside][None, :]  # d(t) = a + t·b ≥ 0
    b = (values[inside, j][:, None] - values[outside, j][None, :]) - a
    low, high, low_rival, high_rival = 0.0, 1.0, -1, -1
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = -a / b
    rising, falling = b > TOL, b < -TOL
    if rising.any():
        k = np.argmax(np.where(rising, crossing, -np.inf))
        value = crossing.flat[k]
        if value > low:
            low, low_rival = float(value), int(outside[k % len(outside)])
    if falling.any():
        k = np.argmin(np.where(falling, crossing, np.inf))
        value = crossing.flat[k]
        if value < high:
            high, high_rival = float(value), int(outside[k % len(outside)])
    # floating-point noise must never put the current weight outside its own interval
    return min(low, wj), max(high, wj), low_rival, high_rival


@dataclass(frozen=True, eq=False)
class Stability:
    """Weight stability intervals of a weighted-sum ranking.

    ``table`` (index = criterion id) has ``weight`` (the share now), ``low``/``high`` (the
    range of that share in which ``winner`` stays first), ``low_rival``/``high_rival`` (the
    idea that takes first place just below/above it, ``None`` at 0 or 1) and
    ``top_low``/``top_high`` (the range in which the top-k set ``top`` stays the same).
    """

    winner: str | None
    top: list[str]
    top_k: int
    table: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """``stability`` for the JSON: criterion → ``{low, high}`` for the winner."""
        return {c: {"low": _r(r["low"]), "high": _r(r["high"])} for c, r in self.table.iterrows()}

    def top_dict(self) -> dict:
        return {c: {"low": _r(r["top_low"]), "high": _r(r["top_high"])}
                for c, r in self.table.iterrows()}  # fmt: skip

    def rivals_dict(self) -> dict:
        return {c: {"low": r["low_rival"], "high": r["high_rival"]}
                for c, r in self.table.iterrows()}  # fmt: skip


def stability_prepared(prepared: Prepared, weights: pd.Series, top_k: int = 3) -> Stability:
    """Stability intervals with resolved weights (the fast path for the app's sliders)."""
    wb = prepared.wb
    ranking = rank_prepared(prepared, weights, "wsm")
    ranked = ranking.ranked
    ids = list(ranked.index)
    crits = list(wb.criteria.index)
    values = prepared.normalised.loc[ids, crits].to_numpy(float)
    w = weights.reindex(crits).to_numpy(float)
    ranks = ranked["rank"].to_numpy()
    winner_mask = np.zeros(len(ids), bool)
    if len(ids):
        winner_mask[0] = True
    top_mask = ranks <= top_k
    rows = []
    for j in range(len(crits)):
        if len(ids):
            low, high, lr, hr = weight_interval(values, w, winner_mask, j)
            tlow, thigh, _, _ = weight_interval(values, w, top_mask, j)
        else:
            low, high, lr, hr, tlow, thigh = 0.0, 1.0, -1, -1, 0.0, 1.0
        rows.append({"weight": w[j], "low": low, "high": high,
                     "low_rival": ids[lr] if lr >= 0 else None,
                     "high_rival": ids[hr] if hr >= 0 else None,
                     "top_low": tlow, "top_high": thigh})  # fmt: skip
    table = pd.DataFrame(rows, index=pd.Index(crits, name="criterion"))
    for column in ("low_rival", "high_rival"):  # ids or None (never NaN)
        table[column] = pd.Series([r[column] for r in rows], index=table.index, dtype=object)
    return Stability(winner=ids[0] if ids else None, top=[i for i, t in zip(ids, top_mask,
                     strict=True) if t], top_k=top_k, table=table, labels=ranking.labels)  # fmt: skip


def stability(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    top_k: int = 3,
) -> Stability:
    """Exact weight stability intervals of the weighted-sum ranking (validating wrapper).

    ``weights`` and ``aggregate`` as for :func:`prioritisation.scoring.rank`; ``top_k`` the
    size of the top set whose membership is checked. Ties at place ``top_k`` enlarge the set.
    """
    top_k = _check_top(top_k)
    return stability_prepared(prepare(wb, aggregate), resolve_weights(wb, weights), top_k)


# --------------------------------------------------------------------------- SMAA


@dataclass(frozen=True, eq=False)
class SMAAResult:
    """Acceptabilities of the eligible ideas (index in the current ranking's order).

    ``acceptability``: ideas × ranks (columns 1…n), the share of draws in which the idea
    takes that rank (each row sums to 1); ``p_top_k``: P(rank ≤ top_k); ``expected_rank``;
    ``central_weights``: ideas × criteria, mean weights of the draws in which the idea is
    first (NaN when it never is); ``current_rank``/``score``: the ranking with the weights
    in force. ``center``: those weights; ``spread``: ``None`` for uniform weights.
    """

    acceptability: pd.DataFrame
    p_top_k: pd.Series
    expected_rank: pd.Series
    central_weights: pd.DataFrame
    current_rank: pd.Series
    score: pd.Series
    titles: pd.Series
    samples: int
    seed: int | None
    spread: float | None
    vary_scores: bool | str
    top_k: int
    center: pd.Series

    @property
    def p_first(self) -> pd.Series:
        return self.acceptability[1] if len(self.acceptability.columns) else self.p_top_k * 0

    def records(self, decimals: int = 6) -> list[dict]:
        """The JSON ``ranking`` records: ``rank_acceptability`` index 0 = first."""
        acc = np.round(self.acceptability.to_numpy(), decimals)
        central = self.central_weights
        out = []
        for i, iid in enumerate(self.acceptability.index):
            cw = central.loc[iid]
            out.append({
                "id": iid, "title": self.titles[iid], "rank": int(self.current_rank[iid]),
                "score": _r(self.score[iid]), "p_first": _r(acc[i, 0] if acc.shape[1] else 0.0),
                "p_top_k": _r(round(float(self.p_top_k[iid]), decimals)),
                "expected_rank": _r(round(float(self.expected_rank[iid]), 4)),
                "rank_acceptability": acc[i].tolist(),
                "central_weights": None if cw.isna().any() else {c: _r(round(float(v), 6))
                                                                  for c, v in cw.items()},
            })  # fmt: skip
        return out


def smaa_counts(values, chunks, score_sd=None, rng=None, progress=None):
    """The SMAA kernel: rank counts, first counts and weight sums of the first.

    ``values``: ideas × criteria in [0, 1] (1 = best); ``chunks``: an iterable of weight
    arrays (draws × criteria, rows summing to 1). With ``score_sd`` (ideas × criteria, on
    the normalised scale) every draw also draws scores ``N(values, score_sd)`` clipped to
    [0, 1], from ``rng``. Returns ``(counts, first, first_weights)``: ``counts[i, r]`` the
    number of draws in which idea i has competition rank r + 1; ``first[i]`` those in which
    it is first; ``first_weights[i]`` the sum of their weight vectors.

    The inner loop is one matrix product, one argsort and one bincount per chunk; identical
    ideas are merged first so that ties are exact and cost nothing.
    """
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    vary = score_sd is not None and np.any(score_sd > 0)
    if vary:
        groups, inverse, mult = values, np.arange(n), np.ones(n, np.int64)
    else:
        groups, inverse, mult = np.unique(values, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
    u = len(groups)
    counts = np.zeros(u * n, np.int64)
    first = np.zeros(u, np.int64)
    first_weights = np.zeros((u, m))
    groups_t = np.ascontiguousarray(groups.T)
    single = bool((mult == 1).all())
    reverse = np.arange(u - 1, -1, -1)
    for w in chunks:
        if vary:
            draws = np.clip(
                values[None] + score_sd[None] * rng.standard_normal((len(w), n, m)), 0, 1
            )
            s = np.einsum("cm,cnm->cn", w, draws)
        else:
            s = w @ groups_t
        order = np.argsort(s, axis=1)
        if single and not vary and not (w == 0).any():
            # no ties possible: position p (ascending) is rank u − 1 − p
            idx = order * n
            idx += reverse
            winners = order[:, -1]
            counts += np.bincount(idx.ravel(), minlength=u * n)
            first += np.bincount(winners, minlength=u)
            for j in range(m):
                first_weights[:, j] += np.bincount(winners, weights=w[:, j], minlength=u)
        else:
            above = _ideas_above(s, order, mult)
            counts += np.bincount((order * n + above).ravel(), minlength=u * n)
            rows, cols = np.nonzero(above == 0)
            winners = order[rows, cols]
            first += np.bincount(winners, minlength=u)
            for j in range(m):
                first_weights[:, j] += np.bincount(winners, weights=w[rows, j], minlength=u)
        if progress is not None:
            progress.update(len(w))
    counts = counts.reshape(u, n)[inverse]
    return counts, first[inverse], first_weights[inverse]


def _ideas_above(s, order, mult):
    """Per sorted position, the number of ideas scoring strictly higher (tie-aware)."""
    c, u = s.shape
    sorted_s = np.take_along_axis(s, order, axis=1)
    cum = np.cumsum(mult[order], axis=1)
    is_end = np.ones((c, u), bool)
    is_end[:, :-1] = sorted_s[:, 1:] != sorted_s[:, :-1]
    end = np.where(is_end, np.arange(u), u)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    return cum[:, -1:] - np.take_along_axis(cum, end, axis=1)


def smaa_prepared(
    prepared: Prepared,
    weights: pd.Series,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    progress: bool | None = False,
    chunk: int | None = None,
) -> SMAAResult:
    """SMAA with resolved weights (see :func:`smaa`)."""
    wb = prepared.wb
    ranking = rank_prepared(prepared, weights, "wsm")
    ranked = ranking.ranked
    ids = list(ranked.index)
    crits = list(wb.criteria.index)
    values = prepared.normalised.loc[ids, crits].to_numpy(float)
    n, m = values.shape
    center = weights.reindex(crits).to_numpy(float)
    score_sd, rng = None, None
    if vary_scores:
        width = (wb.criteria["scale_max"] - wb.criteria["scale_min"]).to_numpy(float)
        sd = np.nan_to_num(prepared.spread.loc[ids, crits].to_numpy(float))
        if vary_scores != "sd":  # the standard error of the group's aggregate
            sd = sd / np.sqrt(np.maximum(prepared.counts.loc[ids, crits].to_numpy(float), 1.0))
        score_sd = sd / width
        rng = np.random.default_rng([0 if seed is None else seed, 1])
    if chunk is None:  # keep one chunk's scores near 2 million numbers: bounded memory
        per_draw = n * (m + 1) if vary_scores else max(n, 1)
        chunk = int(min(max(64, 2_000_000 // per_draw), 50_000))
    bar = _progress(samples, progress)
    try:
        chunks = weight_chunks(samples, m, seed, chunk, center if spread else None, spread)
        if n:
            counts, first, first_weights = smaa_counts(values, chunks, score_sd, rng, bar)
        else:
            counts, first, first_weights = np.zeros((0, 0)), np.zeros(0), np.zeros((0, m))
    finally:
        if bar is not None:
            bar.close()
    acceptability = counts / samples
    columns = list(range(1, n + 1))
    acc = pd.DataFrame(acceptability, index=pd.Index(ids, name="id"), columns=columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        central = first_weights / first[:, None]
    return SMAAResult(
        acceptability=acc,
        p_top_k=pd.Series(acceptability[:, :top_k].sum(axis=1), index=acc.index),
        expected_rank=pd.Series(acceptability @ np.arange(1, n + 1), index=acc.index),
        central_weights=pd.DataFrame(central, index=acc.index, columns=crits),
        current_rank=ranked["rank"].astype(int), score=ranked["score"], titles=ranked["title"],
        samples=samples, seed=seed, spread=spread, vary_scores=vary_scores, top_k=top_k,
        center=weights.reindex(crits),
    )  # fmt: skip


def smaa(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    progress: bool | None = False,
) -> SMAAResult:
    """Stochastic multicriteria acceptability analysis of the weighted-sum ranking.

    ``samples`` weight vectors are drawn with ``seed`` (reproducible): uniformly on the
    simplex (``spread=None``: "any weights at all"), or from a Dirichlet distribution
    around the weights in force with ``spread`` (concentration 1/spread: 0.05 is tight,
    1 is wide; see :mod:`prioritisation.sampling`). With ``vary_scores`` every draw also
    draws each aggregated score from a normal distribution around it, clipped to the
    scale: ``True``/``"sem"`` with the standard error of the aggregate (the assessors'
    standard deviation / √(number who scored)), ``"sd"`` with the assessors' standard
    deviation itself (as uncertain as the members disagree). Memory stays bounded whatever ``samples`` (chunks);
    ``progress=None`` shows a progress bar on a terminal for runs longer than a second.
    """
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise UsageError("samples", value=samples)
    if spread is not None and not (np.isfinite(spread) and spread > 0):
        raise UsageError("spread", value=spread)
    if vary_scores not in (False, True, "sem", "sd"):
        raise UsageError("vary_scores", value=vary_scores)
    top_k = _check_top(top_k)
    return smaa_prepared(prepare(wb, aggregate), resolve_weights(wb, weights), int(samples),
                         seed, spread, vary_scores, top_k, progress)  # fmt: skip


def _progress(total: int, progress: bool | None):
    if progress is False:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=" draws", file=sys.stderr, delay=1.0,
                disable=None if progress is None else not progress, leave=False)  # fmt: skip


def _check_top(top_k) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < 1:
        raise UsageError("top_k", value=top_k)
    return int(top_k)


def _r(v):
    if v is None:
        return None
    v = float(v)
    return None if np.isnan(v) else round(v, 10)


# --------------------------------------------------------------------------- all together


@dataclass(frozen=True, eq=False)
class Robustness:
    """Stability, SMAA and consensus of one ranking (what ``prioritisation sensitivity``
    prints; the report notebook shows the same)."""

    stability: Stability
    smaa: SMAAResult
    consensus: object  # prioritisation.group.Consensus
    weights: pd.Series
    aggregate: str
    labels: dict[str, str]
    not_ranked: list[dict]

    def to_dict(self) -> dict:
        sm = self.smaa
        return {
            "method": "wsm", "aggregate": self.aggregate,
            "weights": {c: _r(w) for c, w in self.weights.items()},
            "samples": sm.samples, "seed": sm.seed, "spread": sm.spread,
            "vary_scores": sm.vary_scores, "top_k": sm.top_k,
            "winner": self.stability.winner, "top": self.stability.top,
            "stability": self.stability.to_dict(),
            "stability_top_k": self.stability.top_dict(),
            "stability_rivals": self.stability.rivals_dict(),
            "ranking": sm.records(),
            "not_ranked": self.not_ranked,
            "consensus": self.consensus.to_dict(),
        }  # fmt: skip


def robustness(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    view: str = "auto",
    progress: bool | None = False,
    lang: str | None = None,
) -> Robustness:
    """Stability intervals, SMAA and consensus in one call (validating wrapper)."""
    from .group import VIEWS, consensus_prepared

    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise UsageError("samples", value=samples)
    if spread is not None and not (np.isfinite(spread) and spread > 0):
        raise UsageError("spread", value=spread)
    if vary_scores not in (False, True, "sem", "sd"):
        raise UsageError("vary_scores", value=vary_scores)
    if view not in VIEWS:
        raise UsageError("view", name=view, choices=", ".join(VIEWS))
    top_k = _check_top(top_k)
    prepared = prepare(wb, aggregate)
    shares = resolve_weights(wb, weights)
    ranking = rank_prepared(prepared, shares, "wsm", lang)
    not_ranked = [{"id": i, "title": r["title"], "reasons": list(r["reasons"])}
                  for i, r in ranking.table[~ranking.table["eligible"]].iterrows()]  # fmt: skip
    return Robustness(
        stability=stability_prepared(prepared, shares, top_k),
        smaa=smaa_prepared(prepared, shares, int(samples), seed, spread, vary_scores, top_k,
                           progress),
        consensus=consensus_prepared(prepared, shares, view),
        weights=shares, aggregate=prepared.aggregate, labels=ranking.labels, not_ranked=not_ranked,
    )  # fmt: skip
