"""Weighted product model (WPM) on the aggregated scores, relative to each criterion's scale.

score_i = Π_j r_ij ^ w_j with r_ij = s_ij / max_j for a benefit criterion and
r_ij = min_j / s_ij for a cost criterion (``min_j``, ``max_j`` the criterion's *scale*, not
the ideas at hand, so adding an idea never reorders the others). The score lies in (0, 1];
1 means "best on every criterion". Ranking by it is the classic WPM ranking
(Bridgman 1922; Miller & Starr 1969; Triantaphyllou 2000, *Multi-Criteria Decision Making
Methods*, ch. 2): dividing by a constant per criterion does not change the ratios
``P(a)/P(b) = Π (s_aj / s_bj) ^ w_j``.

Ratios need positive values: a criterion whose scale starts at 0 or below is shifted so
that its scale starts at 1 (documented in docs/methods.md). A weak criterion cannot be
compensated as easily as in the weighted sum: a very low score pulls the product down.
"""

from __future__ import annotations

import numpy as np

from prioritisation.engine.methods import Method, MethodInput, MethodOutput, register_method


def log_ratios(data: MethodInput) -> np.ndarray:
    """``log r_ij`` (ideas × criteria): the score is ``exp(log_ratios @ weights)``, so the
    ranking is linear in the weights (what stability intervals and SMAA use)."""
    shift = np.where(data.lower > 0, 0.0, 1.0 - data.lower)
    values = data.matrix + shift
    lower, upper = data.lower + shift, data.upper + shift
    ratio = np.where(data.benefit, values / upper, lower / values)
    with np.errstate(divide="ignore"):
        return np.log(ratio)


def wpm_kernel(data: MethodInput) -> MethodOutput:
    log_score = (log_ratios(data) * data.weights[np.newaxis, :]).sum(axis=1)
    return MethodOutput(scores=np.exp(log_score))


register_method(
    Method(
        "wpm",
        wpm_kernel,
        relative=False,
        additive=False,
        reference="Miller & Starr (1969); Triantaphyllou (2000)",
        linear=log_ratios,
    )
)
