"""Charts made for the printed report (static SVG): value versus cost on a log scale and
the budget frontier, with money axes in euro written in full (``€ 100.000`` / ``€100,000``).

Rendered with :func:`report_svg`, which shortens idea labels and allows no network access.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from prioritisation.core.i18n import tr
from prioritisation.engine.scoring import Ranking
from prioritisation.explain.charts import configure, money_axis, render_svg
from prioritisation.explain.charts.portfolio import frontier_text
from prioritisation.explain.charts.ranking import value_cost_text

LABEL_LIMIT = 26  # characters of an "ID · title" label drawn in a printed chart


def report_svg(chart, label_limit: int | None = LABEL_LIMIT) -> str:
    """The chart as SVG, in the number format it was configured with, offline.

    Idea labels (``"ID · title"``, as every chart module writes them) are shortened to
    ``label_limit`` characters: on paper the tables carry the full titles, and measuring
    long labels is most of vl-convert's time (≈0,6 s for the 26 labels of the sample).
    """
    spec = chart.to_dict()
    if label_limit:
        spec = compact_labels(spec, label_limit)
    return render_svg(spec)


def compact_labels(spec, limit: int):
    """``spec`` with every ``"ID · title"`` string longer than ``limit`` cut to ``limit``
    characters (with "…"), everywhere it occurs (data, sort orders), unless two labels would
    become the same.

    >>> compact_labels({"values": ["ZOEK · Vernieuwing van de zoektechnologie", "kort"]}, 12)
    {'values': ['ZOEK · Vern…', 'kort']}
    """
    found: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str) and " · " in node and len(node) > limit:
            found.add(node)

    collect(spec)
    if not found:
        return spec
    short = {s: s[: limit - 1].rstrip() + "…" for s in found}
    if len(set(short.values())) < len(short):
        return spec

    def rewrite(node):
        if isinstance(node, dict):
            return {k: rewrite(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return short.get(node, node) if isinstance(node, str) else node

    return rewrite(spec)


def place_labels(
    xs, ys, texts, width: float, height: float, char: float = 4.9, line: float = 10.0
) -> list[tuple[float, float]]:
    """Greedy label placement: for each point (in pixels) an offset whose box overlaps no
    label placed before and no point; the first candidate if none is free."""
    boxes: list[tuple[float, float, float, float]] = []
    points = [(x - 6, y - 6, x + 6, y + 6) for x, y in zip(xs, ys, strict=True)]
    out = []
    order = sorted(range(len(xs)), key=lambda i: (ys[i], xs[i]))
    chosen: dict[int, tuple[float, float]] = {}
    for i in order:
        x, y, w = xs[i], ys[i], char * len(texts[i]) + 2
        candidates = [(7, -line / 2), (7, -line - 2), (7, 2), (-7 - w, -line / 2),
                      (-w / 2, -line - 7), (-w / 2, 7), (7, -2 * line - 2), (7, line + 2),
                      (-7 - w, -line - 2), (-7 - w, 2), (-w / 2, -2 * line - 7),
                      (-w / 2, line + 7)]  # fmt: skip
        best = candidates[0]
        for dx, dy in candidates:
            box = (x + dx, y + dy, x + dx + w, y + dy + line)
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if not any(_overlap(box, b) for b in boxes) and not any(
                _overlap(box, p) for j, p in enumerate(points) if j != i
            ):
                best = (dx, dy)
                break
        dx, dy = best
        boxes.append((x + dx, y + dy, x + dx + w, y + dy + line))
        chosen[i] = best
    for i in range(len(xs)):
        out.append(chosen[i])
    return out


def log_ticks(low: float, high: float) -> list[float]:
    """1, 2, 5 × 10^k between ``low`` and ``high`` (readable ticks on a log axis).

    >>> log_ticks(30_000, 600_000)
    [50000, 100000, 200000, 500000]
    """
    ticks = []
    for k in range(int(math.floor(math.log10(low))), int(math.ceil(math.log10(high))) + 1):
        ticks += [m * 10**k for m in (1, 2, 5) if low <= m * 10**k <= high]
    return ticks


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def value_cost_bubbles(
    ranking: Ranking, width: int = 520, height: int = 380, lang: str | None = None
) -> alt.Chart:
    """Score against cost (log scale, so cheap ideas do not pile up), coloured by theme.

    Ideas that are not eligible are drawn hollow. Labels are the ideas' ids, placed so that
    they do not overlap each other or the bubbles where there is room.
    """
    t = ranking.table
    data = pd.DataFrame(
        {"id": t.index, "theme": t["theme"], "cost": t["cost"], "score": t["score"],
         "eligible": t["eligible"].astype(bool)}
    ).dropna(subset=["cost", "score"])  # fmt: skip
    data = data[data["cost"] > 0].reset_index(drop=True)
    if data.empty:
        empty = alt.Chart(data).mark_point().properties(width=width, height=height)
        return configure(empty, value_cost_text(t, lang=lang), lang)
    low, high = float(data["cost"].min()), float(data["cost"].max())
    xdom = [low / 1.3, high * 1.3]
    ydom = [math.floor(data["score"].min() * 20 - 1) / 20, math.ceil(data["score"].max() * 20) / 20]
    lx0, lx1 = math.log(xdom[0]), math.log(xdom[1])
    px = [(math.log(c) - lx0) / (lx1 - lx0) * width for c in data["cost"]]
    py = [(ydom[1] - s) / (ydom[1] - ydom[0]) * height for s in data["score"]]
    offsets = place_labels(px, py, list(data["id"]), width, height)
    # a label's position back in data units (the text mark is drawn at it, left-aligned)
    data["label_cost"] = [math.exp(lx0 + (x + dx) / width * (lx1 - lx0))
                          for x, (dx, _) in zip(px, offsets, strict=True)]  # fmt: skip
    data["label_score"] = [ydom[1] - (y + dy + 8) / height * (ydom[1] - ydom[0])
                           for y, (_, dy) in zip(py, offsets, strict=True)]  # fmt: skip
    x_scale = alt.Scale(type="log", domain=xdom, nice=False)
    y_scale = alt.Scale(domain=ydom, nice=False, zero=False)
    base = alt.Chart(data).encode(
        x=alt.X("cost:Q", title=tr("chart.cost_eur", lang), scale=x_scale,
                axis=money_axis(values=log_ticks(*xdom), grid=True)),
        y=alt.Y("score:Q", title=tr("chart.score", lang), scale=y_scale),
    )  # fmt: skip
    theme = alt.Color("theme:N", title=tr("chart.theme", lang),
                      legend=alt.Legend(orient="bottom", columns=2))  # fmt: skip
    filled = base.transform_filter("datum.eligible").mark_circle(size=110, opacity=0.85)
    hollow = base.transform_filter("!datum.eligible").mark_point(size=110, strokeWidth=1.8)
    text = (
        alt.Chart(data)
        .mark_text(align="left", baseline="alphabetic", fontSize=8, color="#333")
        .encode(x=alt.X("label_cost:Q", scale=x_scale), y=alt.Y("label_score:Q", scale=y_scale),
                text="id:N")
    )  # fmt: skip
    layers = (filled.encode(color=theme) + hollow.encode(color=theme) + text).properties(
        width=width, height=height
    )
    return configure(layers, value_cost_text(t, lang=lang), lang)


def frontier_print_chart(frontier, width: int = 460, height: int = 180) -> alt.Chart:
    """The budget frontier for print: best total score per budget level (a step line, the
    current budget dashed) above a strip per idea showing the levels at which it is funded.

    Same content as :func:`prioritisation.explain.charts.portfolio.frontier_chart`, with money axes
    in euro at a readable tick density and a short axis title (no tooltips on paper).
    """
    lang = frontier.lang
    pts = frontier.points.dropna(subset=["value"])
    top = float(frontier.points["budget"].max()) or 1.0
    scale = alt.Scale(domain=[0, top], nice=False)
    axis = money_axis(tickCount=4, labelFlush=True)
    line = (
        alt.Chart(pts[["budget", "value"]])
        .mark_line(interpolate="step-after", strokeWidth=2)
        # the amounts once, under the strip: above it they would touch its first row
        .encode(x=alt.X("budget:Q", scale=scale, axis=money_axis(tickCount=4, labels=False), title=None),
                y=alt.Y("value:Q", title=tr("chart.total_score", lang)))
    )  # fmt: skip
    layers = [line]
    rule = None
    if frontier.budget == frontier.budget and frontier.budget:
        rule = pd.DataFrame({"budget": [frontier.budget]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(strokeDash=[5, 4], color="#555")
            .encode(x=alt.X("budget:Q", scale=scale))
        )
    upper = alt.layer(*layers).properties(width=width, height=height)
    step = top / max(len(frontier.points) - 1, 1)
    entries = frontier.entries.dropna(subset=["enters_at"]).sort_values("enters_at", kind="stable")
    names = [f"{i} · {t if len(t) <= 30 else t[:29] + '…'}"
             for i, t in zip(entries.index, entries["title"], strict=True)]  # fmt: skip
    name_of = dict(zip(entries.index, names, strict=True))
    spans: list[dict] = []  # one rect per run of consecutive levels that fund an idea
    open_: dict[str, dict] = {}
    for b, chosen in zip(frontier.points["budget"], frontier.points["selected"], strict=True):
        for i in list(open_):
            if i not in chosen:
                spans.append(open_.pop(i))
        for i in chosen:
            if i not in name_of:
                continue
            if i in open_:
                open_[i]["stop"] = min(b + step, top)
            else:
                open_[i] = {"idea": name_of[i], "budget": b, "stop": min(b + step, top),
                            "theme": frontier.entries.loc[i, "theme"]}  # fmt: skip
    spans += open_.values()
    cells = pd.DataFrame(spans, columns=["idea", "budget", "stop", "theme"])
    strip = (
        alt.Chart(cells)
        .mark_rect()
        .encode(x=alt.X("budget:Q", scale=scale, axis=axis, title=tr("chart.budget", lang)),
                x2="stop:Q", y=alt.Y("idea:N", sort=names, title=None),
                color=alt.Color("theme:N", title=tr("chart.theme", lang),
                                legend=alt.Legend(orient="bottom", columns=2)))
        .properties(width=width, height=alt.Step(12))
    )  # fmt: skip
    if rule is not None:
        strip = strip + alt.Chart(rule).mark_rule(strokeDash=[5, 4], color="#555").encode(
            x=alt.X("budget:Q", scale=scale)
        )
    chart = alt.vconcat(upper, strip, spacing=16, bounds="flush")
    return configure(chart, frontier_text(frontier), lang)
