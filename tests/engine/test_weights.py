"""Weights: rank-order centroid, swing, AHP (eigenvector, consistency, group, incomplete)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.core.model import Workbook
from prioritisation.engine.weights import (
    RANDOM_INDEX,
    ahp,
    ahp_kernel,
    group_matrix,
    resolve_weights,
    roc_weights,
)
from tests.engine.builders import make_wb, with_pairwise


def test_random_index_is_saatys_1980_table():
    """Saaty (1980), *The Analytic Hierarchy Process*: RI for n = 3…10."""
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
    ]


def test_roc_weights_barron_barrett_1996():
    """Barron & Barrett (1996), Management Science 42:1515: ROC for four criteria is
    (25/48, 13/48, 7/48, 3/48) = 0.5208, 0.2708, 0.1458, 0.0625."""
    assert roc_weights([1, 2, 3, 4]) == pytest.approx([25 / 48, 13 / 48, 7 / 48, 3 / 48])
    tied = roc_weights([1, 2, 2, 4])
    assert tied[1] == tied[2] == pytest.approx((13 / 48 + 7 / 48) / 2)
    assert tied.sum() == pytest.approx(1.0)


def test_roc_and_swing_schemes_from_the_criteria_sheet():
    wb = make_wb([[[3], [3], [3]]], weights=[50, 20, 30])
    assert resolve_weights(wb, "roc").tolist() == pytest.approx([11 / 18, 2 / 18, 5 / 18])
    assert resolve_weights(wb, "swing").tolist() == pytest.approx([0.5, 0.2, 0.3])
    crit = wb.criteria.assign(rang=[3, 1, 2], swing=[40, 100, 60])
    wb2 = Workbook(criteria=crit, ideas=wb.ideas, scores=wb.scores)
    assert resolve_weights(wb2, "roc").tolist() == pytest.approx([2 / 18, 11 / 18, 5 / 18])
    assert resolve_weights(wb2, "swing").tolist() == pytest.approx([0.2, 0.5, 0.3])
    bad = Workbook(criteria=crit.assign(rang=[1, 0, 2]), ideas=wb.ideas, scores=wb.scores)
    with pytest.raises(UsageError):
        resolve_weights(bad, "roc")


def test_three_by_three_closed_form():
    """For a 3×3 reciprocal matrix (a12 = a, a13 = b, a23 = c), λmax = 1 + (b/ac)^⅓ + (ac/b)^⅓
    and the eigenvector is the normalised row geometric mean (Saaty 1980, §3)."""
    a, b, c = 1 / 3, 1 / 2, 3.0
    matrix = np.array([[1, a, b], [1 / a, 1, c], [1 / b, 1 / c, 1]])
    weights, lam, ci, cr = ahp_kernel(matrix)
    expected_lam = 1 + (b / (a * c)) ** (1 / 3) + (a * c / b) ** (1 / 3)
    geo = np.prod(matrix, axis=1) ** (1 / 3)
    assert lam == pytest.approx(expected_lam)
    assert weights == pytest.approx(geo / geo.sum())
    assert ci == pytest.approx((expected_lam - 3) / 2)
    assert cr == pytest.approx(ci / 0.58)


def test_consistency_index_divides_by_n_minus_1():
    """CI = (λmax − n)/(n − 1) (Saaty 1980), not /2 — a pitfall reported against libraries."""
    m = np.array([[1, 3, 5, 9], [1 / 3, 1, 1, 3], [1 / 5, 1, 1, 1 / 3], [1 / 9, 1 / 3, 3, 1]])
    _, lam, ci, cr = ahp_kernel(m)
    assert ci == pytest.approx((lam - 4) / 3)
    assert cr == pytest.approx(ci / 0.90)
    assert cr > 0.1


@settings(max_examples=50, deadline=None)
@given(w=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=8))
def test_consistent_matrix_gives_its_weights_back_with_cr_zero(w):
    w = np.array(w) / sum(w)
    weights, lam, ci, cr = ahp_kernel(w[:, None] / w[None, :])
    assert weights == pytest.approx(w, rel=1e-9)
    assert lam == pytest.approx(len(w)) and cr == pytest.approx(0.0, abs=1e-9)


def test_incomplete_matrix_harker_recovers_consistent_weights():
    """Harker (1987): with a consistent matrix minus one judgment, the weights are the same."""
    w = np.array([0.4, 0.3, 0.2, 0.1])
    m = w[:, None] / w[None, :]
    m[0, 3] = m[3, 0] = np.nan
    weights, _, _, cr = ahp_kernel(m)
    assert weights == pytest.approx(w) and cr == pytest.approx(0.0, abs=1e-9)


def test_group_is_the_geometric_mean_of_members_judgments():
    """Aczél & Saaty (1983): the geometric mean keeps the reciprocal property."""
    a = np.array([[1, 3.0], [1 / 3, 1]])
    b = np.array([[1, 1 / 3.0], [3, 1]])
    c = np.array([[1, np.nan], [np.nan, 1]])
    g = group_matrix([a, b, c])
    assert g == pytest.approx(np.ones((2, 2)))


def test_ahp_for_a_workbook_group_members_and_inconsistency_reported():
    wb = make_wb([[[3], [3], [3]]])
    rows = [("Ann", "c0", "c1", 3), ("Ann", "c0", "c2", 5), ("Ann", "c1", "c2", 2),
            ("Bob", "c0", "c1", 1 / 3), ("Bob", "c0", "c2", 9), ("Bob", "c2", "c1", 9),
            ("Cas", "c0", "c1", 2)]  # fmt: skip
    result = ahp(with_pairwise(wb, rows))
    assert set(result.members) == {"Ann", "Bob"}, "Cas never compares c2: left out, still in group"
    assert result.members["Ann"].consistent and not result.members["Bob"].consistent
    assert result.inconsistent == ["Bob"]
    assert result.excluded == ["Cas"]
    assert result.group.weights.sum() == pytest.approx(1.0)
    g01 = (3 * (1 / 3) * 2) ** (1 / 3)
    assert result.group.matrix.loc["c0", "c1"] == pytest.approx(g01)
    assert result.group.matrix.loc["c1", "c0"] == pytest.approx(1 / g01)
    doc = result.to_dict()
    assert doc["members"]["Bob"]["consistent"] is False
    assert doc["random_index"]["table"]["3"] == 0.58
    assert doc["excluded_members"] == ["Cas"]
    shares = resolve_weights(with_pairwise(wb, rows), "ahp")
    assert shares.tolist() == pytest.approx(result.group.weights.tolist())


def test_ahp_without_sheet_or_unconnected_is_a_usage_error():
    wb = make_wb([[[3], [3], [3]]])
    with pytest.raises(UsageError, match="pairwise"):
        resolve_weights(wb, "ahp")
    with pytest.raises(UsageError):
        ahp(with_pairwise(wb, [("Ann", "c0", "c1", 3)]))


def test_weight_specs_are_read_by_the_one_parser():
    """``name=value`` text goes through core.parse.assignments: ``;`` or ``,`` between pairs,
    a decimal comma in a value; a bare word is a scheme name."""
    wb = make_wb([[[3], [3], [3]]], weights=[1, 1, 2])
    assert resolve_weights(wb, "c0=2.5; c1=1.5").tolist() == pytest.approx([5 / 12, 3 / 12, 4 / 12])
    assert resolve_weights(wb, "c1=1, c0=2,5").tolist() == pytest.approx([5 / 11, 2 / 11, 4 / 11])
    assert resolve_weights(wb, "c0=2, c1=2").tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert resolve_weights(wb, "EQUAL").tolist() == pytest.approx([1 / 3] * 3)
    series = pd.Series({"c2": 0.0})
    assert resolve_weights(wb, series).tolist() == pytest.approx([0.5, 0.5, 0.0])


@pytest.mark.parametrize(
    ("spec", "code", "words"),
    [("c0=veel", "usage.weights_value", ["'veel'", "'c0'"]),
     ({"c1": -1}, "usage.weights_value", ["'-1'", "'c1'"]),
     ("zz=1", "usage.weights_unknown", ["'zz'", "c0, c1, c2"]),
     ("magic", "usage.weights_syntax", ["'magic'", "ahp, equal, roc, swing, workbook"]),
     ("c0=1; c1", "usage.weights_syntax", ["'c0=1; c1'"]),
     ("c0=0, c1=0, c2=0", "usage.weights_zero", [])],
)  # fmt: skip
def test_bad_weight_specs_say_what_is_wrong(spec, code, words):
    wb = make_wb([[[3], [3], [3]]])
    with pytest.raises(UsageError) as caught:
        resolve_weights(wb, spec)
    assert caught.value.code == code
    text = " ".join(caught.value.lines("en"))
    assert all(w in text for w in words), text
