"""The report's HTML pieces: every chart image carries its chart's description as alt text;
no amount in any section can be split from its € at a line end."""

from __future__ import annotations

import base64
import re

import pytest

from prioritisation.core.i18n import fmt_shares
from prioritisation.explain.charts import description
from prioritisation.explain.charts.ranking import weights_chart
from prioritisation.report import evidence, funding, overview
from prioritisation.report.markup import chart_img, svg_img


def test_chart_img_says_what_the_chart_shows(ctx):
    r = ctx.ranking
    chart = weights_chart(r.weights, r.labels)
    html = chart_img(chart)
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt == description(chart)
    for cid, share in fmt_shares(r.weights).items():
        assert f"{r.labels[cid]} {share}" in alt  # the key numbers, as the table shows them
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1)).decode()
    assert svg.startswith("<svg")


def test_an_image_without_a_text_alternative_is_refused():
    with pytest.raises(ValueError):
        svg_img("<svg/>", "")
    assert 'alt="A &amp; B"' in svg_img("<svg/>", "A & B")


def test_every_section_has_alt_text_and_no_breakable_euro(ctx):
    parts = [overview.cover(ctx), overview.criteria_section(ctx), overview.ranking_section(ctx),
             overview.value_cost_section(ctx), funding.portfolio_section(ctx),
             funding.roadmap_section(ctx), funding.not_selected_section(ctx),
             evidence.robustness_section(ctx), evidence.appendix(ctx)]  # fmt: skip
    html = "".join(parts)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 6
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img).group(1)
        assert len(alt) > 40 and re.search(r"\d", alt), alt  # a sentence with numbers
    assert "€" in html and not re.search(r"€[ \t\n]", html)  # always € + no-break space
    assert "€\u00a0" in html


def test_shares_in_the_report_add_up_to_100(ctx):
    """Criteria table and the cover's weights: rounded so that they add up to 100 %."""
    import dataclasses

    from prioritisation.engine.scoring import rank

    # 2/7 each (28,57 %) and 1/7 (14,29 %): rounded one by one they would show 29 + 29 + 29 + 14
    sevenths = rank(ctx.wb, weights="innovation=2,desirability=2,viability=2,feasibility=1",
                    lang="nl")  # fmt: skip
    ctx = dataclasses.replace(ctx, ranking=sevenths)
    cells = re.findall(r'<td class="num">(\d+) %</td>', overview.criteria_section(ctx))
    assert sorted(cells, key=int) == ["14", "28", "29", "29"]
    words = overview.weights_text(ctx)
    assert sum(int(p) for p in re.findall(r"(\d+) %", words)) == 100
