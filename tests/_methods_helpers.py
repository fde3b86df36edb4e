"""Builders shared by the method tests (not a test module)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prioritisation.engine.methods import MethodInput


def method_input(matrix, weights, benefit=None, criteria=None, lower=None, upper=None):
    """A kernel input straight from a published matrix (no workbook, no scale)."""
    matrix = np.asarray(matrix, dtype=float)
    m = matrix.shape[1]
    benefit = np.asarray(benefit if benefit is not None else [True] * m, dtype=bool)
    lower = np.asarray(lower if lower is not None else matrix.min(axis=0), dtype=float)
    upper = np.asarray(upper if upper is not None else matrix.max(axis=0), dtype=float)
    span = np.where(upper > lower, upper - lower, 1.0)
    normalised = np.where(benefit, (matrix - lower) / span, (upper - matrix) / span)
    return MethodInput(
        matrix=matrix, normalised=normalised, weights=np.asarray(weights, dtype=float),
        benefit=benefit, lower=lower, upper=upper,
        criteria=criteria if criteria is not None else pd.DataFrame(),
    )  # fmt: skip
