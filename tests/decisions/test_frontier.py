"""The budget frontier: the optimum at every level, where ideas enter and leave."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.errors import UsageError
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import brute_force, idea_wb


def test_frontier_values_are_the_optimum_at_each_level_and_non_decreasing():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 30, "depends_on": ("B",)},
             {"id": "D", "scores": (1, 1), "cost": 10}, {"id": "X", "scores": (5, 5), "cost": np.nan}]  # fmt: skip
    wb = idea_wb(ideas)
    p = select_portfolio(wb, 100)
    f = budget_frontier(p, levels=16)
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
