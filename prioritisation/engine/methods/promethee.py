"""PROMETHEE II net outranking flows (Brans & Vincke 1985) with a preference function per
criterion, computed exactly by sorting: O(m·n log n) time and O(m·n) memory.

For two ideas a, b and criterion j, ``d = s_aj − s_bj`` (``s_bj − s_aj`` for a cost
criterion) on the aggregated scores; the preference ``P_j(d)`` ∈ [0, 1] is 0 for d ≤ 0 and
otherwise, with the criterion's ``q`` (indifference) and ``p`` (preference) thresholds:

=========== ===========================================================================
usual       1                                                      (type I, the default)
ushape      0 if d ≤ q, else 1                                     (type II, quasi-criterion)
vshape      d / p if d ≤ p, else 1                                 (type III)
level       0 if d ≤ q, ½ if q < d ≤ p, else 1                     (type IV)
linear      0 if d ≤ q, (d − q) / (p − q) if q < d ≤ p, else 1     (type V)
gaussian    1 − exp(−d² / (2 s²)) with s = p                       (type VI)
=========== ===========================================================================

An empty ``q`` is 0; an empty ``p`` is the width of the criterion's scale (for
``gaussian``: half of it). ``π(a, b) = Σ_j w_j P_j(a, b)``;
``φ(a) = (Σ_b π(a, b) − Σ_b π(b, a)) / (n − 1)`` over the *eligible* ideas (a relative
method). Net flows lie in [−1, 1] and sum to 0.

The net flow is linear in the weights: ``φ = Σ_j w_j φ_j`` with the per-criterion net flows
``φ_j(a) = (φ⁺_j(a) − φ⁻_j(a)) / (n − 1)`` of :func:`criterion_flows`. Each ``φ_j`` comes
from one sort of the criterion's values: the other ideas whose difference d lies above a
threshold t form a prefix (for φ⁺) or a suffix (for φ⁻) of the sorted values, so counts
and prefix sums of the values give, for the five piecewise-linear functions, every idea's
``Σ_b P(d)`` at once (d ≤ q → 0; q < d < p → (d − q)/(p − q), from the count and the sum
of the values in that band; d ≥ p → 1; the level function is a step 0, ½, 1). The band
edges are found with ``searchsorted`` and then checked against the floating-point
difference ``s_a − s_b`` itself, so ties and thresholds hit exactly (``d = q``) are counted
as the pairwise definition counts them. The Gaussian function has no such shortcut: it is
computed pairwise over the distinct values, in row chunks so memory stays bounded
(quadratic time in the number of distinct values). :func:`_dense_criterion_flows` is the
pairwise definition (n × n per criterion), kept as the reference for the tests.

Reproduces Zhao et al. (2013) (pymcdm's test case) and Papathanasiou & Ploskas (2018),
*Multiple Criteria Decision Aid*, Springer (see tests/engine/methods/test_promethee.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from prioritisation.engine.methods import Method, MethodInput, MethodOutput, register_method

Preference = tuple[str, float, float]  # (function, q, p)

# Pairwise Gaussian preferences are built this many at a time (about 8 MB per array).
_CHUNK = 1 << 20


def preference(kind: str, d: np.ndarray, q: float, p: float) -> np.ndarray:
    """The preference degree P(d) of one criterion for differences ``d`` (any shape)."""
    positive = d > 0
    # A tiny p (or p − q) overflows d / p to inf, which the clip and exp map correctly.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if kind == "usual":
            out = positive.astype(float)
        elif kind == "ushape":
            out = (d > q).astype(float)
        elif kind == "vshape":
            out = np.clip(d / p, 0.0, 1.0) if p > 0 else positive.astype(float)
        elif kind == "level":
            out = np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
        elif kind == "linear":
            if p > q:
                out = np.clip((d - q) / (p - q), 0.0, 1.0)
            else:
                out = (d > q).astype(float)
        elif kind == "gaussian":
            out = 1.0 - np.exp(-(d**2) / (2.0 * p * p)) if p > 0 else positive.astype(float)
        else:  # pragma: no cover - validated by workbook.py
            raise ValueError(kind)
    return np.where(positive, out, 0.0)


def criterion_parameters(data: MethodInput) -> list[Preference]:
    """(function, q, p) per criterion, with the defaults filled in."""
    c = data.criteria
    m = len(data.weights)
    out = []
    for j in range(m):
        row = c.iloc[j] if len(c) == m else {}
        kind = row.get("preference") if hasattr(row, "get") else None
        kind = kind if isinstance(kind, str) and kind else "usual"
        width = float(data.upper[j] - data.lower[j])
        q = _value(row, "q", 0.0)
        p = _value(row, "p", width / 2 if kind == "gaussian" else width)
        out.append((kind, q, p))
    return out


def _value(row, key: str, default: float) -> float:
    value = row.get(key) if hasattr(row, "get") else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return default if np.isnan(value) else value


def criterion_flows(
    values: np.ndarray, prefs: Sequence[Preference], benefit: np.ndarray | None = None
) -> np.ndarray:
    """The per-criterion net flows ``φ_j`` (ideas × criteria): ``φ = flows @ weights``.

    ``values`` holds the ideas' scores per criterion, ``prefs`` the (function, q, p) of
    each criterion (see :func:`criterion_parameters`), ``benefit`` whether higher is better
    (default: every criterion). Each column lies in [−1, 1] and sums to 0.

    Exact up to rounding: the ramp of the V-shape and linear functions sums differences with
    prefix sums and divides by ``p − q``, so the agreement with the pairwise definition is
    about ``1e-16 × (largest value) × n / (p − q)``: better than 1e-12 for thresholds of a
    thousandth of a score point or more (real thresholds are tenths or whole points).

    >>> values = np.array([[4.0, 3.0], [3.0, 2.0], [5.0, 1.0]])
    >>> criterion_flows(values, [("usual", 0, 0), ("linear", 0.5, 1.5)], np.array([True, False]))
    array([[ 0.  , -0.75],
           [-1.  ,  0.  ],
           [ 1.  ,  0.75]])
    """
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    flows = np.zeros((n, m))
    if n < 2:
        return flows
    for j, (kind, q, p) in enumerate(prefs):
        x = values[:, j] if benefit is None or benefit[j] else -values[:, j]
        u, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
        if kind == "gaussian":
            plus, minus = _gaussian_sums(u, counts, p)
        else:
            plus, minus = _sorted_sums(u, counts, kind, float(q), float(p))
        flows[:, j] = (plus - minus)[inverse.reshape(-1)] / (n - 1)
    return flows


def _sorted_sums(u: np.ndarray, counts: np.ndarray, kind: str, q: float, p: float):
    """``Σ_b P(u_i − x_b)`` and ``Σ_b P(x_b − u_i)`` for each distinct sorted value ``u_i``.

    ``P`` is written as steps ``h·[d > t]`` plus at most one ramp ``(d − q)/(p − q)`` on
    ``lo < d ≤ hi`` (then 1 above ``hi``); both sums follow from counts and prefix sums.
    """
    n = int(counts.sum())
    cum = np.concatenate(([0], np.cumsum(counts)))  # cum[k]: how many values lie below u[k]
    plus = np.zeros(len(u))
    minus = np.zeros(len(u))
    steps: list[tuple[float, float]] = []  # (height, threshold): h·[d > t]
    ramp = None
    if kind == "usual":
        steps = [(1.0, 0.0)]
    elif kind == "ushape" or (kind == "linear" and not p > q):
        steps = [(1.0, max(q, 0.0))]
    elif kind == "level":
        steps = [(0.5, max(min(q, p), 0.0)), (0.5, max(p, 0.0))]
    elif kind == "vshape":
        steps, ramp = ([(1.0, 0.0)], None) if not p > 0 else ([], (0.0, p))
    elif kind == "linear":
        ramp = (q, p)
    else:  # pragma: no cover - validated by workbook.py
        raise ValueError(kind)
    for height, t in steps:
        plus += height * cum[_prefix_end(u, t)]
        minus += height * (n - cum[_suffix_start(u, t)])
    if ramp is not None:
        q, p = ramp
        lo = max(q, 0.0)
        hi = max(p, lo)
        centre = u[len(u) // 2]
        sums = np.concatenate(([0.0], np.cumsum((u - centre) * counts)))
        shifted = u - centre
        # φ⁺: d = u_i − x_b; the band lo < d ≤ hi is the sorted slice [k_hi, k_lo).
        k_lo, k_hi = _prefix_end(u, lo), _prefix_end(u, hi)
        band = cum[k_lo] - cum[k_hi]
        ramp_sum = (band * (shifted - q) - (sums[k_lo] - sums[k_hi])) / (p - q)
        plus += cum[k_hi] + np.clip(ramp_sum, 0, band)  # each term lies in [0, 1]
        # φ⁻: d = x_b − u_i; the band is the slice [l_lo, l_hi).
        l_lo, l_hi = _suffix_start(u, lo), _suffix_start(u, hi)
        band = cum[l_hi] - cum[l_lo]
        ramp_sum = ((sums[l_hi] - sums[l_lo]) - band * (shifted + q)) / (p - q)
        minus += (n - cum[l_hi]) + np.clip(ramp_sum, 0, band)
    return plus, minus


def _prefix_end(u: np.ndarray, t: float) -> np.ndarray:
    """``k_i``: how many of the sorted distinct ``u`` satisfy ``u_i − u_k > t``.

    The floating-point difference falls as ``u_k`` rises, so they form a prefix; the
    ``searchsorted`` guess is moved until it agrees with the difference itself.
    """
    last = len(u) - 1
    k = np.searchsorted(u, u - t, side="left")
    while (step := (k <= last) & (u - u[np.minimum(k, last)] > t)).any():
        k += step
    while (step := (k > 0) & ~(u - u[np.maximum(k - 1, 0)] > t)).any():
        k -= step
    return k


def _suffix_start(u: np.ndarray, t: float) -> np.ndarray:
    """``l_i``: the first of the sorted distinct ``u`` with ``u_l − u_i > t`` (a suffix)."""
    last = len(u) - 1
    k = np.searchsorted(u, u + t, side="right")
    while (step := (k > 0) & (u[np.maximum(k - 1, 0)] - u > t)).any():
        k -= step
    while (step := (k <= last) & ~(u[np.minimum(k, last)] - u > t)).any():
        k += step
    return k


def _gaussian_sums(u: np.ndarray, counts: np.ndarray, p: float):
    """Pairwise Gaussian preferences between the distinct values, in row chunks.

    Quadratic in time (in the number of distinct values), but memory stays bounded:
    at most about ``_CHUNK`` preferences are held at a time.
    """
    k = len(u)
    plus = np.empty(k)
    minus = np.empty(k)
    rows = max(1, _CHUNK // k)
    for start in range(0, k, rows):
        d = u[start : start + rows, None] - u[None, :]
        plus[start : start + rows] = preference("gaussian", d, 0.0, p) @ counts
        minus[start : start + rows] = preference("gaussian", -d, 0.0, p) @ counts
    return plus, minus


def _dense_criterion_flows(
    values: np.ndarray, prefs: Sequence[Preference], benefit: np.ndarray | None = None
) -> np.ndarray:
    """The pairwise definition (an n × n preference matrix per criterion): the reference."""
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    flows = np.zeros((n, m))
    if n < 2:
        return flows
    for j, (kind, q, p) in enumerate(prefs):
        col = values[:, j]
        d = col[:, None] - col[None, :]
        if benefit is not None and not benefit[j]:
            d = -d
        pref = preference(kind, d, q, p)
        flows[:, j] = (pref.sum(axis=1) - pref.sum(axis=0)) / (n - 1)
    return flows


def promethee_kernel(data: MethodInput) -> MethodOutput:
    """PROMETHEE II net flows ``φ = Σ_j w_j φ_j`` of the ideas in ``data``.

    Zhao et al. (2013): usual preference, weights .5, .3, .2, every criterion a benefit.

    >>> scores = np.array([[4.0, 3.0, 2.0], [3.0, 2.0, 4.0], [5.0, 1.0, 3.0]])
    >>> data = MethodInput(matrix=scores, normalised=(scores - 1) / 4,
    ...                    weights=np.array([0.5, 0.3, 0.2]), benefit=np.ones(3, bool),
    ...                    lower=np.ones(3), upper=np.full(3, 5.0))
    >>> promethee_kernel(data).scores.round(6)
    array([ 0.1, -0.3,  0.2])
    """
    return MethodOutput(scores=promethee_linear(data) @ np.asarray(data.weights, dtype=float))


def promethee_linear(data: MethodInput) -> np.ndarray:
    """The per-criterion net flows of the ideas in ``data``: ``φ = flows @ weights``."""
    return criterion_flows(data.matrix, criterion_parameters(data), data.benefit)


register_method(
    Method(
        "promethee",
        promethee_kernel,
        relative=True,
        additive=False,
        reference="Brans & Vincke (1985)",
        linear=promethee_linear,
    )
)
