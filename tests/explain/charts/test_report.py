"""Charts for print: money in full on the log axis and the frontier, a description each."""

from __future__ import annotations

from prioritisation.core.i18n import fmt_money, set_language
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.engine.scoring import rank
from prioritisation.explain.charts import description
from prioritisation.explain.charts.report import (
    frontier_print_chart,
    report_svg,
    value_cost_bubbles,
)

from .test_charts import suffixed, texts


def test_print_charts_write_euros_in_full(sample_path):
    wb = read_workbook(sample_path)
    for lang, hundred_k in (("nl", "€ 100.000"), ("en", "€100,000")):
        set_language(lang)
        try:
            r = rank(wb, lang=lang)
            bubbles = value_cost_bubbles(r, lang=lang)
            svg = report_svg(bubbles)
            assert hundred_k in texts(svg) and not suffixed(svg)
            assert fmt_money(r.table["cost"].max(), lang=lang) in description(bubbles)
            f = budget_frontier(select_portfolio(wb, lang=lang), levels=8)
            frontier = frontier_print_chart(f)
            svg = report_svg(frontier)
            assert not suffixed(svg)
            assert fmt_money(f.budget, lang=lang) in description(frontier)
        finally:
            set_language(None)
