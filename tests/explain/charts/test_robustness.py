"""Robustness charts render offline to SVG with the labels of the data."""

from __future__ import annotations

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.sensitivity import robustness
from prioritisation.explain.charts import to_svg
from prioritisation.explain.charts.robustness import (
    acceptability_chart,
    member_ranks_chart,
    stability_chart,
)


def test_robustness_charts_render(sample_path):
    wb = read_workbook(sample_path)
    result = robustness(wb, samples=500, seed=1, lang="en")
    svg = to_svg(acceptability_chart(result.smaa, top=5))
    assert "<svg" in svg and "ELOKET" in svg
    svg = to_svg(stability_chart(result.stability))
    assert "Innovatiewaarde" in svg or "Innovation value" in svg
    chart = member_ranks_chart(result.consensus, wb.ideas["title"], top=5)
    assert "Fien" in to_svg(chart)


def test_robustness_charts_say_what_they_show(sample_path):
    from prioritisation.core.i18n import fmt_shares, set_language
    from prioritisation.explain.charts import description

    wb = read_workbook(sample_path)
    set_language("nl")
    try:
        result = robustness(wb, samples=300, seed=1, lang="nl")
        st = result.stability
        text = description(stability_chart(st))
        now = fmt_shares(st.table["weight"])
        assert st.winner in text
        for cid in st.table.index:
            assert f"{result.labels[cid]} " in text and f"(nu {now[cid]})" in text
        acc = result.smaa.acceptability.head(5)
        text = description(acceptability_chart(result.smaa, top=5))
        assert f"{acc[1].idxmax()} staat het vaakst eerst" in text and "300 trekkingen" in text
        co = result.consensus
        text = description(member_ranks_chart(co, wb.ideas["title"], top=5))
        most = co.changes.iloc[0]
        assert co.changes.index[0] in text
        assert f"van rang {int(most['min_rank'])} tot {int(most['max_rank'])}" in text
    finally:
        set_language(None)
