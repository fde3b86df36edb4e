"""The evidence sections: robustness, disagreement, the appendix's idea cards."""

from __future__ import annotations

import re

from prioritisation.report import evidence


def test_robustness_section_names_its_sampling(ctx):
    robust = evidence.robustness_section(ctx)
    winner = ctx.ranking.winner
    assert f"{winner} blijft eerste tussen" in robust
    assert ("10.000 trekkingen rond de huidige gewichten (spreiding 0,07; zoals de eigen "
            "gewichten van de 7 leden uiteenlopen), startgetal 0") in robust  # fmt: skip
    assert " ± " in robust, "P(first) and P(top k) carry their Monte Carlo error"


def view_part(html: str, view: str) -> str:
    return html.split(f"member-view-{view}", 1)[1].split("</table>", 1)[0]


def test_disagreement_shows_both_member_views_named(ctx):
    html = evidence.disagreement_section(ctx, top=3)
    assert "Kendalls W = 0,39" in html
    assert html.index("Verschil in beoordeling (volgens de eigen scores van elk lid)") < html.index(
        "Verschil in prioriteiten (volgens de eigen gewichten van elk lid)")  # fmt: skip
    for view, consensus in ctx.members.items():
        part = view_part(html, view)
        rows = re.findall(r'<tr><td><span class="id">([^<]+)</span>(.*?)</tr>', part)
        assert len(rows) == 3
        ranks = consensus.member_ranks
        widest = (ranks.max(axis=1) - ranks.min(axis=1)).max()
        first, cells = rows[0]
        shown = [int(v) for v in re.findall(r'<td class="num">(?:<strong>)?(\d+)', cells)]
        # group, each member (in the workbook's order), difference
        assert shown == [int(consensus.group_rank[first]), *ranks.loc[first], widest], view
        assert "<th>Idee</th>" in part and '<th class="num">Bart</th>' in part
        assert "<strong>" in part, "a rank 5 places or more from the group's is bold"
    assert "Bart = Bart (Bib Brugge)" in html


def test_disagreement_lists_the_largest_spreads_with_who_scored(ctx):
    html = evidence.disagreement_section(ctx, top=3)
    part = html.split("Waar de scores het verst uiteenliggen", 1)[1]
    assert part.count("<tr>") == 1 + 3
    top = ctx.ranking.spread.stack().idxmax()
    assert f'<span class="id">{top[0]}</span>' in part
    assert "Geert (VVSG)" in part or "Bart (Bib Brugge)" in part


def test_one_assessor_has_no_member_views(tmp_path):
    from prioritisation.report.context import build_context
    from tests.conftest import xlsx

    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", "a"], ["B", "b"]],
                scores=[["idea_id", "assessor", "innovation", "desirability", "viability", "feasibility"],
                        ["A", "An", 3, 4, 3, 3], ["B", "An", 4, 2, 4, 4]])  # fmt: skip
    html = evidence.disagreement_section(build_context(str(path), lang="en"))
    assert "Difference in assessment (by each member&#x27;s own scores)" in html
    assert "Difference in priorities (by each member&#x27;s own weights)" in html
    assert "There is only one assessor" in html and "<table" not in html
    assert "same scores everywhere" not in html


def test_appendix_has_one_card_per_idea_with_comments(ctx):
    html = evidence.appendix(ctx)
    assert html.count('class="card"') == len(ctx.wb.ideas)
    assert "Vraagt een veel groter budget dan we hebben." in html
    assert "Spreiding" in html
