"""SMAA: acceptabilities, ties, dominance, seeds, chunks and threads, the kernel against the
definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.decisions.linear import linear_form
from prioritisation.decisions.smaa import smaa, smaa_counts, smaa_prepared, smaa_run
from prioritisation.engine.sampling import weight_chunks
from prioritisation.engine.scoring import prepare, rank, rank_prepared
from prioritisation.engine.weights import resolve_weights
from tests.engine.builders import make_wb

small_cubes = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=n, max_size=n)
)


def test_smaa_two_ideas_uniform_weights_is_a_half():
    """Lahdelma et al. (1998): with A = (1, 0), B = (0, 1) and uniform weights on the
    simplex, each idea is first in exactly half of the weight space."""
    wb = make_wb([[[5], [1]], [[1], [5]]], ids=["A", "B"])
    r = smaa(wb, samples=40_000, seed=3)
    assert r.acceptability.loc["A", 1] == pytest.approx(0.5, abs=0.01)
    assert r.central_weights.loc["A", "c0"] == pytest.approx(0.75, abs=0.01)
    assert r.central_weights.loc["B", "c0"] == pytest.approx(0.25, abs=0.01)


def test_smaa_three_criteria_known_volume():
    """A = (1, 0, 0) beats C = (½, ½, ½) iff w0 > ½, which has probability (1 − ½)² = ¼
    under uniform weights, Dirichlet(1, 1, 1), whose marginal is Beta(1, 2)."""
    cube = [[[5], [1], [1]], [[3], [3], [3]]]
    r = smaa(make_wb(cube, ids=["A", "C"]), samples=40_000, seed=5)
    assert r.acceptability.loc["A", 1] == pytest.approx(0.25, abs=0.01)


def test_smaa_identical_ideas_share_their_rank():
    cube = [[[4], [2]], [[4], [2]], [[2], [4]], [[4], [2]], [[1], [1]]]
    wb = make_wb(cube, ids=["A", "A2", "B", "A3", "Z"])
    acc = smaa(wb, samples=5_000, seed=1).acceptability
    assert acc.loc["A"].tolist() == acc.loc["A2"].tolist() == acc.loc["A3"].tolist()
    # competition ranks: the three copies are all 1st (B 4th) or all 2nd (B 1st)
    assert acc.loc["A", 1] + acc.loc["A", 2] == pytest.approx(1.0)
    assert acc.loc["A", 3] == acc.loc["A", 4] == 0
    assert acc.loc["A", 1] == pytest.approx(acc.loc["B", 4])
    assert acc.loc["A", 1] == pytest.approx(0.5, abs=0.03)
    assert acc.loc["Z", 5] == 1.0
    np.testing.assert_allclose(acc.sum(axis=1), 1.0)


def test_smaa_is_reproducible_and_independent_of_chunks_and_threads(sample_path):
    from prioritisation.data.workbook import read_workbook

    wb = read_workbook(sample_path)
    p, w = prepare(wb), resolve_weights(wb)
    a = smaa_prepared(p, w, 3_000, seed=11, chunk=1_000, workers=1)
    b = smaa_prepared(p, w, 3_000, seed=11, chunk=128, workers=2)
    c = smaa_prepared(p, w, 3_000, seed=12)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    np.testing.assert_allclose(a.central_weights.fillna(-1), b.central_weights.fillna(-1))
    assert not a.acceptability.equals(c.acceptability)
    assert list(a.acceptability.index) == list(rank(wb).ranked.index)
    assert "CRM" not in a.acceptability.index, "gated ideas get no rank"


def test_zero_weights_take_the_tie_aware_path():
    """Sampling around weights with a 0 can draw exact zeros; ideas that then tie share."""
    values = np.array([[1.0, 0.2], [1.0, 0.8], [0.0, 0.5]])
    chunks = [np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])]
    counts, first, first_w = smaa_counts(values, chunks, workers=1)
    assert counts[:, 0].tolist() == [2, 3, 0]
    assert first.tolist() == [2, 3, 0]
    assert first_w[1].tolist() == [2.0, 1.0]


def test_vary_scores_and_spread_options(sample_path):
    from prioritisation.data.workbook import read_workbook

    wb = read_workbook(sample_path)
    tight = smaa(wb, samples=2_000, seed=1, spread=0.01)
    loose = smaa(wb, samples=2_000, seed=1)
    assert tight.p_first.max() > loose.p_first.max()
    noisy = smaa(wb, samples=1_000, seed=1, vary_scores="sd")
    np.testing.assert_allclose(noisy.acceptability.sum(axis=1), 1.0)
    assert noisy.acceptability.iloc[:, 0].sum() == pytest.approx(1.0, abs=0.05)
    for kwargs in ({"samples": 0}, {"spread": -1.0}, {"top_k": 0}, {"vary_scores": "x"}):
        with pytest.raises(UsageError):
            smaa(wb, **kwargs)


@settings(max_examples=40, deadline=None)
@given(matrix=small_cubes, seed=st.integers(0, 1000), spread=st.sampled_from([None, 0.2]))
def test_acceptabilities_are_distributions_and_dominated_ideas_never_first(matrix, seed, spread):
    cube = [[[v] for v in row] for row in matrix]
    wb = make_wb(cube)
    r = smaa(wb, samples=500, seed=seed, spread=spread)
    acc = r.acceptability.to_numpy()
    assert np.all(acc >= 0) and np.allclose(acc.sum(axis=1), 1.0)
    assert np.allclose(r.expected_rank, acc @ np.arange(1, acc.shape[1] + 1))
    m = np.array(matrix, dtype=float)
    for b in range(len(m)):
        dominated = any(np.all(m[a] >= m[b]) and np.any(m[a] > m[b]) for a in range(len(m)))
        if dominated:
            assert r.acceptability.loc[f"I{b:03d}", 1] == 0.0


def test_identical_ideas_share_first_place_on_both_paths():
    """Copies of one idea: the fast path (positive weights) and the tie-aware path (a zero
    weight) count 'first' once per draw for each copy, never once per copy per draw."""
    values = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    chunks = [np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([[1.0, 0.0]])]
    counts, first, first_w = smaa_counts(values, chunks, workers=1)
    assert first.tolist() == [2, 2, 1]
    assert counts[:, 0].tolist() == [2, 2, 1] and counts[:, 1].tolist() == [1, 1, 0]
    assert counts[2].tolist() == [1, 0, 2]
    assert first_w[0].tolist() == pytest.approx([1.9, 0.1])


def brute_force(values, weights):
    """Competition ranks straight from the definition: 1 + the number scoring higher."""
    s = np.round(weights @ values.T, 12)  # ties up to floating-point noise, as the kernel
    n = values.shape[0]
    counts = np.zeros((n, n), np.int64)
    first = np.zeros(n, np.int64)
    for row in s:
        ranks = (row[None, :] > row[:, None]).sum(axis=1)
        counts[np.arange(n), ranks] += 1
        first += ranks == 0
    return counts, first


@settings(max_examples=60, deadline=None)
# two distinct ideas whose scores are equal in exact arithmetic (10/3) but not bit for bit
@example(rows=[[1, 3, 0], [2, 1, 0]], w=[[0, 0, 1], [4, 2, 0]], seed=0, chunk=1, workers=1)
@given(rows=st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=1, max_size=7),
       w=st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3).filter(any), min_size=1,
                  max_size=9),
       seed=st.integers(0, 10_000), chunk=st.integers(1, 4), workers=st.sampled_from([1, 2]))  # fmt: skip
def test_kernel_equals_the_definition(rows, w, seed, chunk, workers):
    """Duplicates, zero weights, any chunking and threads: the counts are the definition's.

    Draws without a zero weight are continuous (ties between distinct ideas then have
    probability 0 and the fast path relies on it); integer weights with a zero go through
    the tie-aware path, where distinct ideas can tie exactly.
    """
    values = np.array(rows, dtype=float) / 3
    weights = np.array(w, dtype=float)
    continuous = np.random.default_rng(seed).dirichlet(np.ones(3), len(weights))
    weights = np.where((weights == 0).any(axis=1, keepdims=True), weights, continuous)
    weights /= weights.sum(axis=1, keepdims=True)
    chunks = [weights[i : i + chunk] for i in range(0, len(weights), chunk)]
    counts, first, _ = smaa_counts(values, chunks, workers=workers)
    expected_counts, expected_first = brute_force(values, weights)
    assert counts.tolist() == expected_counts.tolist()
    assert first.tolist() == expected_first.tolist()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"samples": 0}, "usage.samples"), ({"samples": 2.5}, "usage.samples"),
     ({"spread": 0.0}, "usage.spread"), ({"vary_scores": "x"}, "usage.vary_scores"),
     ({"top_k": True}, "usage.top_k")],
)  # fmt: skip
def test_bad_options_name_the_value_not_a_command_line_flag(kwargs, code):
    wb = make_wb([[[5], [1]], [[1], [5]]], ids=["A", "B"])
    with pytest.raises(UsageError) as caught:
        smaa(wb, **kwargs)
    assert caught.value.code == code
    for lang in ("nl", "en"):
        text = caught.value.lines(lang)[0]
        assert "--" not in text and str(next(iter(kwargs.values()))) in text, text


# --------------------------------------------------------------------------- other methods

METHOD_NAMES = ["wsm", "promethee", "wpm"]


def with_preferences(wb):
    """PROMETHEE preference functions on the builder's three criteria: one of each kind."""
    wb.criteria["preference"] = ["usual", "linear", "level"]
    wb.criteria["q"] = [np.nan, 0.5, 0.5]
    wb.criteria["p"] = [np.nan, 2.0, 1.5]
    return wb


