"""Consensus: Kendall's W (with ties), χ² p-value, member views, ideas that move most."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.decisions.group import agreement, chi2_sf, consensus, kendall_w, midranks
from tests.engine.builders import make_wb, with_pairwise


def test_kendall_w_hand_computed():
    """Kendall & Babington Smith (1939): three raters, four objects, ranks
    (1,2,3,4), (2,1,3,4), (1,3,2,4): rank sums 4, 6, 8, 12; S = 35;
    W = 12·35 / (3²·(4³ − 4)) = 420/540 = 7/9; χ² = 3·3·W = 7."""
    w, chi2, p = kendall_w(np.array([[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4]]))
    assert w == pytest.approx(7 / 9) and chi2 == pytest.approx(7.0)
    assert p == pytest.approx(chi2_sf(7.0, 3))


def test_kendall_w_extremes_and_tie_correction():
    assert kendall_w(np.array([[1, 2, 3], [1, 2, 3]]))[0] == pytest.approx(1.0)
    assert kendall_w(np.array([[1, 2, 3], [3, 2, 1]]))[0] == pytest.approx(0.0)
    # with ties the correction keeps perfect agreement at 1
    tied = midranks(np.array([[5, 5, 1], [5, 5, 1]]))
    assert tied.tolist() == [[1.5, 1.5, 3], [1.5, 1.5, 3]]
    assert kendall_w(tied)[0] == pytest.approx(1.0)
    assert np.isnan(kendall_w(np.array([[1, 2, 3]]))[0])


@pytest.mark.parametrize(("x", "df"), [(0.5, 1), (3.2, 4), (30.0, 3), (5.0, 25), (1200.0, 999)])
def test_chi2_survival_matches_scipy(x, df):
    from scipy import stats

    assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-15)


def test_midranks_match_scipy():
    from scipy import stats

    row = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 2.0])
    assert midranks(row)[0].tolist() == stats.rankdata(-row).tolist()


def test_member_views_weights_scores_both():
    # assessors as0, as1; as0 loves A on c0, as1 loves B on c1
    cube = [[[5, 3], [1, 3]], [[3, 1], [3, 5]], [[3, 3], [3, 3]]]
    wb = make_wb(cube, ids=["A", "B", "C"])
    by_scores = consensus(wb, view="scores")
    assert by_scores.basis.to_dict() == {"as0": "scores", "as1": "scores"}
    assert (
        by_scores.member_ranks.loc["A", "as0"] == 1 and by_scores.member_ranks.loc["B", "as1"] == 1
    )
    wb2 = with_pairwise(
        wb, [("as0", "c0", "c1", 1 / 9), ("as1", "c0", "c1", 9), ("Dirk", "c0", "c1", 9)]
    )
    auto = consensus(wb2)
    assert auto.basis.to_dict() == {"Dirk": "weights", "as0": "weights", "as1": "weights"}
    assert auto.member_weights.loc["as0", "c1"] == pytest.approx(0.9)
    # group scores: A = (4, 2), B = (2, 4), C = (3, 3); as0 weighs c1 → B first
    assert auto.member_ranks.loc["B", "as0"] == 1 and auto.member_ranks.loc["A", "as1"] == 1
    both = consensus(wb2, view="both")
    assert both.basis["Dirk"] == "weights", "a member without scores falls back to weights"
    assert both.basis["as0"] == "both"
    top = auto.changes.iloc[0]
    assert top["range"] == 2 and top.name in {"A", "B"}
    with pytest.raises(UsageError):
        consensus(wb, view="mood")


def test_consensus_on_the_sample(sample_path):
    from prioritisation.data.workbook import read_workbook

    c = consensus(read_workbook(sample_path))
    assert 0 < c.kendall_w < 1 and c.p_value < 0.05
    assert set(c.basis.index) == set(c.member_ranks.columns) and len(c.basis) == 7
    assert c.consistency["Fien (Bib Gent)"] > 0.1
    assert "CRM" not in c.member_ranks.index
    assert list(c.member_ranks.index) == list(c.group_rank.sort_values(kind="stable").index)
    doc = c.to_dict()
    assert doc["most_changed"][0]["range"] == c.changes["range"].max()
    assert set(doc["per_criterion"]) == {"innovation", "desirability", "viability", "feasibility"}


@settings(max_examples=40, deadline=None)
@given(ranks=st.integers(2, 5).flatmap(lambda m: st.integers(2, 7).flatmap(
    lambda n: st.lists(st.permutations(list(range(1, n + 1))), min_size=m, max_size=m))))  # fmt: skip
def test_kendall_w_lies_in_0_1(ranks):
    w, _, p = kendall_w(np.array(ranks, dtype=float))
    assert -1e-12 <= w <= 1 + 1e-12 and 0 <= p <= 1


def test_agreement_words_for_kendalls_w():
    words = [agreement(w, "en") for w in (0.0, 0.29, 0.3, 0.69, 0.7, 1.0)]
    assert words == ["weak agreement"] * 2 + ["moderate agreement"] * 2 + ["strong agreement"] * 2
    assert "cannot be computed" in agreement(float("nan"), "en")
    assert agreement(0.8, "nl") != agreement(0.8, "en")
