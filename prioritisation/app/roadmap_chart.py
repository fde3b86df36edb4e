"""The roadmap drawn for the app: a Gantt chart (which idea runs in which years) above the
spend per year against each year's budget, and the plan as a table (idea, start, cost per
year, total).

Plain SVG and HTML written here, like the value–cost chart (:func:`~prioritisation.app.views.
value_cost_svg`): drawing costs a millisecond and loads no chart library into the member's
kernel. Amounts in full, the language's way (``€ 700.000``), never ``700k``.
"""

from __future__ import annotations

import numpy as np

from prioritisation.app.views import PALETTE, _nice_step, scroll_x
from prioritisation.core.i18n import fmt_money, get_language, tr
from prioritisation.core.text import escape

SPEND = "#616e7c"  # the spend bars (white amounts on them: contrast ≥ 4.5)
BUDGET = "#b03a2e"  # the budget rule (contrast ≥ 4.5 on white)
WORKBOOK = "#1f2933"  # the workbook's budget, dashed, where the member changed it
ROW = 22  # height of a Gantt row
LABEL = 26  # characters of an "ID · title" label


def _label(iid: str, title: str) -> str:
    text = f"{iid} · {title}"
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


def plan_order(roadmap) -> list[str]:
    """The funded ideas by start year, then by rank (the Gantt's and the table's order)."""
    t = roadmap.table[roadmap.table["funded"].astype(bool)]
    rank = {iid: k for k, iid in enumerate(roadmap.table.index)}
    return sorted(t.index, key=lambda i: (int(t.at[i, "start"]), rank[i]))


def theme_colours(roadmap) -> dict[str, str]:
    themes = sorted({str(v) for v in roadmap.table["theme"].fillna("")})
    return {th: PALETTE[k % len(PALETTE)] for k, th in enumerate(themes)}


