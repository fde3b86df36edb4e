"""The pairwise (AHP) mode of the weights."""

from __future__ import annotations

import numpy as np
import pytest


def test_pairwise_mode_sets_the_ahp_weights(app):
    import prioritisation.engine.weights as weights

    if not hasattr(weights, "ahp_kernel"):
        pytest.skip("no AHP in this package")
    app.mode.value = "pairs"
    assert app.ahp.box in app.sidebar.children
    first = app.ahp.pairs[0]
    app.ahp.sliders[first].value = 5
    expected, _lam, _ci, cr = weights.ahp_kernel(app.ahp.matrix())
    got = app.state.weights().to_numpy()
    assert np.allclose(got, expected)
    assert "consistentieratio" in app.ahp.consistency.value
    # contradictory judgments: A > B, B > C, but C > A
    a, b, c = app.state.wb.criterion_ids[:3]
    app.ahp.sliders[(a, b)].value = 9
    app.ahp.sliders[(b, c)].value = 9
    app.ahp.sliders[(a, c)].value = 1 / 9
    assert "spreken elkaar tegen" in app.ahp.consistency.value
    # a slider move hands control back to the sliders
    app.mode.value = "sliders"
    app.sliders["innovation"].value = 50
    assert app.state.exact is None
