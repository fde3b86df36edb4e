"""PROMETHEE II net flows: published cases, every preference function, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.engine.methods.promethee import preference, promethee_kernel
from prioritisation.engine.scoring import rank
from tests.engine.builders import make_wb, method_input


def test_zhao_2013_usual_preference():
    """Zhao et al. (2013), as in pymcdm's tests: usual preference, weights [.5, .3, .2],
    all benefit → net flows [0.1, −0.3, 0.2]."""
    data = method_input([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2])
    assert promethee_kernel(data).scores == pytest.approx([0.1, -0.3, 0.2])


def test_papathanasiou_ploskas_2018_linear_preference():
    """Papathanasiou & Ploskas (2018), *Multiple Criteria Decision Aid*, Springer (facility
    location): linear preference q = 1, p = 2, weights [.4, .3, .1, .2] → net flows
    [−0.26, −0.52, −0.22, 0.36, 0.70, −0.06]."""
    criteria = pd.DataFrame({"preference": ["linear"] * 4, "q": [1.0] * 4, "p": [2.0] * 4})
    matrix = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]]
    data = method_input(matrix, [0.4, 0.3, 0.1, 0.2], criteria=criteria)
    got = promethee_kernel(data).scores
    assert got == pytest.approx([-0.26, -0.52, -0.22, 0.36, 0.70, -0.06])


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
