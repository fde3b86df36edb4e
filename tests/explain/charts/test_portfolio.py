"""Charts of funding decisions rendered as images, with the ideas on them."""

from __future__ import annotations

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio.probability import funding_probability
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.decisions.roadmap.plan import plan_roadmap
from prioritisation.explain.charts import to_svg
from prioritisation.explain.charts.portfolio import frontier_chart, funding_chart, gantt_chart
from tests.conftest import SAMPLE


def png_size(svg: str) -> tuple[int, int]:
    import struct

    import vl_convert as vlc

    png = vlc.svg_to_png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_charts_render_as_images_with_the_ideas_on_them():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb)
    svg = to_svg(frontier_chart(budget_frontier(p, levels=10)))
    assert "ELOKET" in svg and "Huidig budget" in svg
    assert png_size(svg)[1] > 400, "the value curve and the entry strip"
    svg = to_svg(funding_chart(funding_probability(p, samples=10)))
    assert "DIGIPUNT" in svg and png_size(svg)[0] > 300
    r = plan_roadmap(wb, lang="en")
    svg = to_svg(gantt_chart(r))
    assert "ELOKET" in svg and "2029" in svg and "Yearly budget" not in svg
    width, height = png_size(svg)
    assert width > 500 and height > 300


def test_funding_charts_say_what_they_show_with_the_numbers_of_the_tables():
    """The text alternative names the same amounts as the report's tables, in full, and no
    axis writes 1.5M or 500k."""
    from prioritisation.core.i18n import fmt_money
    from prioritisation.explain.charts import description

    from .test_charts import suffixed, texts

    wb = read_workbook(SAMPLE)
    r = plan_roadmap(wb, lang="nl")
    chart = gantt_chart(r)
    text = description(chart)
    assert f"{int(r.table['funded'].sum())} gefinancierde ideeën" in text
    for year, y in r.years.iterrows():
        assert (
            f"{year}: {fmt_money(y['spend'], lang='nl')} van {fmt_money(y['budget'], lang='nl')}"
            in text
        )
    svg = to_svg(chart)
    assert "€ 600.000" in texts(svg) and not suffixed(svg)

    p = select_portfolio(wb, lang="nl")
    f = budget_frontier(p, levels=10)
    chart = frontier_chart(f)
    text = description(chart)
    top = f.points.dropna(subset=["value"]).iloc[-1]
    assert fmt_money(f.budget, lang="nl") in text and fmt_money(top["budget"], lang="nl") in text
    assert f"{int(top['count'])} ideeën" in text
    assert not suffixed(to_svg(chart))

    prob = funding_probability(p, samples=10)
    text = description(funding_chart(prob, lang="nl"))
    kinds = prob.table["verdict_kind"]
    assert f"{(kinds == 'always').sum()} altijd, {(kinds == 'never').sum()} nooit" in text
