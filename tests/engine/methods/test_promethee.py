"""PROMETHEE II net flows: published cases, every preference function, the sort-based flows
against the pairwise definition, memory at 20,000 ideas, properties."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.engine.methods import METHODS
from prioritisation.engine.methods.promethee import (
    _dense_criterion_flows,
    criterion_flows,
    criterion_parameters,
    preference,
    promethee_kernel,
    promethee_linear,
)
from prioritisation.engine.scoring import rank
from tests.engine.builders import make_wb, method_input


def _dense_kernel(data):
    """The pairwise definition of the net flows (the reference)."""
    return (
        _dense_criterion_flows(data.matrix, criterion_parameters(data), data.benefit) @ data.weights
    )


def test_zhao_2013_usual_preference():
    """Zhao et al. (2013), as in pymcdm's tests: usual preference, weights [.5, .3, .2],
    all benefit → net flows [0.1, −0.3, 0.2]."""
    data = method_input([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2])
    assert promethee_kernel(data).scores == pytest.approx([0.1, -0.3, 0.2])
    assert _dense_kernel(data) == pytest.approx([0.1, -0.3, 0.2])


def test_papathanasiou_ploskas_2018_linear_preference():
    """Papathanasiou & Ploskas (2018), *Multiple Criteria Decision Aid*, Springer (facility
    location): linear preference q = 1, p = 2, weights [.4, .3, .1, .2] → net flows
    [−0.26, −0.52, −0.22, 0.36, 0.70, −0.06]."""
    criteria = pd.DataFrame({"preference": ["linear"] * 4, "q": [1.0] * 4, "p": [2.0] * 4})
    matrix = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]]
    data = method_input(matrix, [0.4, 0.3, 0.1, 0.2], criteria=criteria)
    expected = [-0.26, -0.52, -0.22, 0.36, 0.70, -0.06]
    assert promethee_kernel(data).scores == pytest.approx(expected)
    assert _dense_kernel(data) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "q", "p", "expected"),
    [("usual", 0, 0, [0, 0, 1, 1, 1, 1]), ("ushape", 1, 0, [0, 0, 0, 0, 1, 1]),
     ("vshape", 0, 2, [0, 0, 0.25, 0.5, 0.75, 1]), ("level", 0.5, 1.5, [0, 0, 0, 0.5, 0.5, 1]),
     ("linear", 0.5, 1.5, [0, 0, 0, 0.5, 1, 1]),
     ("gaussian", 0, 1, [0, 0, 1 - np.exp(-1 / 8), 1 - np.exp(-1 / 2), 1 - np.exp(-9 / 8), 1 - np.exp(-2)])],
)  # fmt: skip
def test_preference_functions(kind, q, p, expected):
    """Brans & Vincke (1985) / Brans & Mareschal (2005), the six generalised criteria."""
    d = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0])
    assert preference(kind, d, q, p) == pytest.approx(expected)


def test_workbook_preference_columns_are_used_and_cost_is_reversed():
    cube = [[[5], [1]], [[4], [2]], [[1], [5]]]
    wb = make_wb(cube, directions=["benefit", "cost"], ids=["A", "B", "C"])
    r = rank(wb, method="promethee")
    assert list(r.table.index) == ["A", "B", "C"]
    assert r.table["score"].sum() == pytest.approx(0.0)
    crit = wb.criteria.assign(preference=["linear", "usual"], q=[0.0, np.nan], p=[4.0, np.nan])
    wb2 = type(wb)(criteria=crit, ideas=wb.ideas, scores=wb.scores)
    r2 = rank(wb2, method="promethee")
    # A vs B on c0: d = 1 → P = 0.25 instead of 1 under 'usual'
    assert r2.table.loc["A", "score"] < r.table.loc["A", "score"]


matrices = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=n, max_size=n)
)


@settings(max_examples=80, deadline=None)
@given(matrix=matrices, w=st.lists(st.integers(1, 9), min_size=3, max_size=3),
       kind=st.sampled_from(["usual", "ushape", "vshape", "level", "linear", "gaussian"]))  # fmt: skip
def test_net_flows_sum_to_zero_lie_in_range_and_respect_dominance(matrix, w, kind):
    criteria = pd.DataFrame({"preference": [kind] * 3, "q": [0.5] * 3, "p": [2.0] * 3})
    got = promethee_kernel(method_input(matrix, np.array(w) / sum(w), criteria=criteria)).scores
    assert got.sum() == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.abs(got) <= 1 + 1e-12)
    m = np.array(matrix, float)
    for a in range(len(m)):
        for b in range(len(m)):
            if np.all(m[a] >= m[b]):
                assert got[a] >= got[b] - 1e-12


KINDS = ["usual", "ushape", "vshape", "level", "linear", "gaussian"]
# Thresholds on the scores' own grid (d = q, d = p happen), off it, 0, and q = p or q > p.
# Thresholds are in score units; below 0,001 the ramp (d − q)/(p − q) divides prefix-sum
# rounding (~1e-14) by p − q and the 1e-12 agreement no longer holds (see promethee.py).
thresholds = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), st.floats(1e-3, 4, allow_nan=False)
)


@st.composite
def instances(draw):
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 4))
    low, span = draw(st.sampled_from([(0, 3), (1, 5), (-2, 4)]))
    values = np.array(
        draw(st.lists(st.integers(low, low + span), min_size=n * m, max_size=n * m)), float
    )
    values = values.reshape(n, m) / draw(st.sampled_from([1, 2, 4, 3]))  # thirds are off the grid
    prefs = []
    for _ in range(m):
        kind = draw(st.sampled_from(KINDS))
        q = draw(thresholds)
        p = draw(st.one_of(st.just(q), thresholds))
        prefs.append((kind, q, p))
    benefit = np.array(draw(st.lists(st.booleans(), min_size=m, max_size=m)))
    return values, prefs, benefit


@settings(max_examples=400, deadline=None)
@given(instance=instances())
def test_sort_based_flows_equal_the_pairwise_definition(instance):
    """On integers from a small range (many ties), every function, q = 0, q = p, q > p."""
    values, prefs, benefit = instance
    got = criterion_flows(values, prefs, benefit)
    want = _dense_criterion_flows(values, prefs, benefit)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(KINDS), q=thresholds, p=thresholds)
def test_sort_based_flows_on_real_valued_scores(seed, kind, q, p):
    """Averages of assessors' scores (as ``prepare`` gives), thresholds hit to the last bit."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, (40, 2, 3)).mean(axis=2)
    values[:, 1] = rng.random(40) * 4
    values[:5, 1] = values[5:10, 1] + q  # differences equal to q up to rounding
    prefs = [(kind, q, p), (kind, q, p)]
    np.testing.assert_allclose(
        criterion_flows(values, prefs), _dense_criterion_flows(values, prefs), rtol=0, atol=1e-12
    )