def rerank_counts(prepared, ids, draws, method):
    """Rank counts straight from scoring.rank_prepared at every sampled weight vector."""
    crits = prepared.wb.criteria.index
    position = {iid: k for k, iid in enumerate(ids)}
    counts = np.zeros((len(ids), len(ids)), np.int64)
    for draw in draws:
        table = rank_prepared(prepared, pd.Series(draw, index=crits), method).ranked
        for iid, r in table["rank"].items():
            counts[position[iid], int(r) - 1] += 1
    return counts


@settings(max_examples=50, deadline=None)
@given(matrix=small_cubes, method=st.sampled_from(METHOD_NAMES), seed=st.integers(0, 1000),
       spread=st.sampled_from([None, 0.3]), gate=st.booleans(),
       w=st.sampled_from([[1, 1, 1], [3, 1, 1], [1, 2, 5]]))  # fmt: skip
def test_smaa_equals_reranking_at_the_sampled_weights(matrix, method, seed, spread, gate, w):
    """For every method with a linear form, SMAA's counts are exactly the counts of ranking
    with rank_prepared at each drawn weight vector: copies, gated ideas (PROMETHEE compares
    the eligible ideas only) and a cost criterion included."""
    cube = [[[v] for v in row] for row in matrix]
    wb = with_preferences(make_wb(cube, weights=w, directions=["benefit", "cost", "benefit"],
                                  thresholds=[2.0, np.nan, np.nan] if gate else None))  # fmt: skip
    prepared, weights = prepare(wb), resolve_weights(wb)
    samples, chunk = 40, 16
    result = smaa_prepared(prepared, weights, samples, seed, spread, chunk=chunk, workers=1,
                           method=method)  # fmt: skip
    centre = weights.to_numpy() if spread else None
    draws = np.vstack(list(weight_chunks(samples, 3, seed, chunk, centre, spread)))
    ids = list(result.acceptability.index)
    assert ids == list(rank_prepared(prepared, weights, method).ranked.index)
    expected = rerank_counts(prepared, ids, draws, method)
    assert np.rint(result.acceptability.to_numpy() * samples).astype(int).tolist() == (
        expected.tolist()
    )
    assert result.method == method


