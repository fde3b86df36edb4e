"""Charts of robustness: rank acceptabilities (SMAA), weight stability, members' ranks.

Data → altair Chart, never displayed here (use :func:`prioritisation.explain.charts.to_svg`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from prioritisation.core.i18n import tr
from prioritisation.decisions.group import Consensus
from prioritisation.decisions.smaa import SMAAResult
from prioritisation.decisions.stability import Stability
from prioritisation.explain.charts import configure


def _labels(ids, titles, limit: int = 40) -> list[str]:
    return [
        f"{i} · {t if len(t) <= limit else t[: limit - 1] + '…'}"
        for i, t in zip(ids, titles, strict=True)
    ]


def acceptability_chart(
    result: SMAAResult, top: int = 15, bands: int = 3, width: int = 420
) -> alt.Chart:
    """Stacked bars per idea: P(1st), P(2nd), …, P(``bands``th) and the rest (SMAA)."""
    acc = result.acceptability.head(top)
    ideas = _labels(acc.index, result.titles.loc[acc.index])
    rows = []
    for idea, (_, probs) in zip(ideas, acc.iterrows(), strict=True):
        for k in range(1, bands + 1):
            rows.append({"idea": idea, "band": str(k), "order": k,
                         "p": float(probs.get(k, 0.0))})  # fmt: skip
        rows.append({"idea": idea, "band": tr("chart.rank_rest", None, k=bands + 1),
                     "order": bands + 1, "p": float(probs.iloc[bands:].sum())})  # fmt: skip
    data = pd.DataFrame(rows)
    order = [str(k) for k in range(1, bands + 1)] + [tr("chart.rank_rest", None, k=bands + 1)]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("idea:N", sort=ideas, title=None),
            x=alt.X("sum(p):Q", title=tr("chart.probability"), axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("band:N", sort=order, title=tr("chart.rank_band"),
                            scale=alt.Scale(scheme="blues", reverse=True),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=["idea:N", "band:N", alt.Tooltip("p:Q", format=".1%")],
        )
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    return configure(chart)


def stability_chart(result: Stability, width: int = 420) -> alt.Chart:
    """Per criterion the weight range in which the winner stays first (and the top set),
    with a tick at the weight now."""
    t = result.table
    label = [result.labels.get(c, c) for c in t.index]
    winner = tr("chart.winner_range", None, winner=result.winner or "—")
    top = tr("chart.top_range", None, k=result.top_k)
    data = pd.concat([
        pd.DataFrame({"criterion": label, "what": winner, "low": t["low"].to_numpy(), "high": t["high"].to_numpy()}),
        pd.DataFrame({"criterion": label, "what": top, "low": t["top_low"].to_numpy(), "high": t["top_high"].to_numpy()}),
    ])  # fmt: skip
    now = pd.DataFrame({"criterion": label, "weight": t["weight"].to_numpy()})
    bars = alt.Chart(data).mark_bar(height=8).encode(
        y=alt.Y("criterion:N", sort=label, title=None),
        yOffset=alt.YOffset("what:N", sort=[winner, top]),
        x=alt.X("low:Q", title=tr("chart.weight_share"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        x2="high:Q",
        color=alt.Color("what:N", sort=[winner, top], title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["criterion:N", "what:N", alt.Tooltip("low:Q", format=".0%"),
                 alt.Tooltip("high:Q", format=".0%")],
    )  # fmt: skip
    ticks = alt.Chart(now).mark_tick(color="black", thickness=2, size=22).encode(
        y=alt.Y("criterion:N", sort=label), x="weight:Q",
        tooltip=["criterion:N", alt.Tooltip("weight:Q", format=".0%", title=tr("chart.now"))],
    )  # fmt: skip
    return configure((bars + ticks).properties(width=width, height=alt.Step(28)))


def member_ranks_chart(
    result: Consensus, titles: pd.Series, top: int = 12, width: int = 420
) -> alt.Chart:
    """The ideas whose rank differs most between members: each member's rank as a dot, the
    group's rank as a black tick."""
    ids = list(result.changes.head(top).index)
    ideas = dict(zip(ids, _labels(ids, titles.reindex(ids).fillna("")), strict=True))
    long = result.member_ranks.loc[ids].reset_index(names="id").melt(
        id_vars="id", var_name="member", value_name="rank")  # fmt: skip
    long["idea"] = long["id"].map(ideas)
    group = pd.DataFrame(
        {"idea": [ideas[i] for i in ids], "rank": result.group_rank.loc[ids].to_numpy()}
    )
    order = [ideas[i] for i in ids]
    dots = alt.Chart(long).mark_circle(size=70, opacity=0.8).encode(
        y=alt.Y("idea:N", sort=order, title=None),
        x=alt.X("rank:Q", title=tr("chart.member_rank"), scale=alt.Scale(reverse=True, zero=False)),
        color=alt.Color("member:N", title=tr("chart.member"), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["idea:N", "member:N", "rank:Q"],
    )  # fmt: skip
    ticks = alt.Chart(group).mark_tick(color="black", thickness=2).encode(
        y=alt.Y("idea:N", sort=order), x="rank:Q",
        tooltip=["idea:N", alt.Tooltip("rank:Q", title=tr("chart.group_rank"))],
    )  # fmt: skip
    return configure((dots + ticks).properties(width=width, height=alt.Step(18)))
