"""The sections of the steering group's report, as HTML the report notebook displays.

Each section is a function ``context → Html``; ``report.ipynb`` (beside this module) calls one per cell
and :mod:`prioritisation.report.pipeline` turns the executed notebook into a PDF. Everything shown
comes from the engine's result types (no recomputation here) and every piece of user text
(titles, descriptions, comments, names) is escaped with :func:`html.escape`.

A section whose engine is not part of the package yet is simply not in the notebook.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_money, fmt_number, fmt_percent, set_language, tr
from prioritisation.core.model import Workbook
from prioritisation.core.version import __version__
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import Ranking, rank

END_MARKER = "<!-- prioritisation-report: complete -->"


class Html(str):
    """HTML that Jupyter displays as such (and nbconvert keeps as ``text/html``)."""

    def _repr_html_(self) -> str:
        return str(self)


def e(value) -> str:
    """User text, escaped; empty for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True, eq=False)
class ReportContext:
    """Everything the sections show: the workbook, the ranking and the run's settings."""

    wb: Workbook
    ranking: Ranking
    lang: str
    title: str
    date: dt.date
    scenario: str | None = None
    scenario_version: str | None = None
    stored: object | None = None  # prioritisation.scenarios.store.Scenario
    weights_spec: str | None = None
    budget: float | None = None
    portfolio: object | None = None  # prioritisation.decisions.portfolio.Portfolio
    explanation: object | None = None  # prioritisation.explain.funding.Explanation
    frontier: object | None = None  # prioritisation.decisions.frontier.Frontier
    roadmap: object | None = None  # prioritisation.decisions.roadmap.Roadmap
    robustness: object | None = None  # prioritisation.decisions.sensitivity.Robustness

    @property
    def n_ideas(self) -> int:
        return len(self.ranking.table)

    @property
    def n_eligible(self) -> int:
        return int(self.ranking.table["eligible"].sum())


