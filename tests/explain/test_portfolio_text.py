"""What the portfolio, roadmap and frontier commands print: the rule first, then the other
rule's sentence and the shortfalls, in the result's language."""

from __future__ import annotations

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.decisions.roadmap.plan import plan_roadmap
from prioritisation.explain.funding import explain_portfolio
from prioritisation.explain.portfolio_text import (
    frontier_view,
    portfolio_view,
    roadmap_view,
    rule_lines,
    solve_status,
)
from tests.conftest import SAMPLE


def test_the_rule_heads_every_view_and_the_other_rule_follows_the_summary():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, "1.500.000", theme_min="E-inclusie=20%", lang="nl")
    lines, frame = portfolio_view(p, explain_portfolio(p, hints=0, displace=False))
    assert lines[0] == "Regel: in volgorde van prioriteit"
    assert lines[1].endswith("totale score 7,855 — de hele rangorde afgelopen")
    assert lines[2] == p.alternative.text and lines[3].startswith(
        "Het minimum voor thema E-inclusie"
    )
    assert list(frame.columns)[:3] == ["status", "rang", "id"]
    b = select_portfolio(wb, "1.500.000", funding_rule="best", lang="en")
    assert (
        rule_lines(b)[0] == "Rule: largest total score"
        and solve_status(b) == "proven optimal (HiGHS)"
    )
    r = plan_roadmap(wb, lang="en")
    lines, years, plan = roadmap_view(r)
    assert lines[0] == "Rule: in order of priority" and lines[2] == r.alternative.text
    assert list(years.iloc[:, 0]) == ["2027", "2028", "2029"] and len(plan) == len(wb.ideas)
    lines, frame = frontier_view(budget_frontier(b, levels=3))
    assert lines == ["Rule: largest total score"] and len(frame) == 3


def test_an_infeasible_selection_shows_no_alternative_sentence():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, "500.000", must="TICKET", lang="en")
    assert p.status == "infeasible" and rule_lines(p) == ["Rule: in order of priority"]
