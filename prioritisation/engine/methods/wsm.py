"""Weighted sum (simple additive weighting) on scale-normalised scores.

score_i = Σ_j w_j · n_ij with n_ij = (s_ij − min_j) / (max_j − min_j), reversed for cost
criteria, and Σ w_j = 1, so the score lies in [0, 1] and the contributions w_j · n_ij add up
to it. Normalising by the criterion's *scale* (not by the ideas at hand) means adding an
idea never reorders the others. Reference: Fishburn (1967), "Additive utilities with
incomplete product sets", Operations Research 15:537.
"""

from __future__ import annotations

import numpy as np

from prioritisation.engine.methods import Method, MethodInput, MethodOutput, register_method


def wsm_kernel(data: MethodInput) -> MethodOutput:
    contributions = data.normalised * data.weights[np.newaxis, :]
    return MethodOutput(scores=contributions.sum(axis=1), contributions=contributions)


def wsm_linear(data: MethodInput) -> np.ndarray:
    """The weighted sum is ``normalised @ weights`` itself."""
    return data.normalised


register_method(
    Method("wsm", wsm_kernel, relative=False, additive=True, reference="Fishburn (1967)",
           linear=wsm_linear)
)  # fmt: skip
