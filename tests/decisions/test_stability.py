"""Stability intervals: exact edges, rivals, the top set, the edges where the winner changes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.decisions.stability import stability, stability_run, weight_interval
from prioritisation.engine.scoring import rank
from prioritisation.engine.weights import resolve_weights
from tests.engine.builders import make_wb


def tilt(weights: np.ndarray, j: int, t: float) -> np.ndarray:
    """Criterion j's weight set to t, the others scaled proportionally."""
    out = weights * (1 - t) / (1 - weights[j])
    out[j] = t
    return out


def first_ids(wb, weights: np.ndarray, method: str = "wsm") -> set[str]:
    """Ideas sharing rank 1 under these weights (straight from scoring.rank)."""
    r = rank(wb, method=method, weights=dict(zip(wb.criteria.index, weights, strict=True)))
    return set(r.table.index[r.table["rank"] == 1])


def test_stability_hand_computed():
    """Two criteria, weights .5/.5: A = (1, 0), B = (0, 1), C = (.6, .6) normalised.

    C scores .6 at any weight; A scores t (t = weight of c0): C stays first while
    t ≤ .6 and 1 − t ≤ .6, i.e. t ∈ [.4, .6]; past .6 A overtakes, below .4 B does.
    """
    cube = [[[5], [1]], [[1], [5]], [[3.4], [3.4]]]
    wb = make_wb(cube, ids=["A", "B", "C"])
    st_ = stability(wb, top_k=1)
    assert st_.winner == "C"
    assert st_.table.loc["c0", ["low", "high"]].tolist() == pytest.approx([0.4, 0.6])
    assert st_.table.loc["c0", "low_rival"] == "B" and st_.table.loc["c0", "high_rival"] == "A"
    assert st_.to_dict()["c1"] == pytest.approx({"low": 0.4, "high": 0.6})


def test_stability_of_a_dominating_winner_is_everything():
    wb = make_wb([[[5], [5], [4]], [[3], [4], [4]], [[1], [2], [3]]], ids=["TOP", "B", "C"])
    st_ = stability(wb)
    assert st_.winner == "TOP"
    assert (st_.table["low"] == 0).all() and (st_.table["high"] == 1).all()
    assert st_.table["low_rival"].isna().all()


def test_stability_on_the_sample(sample_path):
    from prioritisation.data.workbook import read_workbook

    wb = read_workbook(sample_path)
    st_ = stability(wb)
    assert st_.winner == rank(wb).winner
    w = resolve_weights(wb).to_numpy()
    for j, (cid, row) in enumerate(st_.table.iterrows()):
        assert row["low"] <= w[j] <= row["high"], cid
        assert row["top_low"] <= w[j] <= row["top_high"], cid
    assert len(st_.top) >= 3


small_cubes = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=n, max_size=n)
)


@settings(max_examples=60, deadline=None)
@given(matrix=small_cubes, w=st.lists(st.integers(1, 9), min_size=3, max_size=3),
       j=st.integers(0, 2), method=st.sampled_from(["wsm", "promethee", "wpm"]),
       gate=st.booleans())  # fmt: skip
def test_interval_edges_are_where_the_winner_changes(matrix, w, j, method, gate):
    """Inside the interval the winner is (jointly) first; just outside it is not: for the
    weighted sum, PROMETHEE II (linear preference on one criterion, a gate: it compares the
    eligible ideas only) and WPM, ranked by scoring.rank at the tilted weights."""
    wb = make_wb([[[v] for v in row] for row in matrix], weights=w,
                 thresholds=[2.0, np.nan, np.nan] if gate else None)  # fmt: skip
    wb.criteria["preference"] = ["usual", "linear", "usual"]
    wb.criteria["q"], wb.criteria["p"] = [np.nan, 0.5, np.nan], [np.nan, 2.0, np.nan]
    weights = resolve_weights(wb).to_numpy()
    st_ = stability(wb, method=method)
    winner = st_.winner
    if winner is None:
        return
    low, high = st_.table.iloc[j][["low", "high"]]
    eps = 1e-6
    for t in (low + eps, (low + high) / 2, high - eps):
        if 0 < t < 1 and high - low > 2 * eps:
            assert winner in first_ids(wb, tilt(weights, j, t), method)
    if low > eps:
        assert winner not in first_ids(wb, tilt(weights, j, low - eps), method)
    if high < 1 - eps:
        assert winner not in first_ids(wb, tilt(weights, j, high + eps), method)


def test_stability_run_follows_the_runs_method(sample_path):
    from prioritisation.core.errors import UsageError
    from prioritisation.data.workbook import read_workbook
    from prioritisation.engine.run import resolve_run

    wb = read_workbook(sample_path)
    run = resolve_run(wb, method="promethee", weights="roc")
    st_ = stability_run(run, top_k=2)
    assert st_.method == "promethee" and st_.top_k == 2
    same = stability(wb, weights="roc", method="promethee", top_k=2)
    assert st_.table.equals(same.table) and st_.winner == rank(wb, "promethee", "roc").winner
    assert not st_.table.equals(stability_run(run.with_options(method="wsm"), 2).table)
    with pytest.raises(UsageError) as caught:
        stability_run(run.with_options(method="topsis"))
    assert caught.value.code == "usage.robust_method" and "topsis" in caught.value.lines("en")[0]


def test_weight_interval_kernel_top_set():
    values = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.4], [0.1, 0.1]])
    keep = np.array([True, True, False, False])
    low, high, _, rival = weight_interval(values, np.array([0.5, 0.5]), keep, 0)
    # the top 2 {A, B} holds while A (score t) and B (1 − t) beat C (0.4 + 0.1t):
    # t ≥ 4/9 and t ≤ 6/11
    assert high == pytest.approx(6 / 11) and rival == 2
    assert low == pytest.approx(4 / 9)
