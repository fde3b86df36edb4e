"""Exact weight stability intervals of a ranking (weighted sum, PROMETHEE II, WPM).

For each criterion, the exact range of its weight (the other weights scaled proportionally,
so that they keep their ratios and the total stays 1) in which the current winner stays
first, and in which the current top-k set stays the same. The ranking is linear in that
weight (:mod:`prioritisation.decisions.linear`: the weighted sum's scores, PROMETHEE II's
net flows, WPM's log-scores), so every edge is where one line crosses another: computed
exactly, not by trying weights. Only the eligible ideas count (gated ideas get no rank;
PROMETHEE compares the eligible ideas only, as the ranking does); ties share a rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.model import Workbook
from prioritisation.decisions.linear import check_robust_method, linear_form
from prioritisation.engine.run import Run
from prioritisation.engine.scoring import Prepared, json_number, prepare
from prioritisation.engine.weights import resolve_weights

TOL = 1e-12


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
    """Weight stability intervals of a ranking by ``method``.

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
    method: str = "wsm"

    def to_dict(self) -> dict:
        """``stability`` for the JSON: criterion → ``{low, high}`` for the winner."""
        return {
            c: {"low": json_number(r["low"]), "high": json_number(r["high"])}
            for c, r in self.table.iterrows()
        }

    def top_dict(self) -> dict:
        return {c: {"low": json_number(r["top_low"]), "high": json_number(r["top_high"])}
                for c, r in self.table.iterrows()}  # fmt: skip

    def rivals_dict(self) -> dict:
        return {c: {"low": r["low_rival"], "high": r["high_rival"]}
                for c, r in self.table.iterrows()}  # fmt: skip


def stability_prepared(
    prepared: Prepared, weights: pd.Series, top_k: int = 3, method: str = "wsm"
) -> Stability:
    """Stability intervals with resolved weights (the fast path for the app's sliders);
    ``method``: ``wsm``, ``promethee`` or ``wpm`` (``UsageError`` naming any other)."""
    form = linear_form(prepared, weights, method)
    ranking, ids, values = form.ranking, form.ids, form.values
    crits = list(prepared.wb.criteria.index)
    w = weights.reindex(crits).to_numpy(float)
    ranks = ranking.ranked["rank"].to_numpy()
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
                     strict=True) if t], top_k=top_k, table=table, labels=ranking.labels,
                     method=form.method)  # fmt: skip


def stability_run(run: Run, top_k: int = 3) -> Stability:
    """Stability intervals of a resolved run (its method, weights and scores): what the
    shells call.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.run import resolve_run
    >>> result = stability_run(resolve_run(read_workbook(sample_path()), method="promethee"))
    >>> result.method, result.winner
    ('promethee', 'ELOKET')
    >>> result.to_dict()["innovation"]
    {'low': 0.0, 'high': 0.4308943089}
    """
    return stability_prepared(run.prepared, run.weights, check_top_k(top_k), run.method)


def stability(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    top_k: int = 3,
    method: str | None = None,
) -> Stability:
    """Exact weight stability intervals of a ranking (validating wrapper).

    ``method``, ``weights`` and ``aggregate`` as for :func:`prioritisation.engine.scoring.rank`
    (``wsm``, ``promethee`` or ``wpm``); ``top_k`` the size of the top set whose membership
    is checked. Ties at place ``top_k`` enlarge the set.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> result = stability(read_workbook(sample_path()))
    >>> result.winner, result.top
    ('ELOKET', ['ELOKET', 'DIGIPUNT', 'ZOEK'])
    >>> result.to_dict()["innovation"]
    {'low': 0.0, 'high': 0.3797468354}
    >>> result.table.loc["innovation", "high_rival"]
    'ZOEK'
    """
    top_k = check_top_k(top_k)
    method = check_robust_method(method or str(wb.settings.get("method") or "wsm"))
    return stability_prepared(prepare(wb, aggregate), resolve_weights(wb, weights), top_k, method)


def check_top_k(top_k) -> int:
    """The size of the top set as an int ≥ 1 (``UsageError`` otherwise)."""
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < 1:
        raise UsageError("usage.top_k", value=top_k)
    return int(top_k)