def parse_budget(value) -> float | None:
    """A budget from the command line or a notebook parameter (``1.500.000``, ``1500000``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        from prioritisation.data.workbook import to_number

        try:
            number = to_number(str(value), decimal_comma=True)  # "1.500.000" is 1500000
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number < 0:
        raise UsageError("usage.report_budget", value=value)
    return float(number)


def build_context(
    workbook: str,
    lang: str = "nl",
    title: str = "",
    weights: str = "",
    method: str = "",
    aggregate: str = "",
    budget=None,
    scenario: str = "",
    scenario_version=None,
    store: str = "",
    date: str = "",
) -> ReportContext:
    """Read the workbook and rank it with the run's settings (the notebook's first call).

    All arguments are JSON-simple (they come from papermill parameters); empty means
    "the workbook's own setting". With ``scenario`` (and ``scenario_version``, default the
    latest, from the store at ``store``, default the one beside the workbook) the stored
    scenario's weights, method, aggregation, thresholds, budget and selection apply.
    """
    set_language(lang)
    warm_up_charts()
    wb = read_workbook(workbook)
    when = dt.date.fromisoformat(date) if date else dt.date.today()
    if scenario:
        return _scenario_context(wb, scenario, scenario_version, store, lang, title, when)
    ranking = rank(wb, method=method or None, weights=weights or None,
                   aggregate=aggregate or None, lang=lang)  # fmt: skip
    if budget is None or budget == "":
        budget = wb.settings.get("budget")
    ctx = ReportContext(
        wb=wb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=None, scenario_version=None, weights_spec=weights or None,
        budget=parse_budget(budget),
    )  # fmt: skip
    return with_engines(ctx, method=method or None, weights=weights or None,
                        aggregate=aggregate or None)  # fmt: skip


def _scenario_context(wb, name, version, store, lang, title, when) -> ReportContext:
    from prioritisation.scenarios.store import open_store, scenario_weights, scenario_workbook

    with open_store(wb.source, url=store or None) as st:
        sc = st.get(name, None if version in (None, "") else int(version))
    swb = scenario_workbook(wb, sc)
    shares = scenario_weights(wb, sc)
    ranking = rank(swb, method=sc.method, weights=shares, aggregate=sc.aggregate, lang=lang)
    selection = sc.selection or {}
    ctx = ReportContext(
        wb=swb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=tr("rep.scenario_label", lang, name=sc.name, version=sc.version),
        scenario_version=str(sc.version), stored=sc,
        budget=parse_budget(swb.settings.get("budget")),
    )  # fmt: skip
    return with_engines(ctx, method=sc.method, weights=shares, aggregate=sc.aggregate,
                        must=list(selection.get("include") or []) or None,
                        exclude=list(selection.get("exclude") or []) or None)  # fmt: skip


# Sample counts and budget levels of the analyses in the report (fixed: a reproducible record).
SMAA_SAMPLES = 10_000
SMAA_SEED = 0
FRONTIER_LEVELS = 30


def with_engines(
    ctx: ReportContext, method=None, weights=None, aggregate=None, must=None, exclude=None
) -> ReportContext:
    """Add what the decision engines say: the funded set and why not, the budget frontier,
    the roadmap (when the workbook has yearly budgets) and robustness (weighted sum).
    ``must``/``exclude``: ideas the group forces into or out of the funded set."""
    from prioritisation.decisions.frontier import budget_frontier
    from prioritisation.decisions.portfolio.selection import select_portfolio
    from prioritisation.decisions.roadmap.plan import plan_roadmap
    from prioritisation.decisions.sensitivity import robustness
    from prioritisation.explain.funding import explain_portfolio

    wb, found = ctx.wb, {}
    if ctx.budget is not None:
        p = select_portfolio(wb, ctx.budget, method=method, weights=weights, aggregate=aggregate,
                             must=must, exclude=exclude, lang=ctx.lang)  # fmt: skip
        found["portfolio"] = p
        found["explanation"] = explain_portfolio(p)
        if p.status != "infeasible":
            found["frontier"] = budget_frontier(p, levels=FRONTIER_LEVELS)
    if wb.settings.get("budget_per_year"):
        found["roadmap"] = plan_roadmap(wb, budget=ctx.budget, method=method, weights=weights,
                                        aggregate=aggregate, must=must, exclude=exclude,
                                        lang=ctx.lang)  # fmt: skip
    if ctx.ranking.method == "wsm" and ctx.n_eligible:
        found["robustness"] = robustness(wb, weights=weights, aggregate=aggregate,
                                         samples=SMAA_SAMPLES, seed=SMAA_SEED, lang=ctx.lang)  # fmt: skip
    return replace(ctx, **found)


# --------------------------------------------------------------------------- helpers


def warm_up_charts() -> None:
    """Start vl-convert's JavaScript engine in the background (≈0,5–0,8 s, outside the GIL)
    while the workbook is read and the engines run."""
    import threading

    def work():
        try:
            import vl_convert as vlc

            vlc.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point",
                                 "encoding": {"x": {"field": "a", "type": "quantitative"}}})  # fmt: skip
        except Exception:  # pragma: no cover - the real chart reports any problem
            pass

    threading.Thread(target=work, name="vl-convert-warm-up", daemon=True).start()


def svg_img(svg: str, css_class: str = "chart", alt: str = "") -> str:
    """A chart as an ``<img>`` with an SVG data URI (no id clashes between charts)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{e(alt)}" src="data:image/svg+xml;base64,{data}"/>'


