"""Constraints that cannot all hold: a minimal conflicting set, in words."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.decisions.portfolio.conflicts import InfeasibleError
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.decisions.portfolio_helpers import idea_wb


def test_infeasible_constraints_are_named_in_words():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 70}, {"id": "B", "scores": (4, 4), "cost": 50,
                  "depends_on": ("A",)}, {"id": "C", "scores": (3, 3), "cost": 10}])  # fmt: skip
    p = select_portfolio(wb, 100, must="B,C", lang="en")
    assert p.status == "infeasible" and p.selected == []
    assert p.conflicts == [
        "the budget of €100",
        "B must be funded (€120 together with A)",
        "The required ideas cost €120 together, €20 more than the budget €100.",
    ], "C is not part of the conflict: B with its prerequisite alone does not fit"
    with pytest.raises(InfeasibleError) as info:
        p.raise_if_infeasible()
    assert info.value.lines()[0] == "These constraints cannot all hold:"
    q = select_portfolio(wb, 1000, must="B", exclude="A", lang="en")
    assert q.conflicts == ["B must be funded (€120 together with A)", "A is excluded"]
    r = select_portfolio(wb, 1000, theme_min="T=0.5", lang="en")
    assert r.conflicts[0] == "theme T gets at least 50% of the budget (€500)"
    assert "has only €130 of eligible ideas" in r.conflicts[1]


def test_must_on_an_ineligible_idea_says_why():
    wb = idea_wb([{"id": "A", "scores": (1, 5), "cost": 10}, {"id": "B", "scores": (4, 4), "cost": 10,
                  "depends_on": ("A",)}], thresholds=[2.0, np.nan])  # fmt: skip
    p = select_portfolio(wb, 100, must="B", lang="en")
    assert p.conflicts == ["B must be funded, but needs A, which cannot be funded (not eligible)"]