@settings(max_examples=50, deadline=None)
@given(matrix=small_cubes, method=st.sampled_from(METHOD_NAMES), gate=st.booleans(),
       w=st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3).filter(
           lambda row: any(row) and not all(row)), min_size=1, max_size=8))  # fmt: skip
def test_the_tie_aware_path_equals_reranking_for_every_method(matrix, method, gate, w):
    """Weights with zeros (distinct ideas then tie exactly): the kernel on the method's
    linear form (moved to ≥ 0 as smaa_prepared does) counts what rank_prepared ranks."""
    cube = [[[v] for v in row] for row in matrix]
    wb = with_preferences(make_wb(cube, directions=["benefit", "cost", "benefit"],
                                  thresholds=[2.0, np.nan, np.nan] if gate else None))  # fmt: skip
    prepared, weights = prepare(wb), resolve_weights(wb)
    form = linear_form(prepared, weights, method)
    draws = np.array(w, dtype=float)
    draws /= draws.sum(axis=1, keepdims=True)
    if not form.ids:
        return
    values = form.values if form.values.min() >= 0 else form.values - form.values.min(axis=0)
    counts, _, _ = smaa_counts(values, [draws], workers=1)
    assert counts.tolist() == rerank_counts(prepared, form.ids, draws, method).tolist()


