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


def test_pairs_start_from_the_weights_in_force(app):
    """Opening the mode changes nothing; the first notch changes one judgment, not all."""
    import prioritisation.engine.weights as weights

    before = app.state.weights().copy()  # 30/30/20/20
    app.mode.value = "pairs"
    assert app.state.weights().equals(before)
    w, _lam, _ci, cr = weights.ahp_kernel(app.ahp.matrix())
    assert np.allclose(w, before.to_numpy()) and cr < 1e-9  # the judgments are w_a / w_b
    a, b = app.ahp.pairs[0]  # innovation vs desirability, 30 vs 30: "even belangrijk"
    assert app.ahp.sliders[(a, b)].value == 1
    c, d = app.ahp.pairs[-1]  # 20 vs 20, neither of them in the first pair
    app.ahp.sliders[(a, b)].value = 3
    after = app.state.weights()
    assert after[a] > before[a] and after[b] < before[b]
    assert after[c] / after[d] == pytest.approx(1.0)  # the untouched pair keeps its ratio
    assert abs(after[c] - before[c]) < 0.02  # and barely moves
    # a non-notch judgment is said as a ratio
    assert "weegt 1,5 keer zo zwaar als" in app.ahp.texts[(a, c)].value


def test_taking_over_the_group_sets_the_pair_sliders_too(app):
    from prioritisation.app.ahp import nearest
    from prioritisation.engine.weights import ahp

    app.mode.value = "pairs"
    app.ahp.from_workbook.click()
    group = ahp(app.state.wb).group
    assert app.state.weights().to_dict() == pytest.approx(group.weights.to_dict())
    for (a, b), slider in app.ahp.sliders.items():
        assert app.ahp.judgments[(a, b)] == pytest.approx(group.matrix.at[a, b])
        assert slider.value == nearest(group.matrix.at[a, b])
    # the next touch starts from the group's judgments: one of them replaced, the rest kept
    pair = app.ahp.pairs[1]
    app.ahp.sliders[pair].value = 9 if app.ahp.sliders[pair].value != 9 else 7
    kept = [p for p in app.ahp.pairs if p != pair]
    assert all(app.ahp.judgments[p] == pytest.approx(group.matrix.at[p]) for p in kept)
    # leaving and re-entering the mode keeps the member's judgments
    app.mode.value = "sliders"
    app.mode.value = "pairs"
    assert app.ahp.judgments[kept[0]] == pytest.approx(group.matrix.at[kept[0]])
