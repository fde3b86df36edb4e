"""Weighted product model: hand-computed values, scale ratios, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.engine.methods import METHODS
from prioritisation.engine.methods.wpm import log_ratios, wpm_kernel
from prioritisation.engine.scoring import rank
from tests.engine.builders import make_wb, method_input


def test_triantaphyllou_ratio_example():
    """Triantaphyllou (2000), *Multi-Criteria Decision Making Methods*, §2.2.2: with
    a1 = (25, 20, 15, 30), a2 = (10, 30, 20, 30), a3 = (30, 10, 30, 10), weights
    (.20, .15, .40, .25), all benefit, R(a1/a2) = 1.007 and R(a1/a3) = 1.067 > 1:
    a1 is best. WPM ratios do not depend on the divisor per criterion."""
    matrix = [[25, 20, 15, 30], [10, 30, 20, 30], [30, 10, 30, 10]]
    data = method_input(matrix, [0.20, 0.15, 0.40, 0.25], lower=[1] * 4, upper=[30] * 4)
    s = wpm_kernel(data).scores
    assert s[0] / s[1] == pytest.approx(1.007, abs=5e-4)
    assert s[0] / s[2] == pytest.approx(1.067, abs=5e-4)
    # the linear form of the ranking: log-scores, linear in the weights
    assert METHODS["wpm"].linear is log_ratios
    assert np.exp(log_ratios(data) @ data.weights) == pytest.approx(s, rel=1e-14)


def test_hand_computed_with_a_cost_criterion():
    """Scale 1–5; A = (5, cost 1) scores 1; B = (3, cost 5): (3/5)^.5 · (1/5)^.5 = √0.12."""
    wb = make_wb([[[5], [1]], [[3], [5]]], directions=["benefit", "cost"], ids=["A", "B"])
    r = rank(wb, method="wpm")
    assert r.table["score"].to_dict() == pytest.approx({"A": 1.0, "B": np.sqrt(0.12)})
    assert list(r.table.index) == ["A", "B"]


def test_scale_starting_at_zero_is_shifted_not_zeroed():
    wb = make_wb([[[0], [4]], [[2], [2]]], lower=0.0, upper=4.0, ids=["A", "B"])
    scores = rank(wb, method="wpm").table["score"]
    assert (scores > 0).all()
    assert scores["A"] == pytest.approx((1 / 5) ** 0.5 * 1.0)


@settings(max_examples=60, deadline=None)
@given(cube=st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=2, max_size=6),
       w=st.lists(st.integers(1, 9), min_size=3, max_size=3))  # fmt: skip
def test_scores_in_0_1_and_adding_an_idea_never_reorders(cube, w):
    cubes = [[[v] for v in row] for row in cube]
    before = rank(make_wb(cubes, weights=w), method="wpm")
    assert before.table["score"].between(0, 1 + 1e-12).all()
    after = rank(make_wb(cubes + [[[3], [3], [3]]], weights=w,
                         ids=[f"I{i:03d}" for i in range(len(cube))] + ["NEW"]), method="wpm")  # fmt: skip
    assert [i for i in after.table.index if i != "NEW"] == list(before.table.index)
