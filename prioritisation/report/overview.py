"""The report's opening sections: the cover (with the decision record), the criteria and
weights, the ranking, and value against cost.

Each section is a function ``ReportContext → Html`` that ``report.ipynb`` calls in one cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.i18n import fmt_date, fmt_money, fmt_number, fmt_shares, tr
from prioritisation.core.text import escape
from prioritisation.core.version import __version__
from prioritisation.report import group
from prioritisation.report.context import ReportContext
from prioritisation.report.markup import (
    Html,
    aggregate_words,
    chart_img,
    idea_label,
    method_words,
    score_text,
    section,
    table,
)


def weights_text(ctx: ReportContext) -> str:
    """The run's weights in words: "Innovatiewaarde 30 %, …" (adding up to 100 %)."""
    r = ctx.ranking
    shares = fmt_shares(r.weights.to_dict())
    return ", ".join(f"{r.labels.get(c, c)} {shares[c]}" for c in r.weights.index)


def running(ctx: ReportContext) -> str:
    """Hidden strings for the page header and footer (CSS ``string-set``)."""
    scenario = ctx.scenario or tr("rep.scenario_none")
    if ctx.based_on and not ctx.scenario:
        name, version, _author = ctx.based_on
        scenario = tr("rep.based_on", None, name=name, version=version)
    return (
        f'<div class="running-title">{escape(ctx.title)}</div>'
        f'<div class="running-scenario">{escape(tr("rep.scenario"))}: {escape(scenario)}</div>'
        f'<div class="running-page">{escape(tr("rep.page"))}</div>'
        f'<div class="running-record">SHA-256 {escape((ctx.wb.sha256 or "")[:12])} · '
        f"prioritisation {escape(__version__)}</div>"
    )


def cover(ctx: ReportContext) -> Html:
    """Title page: title, date, scenario, method, summary and the decision record."""
    wb, r = ctx.wb, ctx.ranking
    if ctx.scenario:
        scenario = ctx.scenario
    elif ctx.based_on:
        name, version, _author = ctx.based_on
        scenario = tr("rep.scenario_based_on", None, weights=weights_text(ctx), name=name,
                      version=version)  # fmt: skip
    elif ctx.weights_spec:
        scenario = tr("rep.scenario_custom", None, weights=weights_text(ctx))
    else:
        scenario = tr("rep.scenario_none")
    budget = fmt_money(ctx.budget, wb.currency) if ctx.budget is not None else tr("rep.budget_none")
    facts = [
        (tr("rep.date"), fmt_date(ctx.date, ctx.lang)),
        (tr("rep.scenario"), scenario),
        (tr("rep.method"), method_words(r.method)),
        (tr("rep.aggregate"), aggregate_words(r.aggregate)),
        (tr("rep.budget"), budget),
        (tr("rep.ideas_count"), tr("rep.ideas_summary", None, n=ctx.n_ideas,
                                   eligible=ctx.n_eligible)),
        (tr("rep.assessors"), str(len(wb.assessors))),
    ]  # fmt: skip
    p = ctx.portfolio
    if p is not None and p.status != "infeasible":
        facts.insert(5, (tr("rep.funded_fact"), tr("rep.funded_summary", None, n=len(p.selected),
                         cost=fmt_money(p.total_cost, wb.currency),
                         budget=fmt_money(p.budget, wb.currency))))  # fmt: skip
    sc_facts, sc_html = _scenario_cover(ctx)
    facts[2:2] = sc_facts
    facts_html = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    sha = (wb.sha256 or "")[:12]
    record = [
        (tr("rep.workbook"), escape(Path(wb.source).name if wb.source else "")),
        (tr("rep.sha"), f'<span class="mono">{escape(sha)}</span>'),
        (tr("rep.scenario_version"), escape(_record_version(ctx))),
        (
            tr("rep.package_version"),
            f'<span class="mono">prioritisation {escape(__version__)}</span>',
        ),
        (tr("rep.chain_head"), f'<span class="mono">{escape(ctx.chain_head)}</span><br>'
         f'<small>{escape(tr("rep.chain_check", None, head=ctx.chain_head[:16]))}</small>'
         if ctx.chain_head else escape(tr("rep.chain_none"))),
        (tr("rep.solver_version"), f'<span class="mono">{escape(ctx.versions["solver"])}</span>'),
        (tr("rep.libraries"), '<span class="mono">' + escape(
            f"numpy {ctx.versions['numpy']}, pandas {ctx.versions['pandas']}, "
            f"SciPy {ctx.versions['scipy']}") + "</span>"),
    ]  # fmt: skip
    record += group.record_rows(ctx)  # a round's decision: the round, the members' versions
    record_html = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in record)
    winner = r.winner
    summary = (
        tr("rep.winner", None, idea=f"{winner} — {r.table.loc[winner, 'title']}")
        if winner is not None
        else tr("rep.no_winner")
    )
    note = wb.settings.get("note")
    note_html = (
        f'<p class="note"><strong>{escape(tr("rep.note"))}:</strong> {escape(note)}</p>'
        if note
        else ""
    )
    return Html(
        f'<section class="cover">{running(ctx)}'
        f'<p class="kicker">{escape(tr("rep.subtitle"))}</p>'
        f"<h1>{escape(ctx.title)}</h1>"
        f'<p class="summary">{escape(summary)}</p>'
        f'<table class="facts">{facts_html}</table>{sc_html}'
        f'<div class="record"><h3>{escape(tr("rep.record"))}</h3>'
        f'<p>{escape(tr("rep.record_intro"))}</p><table class="facts">{record_html}</table></div>'
        f"{note_html}</section>"
    )


