"""The funding sections: the funded set and frontier, the roadmap, the ideas left out."""

from __future__ import annotations

from prioritisation.report import funding
from prioritisation.report.context import build_context

from ..conftest import xlsx
from .conftest import INELIGIBLE


def test_portfolio_section_lists_the_funded_set_within_the_budget(ctx):
    p = ctx.portfolio
    assert p is not None and p.selected
    html = funding.portfolio_section(ctx)
    for iid in p.selected:
        assert f'<span class="id">{iid}</span>' in html
    assert "€\u00a01.500.000" in html and "Totaal" in html
    assert "data:image/svg+xml;base64," in html  # the frontier


def test_roadmap_section(ctx):
    roadmap = funding.roadmap_section(ctx)
    assert "2027" in roadmap and "2029" in roadmap and "Roadmap" in roadmap


def test_not_funded_gives_gate_budget_and_dependency_reasons(ctx):
    html = funding.not_selected_section(ctx)
    t = ctx.portfolio.table
    for iid in t.index[~t["funded"]]:
        assert f'<span class="id">{iid}</span>' in html
    kinds = set(t.loc[~t["funded"], "reason_kind"])
    assert {"not_eligible", "budget", "prereq_blocked"} <= kinds  # the rule: in order of priority
    assert "Drempel" in html and "Budgetlijn" in html and "Afhankelijkheid" in html
    assert (
        "Aan de beurt van EBOEK was er nog €\u00a05.000 over" in html and "eeft CRM nodig" in html
    )
    assert "onder de drempel 2,00 (0,29 te laag)" in html


def test_not_selected_gives_every_ineligible_idea_its_reason(ctx):
    html = funding.not_selected_section(ctx)
    for iid in INELIGIBLE:
        assert f'<span class="id">{iid}</span>' in html
    assert "Financiële leefbaarheid 1,71 onder de drempel 2,00 (0,29 te laag)" in html
    assert "Innovatiewaarde minstens 2,00 halen" in html


def test_without_budget_there_is_no_portfolio_but_gates_still_explain(tmp_path):
    path = xlsx(
        tmp_path,
        criteria=[["id", "threshold"], ["innovation", 2], ["desirability", None]],
        ideas=[["id", "title", "cost"], ["A", "Goed", 10], ["B", "Zwak", 20]],
        scores=[["idea_id", "assessor", "innovation", "desirability"],
                ["A", "x", 4, 4], ["B", "x", 1, 5]],
    )  # fmt: skip
    c = build_context(str(path), lang="en")
    assert c.portfolio is None and c.roadmap is None
    assert "No budget was given" in funding.portfolio_section(c)
    assert funding.roadmap_section(c) == ""
    assert "innovation 1.00 below the threshold 2.00" in funding.not_selected_section(c)


def test_portfolio_section_names_its_rule_and_the_other_rules_set(ctx):
    html = funding.portfolio_section(ctx)
    assert "Regel: in volgorde van prioriteit" in html
    assert ctx.portfolio.alternative is not None
    assert ctx.portfolio.alternative.text in html
    assert "Met de grootste totale score zouden " in html
    assert "de totale score stijgt met 1,64." in html
