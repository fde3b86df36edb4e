"""The evidence sections: robustness, disagreement, the appendix's idea cards."""

from __future__ import annotations

from prioritisation.report import evidence


def test_robustness_section(ctx):
    robust = evidence.robustness_section(ctx)
    winner = ctx.ranking.winner
    assert f"{winner} blijft eerste tussen" in robust
    assert "10.000" in robust and "Kendalls W" in robust
    assert " ± " in robust, "P(first) and P(top k) carry their Monte Carlo error"


def test_disagreement_lists_the_largest_spreads_with_who_scored(ctx):
    html = evidence.disagreement_section(ctx, top=3)
    assert html.count("<tr>") == 1 + 3
    top = ctx.ranking.spread.stack().idxmax()
    assert f'<span class="id">{top[0]}</span>' in html
    assert "Geert (VVSG)" in html or "Bart (Bib Brugge)" in html


def test_appendix_has_one_card_per_idea_with_comments(ctx):
    html = evidence.appendix(ctx)
    assert html.count('class="card"') == len(ctx.wb.ideas)
    assert "Vraagt een veel groter budget dan we hebben." in html
    assert "Spreiding" in html
