"""Analyst views: overview, completeness, methods compared."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prioritisation.data.workbook import read_workbook
from prioritisation.explain.analysis import (
    assessor_completeness,
    compare_methods,
    rank_correlation,
    score_overview,
)
from tests.engine.builders import make_wb


def test_score_overview_counts_and_spread():
    wb = make_wb([[[1, 5, np.nan]]], ids=["A"])
    row = score_overview(wb).loc[("A", "c0")]
    assert (row["n"], row["empty"], row["mean"], row["sd"], row["min"], row["max"]) == (
        2,
        1,
        3,
        2,
        1,
        5,
    )


def test_assessor_completeness(sample_path):
    wb = read_workbook(sample_path)
    table = assessor_completeness(wb)
    assert table["expected"].eq(len(wb.ideas) * 4).all()
    dina = table.loc["Dina (Vlaamse Erfgoedbibliotheken)"]
    assert dina["missing"] == 6 and table.index[0] == "Dina (Vlaamse Erfgoedbibliotheken)"


def test_compare_methods_and_correlation(sample_path):
    ranks = compare_methods(read_workbook(sample_path))
    assert "wsm" in ranks.columns and ranks["wsm"].min() == 1
    corr = rank_correlation(ranks)
    assert np.allclose(np.diag(corr), 1.0)
    same = rank_correlation(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3], "c": [3, 2, 1]}))
    assert same.loc["a", "b"] == 1.0 and same.loc["a", "c"] == -1.0


def test_needs_discussion_sorted_by_rank_range(sample_path):
    from prioritisation.explain.analysis import needs_discussion

    wb = read_workbook(sample_path)
    table = needs_discussion(wb, top=5)
    assert len(table) == 5 and table["range"].is_monotonic_decreasing
    assert (table["max_rank"] - table["min_rank"] == table["range"]).all()
    assert set(table["on_criterion"]) <= set(wb.criterion_labels().values())
