"""Classic TOPSIS: published cases, cost criteria, degenerate inputs, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.engine.methods.topsis import closeness, topsis_kernel
from prioritisation.engine.scoring import rank
from tests.engine.builders import make_wb, method_input


def test_tzeng_huang_2011():
    """Tzeng & Huang (2011), *Multiple Attribute Decision Making*: closeness
    [0.5037, 0.6581, 0.7482, 0.3340] (as in scikit-criteria's and pymcdm's tests)."""
    data = method_input([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3])
    got = topsis_kernel(data).scores
    assert got == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=5e-5)


def test_opricovic_tzeng_2004_cost_criterion():
    """Opricovic & Tzeng (2004), EJOR 156:445, Table 3 ("TOPSIS, vector normalization"):
    risk [1, 2, 5] is a cost, altitude [3000, 3750, 4500] a benefit, weights .5/.5 →
    closeness 0.762, 0.722, 0.238; d+ 0.114, 0.108, 0.365.

    The figures [0.500, 0.617, 0.500] in shared/notes/reference-cases.md are what the linear
    (min–max) normalisation gives on the same data; classic TOPSIS is the vector one.
    """
    matrix, benefit = [[1, 3000], [2, 3750], [5, 4500]], [False, True]
    got = topsis_kernel(method_input(matrix, [0.5, 0.5], benefit)).scores
    assert got == pytest.approx([0.762, 0.722, 0.238], abs=5e-4)
    linear = closeness(matrix, [0.5, 0.5], benefit, normalisation="minmax")
    assert linear == pytest.approx([0.500, 0.617, 0.500], abs=5e-4)


def test_unit_change_does_not_matter_for_benefit_scaling():
    """Vector normalisation is invariant to multiplying a criterion by a constant."""
    a = closeness([[5, 8], [7, 6], [8, 8]], [0.5, 0.5], [True, False])
    b = closeness([[5, 800], [7, 600], [8, 800]], [0.5, 0.5], [True, False])
    assert a == pytest.approx(b)


def test_constant_criterion_and_single_idea_give_no_nan():
    got = closeness([[3, 1], [4, 1], [5, 1]], [0.5, 0.5], [True, True])
    assert not np.isnan(got).any() and got[-1] == pytest.approx(1.0)
    assert closeness([[3, 1]], [0.5, 0.5], [True, True]).tolist() == [1.0]
    assert closeness([[0, 0], [0, 0]], [0.5, 0.5], [True, False]).tolist() == [1.0, 1.0]


def test_rank_with_topsis_compares_eligible_ideas_only():
    cube = [[[5], [5]], [[4], [1]], [[3], [3]]]
    wb = make_wb(cube, thresholds=[np.nan, 2.0], ids=["A", "LOW", "C"])
    r = rank(wb, method="topsis")
    assert r.method == "topsis" and r.contributions.empty
    assert list(r.table.index) == ["A", "C", "LOW"]
    assert np.isnan(r.table.loc["LOW", "score"]), "an ineligible idea is not compared"
    assert r.table.loc["A", "score"] == pytest.approx(1.0)
    assert r.table.loc["C", "score"] == pytest.approx(0.0)


matrices = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(1, 9), min_size=3, max_size=3), min_size=n, max_size=n)
)


@settings(max_examples=80, deadline=None)
@given(matrix=matrices, w=st.lists(st.integers(1, 9), min_size=3, max_size=3),
       benefit=st.lists(st.booleans(), min_size=3, max_size=3))  # fmt: skip
def test_closeness_lies_in_0_1_and_a_dominating_idea_is_not_behind(matrix, w, benefit):
    got = closeness(matrix, np.array(w) / sum(w), benefit)
    assert np.all((got >= -1e-12) & (got <= 1 + 1e-12))
    m = np.where(benefit, np.array(matrix, float), -np.array(matrix, float))
    for a in range(len(m)):
        for b in range(len(m)):
            if np.all(m[a] >= m[b]) and np.any(m[a] > m[b]):
                assert got[a] >= got[b] - 1e-12
