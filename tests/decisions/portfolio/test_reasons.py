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
    p = select_portfolio(wb, 100, funding_rule="best", lang="en")
    assert p.selected == ["A", "C"]  # 1.0 + 0.5 beats A alone, B + C = 0.75 + 0.5
    row = p.table.loc["B"]
    assert row["reason_kind"] == "budget"
    assert row["extra_budget"] == pytest.approx(50 - 10)
    assert "€40 more budget" in row["reason"]
    assert "B" in select_portfolio(wb, 100 + 40, funding_rule="best").selected


def test_the_walk_says_what_was_left_at_an_ideas_turn():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 60}, {"id": "B", "scores": (4, 4), "cost": 50},
                  {"id": "C", "scores": (3, 3), "cost": 30}])  # fmt: skip
    p = select_portfolio(wb, 100, lang="en")  # the default rule: in order of priority
    assert p.rule == "priority" and p.selected == ["A", "C"]
    row = p.table.loc["B"]
    assert row["reason_kind"] == "budget" and row["extra_budget"] == pytest.approx(40)
    assert row["reason"] == "at B's turn €40 was left, B costs €50"
    assert p.table.loc["A", "reason"] == "funded in order of priority"
    nl = select_portfolio(wb, 100, lang="nl").table.loc["B", "reason"]
    assert nl == "aan de beurt van B was er nog €\u00a040 over, B kost €\u00a050"


def test_the_walk_names_the_prerequisite_group_and_theme_that_stopped_an_idea():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 40, "depends_on": ("D",), "theme": "X"},
                  {"id": "B", "scores": (4, 4), "cost": 30, "group": "G", "theme": "Y"},
                  {"id": "C", "scores": (3, 3), "cost": 30, "group": "G", "theme": "Y"},
                  {"id": "E", "scores": (3, 2), "cost": 25, "theme": "X"},
                  {"id": "D", "scores": (1, 1), "cost": 20, "theme": "Y"}])  # fmt: skip
    p = select_portfolio(wb, 200, theme_max="X=0.25", lang="en")
    # A comes first and brings D (rank 5) along; B fits; C is B's rival; E would pass X's 25 %
    assert p.selected == ["A", "B", "D"]
    t = p.table
    assert t.loc["D", "reason"] == "funded as a prerequisite of A"
    assert (
        t.loc["C", "reason_kind"] == "group"
        and "B, from the same group (G)" in t.loc["C", "reason"]
    )
    assert t.loc["E", "reason_kind"] == "theme_max"
    assert t.loc["E", "reason"] == ("at E's turn theme X had €10 left under its maximum of 25% "
                                    "(€50), E needs €25 of it")  # fmt: skip
    wb = idea_wb([{"id": "P", "scores": (5, 5), "cost": 50},
                  {"id": "Q", "scores": (4, 4), "cost": 30, "depends_on": ("R",)},
                  {"id": "R", "scores": (1, 1), "cost": 30}])  # fmt: skip
    q = select_portfolio(wb, 100, lang="en")  # Q with R costs 60, 50 is left: R comes alone
    assert q.selected == ["P", "R"]
    assert q.table.loc["Q", "reason_kind"] == "prerequisite"
    assert q.table.loc["Q", "reason"] == ("at Q's turn €50 was left, Q costs €60 together with R "
                                          "(not funded yet)")  # fmt: skip


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


def test_a_negative_score_is_shown_with_a_minus_sign():
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": 10}, {"id": "B", "scores": (1, 1), "cost": 10}]
    )
    p = select_portfolio(wb, 100, method="promethee", funding_rule="best", lang="nl")
    assert p.table.loc["B", "reason_kind"] == "negative"
    assert p.table.loc["B", "reason"].startswith("score \u22121,000 is niet positief")
    # in order of priority every ranked idea that fits is funded, whatever its score
    assert select_portfolio(wb, 100, method="promethee").selected == ["A", "B"]
