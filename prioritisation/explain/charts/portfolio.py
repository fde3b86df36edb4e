"""Charts of funding decisions: the budget frontier, P(funded) and the roadmap (Gantt).

Each chart says what it shows in one sentence with its key numbers (its description):

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.roadmap.plan import plan_roadmap
>>> from prioritisation.explain.charts import description
>>> print(description(gantt_chart(plan_roadmap(read_workbook(sample_path()), lang="en"))))
Timeline of the 11 funded ideas from 2027 to 2029, with each year's spend against its budget: 2027: €670,000 of €700,000; ...
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from prioritisation.core.i18n import fmt_money, fmt_number, tr
from prioritisation.explain.charts import PERCENT, SCORE, configure, money_axis, percent_axis

VERDICT_COLOURS = {
    "always": "#1a9850", "usually": "#91cf60", "toss": "#fdae61", "sometimes": "#f46d43",
    "rarely": "#d73027", "never": "#bdbdbd",
}  # fmt: skip


def frontier_text(frontier) -> str:
    """What a budget frontier chart shows, in one sentence: the budget range, the total
    score and number of ideas at its top, and where the current budget lies.

    (The levels step past the current budget: what it funds is the report's table, not a
    level of this chart.)
    """
    lang, cur = frontier.lang, frontier.currency
    pts = frontier.points.dropna(subset=["value"])
    if pts.empty:
        return tr("chart.alt_frontier_none", lang)
    budgets = frontier.points["budget"]
    top = pts.iloc[-1]
    numbers = {"low": fmt_money(budgets.min(), cur, lang), "high": fmt_money(top["budget"], cur, lang),
               "value": fmt_number(top["value"], 3, lang), "n": int(top["count"])}  # fmt: skip
    if frontier.budget == frontier.budget and frontier.budget:
        return tr(
            "chart.alt_frontier", lang, budget=fmt_money(frontier.budget, cur, lang), **numbers
        )
    return tr("chart.alt_frontier_top", lang, **numbers)


def frontier_chart(frontier, width: int = 560, height: int = 260):
    """Best total score per budget level (a step line, the current budget dashed) above a
    strip per idea showing the budget levels at which it is funded: where each idea enters
    (and, in a knapsack, where a bigger project pushes it out again)."""
    lang = frontier.lang
    pts = frontier.points.dropna(subset=["value"]).copy()
    pts["budget_text"] = [fmt_money(b, frontier.currency, lang) for b in pts["budget"]]
    pts["entering_text"] = [", ".join(e) for e in pts["entering"]]
    pts["leaving_text"] = [", ".join(e) for e in pts["leaving"]]
    data = pts[["budget", "value", "count", "budget_text", "entering_text", "leaving_text"]]
    top = float(frontier.points["budget"].max()) or 1.0
    scale = alt.Scale(domain=[0, top], nice=False)
    x_top = alt.X("budget:Q", title=None, scale=scale, axis=money_axis(tickCount=6))
    base = alt.Chart(data).encode(x=x_top, y=alt.Y("value:Q", title=tr("chart.value", lang)))
    line = base.mark_line(interpolate="step-after", strokeWidth=2)
    points = base.mark_circle(size=30).encode(
        tooltip=[alt.Tooltip("budget_text:N", title=tr("chart.budget", lang)),
                 alt.Tooltip("value:Q", format=SCORE, title=tr("chart.value", lang)),
                 alt.Tooltip("count:Q", title=tr("chart.ideas_funded", lang)),
                 alt.Tooltip("entering_text:N", title=tr("chart.enters", lang)),
                 alt.Tooltip("leaving_text:N", title=tr("chart.leaves", lang))]
    )  # fmt: skip
    layers = [line, points]
    rule_data = None
    if frontier.budget == frontier.budget and frontier.budget:
        text = (
            tr("chart.current_budget", lang)
            + " "
            + fmt_money(frontier.budget, frontier.currency, lang)
        )
        rule_data = pd.DataFrame({"budget": [frontier.budget], "text": [text]})
        rule = (
            alt.Chart(rule_data)
            .mark_rule(strokeDash=[5, 4], color="#555")
            .encode(x=alt.X("budget:Q", scale=scale))
        )
        label = (
            alt.Chart(rule_data)
            .mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=10, color="#555")
            .encode(x=alt.X("budget:Q", scale=scale), y=alt.value(0), text="text:N")
        )
        layers += [rule, label]
    upper = alt.layer(*layers).properties(width=width, height=height)
    # the strip: one cell per (level, idea) where the level's optimum funds the idea
    step = top / max(len(frontier.points) - 1, 1)
    entries = frontier.entries.dropna(subset=["enters_at"]).sort_values(
        ["enters_at"], kind="stable"
    )
    names = [
        f"{i} · {t if len(t) <= 30 else t[:29] + '…'}"
        for i, t in zip(entries.index, entries["title"], strict=True)
    ]
    name_of = dict(zip(entries.index, names, strict=True))
    cells = [
        {"idea": name_of[i], "budget": b, "stop": min(b + step, top), "theme": frontier.entries.loc[i, "theme"],
         "budget_text": fmt_money(b, frontier.currency, lang)}
        for b, chosen in zip(frontier.points["budget"], frontier.points["selected"], strict=True)
        for i in chosen if i in name_of
    ]  # fmt: skip
    strip = (
        alt.Chart(pd.DataFrame(cells, columns=["idea", "budget", "stop", "theme", "budget_text"]))
        .mark_rect()
        .encode(
            x=alt.X("budget:Q", scale=scale, title=tr("chart.budget", lang), axis=money_axis(tickCount=6)),
            x2="stop:Q",
            y=alt.Y("idea:N", sort=names, title=None),
            color=alt.Color("theme:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=["idea:N", alt.Tooltip("budget_text:N", title=tr("chart.budget", lang))],
        )
        .properties(width=width, height=alt.Step(13))
    )  # fmt: skip
    if rule_data is not None:
        strip = strip + alt.Chart(rule_data).mark_rule(strokeDash=[5, 4], color="#555").encode(
            x=alt.X("budget:Q", scale=scale)
        )
    chart = alt.vconcat(upper, strip, spacing=34, bounds="flush")
    return configure(chart, frontier_text(frontier), lang)


def funding_chart(probability, width: int = 360, lang: str | None = None):
    """P(funded) per idea as horizontal bars, coloured by verdict (always … never)."""
    t = probability.table
    labels = (
        t.index.to_series() + " · " + t["title"].map(lambda s: s if len(s) <= 40 else s[:39] + "…")
    )
    data = pd.DataFrame(
        {"idea": labels.to_numpy(), "p": t["p_funded"].to_numpy(), "verdict": t["verdict"].to_numpy(),
         "kind": t["verdict_kind"].to_numpy()}
    )  # fmt: skip
    kinds = [k for k in VERDICT_COLOURS if k in set(data["kind"])]
    names = [data.loc[data["kind"] == k, "verdict"].iloc[0] for k in kinds]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("idea:N", sort=list(data["idea"]), title=None),
            x=alt.X("p:Q", title=tr("chart.p_funded", lang), scale=alt.Scale(domain=[0, 1]),
                    axis=percent_axis()),
            color=alt.Color("verdict:N", title=tr("chart.verdict", lang),
                            scale=alt.Scale(domain=names, range=[VERDICT_COLOURS[k] for k in kinds]),
                            legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=["idea:N", alt.Tooltip("p:Q", format=PERCENT), "verdict:N"],
        )
        .properties(width=width, height=alt.Step(16))
    )  # fmt: skip
    kind = t["verdict_kind"]
    text = tr("chart.alt_funding", lang, n=len(t), samples=fmt_number(probability.samples, 0, lang),
              always=int((kind == "always").sum()), never=int((kind == "never").sum()),
              between=int((~kind.isin(["always", "never"])).sum()))  # fmt: skip
    return configure(chart, text, lang)


def gantt_chart(roadmap, width: int = 520):
    """The roadmap as a Gantt chart (one bar per funded idea, coloured by theme) above the
    spend per year against each year's budget."""
    lang = roadmap.lang
    t = roadmap.table[roadmap.table["funded"]].copy()
    t = t.sort_values(["start", "end"], kind="stable")
    years = list(roadmap.years.index)
    first, last = int(years[0]), int(years[-1]) + 1
    data = pd.DataFrame(
        {"idea": (t.index.to_series() + " · " + t["title"].map(lambda s: s if len(s) <= 36 else s[:35] + "…")).to_numpy(),
         "id": t.index.to_numpy(), "theme": t["theme"].to_numpy(),
         "start": t["start"].astype(int).to_numpy(), "stop": (t["end"].astype(int) + 1).to_numpy(),
         "per_year": [fmt_money(v, roadmap.currency, lang) for v in t["per_year"]]}
    )  # fmt: skip
    scale = alt.Scale(domain=[first, last], nice=False)
    # one label in the middle of each year's band: a bar from 2027 to 2028 is the year 2027
    axis = alt.Axis(values=[y + 0.5 for y in range(first, last)], labelExpr="floor(datum.value)",
                    grid=False, labelFlush=False)  # fmt: skip
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadius=2, height=12)
        .encode(
            y=alt.Y("idea:N", sort=list(data["idea"]), title=None),
            x=alt.X("start:Q", scale=scale, axis=axis, title=None),
            x2="stop:Q",
            color=alt.Color("theme:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=["idea:N", "theme:N", alt.Tooltip("start:Q", format="d"),
                     alt.Tooltip("per_year:N", title="/ " + tr("chart.year", lang))],
        )
        .properties(width=width, height=alt.Step(18))
    )  # fmt: skip
    spend = roadmap.years.reset_index()
    spend["budget_text"] = [fmt_money(v, roadmap.currency, lang) for v in spend["budget"]]
    spend["spend_text"] = [fmt_money(v, roadmap.currency, lang) for v in spend["spend"]]
    xs = alt.X("year:Q", scale=scale, axis=axis, title=tr("chart.year", lang))
    spend_bars = (
        alt.Chart(spend)
        .mark_bar(color="#4c78a8", opacity=0.8)
        .encode(x=xs, x2="stop:Q", y=alt.Y("spend:Q", title=tr("chart.spend", lang),
                                             axis=money_axis(tickCount=4), scale=alt.Scale(zero=True)),
                y2=alt.datum(0),
                tooltip=[alt.Tooltip("year:Q", format="d"),
                         alt.Tooltip("spend_text:N", title=tr("chart.spend", lang)),
                         alt.Tooltip("budget_text:N", title=tr("chart.budget", lang))])
        .transform_calculate(stop="datum.year + 0.92")
    )  # fmt: skip
    budget_ticks = (
        alt.Chart(spend)
        .mark_rule(color="#d62728", strokeWidth=2)
        .encode(x=xs, x2="stop:Q", y="budget:Q")
        .transform_calculate(stop="datum.year + 0.92")
    )
    budget_text = (
        alt.Chart(spend)
        .mark_text(align="center", dy=-6, fontSize=10, color="#d62728")
        .encode(x=alt.X("mid2:Q", scale=scale), y="budget:Q", text="budget_text:N")
        .transform_calculate(mid2="datum.year + 0.46")
    )
    lower = alt.layer(spend_bars, budget_ticks, budget_text).properties(width=width, height=140)
    chart = alt.vconcat(bars, lower, spacing=40, bounds="flush")
    return configure(chart, gantt_text(roadmap), lang)


def gantt_text(roadmap) -> str:
    """What the roadmap chart shows, in one sentence: how many funded ideas over which
    years, and each year's spend against its budget."""
    lang, cur = roadmap.lang, roadmap.currency
    years = "; ".join(
        tr("chart.alt_gantt_year", lang, year=int(y), spend=fmt_money(r["spend"], cur, lang),
           budget=fmt_money(r["budget"], cur, lang))
        for y, r in roadmap.years.iterrows()
    )  # fmt: skip
    return tr("chart.alt_gantt", lang, n=int(roadmap.table["funded"].sum()),
              first=int(roadmap.years.index[0]), last=int(roadmap.years.index[-1]), years=years)  # fmt: skip
