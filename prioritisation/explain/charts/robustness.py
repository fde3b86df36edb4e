"""Charts of robustness: rank acceptabilities (SMAA), weight stability, members' ranks.

Data → altair Chart, never displayed here (use :func:`prioritisation.explain.charts.to_svg`).
Each chart says what it shows in one sentence with its key numbers (its description).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from prioritisation.core.i18n import fmt_number, fmt_percent, fmt_shares, tr
from prioritisation.decisions.group import Consensus
from prioritisation.decisions.smaa import SMAAResult
from prioritisation.decisions.stability import Stability
from prioritisation.explain.charts import PERCENT, PERCENT_1, configure, percent_axis


def _labels(ids, titles, limit: int = 40) -> list[str]:
    return [
        f"{i} · {t if len(t) <= limit else t[: limit - 1] + '…'}"
        for i, t in zip(ids, titles, strict=True)
    ]


def acceptability_chart(
    result: SMAAResult, top: int = 15, bands: int = 3, width: int = 420, lang: str | None = None
) -> alt.Chart:
    """Stacked bars per idea: P(1st), P(2nd), …, P(``bands``th) and the rest (SMAA)."""
    acc = result.acceptability.head(top)
    ideas = _labels(acc.index, result.titles.loc[acc.index])
    rows = []
    for idea, (_, probs) in zip(ideas, acc.iterrows(), strict=True):
        for k in range(1, bands + 1):
            rows.append({"idea": idea, "band": str(k), "order": k,
                         "p": float(probs.get(k, 0.0))})  # fmt: skip
        rows.append({"idea": idea, "band": tr("chart.rank_rest", lang, k=bands + 1),
                     "order": bands + 1, "p": float(probs.iloc[bands:].sum())})  # fmt: skip
    data = pd.DataFrame(rows)
    order = [str(k) for k in range(1, bands + 1)] + [tr("chart.rank_rest", lang, k=bands + 1)]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("idea:N", sort=ideas, title=None),
            x=alt.X("sum(p):Q", title=tr("chart.probability", lang), axis=percent_axis(),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("band:N", sort=order, title=tr("chart.rank_band", lang),
                            scale=alt.Scale(scheme="blues", reverse=True),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=["idea:N", "band:N", alt.Tooltip("p:Q", format=PERCENT_1)],
        )
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    if len(acc):
        first = acc[1] if 1 in acc else acc.iloc[:, 0]  # P(first place) of the ideas shown
        best = first.idxmax()
        text = tr("chart.alt_acceptability", lang, n=len(acc), bands=bands,
                  samples=fmt_number(result.samples, 0, lang), idea=best,
                  p=fmt_percent(first.loc[best], 0, lang))  # fmt: skip
    else:
        text = tr("chart.alt_acceptability_none", lang)
    return configure(chart, text, lang)


def stability_chart(result: Stability, width: int = 420, lang: str | None = None) -> alt.Chart:
    """Per criterion the weight range in which the winner stays first (and the top set),
    with a tick at the weight now."""
    t = result.table
    label = [result.labels.get(c, c) for c in t.index]
    winner = tr("chart.winner_range", lang, winner=result.winner or "—")
    top = tr("chart.top_range", lang, k=result.top_k)
    data = pd.concat([
        pd.DataFrame({"criterion": label, "what": winner, "low": t["low"].to_numpy(), "high": t["high"].to_numpy()}),
        pd.DataFrame({"criterion": label, "what": top, "low": t["top_low"].to_numpy(), "high": t["top_high"].to_numpy()}),
    ])  # fmt: skip
    now = pd.DataFrame({"criterion": label, "weight": t["weight"].to_numpy()})
    bars = alt.Chart(data).mark_bar(height=8).encode(
        y=alt.Y("criterion:N", sort=label, title=None),
        yOffset=alt.YOffset("what:N", sort=[winner, top]),
        x=alt.X("low:Q", title=tr("chart.weight_share", lang), axis=percent_axis(),
                scale=alt.Scale(domain=[0, 1])),
        x2="high:Q",
        color=alt.Color("what:N", sort=[winner, top], title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["criterion:N", "what:N", alt.Tooltip("low:Q", format=PERCENT),
                 alt.Tooltip("high:Q", format=PERCENT)],
    )  # fmt: skip
    ticks = alt.Chart(now).mark_tick(color="black", thickness=2, size=22).encode(
        y=alt.Y("criterion:N", sort=label), x="weight:Q",
        tooltip=["criterion:N", alt.Tooltip("weight:Q", format=PERCENT, title=tr("chart.now", lang))],
    )  # fmt: skip
    chart = (bars + ticks).properties(width=width, height=alt.Step(28))
    return configure(chart, stability_text(result, lang), lang)


def stability_text(result: Stability, lang: str | None = None) -> str:
    """What the stability chart shows, in one sentence: per criterion the range of its
    weight in which the winner stays first, and its weight now."""
    if result.winner is None:
        return tr("chart.alt_stability_none", lang)
    now = fmt_shares(result.table["weight"].to_dict(), 0, lang)  # adding up to 100 %
    ranges = "; ".join(
        tr("chart.alt_stability_range", lang, criterion=result.labels.get(c, c),
           low=fmt_percent(r["low"], 0, lang), high=fmt_percent(r["high"], 0, lang),
           now=now[c])
        for c, r in result.table.iterrows()
    )  # fmt: skip
    return tr("chart.alt_stability", lang, winner=result.winner, ranges=ranges)


def member_ranks_chart(
    result: Consensus, titles: pd.Series, top: int = 12, width: int = 420, lang: str | None = None
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
        x=alt.X("rank:Q", title=tr("chart.member_rank", lang), scale=alt.Scale(reverse=True, zero=False)),
        color=alt.Color("member:N", title=tr("chart.member", lang), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["idea:N", "member:N", "rank:Q"],
    )  # fmt: skip
    ticks = alt.Chart(group).mark_tick(color="black", thickness=2).encode(
        y=alt.Y("idea:N", sort=order), x="rank:Q",
        tooltip=["idea:N", alt.Tooltip("rank:Q", title=tr("chart.group_rank", lang))],
    )  # fmt: skip
    chart = (dots + ticks).properties(width=width, height=alt.Step(18))
    if ids:
        most = result.changes.loc[ids[0]]
        text = tr("chart.alt_member_ranks", lang, members=result.member_ranks.shape[1], n=len(ids),
                  idea=ids[0], low=fmt_number(most["min_rank"], 0, lang),
                  high=fmt_number(most["max_rank"], 0, lang))  # fmt: skip
    else:
        text = tr("chart.alt_member_ranks_none", lang)
    return configure(chart, text, lang)
