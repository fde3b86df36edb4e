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
