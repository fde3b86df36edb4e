"""The report's funding sections: the funded set within the budget (with the budget
frontier), the roadmap over the years, and every idea that did not make it, with why and
what would change it.

Each section is a function ``ReportContext → Html`` that ``report.ipynb`` calls in one cell.
"""

from __future__ import annotations

import pandas as pd

from prioritisation.core.i18n import fmt_money, fmt_number, fmt_percent, tr
from prioritisation.core.text import escape
from prioritisation.explain.portfolio_text import rule_lines
from prioritisation.report.context import ReportContext
from prioritisation.report.markup import (
    Html,
    chart_img,
    idea_label,
    kind_words,
    score_text,
    section,
    table,
)


def portfolio_section(ctx: ReportContext) -> Html:
    """The funded set within the budget (portfolio engine), the rule that chose it with what
    the other rule would fund instead, and the budget frontier."""
    from prioritisation.explain.charts.report import frontier_print_chart

    p, cur = ctx.portfolio, ctx.wb.currency
    if p is None:
        return section(tr("rep.s_portfolio"), f"<p>{escape(tr('rep.no_budget'))}</p>")
    if p.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(p.conflicts))
        return section(tr("rep.s_portfolio"), f"<p>{escape(text)}</p>")
    intro = tr("rep.portfolio_intro", None, budget=fmt_money(p.budget, cur), n=len(p.selected),
               cost=fmt_money(p.total_cost, cur), remaining=fmt_money(p.remaining, cur))  # fmt: skip
    if p.rule == "best" and not p.optimal:  # the walk in order of priority has no gap
        intro += " " + tr("rep.portfolio_not_optimal", None, gap=fmt_percent(p.gap, 1))
    t = p.table[p.table["funded"]]
    rows = [
        ["" if pd.isna(r["rank"]) else str(int(r["rank"])), idea_label(iid, r["title"]),
         escape(r["theme"]), escape(fmt_money(r["cost"], cur)), escape(score_text(r["score"]))]
        for iid, r in t.iterrows()
    ]  # fmt: skip
    rows.append(["", f"<strong>{escape(tr('rep.total'))}</strong>", "",
                 f"<strong>{escape(fmt_money(p.total_cost, cur))}</strong>",
                 f"<strong>{escape(fmt_number(p.total_value, 3))}</strong>"])  # fmt: skip
    headers = [
        escape(tr("rep.rank")),
        escape(tr("rep.idea")),
        escape(tr("rep.theme")),
        escape(tr("rep.cost")),
        escape(tr("rep.score")),
    ]
    rule, *others = rule_lines(p)
    body = f'<p class="rule"><strong>{escape(rule)}</strong></p><p>{escape(intro)}</p>'
    body += "".join(f"<p>{escape(line)}</p>" for line in others)
    body += table(headers, rows, "ranking funded", numeric=(0, 3, 4))
    if ctx.frontier is not None:
        body += (
            f'<div class="keep"><h3>{escape(tr("rep.frontier"))}</h3>'
            f"<p>{escape(tr('rep.frontier_intro'))}</p><figure>"
            + chart_img(frontier_print_chart(ctx.frontier))
            + "</figure></div>"
        )
    return section(tr("rep.s_portfolio"), body)


def roadmap_section(ctx: ReportContext) -> Html:
    """The roadmap over the years (when the workbook has yearly budgets); else nothing."""
    from prioritisation.explain.charts.portfolio import gantt_chart

    rm, cur = ctx.roadmap, ctx.wb.currency
    if rm is None:
        return Html("")
    if rm.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(rm.conflicts))
        return section(tr("rep.s_roadmap"), f"<p>{escape(text)}</p>")
    cap = tr("rep.roadmap_cap", None, budget=fmt_money(ctx.budget, cur)) if ctx.budget else ""
    rows = [
        [escape(str(int(year))), escape(fmt_money(y["budget"], cur)), escape(fmt_money(y["spend"], cur)),
         escape(fmt_money(y["remaining"], cur)), escape(", ".join(y["running"]))]
        for year, y in rm.years.iterrows()
    ]  # fmt: skip
    headers = [
        escape(tr("rep.year")),
        escape(tr("rep.year_budget")),
        escape(tr("rep.spend")),
        escape(tr("rep.remaining")),
        escape(tr("rep.running")),
    ]
    body = (
        f"<p>{escape(tr('rep.roadmap_intro', None, cap=cap))}</p><figure>"
        + chart_img(gantt_chart(rm, width=440))
        + "</figure>"
        + table(headers, rows, "years", numeric=(1, 2, 3))
    )
    return section(tr("rep.s_roadmap"), body)


