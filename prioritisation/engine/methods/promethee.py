"""PROMETHEE II net outranking flows (Brans & Vincke 1985) with a preference function per
criterion.

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

Reproduces Zhao et al. (2013) (pymcdm's test case) and Papathanasiou & Ploskas (2018),
*Multiple Criteria Decision Aid*, Springer (see tests/test_promethee.py).
"""

from __future__ import annotations

import numpy as np

from prioritisation.engine.methods import Method, MethodInput, MethodOutput, register_method


def preference(kind: str, d: np.ndarray, q: float, p: float) -> np.ndarray:
    """The preference degree P(d) of one criterion for differences ``d`` (any shape)."""
    positive = d > 0
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


def criterion_parameters(data: MethodInput) -> list[tuple[str, float, float]]:
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


def promethee_kernel(data: MethodInput) -> MethodOutput:
    matrix = np.asarray(data.matrix, dtype=float)
    n = matrix.shape[0]
    if n < 2:
        return MethodOutput(scores=np.zeros(n))
    pi = np.zeros((n, n))
    for j, (kind, q, p) in enumerate(criterion_parameters(data)):
        col = matrix[:, j]
        d = col[:, None] - col[None, :]
        if not data.benefit[j]:
            d = -d
        pi += data.weights[j] * preference(kind, d, q, p)
    net = (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)
    return MethodOutput(scores=net)


register_method(
    Method(
        "promethee",
        promethee_kernel,
        relative=True,
        additive=False,
        reference="Brans & Vincke (1985)",
    )
)
