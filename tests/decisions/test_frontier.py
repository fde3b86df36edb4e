"""The budget frontier: the optimum (rule ``best``) or the walk (rule ``priority``) at every
level, where ideas enter and leave."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.errors import UsageError
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier, frontier_run
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.engine.run import resolve_run
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import brute_force, idea_wb


def test_frontier_values_are_the_optimum_at_each_level_and_non_decreasing():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 30, "depends_on": ("B",)},
             {"id": "D", "scores": (1, 1), "cost": 10}, {"id": "X", "scores": (5, 5), "cost": np.nan}]  # fmt: skip
    wb = idea_wb(ideas)
    p = select_portfolio(wb, 100, funding_rule="best")
    f = budget_frontier(p, levels=16)
    assert f.rule == "best" and f.to_json()["rule"] == "best"
    pts = f.points
    assert pts["budget"].iloc[0] == 0 and pts["budget"].iloc[-1] == 150  # all fundable ideas
    assert (np.diff(pts["value"]) >= -1e-12).all()
    values = [1.0, 0.75, 0.5, 0.0]
    costs = [60, 50, 30, 10]
    for b, v in zip(pts["budget"], pts["value"], strict=True):
        assert v == pytest.approx(brute_force(values, costs, b, [(2, 1)])[0])
    e = f.entries
    # A enters at 60, is pushed out at 80 by B + C (1.25 > 1.0) and comes back at 140
    assert e.loc["A", "enters_at"] == 60 and not e.loc["A", "stays"]
    assert pts.set_index("budget").loc[80, "selected"] == ("B", "C")
    assert "A" in pts.set_index("budget").loc[80, "leaving"]
    assert e.loc["B", "enters_at"] == 50
    assert np.isnan(e.loc["X", "enters_at"])


def test_frontier_on_the_sample_ends_with_every_fundable_idea():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb)
    f = budget_frontier(p, levels=5)
    last = set(f.points["selected"].iloc[-1])
    fundable = set(p.table.index[~p.table["reason_kind"].isin(["not_eligible", "prereq_blocked"])])
    assert last == fundable
    with pytest.raises(UsageError):
        budget_frontier(p, levels=1)


def test_priority_frontier_walks_the_ranking_at_each_level_and_can_fall():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 29},
             {"id": "C", "scores": (4, 3), "cost": 29}]  # fmt: skip
    p = select_portfolio(idea_wb(ideas), 60)
    f = budget_frontier(p, levels=61, max_budget=60)
    assert f.rule == "priority" and set(f.points["status"]) == {"complete"}
    pts = f.points.set_index("budget")
    # at 59 A does not fit and B, C do; at 60 A fits first and nothing else does: the walk's
    # total score falls, where the exact rule keeps B and C
    assert pts.loc[59, "selected"] == ("B", "C") and pts.loc[60, "selected"] == ("A",)
    assert pts.loc[60, "value"] < pts.loc[59, "value"]
    assert "A" in pts.loc[60, "entering"] and pts.loc[60, "leaving"] == ("B", "C")
    best = budget_frontier(select_portfolio(idea_wb(ideas), 60, funding_rule="best"), levels=61,
                           max_budget=60)  # fmt: skip
    assert best.points.set_index("budget").loc[60, "selected"] == ("B", "C")


def test_frontier_of_a_run_follows_its_rule_and_works_without_a_budget():
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50}]
    )
    f = frontier_run(resolve_run(wb), levels=3)
    assert f.rule == "priority" and f.budget == 0
    assert frontier_run(resolve_run(wb, funding_rule="best"), levels=3).rule == "best"