def chart_img(chart, alt: str = "", css_class: str = "chart") -> str:
    from prioritisation.explain.charts.report import report_svg

    return svg_img(report_svg(chart), css_class, alt)


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css_class: str = "",
          numeric: Iterable[int] = ()) -> str:  # fmt: skip
    """An HTML table; ``headers`` and cells are already escaped/formatted HTML."""
    numeric = set(numeric)
    head = "".join(
        f'<th class="num">{h}</th>' if j in numeric else f"<th>{h}</th>"
        for j, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if j in numeric else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def section(key: str, body: str, css_class: str = "") -> Html:
    return Html(f'<section class="{css_class}"><h2>{e(tr(key))}</h2>{body}</section>')


def method_words(method: str) -> str:
    key = f"method.{method}"
    text = tr(key)
    return method.upper() if text == key else text


def idea_label(iid: str, title: str) -> str:
    return f'<span class="id">{e(iid)}</span> {e(title)}'


def score_text(value) -> str:
    return fmt_number(value, 3)


def weights_text(ctx: ReportContext) -> str:
    r = ctx.ranking
    return ", ".join(f"{r.labels.get(c, c)} {fmt_percent(w)}" for c, w in r.weights.items())


# --------------------------------------------------------------------------- sections


def running(ctx: ReportContext) -> str:
    """Hidden strings for the page header and footer (CSS ``string-set``)."""
    scenario = ctx.scenario or tr("rep.scenario_none")
    return (
        f'<div class="running-title">{e(ctx.title)}</div>'
        f'<div class="running-scenario">{e(tr("rep.scenario"))}: {e(scenario)}</div>'
        f'<div class="running-page">{e(tr("rep.page"))}</div>'
        f'<div class="running-record">SHA-256 {e((ctx.wb.sha256 or "")[:12])} · '
        f"prioritisation {e(__version__)}</div>"
    )


def cover(ctx: ReportContext) -> Html:
    """Title page: title, date, scenario, method, summary and the decision record."""
    from babel.dates import format_date

    from prioritisation.core.i18n import LOCALES

    wb, r = ctx.wb, ctx.ranking
    if ctx.scenario:
        scenario = ctx.scenario
    elif ctx.weights_spec:
        scenario = tr("rep.scenario_custom", None, weights=weights_text(ctx))
    else:
        scenario = tr("rep.scenario_none")
    budget = fmt_money(ctx.budget, wb.currency) if ctx.budget is not None else tr("rep.budget_none")
    facts = [
        (tr("rep.date"), format_date(ctx.date, "long", locale=LOCALES[ctx.lang])),
        (tr("rep.scenario"), scenario),
        (tr("rep.method"), method_words(r.method)),
        (tr("rep.aggregate"), tr(f"agg.{r.aggregate}")),
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
    facts_html = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    sha = (wb.sha256 or "")[:12]
    record = [
        (tr("rep.workbook"), e(Path(wb.source).name if wb.source else "")),
        (tr("rep.sha"), f'<span class="mono">{e(sha)}</span>'),
        (tr("rep.scenario_version"), e(ctx.scenario_version or tr("rep.version_none"))),
        (tr("rep.package_version"), f'<span class="mono">prioritisation {e(__version__)}</span>'),
    ]
    record_html = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in record)
    winner = r.winner
    summary = (
        tr("rep.winner", None, idea=f"{winner} — {r.table.loc[winner, 'title']}")
        if winner is not None
        else tr("rep.no_winner")
    )
    note = wb.settings.get("note")
    note_html = (
        f'<p class="note"><strong>{e(tr("rep.note"))}:</strong> {e(note)}</p>' if note else ""
    )
    return Html(
        f'<section class="cover">{running(ctx)}'
        f'<p class="kicker">{e(tr("rep.subtitle"))}</p>'
        f"<h1>{e(ctx.title)}</h1>"
        f'<p class="summary">{e(summary)}</p>'
        f'<table class="facts">{facts_html}</table>{sc_html}'
        f'<div class="record"><h3>{e(tr("rep.record"))}</h3>'
        f'<p>{e(tr("rep.record_intro"))}</p><table class="facts">{record_html}</table></div>'
        f"{note_html}</section>"
    )


def _scenario_cover(ctx: ReportContext) -> tuple[list[tuple[str, str]], str]:
    """A stored scenario on the cover: its version, who saved it when, its selection, its
    note, and a warning when it was saved with another version of the workbook."""
    sc, wb = ctx.stored, ctx.wb
    if sc is None:
        return [], ""
    created = "—"
    if sc.created:
        created = sc.created.strftime("%Y-%m-%d %H:%M" if ctx.lang == "en" else "%d-%m-%Y %H:%M")
        created += " UTC"
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
        out += f"<p>{e(tr('rep.selection', None, text='; '.join(parts)))}</p>"
    if sc.note:
        out += f'<p class="note"><strong>{e(tr("rep.scenario_note"))}:</strong> {e(sc.note)}</p>'
    if sc.workbook_sha256 and wb.sha256 and sc.workbook_sha256 != wb.sha256:
        text = tr("rep.scenario_other_workbook", None, saved=sc.workbook_sha256[:12],
                  current=wb.sha256[:12])  # fmt: skip
        out += f'<p class="warning">{e(text)}</p>'
    return facts, out


def criteria_section(ctx: ReportContext) -> Html:
    """Criteria with their rubric, scale, threshold and weight; the weights chart; the method."""
    from prioritisation.explain.charts.ranking import weights_chart

    wb, r = ctx.wb, ctx.ranking
    rows = []
    for cid, c in wb.criteria.iterrows():
        direction = "" if c["direction"] == "benefit" else f" ({tr('rep.direction_cost')})"
        scale = f"{fmt_number(c['scale_min'], 0)}–{fmt_number(c['scale_max'], 0)}{direction}"
        threshold = ""
        if not pd.isna(c["threshold"]):
            key = "rep.threshold_min" if c["direction"] == "benefit" else "rep.threshold_max"
            threshold = tr(key, None, value=fmt_number(c["threshold"], 1))
        rows.append([
            f"<strong>{e(r.labels.get(cid, cid))}</strong>", e(c.get("description") or ""),
            e(scale), e(threshold), e(fmt_percent(r.weights[cid])),
        ])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.criterion", "rep.description", "rep.scale",
                                  "rep.threshold", "rep.weight")]  # fmt: skip
    names = ", ".join(wb.assessors)
    text = tr("rep.how_aggregated", None, n=len(wb.assessors),
              aggregate=tr(f"agg.{r.aggregate}"), method=method_words(r.method))  # fmt: skip
    body = (
        table(headers, rows, "criteria", numeric=(4,))
        + f'<figure class="small">{chart_img(weights_chart(r.weights, r.labels, width=300), tr("rep.weight"))}</figure>'
        + f"<p>{e(text)}</p>"
        + (f"<p>{e(tr('rep.how_gates'))}</p>" if wb.criteria["threshold"].notna().any() else "")
        + f"<p>{e(tr('rep.assessor_list', None, names=names))}</p>"
    )
    return section("rep.s_criteria", body)