def gantt_svg(roadmap, workbook_budgets: dict[int, float] | None = None,
              width: int = 700) -> str:  # fmt: skip
    """The Gantt chart and, below it, the spend per year (bars) against the year's budget (a
    red rule, its amount above it); ``workbook_budgets``: where they differ, the workbook's
    budget as a dashed grey rule.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.decisions.roadmap.plan import plan_roadmap
    >>> svg = gantt_svg(plan_roadmap(read_workbook(sample_path()), lang="nl"))
    >>> svg.count("<rect class='pw-bar'"), "€\\xa0700.000" in svg, "k<" in svg
    (11, True, False)
    """
    lang, cur = roadmap.lang, roadmap.currency
    t = roadmap.table
    order = plan_order(roadmap)
    years = [int(y) for y in roadmap.years.index]
    colour = theme_colours(roadmap)
    left, right, top = 190, 12, 24
    pw = width - left - right
    band = pw / max(len(years), 1)
    gantt_h = ROW * max(len(order), 1)
    spend_top = top + gantt_h + 46
    spend_h = 150
    height = spend_top + spend_h + 28

    def x(year: float) -> float:
        return left + band * (year - years[0])

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pw-gantt" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
        'font-size="11" role="img" aria-labelledby="pw-gantt-title">'
        f'<title id="pw-gantt-title">{escape(tr("road.app.chart_title", lang))}</title>'
    ]
    # year bands with their labels, above the bars and under the spend chart
    for k, y in enumerate(years):
        if k % 2 == 0:
            parts.append(f'<rect x="{x(y):.1f}" y="{top}" width="{band:.1f}" height="{gantt_h}" '
                         'fill="#f5f7fa"/>')  # fmt: skip
        parts.append(
            f'<text x="{x(y) + band / 2:.1f}" y="{top - 8}" text-anchor="middle" font-size="12" '
            f'font-weight="bold" fill="#1f2933">{y}</text>'
            f'<text x="{x(y) + band / 2:.1f}" y="{spend_top + spend_h + 18}" text-anchor="middle" '
            f'font-size="12" font-weight="bold" fill="#1f2933">{y}</text>'
        )
    if not order:
        parts.append(f'<text x="{left + 6}" y="{top + 15}" fill="#52606d">'
                     f'{escape(tr("road.app.empty", lang))}</text>')  # fmt: skip
    for r, iid in enumerate(order):
        row = t.loc[iid]
        start, end = int(row["start"]), int(row["end"])
        cy = top + r * ROW
        tip = tr("road.app.bar_tip", lang, idea=f"{iid} · {row['title']}", start=start, end=end,
                 per_year=fmt_money(row["per_year"], cur, lang),
                 cost=fmt_money(row["cost"], cur, lang))  # fmt: skip
        fill = colour[str(row["theme"]) if isinstance(row["theme"], str) else ""]
        parts.append(
            f'<text x="{left - 8}" y="{cy + 15}" text-anchor="end" fill="#1f2933">'
            f"{escape(_label(str(iid), str(row['title'])))}</text>"
            f"<rect class='pw-bar' data-id='{escape(iid)}' x=\"{x(start) + 3:.1f}\" "
            f'y="{cy + 5}" width="{x(end + 1) - x(start) - 6:.1f}" height="13" rx="2" '
            f'fill="{fill}"><title>{escape(tip)}</title></rect>'
        )
    # the spend per year against the budget
    spend = roadmap.years["spend"].to_numpy(float)
    budget = roadmap.years["budget"].to_numpy(float)
    shown = [*budget, *spend]
    if workbook_budgets:
        shown += [float(v) for v in workbook_budgets.values()]
    top_value = max(max(shown), 1.0)
    step = _nice_step(top_value, 4)
    top_value = step * np.ceil(top_value * 1.12 / step)

    def y(v: float) -> float:
        return spend_top + spend_h * (1 - float(v) / top_value)

    v = 0.0
    while v <= top_value + 1e-6:
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e4e7eb"/>'
            f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#52606d">'
            f"{escape(fmt_money(v, cur, lang))}</text>"
        )
        v += step
    parts.append(
        f'<text transform="translate(14 {spend_top + spend_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle" font-size="12" font-weight="bold" fill="#1f2933">'
        f"{escape(tr('road.app.spend_axis', lang))}</text>"
    )
    for k, yr in enumerate(years):
        x0, x1 = x(yr) + band * 0.2, x(yr) + band * 0.8
        tip = tr("road.app.year_tip", lang, year=yr, spend=fmt_money(spend[k], cur, lang),
                 budget=fmt_money(budget[k], cur, lang))  # fmt: skip
        parts.append(
            f'<rect class="pw-spend" x="{x0:.1f}" y="{y(spend[k]):.1f}" width="{x1 - x0:.1f}" '
            f'height="{y(0) - y(spend[k]):.1f}" fill="{SPEND}"><title>{escape(tip)}</title></rect>'
        )
        if spend[k] > 0:
            inside = y(0) - y(spend[k]) > 18
            ty, fill = (y(spend[k]) + 14, "white") if inside else (y(spend[k]) - 4, "#1f2933")
            parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{ty:.1f}" text-anchor="middle" '
                         f'fill="{fill}">{escape(fmt_money(spend[k], cur, lang))}</text>')  # fmt: skip
        wb_budget = (workbook_budgets or {}).get(yr)
        if wb_budget is not None and abs(wb_budget - budget[k]) > 0.5:
            parts.append(f'<line class="pw-wb-budget" x1="{x0 - 8:.1f}" x2="{x1 + 8:.1f}" '
                         f'y1="{y(wb_budget):.1f}" y2="{y(wb_budget):.1f}" stroke="{WORKBOOK}" '
                         'stroke-width="2" stroke-dasharray="5 3"/>')  # fmt: skip
        parts.append(
            f'<line class="pw-budget-rule" x1="{x0 - 8:.1f}" x2="{x1 + 8:.1f}" '
            f'y1="{y(budget[k]):.1f}" y2="{y(budget[k]):.1f}" stroke="{BUDGET}" stroke-width="3"/>'
            f'<text x="{(x0 + x1) / 2:.1f}" y="{y(budget[k]) - 6:.1f}" text-anchor="middle" '
            f'font-weight="bold" fill="{BUDGET}">{escape(fmt_money(budget[k], cur, lang))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend_html(roadmap, changed: bool = False) -> str:
    """The themes' colours, the spend and the budget (and the workbook's, when changed)."""
    lang = roadmap.lang
    funded = roadmap.table[roadmap.table["funded"].astype(bool)]
    used = {str(v) if isinstance(v, str) else "" for v in funded["theme"]}
    colour = theme_colours(roadmap)
    keys = [(f"background:{c}", th or "—") for th, c in colour.items() if th in used]
    keys += [(f"background:{SPEND}", tr("road.app.key_spend", lang)),
             (f"background:{BUDGET};height:3px;vertical-align:3px", tr("road.app.key_budget", lang))]  # fmt: skip
    if changed:
        keys.append((f"background:none;width:20px;border-top:2px dashed {WORKBOOK};height:0;"
                     "vertical-align:4px",
                     tr("road.app.key_workbook", lang)))  # fmt: skip
    return '<div class="pw-legend">' + "".join(
        f'<span class="pw-key"><span class="pw-swatch" style="{style}"></span>{escape(text)}</span>'
        for style, text in keys
    ) + "</div>"  # fmt: skip


def plan_table_html(roadmap) -> str:
    """The plan as a table: per funded idea its start year, its cost in each year and its
    total; under it the spend, the budget and what is left per year. Scrolls sideways on a
    narrow screen."""
    lang, cur = get_language(roadmap.lang), roadmap.currency
    t = roadmap.table
    years = [int(y) for y in roadmap.years.index]

    def money(v) -> str:
        return escape(fmt_money(v, cur, lang))

    head = (f"<th scope='col'>{escape(tr('app.col.idea', lang))}</th>"
            f"<th scope='col' class='num'>{escape(tr('road.app.col_start', lang))}</th>"
            + "".join(f"<th scope='col' class='num'>{y}</th>" for y in years)
            + f"<th scope='col' class='num'>{escape(tr('road.app.col_total', lang))}</th>")  # fmt: skip
    rows = []
    for iid in plan_order(roadmap):
        r = t.loc[iid]
        start, end = int(r["start"]), int(r["end"])
        cells = "".join(
            f"<td class='num'>{money(r['per_year']) if start <= y <= end else ''}</td>"
            for y in years
        )
        rows.append(f"<tr data-id='{escape(iid)}'><th scope='row'><span class='pw-id'>"
                    f"{escape(iid)}</span> {escape(r['title'])}</th><td class='num'>{start}</td>"
                    f"{cells}<td class='num'>{money(r['cost'])}</td></tr>")  # fmt: skip
    y = roadmap.years
    foot = [
        (tr("road.app.row_spend", lang), y["spend"], float(y["spend"].sum())),
        (tr("road.app.row_budget", lang), y["budget"], float(y["budget"].sum())),
        (tr("road.app.row_left", lang), y["remaining"], float(y["remaining"].sum())),
    ]
    foot_html = "".join(
        f"<tr class='pw-road-sum'><th scope='row'>{escape(label)}</th><td></td>"
        + "".join(f"<td class='num'>{money(v)}</td>" for v in values)
        + f"<td class='num'>{money(total)}</td></tr>"
        for label, values, total in foot
    )
    table = (f"<table class='pw-table pw-road-plan'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody><tfoot>{foot_html}</tfoot></table>")  # fmt: skip
    return scroll_x(table, tr("road.app.table_label", lang))
