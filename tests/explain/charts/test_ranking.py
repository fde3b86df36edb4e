"""Charts of a ranking: each says what it shows, with the ranking's own numbers."""

from __future__ import annotations

from prioritisation.core.i18n import fmt_money, fmt_number, fmt_shares
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import rank
from prioritisation.explain.charts import description, to_svg
from prioritisation.explain.charts.ranking import (
    contributions_chart,
    score_chart,
    value_cost_chart,
    weights_chart,
)

from .test_charts import suffixed, texts


def test_ranking_charts_describe_themselves(sample_path):
    r = rank(read_workbook(sample_path), lang="nl")
    t = r.table
    best, worst = t["score"].idxmax(), t["score"].idxmin()
    for chart in (contributions_chart(r, lang="nl"), score_chart(r, lang="nl")):
        text = description(chart)
        assert f"{len(t)} ideeën" in text
        assert f"{fmt_number(t.loc[best, 'score'], 3, 'nl')} ({best})" in text
        assert f"{fmt_number(t.loc[worst, 'score'], 3, 'nl')} ({worst})" in text
    text = description(value_cost_chart(r, lang="nl"))
    assert (
        fmt_money(t["cost"].min(), lang="nl") in text
        and fmt_money(t["cost"].max(), lang="nl") in text
    )
    assert f"{int(t['eligible'].sum())} ervan komen in aanmerking" in text


def test_weights_chart_shows_shares_that_add_up_to_100(sample_path):
    wb = read_workbook(sample_path)
    # 2/7 each and 1/7: rounded one by one 29 + 29 + 29 + 14 = 101
    r = rank(wb, weights="innovation=2,desirability=2,viability=2,feasibility=1", lang="en")
    shares = fmt_shares(r.weights, lang="en")
    assert sum(int(s.rstrip("%")) for s in shares.values()) == 100
    chart = weights_chart(r.weights, r.labels, lang="en")
    text = description(chart)
    for cid, share in shares.items():
        assert f"{r.labels[cid]} {share}" in text
    assert chart.to_dict()["datasets"] and all(
        row["share"] == shares[cid] for row, cid in zip(
            next(iter(chart.to_dict()["datasets"].values())), r.weights.index, strict=True)
    )  # the tooltips show the same rounded shares  # fmt: skip
    svg = to_svg(chart)
    assert "20%" in texts(svg) and not suffixed(svg)
