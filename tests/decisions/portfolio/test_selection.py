"""Selecting the portfolio: the sample, and groups, must, exclude and theme shares."""

from __future__ import annotations

import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import idea_wb


def test_sample_portfolio_fits_and_is_proven_optimal_and_explains_everyone():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, lang="en")
    assert p.optimal and p.budget == 1_500_000
    assert p.total_cost <= p.budget
    t = p.table
    assert set(p.selected) == set(t.index[t["funded"]])
    assert (t["status"].isin(["funded", "not funded"])).all()
    assert t.loc[~t["funded"], "reason"].str.len().gt(0).all(), "every idea not funded has a reason"
    assert t.loc["CRM", "reason_kind"] == "not_eligible"
    assert (
        "Financial viability 1.86 below the threshold 2.00 (0.14 short)" in t.loc["CRM", "reason"]
    )
    assert t.loc["PERSO", "reason_kind"] == "prereq_blocked" and "CRM" in t.loc["PERSO", "reason"]
    # the score column is exactly what rank prints
    from prioritisation.engine.scoring import rank

    r = rank(wb)
    assert t["score"].to_dict() == pytest.approx(r.table["score"].to_dict())
    assert not set(p.selected) & set(r.table.index[~r.table["eligible"]])


def test_groups_must_exclude_and_theme_shares():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 40, "group": "G", "theme": "X"},
             {"id": "B", "scores": (4, 4), "cost": 40, "group": "G", "theme": "X"},
             {"id": "C", "scores": (3, 3), "cost": 40, "theme": "Y"},
             {"id": "D", "scores": (2, 2), "cost": 40, "theme": "Y"}]  # fmt: skip
    wb = idea_wb(ideas)
    p = select_portfolio(wb, 120, lang="en")
    assert p.selected == ["A", "C", "D"]
    assert p.table.loc["B", "reason_kind"] == "group" and "A" in p.table.loc["B", "reason"]
    assert select_portfolio(wb, 120, groups=False).selected == ["A", "B", "C"]
    assert select_portfolio(wb, 120, must="B").selected == ["B", "C", "D"]
    assert select_portfolio(wb, 120, exclude=["A"]).selected == ["B", "C", "D"]
    q = select_portfolio(wb, 120, groups=False, theme_max="X=0.34", lang="en")
    assert q.selected == ["A", "C", "D"]
    assert q.table.loc["B", "reason_kind"] == "theme_max"
    assert select_portfolio(wb, 120, theme_min={"Y": 0.6}, exclude="D").status == "infeasible"
