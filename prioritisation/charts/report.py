"""Charts made for the printed report (static SVG): value versus cost on a log scale.

Rendered with :func:`report_svg`, which formats numbers the Dutch or English way
(``€ 100.000`` / ``€100,000``) and allows no network access.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..i18n import get_language, register, tr
from ..scoring import Ranking
from . import configure

register(
    {
        "nl": {"chart.cost_eur": "Kost (euro, logaritmische schaal)"},
        "en": {"chart.cost_eur": "Cost (euro, logarithmic scale)"},
    }
)

FORMAT_LOCALES = {"nl": "nl-NL", "en": "en-GB"}


def report_svg(chart, lang: str | None = None) -> str:
    """The chart as SVG, with the language's number format and no network access."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(
        chart.to_dict(),
        format_locale=FORMAT_LOCALES[get_language(lang)],
        allowed_base_urls=[],
    )


def value_cost_bubbles(ranking: Ranking, width: int = 520, height: int = 380) -> alt.Chart:
    """Score against cost (log scale, so cheap ideas do not pile up), coloured by theme.

    Ideas that are not eligible are drawn hollow. Labels are the ideas' ids.
    """
    t = ranking.table
    data = pd.DataFrame(
        {"id": t.index, "theme": t["theme"], "cost": t["cost"], "score": t["score"],
         "eligible": t["eligible"].astype(bool)}
    ).dropna(subset=["cost", "score"])  # fmt: skip
    data = data[data["cost"] > 0]
    if data.empty:
        return configure(alt.Chart(data).mark_point().properties(width=width, height=height))
    low, high = float(data["cost"].min()), float(data["cost"].max())
    domain = [low / 1.25, high * 1.25]
    base = alt.Chart(data).encode(
        x=alt.X("cost:Q", title=tr("chart.cost_eur"),
                scale=alt.Scale(type="log", domain=domain, nice=False),
                axis=alt.Axis(format="$,.0f", tickCount=6, grid=True)),
        y=alt.Y("score:Q", title=tr("chart.score"), scale=alt.Scale(zero=False, padding=12)),
    )  # fmt: skip
    theme = alt.Color("theme:N", title=tr("chart.theme"),
                      legend=alt.Legend(orient="bottom", columns=2))  # fmt: skip
    filled = base.transform_filter("datum.eligible").mark_circle(size=110, opacity=0.85)
    hollow = base.transform_filter("!datum.eligible").mark_point(size=110, strokeWidth=1.8)
    text = base.mark_text(align="left", dx=7, dy=-6, fontSize=8, color="#333").encode(text="id:N")
    layers = (filled.encode(color=theme) + hollow.encode(color=theme) + text).properties(
        width=width, height=height
    )
    return configure(layers)