def ranking_section(ctx: ReportContext) -> Html:
    """The ranking table (rank, idea, theme, cost, score) and the contributions chart."""
    from prioritisation.explain.charts.ranking import contributions_chart

    wb, t = ctx.wb, ctx.ranking.table
    rows = []
    for iid, row in t.iterrows():
        rank_ = "–" if np.isnan(row["rank"]) else str(int(row["rank"]))
        idea = idea_label(iid, row["title"])
        if not row["eligible"]:
            idea += f' <span class="flag">{e(tr("rep.not_eligible"))}</span>'
        rows.append([rank_, idea, e(row["theme"]), e(fmt_money(row["cost"], wb.currency)),
                     e(score_text(row["score"]))])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.rank", "rep.idea", "rep.theme", "rep.cost", "rep.score")]
    intro = tr("rep.ranking_intro", None, eligible=ctx.n_eligible, n=ctx.n_ideas)
    body = (
        f"<p>{e(intro)}</p>"
        + table(headers, rows, "ranking", numeric=(0, 3, 4))
        + f'<div class="keep"><p>{e(tr("rep.contrib_intro"))}</p><figure>'
        + chart_img(contributions_chart(ctx.ranking, width=300), tr("rep.s_ranking"))
        + "</figure></div>"
    )
    return section("rep.s_ranking", body)


