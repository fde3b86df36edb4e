"""Consensus: Kendall's W (with ties), χ² p-value, member views, ideas that move most."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.decisions.group import (
    agreement,
    chi2_sf,
    consensus,
    disagreement,
    disagreement_dict,
    kendall_w,
    member_views,
    midranks,
)
from prioritisation.engine.run import resolve_run
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


# five ideas × two criteria × three assessors, no ties in any ranking below (checked)
CUBE = [[[5, 4, 5], [4, 4, 5]], [[1, 4, 4], [4, 5, 5]], [[1, 1, 5], [3, 2, 3]],
        [[5, 2, 3], [2, 5, 1]], [[4, 5, 3], [2, 1, 4]]]  # fmt: skip


def ranks_by(values, ids) -> dict:
    """Rank 1 = highest, by sorting (no ties here)."""
    assert len(set(np.round(values, 9))) == len(values)
    return {ids[i]: r for r, i in enumerate(np.argsort(-np.asarray(values)), start=1)}


def test_both_views_by_brute_force():
    """The "scores" view ranks each member's own scores with the group's weights; the
    "weights" view ranks the group's mean scores with each member's own AHP weights (one
    judgment 9 → 0.9/0.1), only for the members with judgments; the table puts the ideas with
    the widest range of ranks first."""
    ids = list("ABCDE")
    wb = with_pairwise(make_wb(CUBE, ids=ids),
                       [("as0", "c0", "c1", 9), ("as1", "c0", "c1", 1 / 9), ("Dirk", "c0", "c1", 9)])  # fmt: skip
    cube = np.asarray(CUBE, dtype=float)
    norm = (cube - 1) / 4
    views = member_views(resolve_run(wb))
    assert set(views) == {"scores", "weights"}

    scores = disagreement(views["scores"], "scores")
    expected = {f"as{k}": ranks_by(norm[:, :, k] @ [0.5, 0.5], ids) for k in range(3)}
    assert [c for c in scores.columns if c not in ("group", "range")] == ["as0", "as1", "as2"]
    for member, ranks in expected.items():
        assert scores[member].to_dict() == ranks, member
    group = ranks_by(norm.mean(axis=2) @ [0.5, 0.5], ids)
    assert scores["group"].to_dict() == group
    ranges = {i: max(r[i] for r in expected.values()) - min(r[i] for r in expected.values())
              for i in ids}  # fmt: skip
    assert scores["range"].to_dict() == ranges
    assert list(scores["range"]) == sorted(ranges.values(), reverse=True)

    weights = disagreement(views["weights"], "weights")
    own = {"as0": [0.9, 0.1], "as1": [0.1, 0.9], "Dirk": [0.9, 0.1]}
    assert sorted(c for c in weights.columns if c not in ("group", "range")) == sorted(own)
    for member, w in own.items():
        assert weights[member].to_dict() == ranks_by(norm.mean(axis=2) @ w, ids), member

    doc = disagreement_dict(views["weights"], "weights", "nl")
    assert doc["label"] == "Verschil in prioriteiten (volgens de eigen gewichten van elk lid)"
    assert [d["id"] for d in doc["ideas"]] == list(weights.index)
    first = doc["ideas"][0]
    assert first["difference"] == max(first["ranks"].values()) - min(first["ranks"].values())
    assert "eigen scores" in disagreement_dict(views["scores"], "scores", "nl")["label"]


def test_a_view_with_fewer_than_two_members_says_so():
    wb = with_pairwise(make_wb(CUBE, ids=list("ABCDE")), [("as0", "c0", "c1", 9)])
    doc = disagreement_dict(member_views(resolve_run(wb))["weights"], "weights", "en")
    assert doc["ideas"] == [] and doc["members"] == ["as0"]
    assert "at least two members" in doc["note"]
