"""The app's HTML builders (no widgets)."""

from __future__ import annotations

from prioritisation import rank, read_workbook
from prioritisation.app.views import idea_detail_html, ranking_table_html
from tests.conftest import SAMPLE


def test_idea_detail_lists_scores_comments_and_dependencies():
    wb = read_workbook(SAMPLE)
    html = idea_detail_html(wb, rank(wb), "TICKET")
    assert "ZOEK" in html and "PODIUM" in html  # depends on
    assert "Kan pas na de nieuwe zoektechnologie." in html  # a comment
    assert html.count("<tr>") >= len(wb.assessors)


def test_user_text_is_escaped():
    wb = read_workbook(SAMPLE)
    ideas = wb.ideas.copy()
    ideas.loc["ZOEK", "title"] = "<script>alert(1)</script>"
    ideas.loc["ZOEK", "theme"] = "<b>x</b>"
    evil = type(wb)(criteria=wb.criteria, ideas=ideas, scores=wb.scores, settings=wb.settings)
    ranking = rank(evil)
    for html in (ranking_table_html(ranking), idea_detail_html(evil, ranking, "ZOEK")):
        assert "<script>" not in html and "<b>x</b>" not in html
        assert "&lt;script&gt;" in html
