"""Classic TOPSIS (Hwang & Yoon 1981): closeness to the ideal idea.

On the aggregated score matrix of the *eligible* ideas (a relative method):

1. vector normalisation ``r_ij = s_ij / sqrt(Σ_i s_ij²)``;
2. weighting ``v_ij = w_j r_ij``;
3. the ideal ``A+`` takes the best value per criterion (the maximum for a benefit
   criterion, the minimum for a cost criterion), the anti-ideal ``A−`` the worst — cost
   criteria are handled here, never by inverting scores before normalising;
4. Euclidean distances ``d+``, ``d−`` and closeness ``C = d− / (d+ + d−)`` in [0, 1].

A constant criterion adds nothing to either distance; a column of zeros is left at zero
(no division by zero). When every idea equals the ideal and the anti-ideal (a single
eligible idea, or identical ideas) the closeness is 1.

Reproduces Tzeng & Huang (2011), *Multiple Attribute Decision Making*, and Opricovic &
Tzeng (2004), EJOR 156:445, Table 3 ("TOPSIS, vector normalization": 0.762, 0.722, 0.238).
The figures 0.500, 0.617, 0.500 sometimes quoted for that example are what TOPSIS gives
with linear (min–max) normalisation; :func:`closeness` computes both
(tests/engine/methods/test_topsis.py).
"""

from __future__ import annotations

import numpy as np

from prioritisation.engine.methods import Method, MethodInput, MethodOutput, register_method


def closeness(matrix, weights, benefit, normalisation: str = "vector") -> np.ndarray:
    """TOPSIS closeness of each row of ``matrix`` (ideas × criteria, raw values).

    ``normalisation="vector"`` is classic TOPSIS (what the ``topsis`` method uses);
    ``"minmax"`` (``(s − worst) / (best − worst)`` per criterion) is the linear variant some
    texts use, kept to show why published figures differ between the two (docs/methods.md).
    """
    matrix = np.asarray(matrix, dtype=float)
    weights = np.asarray(weights, dtype=float)
    benefit = np.asarray(benefit, dtype=bool)
    if len(matrix) == 0:
        return np.zeros(0)
    if normalisation == "vector":
        norm = np.sqrt((matrix**2).sum(axis=0))
        r = np.divide(matrix, norm, out=np.zeros_like(matrix), where=norm > 0)
    elif normalisation == "minmax":
        hi, lo = matrix.max(axis=0), matrix.min(axis=0)
        span = hi - lo
        r = np.divide(matrix - lo, span, out=np.zeros_like(matrix), where=span > 0)
        r = np.where(benefit, r, np.where(span > 0, 1.0 - r, 0.0))
        benefit = np.ones_like(benefit)
    else:
        raise ValueError(normalisation)
    v = r * weights[np.newaxis, :]
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.divide(d_minus, total, out=np.ones_like(total), where=total > 0)


def topsis_kernel(data: MethodInput) -> MethodOutput:
    return MethodOutput(scores=closeness(data.matrix, data.weights, data.benefit, "vector"))


register_method(
    Method("topsis", topsis_kernel, relative=True, additive=False, reference="Hwang & Yoon (1981)")
)