def value_cost_section(ctx: ReportContext) -> Html:
    """Value (score) against cost, one bubble per idea, coloured by theme."""
    from prioritisation.explain.charts.report import value_cost_bubbles

    t, cur = ctx.ranking.table, ctx.wb.currency
    totals = tr("rep.value_cost_total", None, total=fmt_money(t["cost"].sum(), cur),
                eligible=ctx.n_eligible,
                eligible_total=fmt_money(t.loc[t["eligible"], "cost"].sum(), cur))  # fmt: skip
    body = (
        f"<p>{e(tr('rep.value_cost_intro'))}</p><figure>"
        + chart_img(value_cost_bubbles(ctx.ranking), tr("rep.s_value_cost"))
        + f"</figure><p>{e(totals)}</p>"
    )
    return section("rep.s_value_cost", body, "page-break")


def portfolio_section(ctx: ReportContext) -> Html:
    """The funded set within the budget (portfolio engine) and the budget frontier."""
    from prioritisation.explain.charts.report import frontier_print_chart

    p, cur = ctx.portfolio, ctx.wb.currency
    if p is None:
        return section("rep.s_portfolio", f"<p>{e(tr('rep.no_budget'))}</p>")
    if p.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(p.conflicts))
        return section("rep.s_portfolio", f"<p>{e(text)}</p>")
    intro = tr("rep.portfolio_intro", None, budget=fmt_money(p.budget, cur), n=len(p.selected),
               cost=fmt_money(p.total_cost, cur), remaining=fmt_money(p.remaining, cur))  # fmt: skip
    if not p.optimal:
        intro += " " + tr("rep.portfolio_not_optimal", None, gap=fmt_percent(p.gap, 1))
    t = p.table[p.table["funded"]]
    rows = [
        ["" if pd.isna(r["rank"]) else str(int(r["rank"])), idea_label(iid, r["title"]),
         e(r["theme"]), e(fmt_money(r["cost"], cur)), e(score_text(r["score"]))]
        for iid, r in t.iterrows()
    ]  # fmt: skip
    rows.append(["", f"<strong>{e(tr('rep.total'))}</strong>", "",
                 f"<strong>{e(fmt_money(p.total_cost, cur))}</strong>",
                 f"<strong>{e(fmt_number(p.total_value, 3))}</strong>"])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.rank", "rep.idea", "rep.theme", "rep.cost", "rep.score")]
    body = f"<p>{e(intro)}</p>" + table(headers, rows, "ranking funded", numeric=(0, 3, 4))
    if ctx.frontier is not None:
        body += (
            f'<div class="keep"><h3>{e(tr("rep.frontier"))}</h3>'
            f"<p>{e(tr('rep.frontier_intro'))}</p><figure>"
            + chart_img(frontier_print_chart(ctx.frontier), tr("rep.frontier"))
            + "</figure></div>"
        )
    return section("rep.s_portfolio", body)


def roadmap_section(ctx: ReportContext) -> Html:
    """The roadmap over the years (when the workbook has yearly budgets); else nothing."""
    from prioritisation.explain.charts.portfolio import gantt_chart

    rm, cur = ctx.roadmap, ctx.wb.currency
    if rm is None:
        return Html("")
    if rm.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(rm.conflicts))
        return section("rep.s_roadmap", f"<p>{e(text)}</p>")
    cap = tr("rep.roadmap_cap", None, budget=fmt_money(ctx.budget, cur)) if ctx.budget else ""
    rows = [
        [e(str(int(year))), e(fmt_money(y["budget"], cur)), e(fmt_money(y["spend"], cur)),
         e(fmt_money(y["remaining"], cur)), e(", ".join(y["running"]))]
        for year, y in rm.years.iterrows()
    ]  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.year", "rep.year_budget", "rep.spend", "rep.remaining",
                                  "rep.running")]  # fmt: skip
    body = (
        f"<p>{e(tr('rep.roadmap_intro', None, cap=cap))}</p><figure>"
        + chart_img(gantt_chart(rm, width=440), tr("rep.s_roadmap"))
        + "</figure>"
        + table(headers, rows, "years", numeric=(1, 2, 3))
    )
    return section("rep.s_roadmap", body)