def _record_version(ctx: ReportContext) -> str:
    """The decision record's scenario version: the stored scenario (name, version, author),
    the one the weights were changed from, or none."""
    if ctx.stored is not None:
        sc = ctx.stored
        return tr("rep.version_stored", None, name=sc.name, version=sc.version, author=sc.author)
    if ctx.based_on:
        name, version, author = ctx.based_on
        return tr("rep.version_based_on", None, name=name, version=version, author=author)
    return tr("rep.version_none")


def _scenario_cover(ctx: ReportContext) -> tuple[list[tuple[str, str]], str]:
    """A stored scenario on the cover: its version, who saved it when, its selection, its
    note, and a warning when it was saved with another version of the workbook."""
    sc, wb = ctx.stored, ctx.wb
    if sc is None:
        return [], ""
    created = "—"
    if sc.created:
        created = fmt_date(sc.created, ctx.lang, time=True)
    saved = tr("rep.scenario_saved", None, created=created, author=sc.author)
    facts = [(tr("rep.scenario_version"), f"{sc.version} — {saved}")]
    out = ""
    selection = sc.selection or {}
    parts = []
    if selection.get("include"):
        parts.append(tr("rep.include", None, ids=", ".join(selection["include"])))
    if selection.get("exclude"):
        parts.append(tr("rep.exclude", None, ids=", ".join(selection["exclude"])))
    if parts:
        out += f"<p>{escape(tr('rep.selection', None, text='; '.join(parts)))}</p>"
    if sc.note:
        out += f'<p class="note"><strong>{escape(tr("rep.scenario_note"))}:</strong> {escape(sc.note)}</p>'
    if sc.workbook_sha256 and wb.sha256 and sc.workbook_sha256 != wb.sha256:
        text = tr("rep.scenario_other_workbook", None, saved=sc.workbook_sha256[:12],
                  current=wb.sha256[:12])  # fmt: skip
        out += f'<p class="warning">{escape(text)}</p>'
    return facts, out


