"""Scoring: aggregation, normalisation by scale, gates, ties, contributions, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.engine.scoring import aggregate_cube, prepare, rank, rank_positions
from tests.engine.builders import make_wb


def test_weighted_sum_hand_computed():
    """Hand-computed: weights 3:1, criterion 2 a cost on a 0–10 scale.

    A: c0 mean(4, 5) = 4.5 → 0.875; c1 = 2 → 1 − 0.2 = 0.8; 0.75·0.875 + 0.25·0.8 = 0.85625
    B: c0 3 → 0.5; c1 5 → 0.5; score 0.5.   C: c0 5 → 1; c1 10 → 0; score 0.75.
    """
    cube = [[[4, 5], [2, 2]], [[3, 3], [5, 5]], [[5, 5], [10, 10]]]
    wb = make_wb(cube, directions=["benefit", "cost"], weights=[3, 1], lower=[1, 0], upper=[5, 10],
                 ids=["A", "B", "C"])  # fmt: skip
    r = rank(wb)
    assert list(r.table.index) == ["A", "C", "B"]
    assert r.table["score"].to_dict() == pytest.approx({"A": 0.85625, "B": 0.5, "C": 0.75})
    assert r.contributions.loc["A"].tolist() == pytest.approx([0.65625, 0.2])
    assert r.table["rank"].tolist() == [1, 2, 3]
    assert r.weights.tolist() == [0.75, 0.25]


@pytest.mark.parametrize(
    ("how", "values", "expected"),
    [("mean", [1, 2, np.nan], 1.5), ("median", [1, 2, 5], 2.0), ("geomean", [1, 2, 4], 2.0),
     ("trimmed", [1, 2, 3, 4, 100], 3.0), ("trimmed", [1, 2, 3], 2.0), ("mean", [np.nan] * 3, np.nan)],
)  # fmt: skip
def test_aggregations(how, values, expected):
    got = aggregate_cube(np.array([[values]], dtype=float), how)[0, 0]
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected)


def test_gate_makes_idea_ineligible_with_reason_and_it_keeps_its_score():
    cube = [[[5], [1]], [[3], [3]]]
    wb = make_wb(cube, thresholds=[np.nan, 2.0], ids=["HIGH", "OK"])
    r = rank(wb, lang="en")
    assert list(r.table.index) == ["OK", "HIGH"], "ineligible ideas come after the ranked ones"
    high = r.table.loc["HIGH"]
    assert not high["eligible"] and np.isnan(high["rank"])
    assert high["score"] == pytest.approx(0.5)
    assert high["reasons"] == ["Crit 1 1.00 below the threshold 2.00 (1.00 short)"]
    assert high["gates"][0] | {} == {
        "criterion": "c1",
        "kind": "below",
        "value": 1.0,
        "threshold": 2.0,
        "gap": 1.0,
    }
    nl = rank(wb, lang="nl").table.loc["HIGH", "reasons"][0]
    assert nl == "Crit 1 1,00 onder de drempel 2,00 (1,00 te laag)"


def test_cost_criterion_threshold_is_a_maximum():
    wb = make_wb([[[4]], [[2]]], directions=["cost"], thresholds=[3.0], ids=["DEAR", "CHEAP"])
    r = rank(wb, lang="en")
    assert r.table.loc["DEAR", "reasons"] == ["Crit 0 4.00 above the maximum 3.00 (1.00 too high)"]
    assert r.table.loc["CHEAP", "eligible"]


def test_no_score_at_all_on_a_criterion_is_not_eligible():
    wb = make_wb([[[3, 4], [np.nan, np.nan]], [[3, 3], [3, np.nan]]], ids=["GAP", "FULL"])
    r = rank(wb, lang="en")
    assert r.table.loc["GAP", "reasons"] == ["no score at all on Crit 1"]
    assert np.isnan(r.table.loc["GAP", "score"])
    assert r.table.loc["FULL", "rank"] == 1
    assert r.counts.loc["FULL"].tolist() == [2, 1]


def test_ties_share_a_rank_and_order_is_by_id():
    ranks, order = rank_positions(
        np.array([0.5, 0.7, 0.5, 0.2]), ["d", "a", "b", "c"], np.ones(4, bool)
    )
    assert ranks.tolist() == [2, 1, 2, 4]
    assert order == [1, 2, 0, 3]


def test_floating_point_noise_does_not_break_a_tie():
    ranks, _ = rank_positions(np.array([0.3, 0.1 + 0.2]), ["a", "b"], np.ones(2, bool))
    assert ranks.tolist() == [1, 1]


def test_bad_method_aggregate_and_weights_are_usage_errors():
    wb = make_wb([[[3]]])
    for kwargs in ({"method": "magic"}, {"aggregate": "mode"}, {"weights": "c0=-1"}, {"weights": "zz=1"},
                   {"weights": "c0=0"}):  # fmt: skip
        with pytest.raises(UsageError):
            rank(wb, **kwargs)


def test_weights_override_partially():
    wb = make_wb([[[3, 3], [3, 3]]], weights=[1, 1])
    assert rank(wb, weights="c0=3").weights.tolist() == [0.75, 0.25]
    assert rank(wb, weights={"c1": 0}).weights.tolist() == [1.0, 0.0]
    assert rank(wb, weights="equal").weights.tolist() == [0.5, 0.5]


def test_sample_ranking_is_stable_and_explained(sample_path):
    from prioritisation.data.workbook import read_workbook

    r = rank(read_workbook(sample_path))
    ineligible = set(r.table.index[~r.table["eligible"]])
    assert ineligible == {"CRM", "APP", "BOEKH", "COLLBEH"}, (
        "the report's rejected ideas fail a gate"
    )
    assert r.winner == "ELOKET"
    total = r.contributions.sum(axis=1)
    assert np.allclose(total[r.table["score"].notna()], r.table["score"].dropna())


# --------------------------------------------------------------------------- properties

cubes = st.integers(2, 7).flatmap(
    lambda n: st.integers(1, 4).flatmap(
        lambda m: st.lists(st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=m, max_size=m),
                           min_size=n, max_size=n)))  # fmt: skip
weights_st = st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(lambda w: sum(w) > 0)


@settings(max_examples=60, deadline=None)
@given(cube=cubes, w=weights_st, data=st.data())
def test_permuting_ideas_permutes_results(cube, w, data):
    n, m = len(cube), len(cube[0])
    weights = [x if sum(w[:m]) else 1 for x in w[:m]]
    perm = data.draw(st.permutations(range(n)))
    ids = [f"I{i}" for i in range(n)]
    a = rank(make_wb(cube, weights=weights, ids=ids))
    b = rank(make_wb([cube[p] for p in perm], weights=weights, ids=[ids[p] for p in perm]))
    pd.testing.assert_frame_equal(a.table.drop(columns="gates"), b.table.drop(columns="gates"))


@settings(max_examples=60, deadline=None)
@given(cube=cubes, extra=st.lists(st.integers(1, 5), min_size=12, max_size=12), w=weights_st)
def test_adding_an_idea_never_reorders_the_others(cube, extra, w):
    m = len(cube[0])
    weights = [x if sum(w[:m]) else 1 for x in w[:m]]
    before = rank(make_wb(cube, weights=weights))
    newcomer = [extra[j * 3 : (j + 1) * 3] for j in range(m)]
    after = rank(
        make_wb(
            cube + [newcomer],
            weights=weights,
            ids=[f"I{i:03d}" for i in range(len(cube))] + ["NEW"],
        )
    )
    order_after = [i for i in after.table.index if i != "NEW"]
    assert order_after == list(before.table.index)
    pd.testing.assert_series_equal(after.table["score"].drop("NEW"), before.table["score"])


@settings(max_examples=60, deadline=None)
@given(cube=cubes, w=weights_st)
def test_contributions_sum_to_the_score_and_scores_lie_in_0_1(cube, w):
    m = len(cube[0])
    weights = [x if sum(w[:m]) else 1 for x in w[:m]]
    r = rank(make_wb(cube, weights=weights))
    assert np.allclose(r.contributions.sum(axis=1), r.table["score"])
    assert ((r.table["score"] >= -1e-12) & (r.table["score"] <= 1 + 1e-12)).all()


def test_prepare_is_independent_of_weights():
    wb = make_wb([[[1, 5], [2, 2]], [[3, 3], [4, 4]]])
    p = prepare(wb)
    assert p.aggregated.to_numpy().tolist() == [[3.0, 2.0], [3.0, 4.0]]
    assert p.spread.iloc[0, 0] == 2.0