def robustness_section(ctx: ReportContext, top: int = 10) -> Html:
    """Stability intervals, rank acceptability (SMAA) and the group's consensus."""
    from prioritisation.explain.charts.robustness import acceptability_chart, member_ranks_chart

    rb = ctx.robustness
    if rb is None:
        if ctx.ranking.method != "wsm":
            text = tr("rep.robustness_wsm_only", None, method=method_words(ctx.ranking.method))
            return section("rep.s_robustness", f"<p>{e(text)}</p>")
        return Html("")
    st, sm, co, labels = rb.stability, rb.smaa, rb.consensus, rb.labels
    body = ""
    if st.winner is not None:
        winner = st.winner
        rows = []
        for cid, r in st.table.iterrows():
            rows.append([e(labels.get(cid, cid)), e(fmt_percent(r["weight"])),
                         e(f"{fmt_percent(r['low'])} – {fmt_percent(r['high'])}"),
                         e(r["low_rival"] or "–"), e(r["high_rival"] or "–"),
                         e(f"{fmt_percent(r['top_low'])} – {fmt_percent(r['top_high'])}")])  # fmt: skip
        headers = [e(tr("rep.criterion")), e(tr("rep.weight_now")),
                   e(tr("rep.winner_stays", None, winner=winner)), e(tr("rep.rival_below")),
                   e(tr("rep.rival_above")), e(tr("rep.top_stays", None, k=st.top_k))]  # fmt: skip
        body += f"<p>{e(tr('rep.stability_intro', None, winner=winner))}</p>" + table(
            headers, rows, "stability", numeric=(1, 2, 5)
        )
    if len(sm.acceptability):
        head = list(sm.acceptability.index[:top])
        rows = [
            [e(str(int(sm.current_rank.loc[i]))), idea_label(i, sm.titles.loc[i]),
             e(fmt_percent(sm.p_first.loc[i])), e(fmt_percent(sm.p_top_k.loc[i])),
             e(fmt_number(sm.expected_rank.loc[i], 1))]
            for i in head
        ]  # fmt: skip
        headers = [e(tr("rep.rank")), e(tr("rep.idea")), e(tr("rep.p_first")),
                   e(tr("rep.p_top", None, k=sm.top_k)), e(tr("rep.expected_rank"))]  # fmt: skip
        intro = tr("rep.smaa_intro", None, samples=fmt_number(sm.samples, 0), seed=sm.seed,
                   k=sm.top_k)  # fmt: skip
        body += (
            f'<div class="keep"><p>{e(intro)}</p>'
            + table(headers, rows, "smaa", numeric=(0, 2, 3, 4))
            + "</div><figure>"
            + chart_img(acceptability_chart(sm, top=top, width=380), tr("rep.s_robustness"))
            + "</figure>"
        )
    w = co.kendall_w
    if w != w:  # NaN
        body += f"<p>{e(tr('rep.w_none'))}</p>"
    else:
        meaning = "rep.w_strong" if w >= 0.7 else "rep.w_moderate" if w >= 0.3 else "rep.w_weak"
        p = "< " + fmt_number(0.001, 3) if co.p_value < 0.001 else "= " + fmt_number(co.p_value, 3)
        text = tr("rep.consensus", None, w=fmt_number(w, 2), meaning=tr(meaning),
                  n=len(co.assessors), p=p)  # fmt: skip
        body += f"<p>{e(text)}</p>"
        if len(co.most_changed(1)):
            titles = ctx.ranking.table["title"]
            body += (
                f'<div class="keep"><p>{e(tr("rep.member_ranks"))}</p><figure>'
                + chart_img(
                    member_ranks_chart(co, titles, top=8, width=380), tr("rep.s_robustness")
                )
                + "</figure></div>"
            )
    return section("rep.s_robustness", body)


