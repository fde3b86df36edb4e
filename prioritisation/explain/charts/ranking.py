"""Charts of a ranking: criterion contributions, value versus cost, weights."""

from __future__ import annotations

import altair as alt
import pandas as pd

from prioritisation.core.i18n import tr
from prioritisation.engine.scoring import Ranking
from prioritisation.explain.charts import configure


def _idea_label(ranking: Ranking, limit: int = 48) -> pd.Series:
    t = ranking.table
    titles = t["title"].map(lambda s: s if len(s) <= limit else s[: limit - 1] + "…")
    return t.index.to_series() + " · " + titles


def contributions_chart(ranking: Ranking, top: int | None = None, width: int = 420) -> alt.Chart:
    """Stacked horizontal bars: each idea's score split into its criterion contributions."""
    if ranking.contributions.empty:
        return score_chart(ranking, top, width)
    table = ranking.table if top is None else ranking.table.head(top)
    labels = _idea_label(ranking).loc[table.index]
    long = (
        ranking.contributions.loc[table.index]
        .reset_index(names="id")
        .melt(id_vars="id", var_name="criterion", value_name="value")
    )
    long["idea"] = long["id"].map(labels)
    long["criterion_label"] = long["criterion"].map(ranking.labels)
    long["order"] = long["criterion"].map(
        {c: i for i, c in enumerate(ranking.contributions.columns)}
    )
    order = [ranking.labels[c] for c in ranking.contributions.columns]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("idea:N", sort=list(labels), title=None),
            x=alt.X("sum(value):Q", title=tr("chart.contribution"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("criterion_label:N", sort=order, title=tr("chart.criterion"),
                            legend=alt.Legend(orient="bottom", columns=2)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("idea:N", title=tr("chart.idea")),
                     alt.Tooltip("criterion_label:N", title=tr("chart.criterion")),
                     alt.Tooltip("value:Q", format=".3f", title=tr("chart.contribution"))],
        )
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    return configure(chart)


def score_chart(ranking: Ranking, top: int | None = None, width: int = 420) -> alt.Chart:
    """Plain score bars, for methods whose score does not split into contributions."""
    table = ranking.table if top is None else ranking.table.head(top)
    data = pd.DataFrame({"idea": _idea_label(ranking).loc[table.index], "score": table["score"]})
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(y=alt.Y("idea:N", sort=list(data["idea"]), title=None),
                x=alt.X("score:Q", title=tr("chart.score")))
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    return configure(chart)


def value_cost_chart(ranking: Ranking, width: int = 460, height: int = 320) -> alt.Chart:
    """Value (score) against cost, one bubble per idea, coloured by theme."""
    t = ranking.table
    data = pd.DataFrame(
        {"id": t.index, "title": t["title"], "theme": t["theme"], "cost": t["cost"], "score": t["score"],
         "eligible": t["eligible"].map({True: tr("chart.eligible"), False: "—"})}
    ).dropna(subset=["cost", "score"])  # fmt: skip
    base = alt.Chart(data).encode(
        x=alt.X("cost:Q", title=tr("chart.cost"), axis=alt.Axis(format="~s")),
        y=alt.Y("score:Q", title=tr("chart.score")),
    )
    points = base.mark_circle(size=140, opacity=0.8).encode(
        color=alt.Color("theme:N", title=tr("chart.theme"), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["id:N", "title:N", "theme:N", alt.Tooltip("cost:Q", format=",.0f"),
                 alt.Tooltip("score:Q", format=".3f")],
    )  # fmt: skip
    text = base.mark_text(align="left", dx=7, fontSize=9).encode(text="id:N")
    return configure((points + text).properties(width=width, height=height))


def weights_chart(weights: pd.Series, labels: dict[str, str], width: int = 360) -> alt.Chart:
    """The weights in force as horizontal bars (shares in %)."""
    data = pd.DataFrame(
        {"criterion": [labels.get(c, c) for c in weights.index], "weight": weights.to_numpy()}
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(y=alt.Y("criterion:N", sort=None, title=None),
                x=alt.X("weight:Q", title=tr("chart.weight"), axis=alt.Axis(format="%")),
                tooltip=["criterion:N", alt.Tooltip("weight:Q", format=".0%")])
        .properties(width=width, height=alt.Step(22))
    )  # fmt: skip
    return configure(chart)
