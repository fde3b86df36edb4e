"""A scenario applied to the workbook, and two scenarios compared
(prioritisation/scenarios/compare.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from prioritisation.engine.scoring import rank
from prioritisation.scenarios.compare import compare, scenario_ranking
from prioritisation.scenarios.scenario import make_scenario


def test_scenario_ranking_applies_weights_method_and_thresholds(wb, store):
    sc = make_scenario(wb, "Streng", "An", weights="innovation=3,desirability=1,viability=1,"
                       "feasibility=1", thresholds="feasibility=3.5")  # fmt: skip
    ranking = scenario_ranking(wb, sc)
    expected = rank(wb, weights="innovation=3,desirability=1,viability=1,feasibility=1")
    eligible = ranking.table["eligible"]
    assert ranking.weights.to_dict() == pytest.approx(sc.weights)
    pd.testing.assert_series_equal(ranking.table["score"].sort_index(),
                                   expected.table["score"].sort_index())  # fmt: skip
    # the stricter gate makes every idea with feasibility below 3.5 ineligible, and says why
    low = ranking.aggregated["feasibility"] < 3.5
    assert not eligible[low[low].index].any()
    assert all(any("3,50" in r for r in ranking.table.at[i, "reasons"]) for i in low[low].index)
    assert wb.criteria["threshold"].isna()["feasibility"]  # the workbook itself is untouched


def test_compare_two_scenarios(wb, store):
    a = store.save(make_scenario(wb, "A", "An"))
    b = store.save(make_scenario(wb, "B", "Bart", weights="innovation=100,desirability=0,"
                                 "viability=0,feasibility=0"))  # fmt: skip
    result = compare(wb, a, b)
    assert result.weights.loc["innovation", "difference"] == pytest.approx(1.0 - 0.3)
    ranking = result.ranking
    assert set(ranking.columns) >= {"title", "rank_a", "rank_b", "moved", "score_a", "score_b"}
    assert set(ranking.index) == set(wb.ideas.index)
    assert result.moved and set(result.moved) <= set(wb.ideas.index)
    for iid in result.moved:
        row = ranking.loc[iid]
        assert row["rank_a"] != row["rank_b"] or row["eligible_a"] != row["eligible_b"]
    moved = ranking["moved"].dropna()
    assert (moved == ranking.loc[moved.index, "rank_a"] - ranking.loc[moved.index, "rank_b"]).all()
    assert compare(wb, a, a).moved == []


def test_compare_funded_sets(wb, store):
    a = store.save(make_scenario(wb, "A", "An", budget=1500000))
    b = store.save(make_scenario(wb, "B", "Bart", weights="desirability=90", budget=900000,
                                 exclude="ZOEK"))  # fmt: skip
    result = compare(wb, a, b)
    funded = result.funded
    assert set(funded.index) == set(wb.ideas.index)
    for side, budget in (("a", 1500000), ("b", 900000)):
        chosen = funded.index[funded[f"funded_{side}"]]
        assert 0 < wb.ideas.loc[chosen, "cost"].sum() <= budget
    assert not funded.loc["ZOEK", "funded_b"]
    assert result.funded_changed == [
        i for i in funded.index if funded.at[i, "funded_a"] != funded.at[i, "funded_b"]
    ]
    assert result.funded_changed  # a smaller budget funds fewer ideas
    assert list(result.portfolio_a.selected) == list(funded.index[funded["funded_a"]]) or set(
        result.portfolio_a.selected) == set(funded.index[funded["funded_a"]])  # fmt: skip
    no_budget = make_scenario(wb, "C", "Carla", budget={"total": None, "per_year": {}})
    assert compare(wb, a, no_budget).funded is None  # no budget: no funded set is invented