def disagreement_section(ctx: ReportContext, top: int = 10) -> Html:
    """The idea × criterion pairs with the largest spread across assessors, and who scored
    lowest and highest (from the ranking's spread; no consensus model needed)."""
    r, scores = ctx.ranking, ctx.wb.scores
    spread = r.spread.stack().dropna()
    spread = spread[spread > 1e-9].sort_values(ascending=False, kind="stable").head(top)
    if spread.empty:
        return section("rep.s_disagreement", f"<p>{e(tr('rep.no_disagreement'))}</p>")
    rows = []
    for (iid, cid), value in spread.items():
        cell = scores[(scores["idea_id"] == iid) & (scores["criterion_id"] == cid)].dropna(
            subset=["score"]
        )
        low, high = cell["score"].min(), cell["score"].max()
        who_low = ", ".join(cell.loc[cell["score"] == low, "assessor"].astype(str))
        who_high = ", ".join(cell.loc[cell["score"] == high, "assessor"].astype(str))
        rows.append([idea_label(iid, r.table.loc[iid, "title"]), e(r.labels.get(cid, cid)),
                     e(fmt_number(r.aggregated.loc[iid, cid], 2)), e(fmt_number(value, 2)),
                     f"<strong>{e(fmt_number(low, 0))}</strong> "
                     f'<span class="muted">({e(who_low)})</span>',
                     f"<strong>{e(fmt_number(high, 0))}</strong> "
                     f'<span class="muted">({e(who_high)})</span>'])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.idea", "rep.criterion", "rep.combined_short",
                                  "rep.spread", "rep.lowest", "rep.highest")]  # fmt: skip
    body = (
        f"<p>{e(tr('rep.disagreement_intro', None, n=len(rows)))}</p>"
        + table(headers, rows, "disagreement", numeric=(2, 3))
        + f'<p class="muted">{e(tr("rep.spread_note"))}</p>'
    )
    return section("rep.s_disagreement", body)