def test_criterion_flows_are_linear_in_the_weights():
    rng = np.random.default_rng(3)
    values = rng.integers(1, 6, (30, 3)).astype(float)
    criteria = pd.DataFrame(
        {"preference": ["level", "linear", "usual"], "q": [0.5, 1, 0], "p": [1.5, 3, 0]}
    )
    data = method_input(values, [0.2, 0.5, 0.3], criteria=criteria)
    flows = criterion_flows(values, criterion_parameters(data))
    assert flows.shape == (30, 3)
    assert flows.sum(axis=0) == pytest.approx([0, 0, 0], abs=1e-12)
    assert promethee_kernel(data).scores == pytest.approx(flows @ [0.2, 0.5, 0.3])
    # the method's linear form (what stability and SMAA use) is these flows, bit for bit
    assert promethee_linear(data).tolist() == flows.tolist()
    assert METHODS["promethee"].linear is promethee_linear


def test_fewer_than_two_ideas_have_zero_flows():
    assert promethee_kernel(method_input([[3.0, 2.0]], [0.5, 0.5])).scores.tolist() == [0.0]


@pytest.mark.parametrize("kind", ["usual", "ushape", "vshape", "level", "linear"])
def test_twenty_thousand_ideas_without_an_n_by_n_array(kind):
    """20,000 × 4: an n × n float array would be 3.2 GB; the kernel stays under 100 MB."""
    rng = np.random.default_rng(11)
    n, m = 20_000, 4
    matrix = rng.integers(1, 6, (n, m, 3)).mean(axis=2)
    criteria = pd.DataFrame({"preference": [kind] * m, "q": [0.5] * m, "p": [2.0] * m})
    data = method_input(
        matrix, np.full(m, 1 / m), criteria=criteria, lower=np.ones(m), upper=np.full(m, 5.0)
    )
    tracemalloc.start()
    try:
        scores = promethee_kernel(data).scores
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100e6
    assert scores.sum() == pytest.approx(0.0, abs=1e-6)
    rows = rng.choice(n, 300, replace=False)  # the pairwise definition on a sample of rows
    x = matrix[rows]
    sub = method_input(
        x, np.full(m, 1 / m), criteria=criteria, lower=np.ones(m), upper=np.full(m, 5.0)
    )
    assert promethee_kernel(sub).scores == pytest.approx(_dense_kernel(sub), abs=1e-12)


def test_gaussian_flows_in_row_chunks_equal_the_pairwise_definition(monkeypatch):
    """Chunks of a few rows (memory bounded by the chunk, not by n²) give the same flows."""
    from prioritisation.engine.methods import promethee

    monkeypatch.setattr(promethee, "_CHUNK", 70)  # 2 rows of 35 distinct values at a time
    values = np.random.default_rng(2).random((40, 2)) * 4
    values[5:10] = values[:5]
    prefs = [("gaussian", 0.0, 1.0), ("gaussian", 0.0, 0.3)]
    np.testing.assert_allclose(
        criterion_flows(values, prefs, np.array([True, False])),
        _dense_criterion_flows(values, prefs, np.array([True, False])),
        rtol=0,
        atol=1e-12,
    )
