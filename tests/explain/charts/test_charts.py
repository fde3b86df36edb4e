"""The charts' shared set-up (explain/charts/__init__.py): the language's number format in the
spec, amounts written in full, a description for every chart."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from prioritisation.explain.charts import (
    MONEY,
    configure,
    description,
    money_axis,
    number_locale,
    percent_axis,
    to_svg,
)


def texts(svg: str) -> list[str]:
    """The words drawn in an SVG (axis labels, titles)."""
    return [t.replace("\u00a0", " ") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def suffixed(svg: str) -> list[str]:
    """Numbers written with an SI suffix (1.5M, 500k): what a member should never read."""
    return [t for t in texts(svg) if re.search(r"\d\s?[kMG]\b", t)]


def money_chart(lang: str):
    data = pd.DataFrame({"budget": [0, 1_500_000, 3_000_000], "share": [0.05, 0.5, 1.0]})
    chart = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("budget:Q", axis=money_axis(tickCount=4)),
            y=alt.Y("share:Q", axis=percent_axis()),
            tooltip=[alt.Tooltip("budget:Q", format=MONEY)],
        )
    )
    return configure(chart, "Een lijn.", lang)


def test_money_axis_writes_amounts_in_full_the_dutch_way():
    svg = to_svg(money_chart("nl"))
    shown = texts(svg)
    assert "€ 1.000.000" in shown and "€ 3.000.000" in shown
    assert "50 %" in shown and "100 %" in shown
    assert not suffixed(svg)


def test_money_axis_in_english():
    shown = texts(to_svg(money_chart("en")))
    assert "€1,000,000" in shown and "50%" in shown


def test_the_locale_travels_in_the_spec():
    """Drawn anywhere (a notebook, the Vega editor), the chart keeps its number format."""
    spec = money_chart("nl").to_dict()
    assert spec["config"]["locale"]["number"] == number_locale("nl")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["description"] == "Een lijn."


def test_a_chart_without_a_description_has_no_text_alternative():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    with pytest.raises(ValueError):
        description(chart)
    with pytest.raises(ValueError):
        description(configure(chart, "  ", "nl"))