def _gate_change(failure: dict, labels: dict) -> str:
    label = labels.get(failure["criterion"], failure["criterion"])
    if failure["kind"] == "missing":
        return tr("rep.change_missing", None, criterion=label)
    key = "rep.change_gate" if failure["kind"] == "below" else "rep.change_gate_max"
    return tr(key, None, criterion=label, needed=fmt_number(failure["threshold"], 2))


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
        return section("rep.s_not_selected", f"<p>{e(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in out.iterrows():
        reasons = "".join(
            f"<li>{e(tr('rep.reason_gate', None, reason=reason))}</li>" for reason in row["reasons"]
        )
        change = "; ".join(_gate_change(g, r.labels) for g in row["gates"])
        items.append(
            f'<div class="why-not"><h3>{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{e(row["theme"])} · {e(fmt_money(row["cost"], ctx.wb.currency))}'
            f" · {e(tr('rep.score'))} {e(score_text(row['score']))}</p>"
            f"<ul>{reasons}</ul>"
            f"<p>{e(tr('rep.what_would_change', None, change=change))}</p></div>"
        )
    return section(
        "rep.s_not_selected", f"<p>{e(tr('rep.not_selected_intro'))}</p>" + "".join(items)
    )


def _not_funded(ctx: ReportContext) -> Html:
    ex, r = ctx.explanation, ctx.ranking
    t = ex.table[~ex.table["funded"]]
    if t.empty:
        return section("rep.s_not_selected", f"<p>{e(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in t.iterrows():
        kind = str(row["reason_kind"])
        label = tr(f"kind.{kind}")
        label = "" if label == f"kind.{kind}" else label
        parts = [row["reason"], row["displacement"], row["weight_change"]]
        bullets = "".join(f"<li>{e(_sentence(part))}</li>" for part in parts if part)
        change = ""
        if kind == "not_eligible":
            gates = r.table.loc[iid, "gates"]
            change = "; ".join(_gate_change(g, r.labels) for g in gates)
            change = (
                f"<p>{e(tr('rep.what_would_change', None, change=change))}</p>" if change else ""
            )
        score = (
            ""
            if pd.isna(row["score"])
            else f" · {e(tr('rep.score'))} {e(score_text(row['score']))}"
        )
        flag = f'<span class="kind kind-{e(kind)}">{e(label)}</span> ' if label else ""
        items.append(
            f'<div class="why-not"><h3>{flag}{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{e(row["theme"])} · {e(fmt_money(row["cost"], ctx.wb.currency))}'
            f"{score}</p><ul>{bullets}</ul>{change}</div>"
        )
    return section("rep.s_not_selected", f"<p>{e(tr('rep.not_funded_intro'))}</p>" + "".join(items))


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def idea_card(ctx: ReportContext, iid: str) -> str:
    """One idea: description, facts, scores per criterion with spread, comments."""
    wb, r = ctx.wb, ctx.ranking
    idea, row = wb.ideas.loc[iid], r.table.loc[iid]
    n_ranked = ctx.n_eligible
    standing = (
        tr("rep.rank_of", None, rank=int(row["rank"]), n=n_ranked)
        if row["eligible"]
        else tr("rep.not_eligible")
    )
    meta = [e(row["theme"]), e(fmt_money(row["cost"], wb.currency)),
            f"{e(tr('rep.score'))} {e(score_text(row['score']))} ({e(standing)})"]  # fmt: skip
    p = ctx.portfolio
    if p is not None and p.status != "infeasible":
        if bool(p.table.loc[iid, "funded"]):
            meta.append(f'<strong class="ok">{e(tr("rep.funded"))}</strong>')
        else:
            kind = str(p.table.loc[iid, "reason_kind"])
            label = tr(f"kind.{kind}")
            label = f" ({label.lower()})" if label != f"kind.{kind}" else ""
            meta.append(f'<strong class="no">{e(tr("rep.not_funded") + label)}</strong>')
    if idea.get("owner"):
        meta.append(f"{e(tr('rep.owner'))}: {e(idea['owner'])}")
    deps = idea.get("depends_on") or ()
    if deps:
        meta.append(f"{e(tr('rep.depends'))}: {e(', '.join(deps))}")
    scores = wb.scores[wb.scores["idea_id"] == iid]
    failed = {g["criterion"] for g in row["gates"]}
    rows = []
    for cid in wb.criteria.index:
        s = scores.loc[scores["criterion_id"] == cid, "score"].dropna()
        low_high = f"{fmt_number(s.min(), 0)}–{fmt_number(s.max(), 0)}" if len(s) else ""
        value = e(fmt_number(r.aggregated.loc[iid, cid], 2))
        if cid in failed:
            value = f'<span class="fail">{value}</span>'
        rows.append([e(r.labels.get(cid, cid)), value,
                     e(fmt_number(r.spread.loc[iid, cid], 2)), e(low_high),
                     e(str(int(r.counts.loc[iid, cid])))])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.criterion", "rep.aggregated", "rep.spread", "rep.range",
                                  "rep.n_scores")]  # fmt: skip
    comments = scores[scores["comment"].fillna("").astype(str).str.strip() != ""]
    if len(comments):
        items = "".join(
            f"<li><strong>{e(c['assessor'])}</strong> "
            f'<span class="muted">({e(r.labels.get(c["criterion_id"], c["criterion_id"]))})</span>: '
            f"{e(c['comment'])}</li>"
            for _, c in comments.iterrows()
        )
        comments_html = (
            f'<p class="label">{e(tr("rep.comments"))}</p><ul class="comments">{items}</ul>'
        )
    else:
        comments_html = f'<p class="muted">{e(tr("rep.no_comments"))}</p>'
    description = idea.get("description") or ""
    return (
        f'<div class="card"><h3>{idea_label(iid, row["title"])}</h3>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        + (f"<p>{e(description)}</p>" if description else "")
        + table(headers, rows, "scores", numeric=(1, 2, 3, 4))
        + comments_html
        + "</div>"
    )


def appendix(ctx: ReportContext) -> Html:
    """One card per idea, in the order of the ranking."""
    cards = "".join(idea_card(ctx, iid) for iid in ctx.ranking.table.index)
    return section(
        "rep.s_appendix",
        f'<p class="muted">{e(tr("rep.spread_note"))}</p>{cards}',
        "page-break appendix",
    )


def end(ctx: ReportContext) -> Html:
    """The marker the pipeline checks: the notebook ran to its last cell."""
    return Html(END_MARKER)
