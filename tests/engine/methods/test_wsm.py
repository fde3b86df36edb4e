"""Weighted sum: the kernel's contributions and its linear form."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.engine.methods import METHODS
from prioritisation.engine.methods.wsm import wsm_kernel, wsm_linear
from tests.engine.builders import method_input


def test_contributions_sum_to_the_score_and_the_linear_form_is_the_normalised_scores():
    """Fishburn (1967): score = Σ w_j n_ij; hand-computed on [0, 1]-normalised values."""
    data = method_input([[1, 5], [5, 1], [3, 3]], [0.25, 0.75], lower=[1, 1], upper=[5, 5])
    out = wsm_kernel(data)
    assert out.scores == pytest.approx([0.75, 0.25, 0.5])
    np.testing.assert_allclose(out.contributions.sum(axis=1), out.scores)
    assert METHODS["wsm"].linear is wsm_linear
    assert (wsm_linear(data) @ data.weights).tolist() == out.scores.tolist()
    assert METHODS["topsis"].linear is None, "TOPSIS is not linear in the weights"
