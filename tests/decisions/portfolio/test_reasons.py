"""Why an idea is (not) funded: the budget line with the extra budget, no cost, the labels."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.i18n import tr
from prioritisation.decisions.portfolio.reasons import KIND_LABELS, REASONS, kind_label
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.decisions.portfolio_helpers import idea_wb


def test_budget_line_reason_gives_the_extra_budget_that_adds_it():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
                  {"id": "C", "scores": (3, 3), "cost": 30}])  # fmt: skip
    p = select_portfolio(wb, 100, lang="en")
    assert p.selected == ["A", "C"]  # 1.0 + 0.5 beats A alone, B + C = 0.75 + 0.5
    row = p.table.loc["B"]
    assert row["reason_kind"] == "budget"
    assert row["extra_budget"] == pytest.approx(50 - 10)
    assert "€40 more budget" in row["reason"]
    assert "B" in select_portfolio(wb, 100 + 40).selected


def test_idea_without_cost_is_never_funded_and_says_so():
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": np.nan}, {"id": "B", "scores": (2, 2), "cost": 10}]
    )
    p = select_portfolio(wb, 1000, lang="en")
    assert p.selected == ["B"]
    assert p.table.loc["A", "reason_kind"] == "no_cost"
    assert "no cost known" in p.table.loc["A", "reason"]


def test_every_reason_kind_has_a_sentence_and_the_flagged_kinds_a_label():
    assert set(KIND_LABELS) < set(REASONS)
    assert all(tr(REASONS[kind], "nl", gates="", prereq="", why="", cost="", budget="",
                  with_prereqs="", other="", group="", prereqs="", extra="", theme="",
                  share="", limit="", score="", remaining="") for kind in REASONS)  # fmt: skip
    assert kind_label("not_eligible", "nl") == tr("kind.not_eligible", "nl")
    assert kind_label("funded") == kind_label("too_long") == ""