def test_weights_too_small_to_move_a_score_count_as_zero():
    """Around a weight of 0, Dirichlet draws weights like 1e-200: ideas that differ only on
    that criterion tie (shared rank), as rank_prepared says, never split by storage order."""
    values = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 1.0], [1.0, 0.0, 0.0]])
    draws = np.array([[0.3, 0.7, 1e-200], [0.6, 0.4, 0.0]])
    counts, first, _ = smaa_counts(values, [draws], workers=1)
    assert counts[:, 0].tolist() == [1, 1, 1] and first.tolist() == [1, 1, 1]
    assert counts[:, 1].tolist() == [1, 1, 0]


def test_standard_errors_are_binomial():
    wb = make_wb([[[5], [1], [1]], [[3], [3], [3]]], ids=["A", "C"])
    r = smaa(wb, samples=4_000, seed=5)
    acc = r.acceptability.to_numpy()
    np.testing.assert_allclose(r.acceptability_se.to_numpy(), np.sqrt(acc * (1 - acc) / 4_000))
    assert r.p_first_se["A"] == pytest.approx(
        np.sqrt(r.p_first["A"] * (1 - r.p_first["A"]) / 4_000)
    )
    assert r.p_top_k_se.tolist() == [0.0, 0.0], "both are always in the top 3"
    # expected rank: the standard deviation of the rank over the draws / √N
    ranks = np.repeat([1, 2], np.rint(acc[0] * 4_000).astype(int))
    assert r.expected_rank_se["A"] == pytest.approx(ranks.std() / np.sqrt(4_000))
    record = r.records()[0]
    assert record["p_first_se"] == round(float(r.p_first_se.iloc[0]), 6)
    assert record["rank_acceptability_se"] == np.round(r.acceptability_se.iloc[0], 6).tolist()


def test_standard_errors_cover_a_known_probability():
    """A = (1, 0, 0) is first with probability ¼ exactly (see above): over 300 seeds the
    interval p̂ ± 1.96·SE holds ¼ about 95 % of the time (binomial 300 × .95: 285 ± 4)."""
    wb = make_wb([[[5], [1], [1]], [[3], [3], [3]]], ids=["A", "C"])
    prepared, weights = prepare(wb), resolve_weights(wb)
    hits = 0
    for seed in range(300):
        r = smaa_prepared(prepared, weights, 400, seed, workers=1)
        hits += abs(r.p_first["A"] - 0.25) <= 1.96 * r.p_first_se["A"]
    assert 270 <= hits <= 297


def test_smaa_run_follows_the_runs_method_and_sampling(sample_path):
    from prioritisation.data.workbook import read_workbook
    from prioritisation.engine.run import resolve_run

    wb = read_workbook(sample_path)
    run = resolve_run(wb, method="promethee", samples=800, seed=3, spread=0.1)
    a = smaa_run(run)
    b = smaa_prepared(run.prepared, run.weights, 800, 3, 0.1, method="promethee")
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    assert a.spread == 0.1 and a.method == "promethee"
    uniform = smaa_run(run.with_options(sampling="uniform"))
    c = smaa_prepared(run.prepared, run.weights, 800, 3, None, method="promethee")
    assert uniform.spread is None
    pd.testing.assert_frame_equal(uniform.acceptability, c.acceptability)
    wsm = smaa_run(run.with_options(method="wsm"))
    pd.testing.assert_frame_equal(
        wsm.acceptability, smaa(wb, samples=800, seed=3, spread=0.1).acceptability
    )


def test_methods_that_are_not_linear_are_refused_by_name():
    wb = make_wb([[[5], [1]], [[1], [5]]], ids=["A", "B"])
    with pytest.raises(UsageError) as caught:
        smaa(wb, method="topsis")
    assert caught.value.code == "usage.robust_method"
    assert "topsis" in caught.value.lines("en")[0] and "promethee" in caught.value.lines("nl")[0]
    with pytest.raises(UsageError) as caught:
        smaa(wb, method="promethee", vary_scores=True)
    assert caught.value.code == "usage.vary_scores_method"
    wb.settings["method"] = "promethee"  # the wrapper follows the workbook's method
    assert smaa(wb, samples=10).method == "promethee"