def criteria_section(ctx: ReportContext) -> Html:
    """Criteria with their rubric, scale, threshold and weight; the weights chart; the method."""
    from prioritisation.explain.charts.ranking import weights_chart

    wb, r = ctx.wb, ctx.ranking
    shares = fmt_shares(r.weights.to_dict())
    rows = []
    for cid, c in wb.criteria.iterrows():
        direction = "" if c["direction"] == "benefit" else f" ({tr('rep.direction_cost')})"
        scale = f"{fmt_number(c['scale_min'], 0)}–{fmt_number(c['scale_max'], 0)}{direction}"
        threshold = ""
        if not pd.isna(c["threshold"]):
            value = fmt_number(c["threshold"], 1)
            if c["direction"] == "benefit":
                threshold = tr("rep.threshold_min", None, value=value)
            else:
                threshold = tr("rep.threshold_max", None, value=value)
        rows.append([
            f"<strong>{escape(r.labels.get(cid, cid))}</strong>", escape(c.get("description") or ""),
            escape(scale), escape(threshold), escape(shares[cid]),
        ])  # fmt: skip
    headers = [
        escape(tr("rep.criterion")),
        escape(tr("rep.description")),
        escape(tr("rep.scale")),
        escape(tr("rep.threshold")),
        escape(tr("rep.weight")),
    ]
    names = ", ".join(wb.assessors)
    text = tr("rep.how_aggregated", None, n=len(wb.assessors),
              aggregate=aggregate_words(r.aggregate), method=method_words(r.method))  # fmt: skip
    body = (
        table(headers, rows, "criteria", numeric=(4,))
        + f'<figure class="small">{chart_img(weights_chart(r.weights, r.labels, width=300))}</figure>'
        + f"<p>{escape(text)}</p>"
        + (
            f"<p>{escape(tr('rep.how_gates'))}</p>"
            if wb.criteria["threshold"].notna().any()
            else ""
        )
        + f"<p>{escape(tr('rep.assessor_list', None, names=names))}</p>"
    )
    return section(tr("rep.s_criteria"), body)


def ranking_section(ctx: ReportContext) -> Html:
    """The ranking table (rank, idea, theme, cost, score) and the contributions chart."""
    from prioritisation.explain.charts.ranking import contributions_chart

    wb, t = ctx.wb, ctx.ranking.table
    rows = []
    for iid, row in t.iterrows():
        rank_ = "–" if np.isnan(row["rank"]) else str(int(row["rank"]))
        idea = idea_label(iid, row["title"])
        if not row["eligible"]:
            idea += f' <span class="flag">{escape(tr("rep.not_eligible"))}</span>'
        rows.append([rank_, idea, escape(row["theme"]), escape(fmt_money(row["cost"], wb.currency)),
                     escape(score_text(row["score"]))])  # fmt: skip
    headers = [
        escape(tr("rep.rank")),
        escape(tr("rep.idea")),
        escape(tr("rep.theme")),
        escape(tr("rep.cost")),
        escape(tr("rep.score")),
    ]
    intro = tr("rep.ranking_intro", None, eligible=ctx.n_eligible, n=ctx.n_ideas)
    body = (
        f"<p>{escape(intro)}</p>"
        + table(headers, rows, "ranking", numeric=(0, 3, 4))
        + f'<div class="keep"><p>{escape(tr("rep.contrib_intro"))}</p><figure>'
        + chart_img(contributions_chart(ctx.ranking, width=300))
        + "</figure></div>"
    )
    return section(tr("rep.s_ranking"), body)


def value_cost_section(ctx: ReportContext) -> Html:
    """Value (score) against cost, one bubble per idea, coloured by theme."""
    from prioritisation.explain.charts.report import value_cost_bubbles

    t, cur = ctx.ranking.table, ctx.wb.currency
    totals = tr("rep.value_cost_total", None, total=fmt_money(t["cost"].sum(), cur),
                eligible=ctx.n_eligible,
                eligible_total=fmt_money(t.loc[t["eligible"], "cost"].sum(), cur))  # fmt: skip
    body = (
        f"<p>{escape(tr('rep.value_cost_intro'))}</p><figure>"
        + chart_img(value_cost_bubbles(ctx.ranking))
        + f"</figure><p>{escape(totals)}</p>"
    )
    return section(tr("rep.s_value_cost"), body, "page-break")
