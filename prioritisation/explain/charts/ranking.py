"""Charts of a ranking: criterion contributions, value versus cost, weights.

Each chart says what it shows in one sentence with its key numbers (its description):

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.engine.scoring import rank
>>> from prioritisation.explain.charts import description
>>> r = rank(read_workbook(sample_path()), lang="en")
>>> description(weights_chart(r.weights, r.labels, lang="en"))
'Bar chart of the weight of each criterion: Innovation value 30%, ...'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from prioritisation.core.i18n import fmt_money, fmt_number, fmt_shares, tr
from prioritisation.engine.scoring import Ranking
from prioritisation.explain.charts import MONEY, SCORE, configure, money_axis, percent_axis


def _idea_label(ranking: Ranking, limit: int = 48) -> pd.Series:
    t = ranking.table
    titles = t["title"].map(lambda s: s if len(s) <= limit else s[: limit - 1] + "…")
    return t.index.to_series() + " · " + titles


def _scores_text(table: pd.DataFrame, lang: str | None) -> dict:
    """The numbers of a sentence about scores: how many, the highest and the lowest."""
    scored = table.dropna(subset=["score"])
    if scored.empty:
        return {"n": 0, "top": "—", "top_score": "—", "low": "—", "low_score": "—"}
    top, low = scored["score"].idxmax(), scored["score"].idxmin()
    return {"n": len(table), "top": top, "top_score": fmt_number(scored.loc[top, "score"], 3, lang),
            "low": low, "low_score": fmt_number(scored.loc[low, "score"], 3, lang)}  # fmt: skip


def contributions_chart(
    ranking: Ranking, top: int | None = None, width: int = 420, lang: str | None = None
) -> alt.Chart:
    """Stacked horizontal bars: each idea's score split into its criterion contributions."""
    if ranking.contributions.empty:
        return score_chart(ranking, top, width, lang)
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
            x=alt.X("sum(value):Q", title=tr("chart.contribution", lang), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("criterion_label:N", sort=order, title=tr("chart.criterion", lang),
                            legend=alt.Legend(orient="bottom", columns=2)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("idea:N", title=tr("chart.idea", lang)),
                     alt.Tooltip("criterion_label:N", title=tr("chart.criterion", lang)),
                     alt.Tooltip("value:Q", format=SCORE, title=tr("chart.contribution", lang))],
        )
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    text = tr("chart.alt_contributions", lang, **_scores_text(table, lang))
    return configure(chart, text, lang)


def score_chart(
    ranking: Ranking, top: int | None = None, width: int = 420, lang: str | None = None
) -> alt.Chart:
    """Plain score bars, for methods whose score does not split into contributions."""
    table = ranking.table if top is None else ranking.table.head(top)
    data = pd.DataFrame({"idea": _idea_label(ranking).loc[table.index], "score": table["score"]})
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(y=alt.Y("idea:N", sort=list(data["idea"]), title=None),
                x=alt.X("score:Q", title=tr("chart.score", lang)),
                tooltip=["idea:N", alt.Tooltip("score:Q", format=SCORE)])
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    return configure(chart, tr("chart.alt_scores", lang, **_scores_text(table, lang)), lang)


def value_cost_text(table: pd.DataFrame, currency: str = "EUR", lang: str | None = None) -> str:
    """What a value-against-cost chart of ``table`` shows, with its ranges, in one sentence."""
    data = table.dropna(subset=["cost", "score"])
    if data.empty:
        return tr("chart.alt_value_cost_none", lang)
    return tr("chart.alt_value_cost", lang, n=len(data),
              low_cost=fmt_money(data["cost"].min(), currency, lang),
              high_cost=fmt_money(data["cost"].max(), currency, lang),
              low_score=fmt_number(data["score"].min(), 3, lang),
              high_score=fmt_number(data["score"].max(), 3, lang),
              eligible=int(data["eligible"].astype(bool).sum()))  # fmt: skip


def value_cost_chart(
    ranking: Ranking, width: int = 460, height: int = 320, lang: str | None = None
) -> alt.Chart:
    """Value (score) against cost, one bubble per idea, coloured by theme."""
    t = ranking.table
    data = pd.DataFrame(
        {"id": t.index, "title": t["title"], "theme": t["theme"], "cost": t["cost"], "score": t["score"],
         "eligible": t["eligible"].map({True: tr("chart.eligible", lang), False: "—"})}
    ).dropna(subset=["cost", "score"])  # fmt: skip
    base = alt.Chart(data).encode(
        x=alt.X("cost:Q", title=tr("chart.cost", lang), axis=money_axis()),
        y=alt.Y("score:Q", title=tr("chart.score", lang)),
    )
    points = base.mark_circle(size=140, opacity=0.8).encode(
        color=alt.Color("theme:N", title=tr("chart.theme", lang), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["id:N", "title:N", "theme:N", alt.Tooltip("cost:Q", format=MONEY),
                 alt.Tooltip("score:Q", format=SCORE)],
    )  # fmt: skip
    text = base.mark_text(align="left", dx=7, fontSize=9).encode(text="id:N")
    return configure(
        (points + text).properties(width=width, height=height), value_cost_text(t, lang=lang), lang
    )


def weights_chart(
    weights: pd.Series, labels: dict[str, str], width: int = 360, lang: str | None = None
) -> alt.Chart:
    """The weights in force as horizontal bars (shares in %); the tooltips and the
    description show the shares rounded so that they add up to 100 %."""
    shares = fmt_shares(weights.to_dict(), 0, lang)
    data = pd.DataFrame(
        {"criterion": [labels.get(c, c) for c in weights.index], "weight": weights.to_numpy(),
         "share": [shares[c] for c in weights.index]}
    )  # fmt: skip
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(y=alt.Y("criterion:N", sort=None, title=None),
                x=alt.X("weight:Q", title=tr("chart.weight", lang), axis=percent_axis(tickCount=4)),
                tooltip=["criterion:N", alt.Tooltip("share:N", title=tr("chart.weight", lang))])
        .properties(width=width, height=alt.Step(22))
    )  # fmt: skip
    listed = ", ".join(f"{labels.get(c, c)} {shares[c]}" for c in weights.index)
    return configure(chart, tr("chart.alt_weights", lang, weights=listed), lang)