def _gate_change(failure: dict, labels: dict) -> str:
    """What would lift a missed threshold, in words."""
    label = labels.get(failure["criterion"], failure["criterion"])
    if failure["kind"] == "missing":
        return tr("rep.change_missing", None, criterion=label)
    needed = fmt_number(failure["threshold"], 2)
    if failure["kind"] == "below":
        return tr("rep.change_gate", None, criterion=label, needed=needed)
    return tr("rep.change_gate_max", None, criterion=label, needed=needed)


def not_selected_section(ctx: ReportContext) -> Html:
    """Every idea that did not make it, with its reason in words and what would change it.

    With a budget (portfolio engine): every idea that is not funded — gate, budget line,
    dependency, group — with the explanation engine's words. Without: the ideas that are
    not eligible, with the threshold they miss.
    """
    if ctx.explanation is not None and ctx.portfolio.status != "infeasible":
        return _not_funded(ctx)
    r = ctx.ranking
    t = r.table
    out = t[~t["eligible"]]
    if out.empty:
        return section(tr("rep.s_not_selected"), f"<p>{escape(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in out.iterrows():
        reasons = "".join(
            f"<li>{escape(tr('rep.reason_gate', None, reason=reason))}</li>"
            for reason in row["reasons"]
        )
        change = "; ".join(_gate_change(g, r.labels) for g in row["gates"])
        items.append(
            f'<div class="why-not"><h3>{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{escape(row["theme"])} · {escape(fmt_money(row["cost"], ctx.wb.currency))}'
            f" · {escape(tr('rep.score'))} {escape(score_text(row['score']))}</p>"
            f"<ul>{reasons}</ul>"
            f"<p>{escape(tr('rep.what_would_change', None, change=change))}</p></div>"
        )
    return section(
        tr("rep.s_not_selected"), f"<p>{escape(tr('rep.not_selected_intro'))}</p>" + "".join(items)
    )


def _not_funded(ctx: ReportContext) -> Html:
    ex, r = ctx.explanation, ctx.ranking
    t = ex.table[~ex.table["funded"]]
    if t.empty:
        return section(tr("rep.s_not_selected"), f"<p>{escape(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in t.iterrows():
        kind = str(row["reason_kind"])
        label = kind_words(kind)
        parts = [row["reason"], row["displacement"], row["weight_change"]]
        bullets = "".join(f"<li>{escape(_sentence(part))}</li>" for part in parts if part)
        change = ""
        if kind == "not_eligible":
            gates = r.table.loc[iid, "gates"]
            change = "; ".join(_gate_change(g, r.labels) for g in gates)
            change = (
                f"<p>{escape(tr('rep.what_would_change', None, change=change))}</p>"
                if change
                else ""
            )
        score = (
            ""
            if pd.isna(row["score"])
            else f" · {escape(tr('rep.score'))} {escape(score_text(row['score']))}"
        )
        flag = f'<span class="kind kind-{escape(kind)}">{escape(label)}</span> ' if label else ""
        items.append(
            f'<div class="why-not"><h3>{flag}{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{escape(row["theme"])} · {escape(fmt_money(row["cost"], ctx.wb.currency))}'
            f"{score}</p><ul>{bullets}</ul>{change}</div>"
        )
    return section(
        tr("rep.s_not_selected"), f"<p>{escape(tr('rep.not_funded_intro'))}</p>" + "".join(items)
    )


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop last.

    >>> _sentence("valt onder de budgetlijn")
    'Valt onder de budgetlijn.'
    """
    text = str(text).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
