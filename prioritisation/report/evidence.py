"""The report's evidence sections: how solid the ranking is (stability, rank acceptability),
where members disagree (their agreement, the two views of the app and the CLI, the largest
spreads of scores), and the appendix with one card per idea.

Each section is a function ``ReportContext → Html`` that ``report.ipynb`` calls in one cell.
"""

from __future__ import annotations

from prioritisation.core.i18n import N_, fmt_money, fmt_number, fmt_percent, fmt_shares, tr
from prioritisation.core.text import escape
from prioritisation.decisions.group import MEMBER_VIEWS, disagreement, short_name, view_members
from prioritisation.decisions.smaa import fmt_estimate
from prioritisation.report.context import ReportContext
from prioritisation.report.markup import (
    Html,
    chart_img,
    idea_label,
    kind_words,
    method_words,
    score_text,
    section,
    table,
)


def robustness_section(ctx: ReportContext, top: int = 10) -> Html:
    """Stability intervals and rank acceptability (SMAA, its sampling named as the app and
    the CLI name it)."""
    from prioritisation.explain.charts.robustness import acceptability_chart

    rb = ctx.robustness
    if rb is None:
        if ctx.ranking.method != "wsm":
            text = tr("rep.robustness_wsm_only", None, method=method_words(ctx.ranking.method))
            return section(tr("rep.s_robustness"), f"<p>{escape(text)}</p>")
        return Html("")
    st, sm, labels = rb.stability, rb.smaa, rb.labels
    body = ""
    if st.winner is not None:
        winner = st.winner
        rows = []
        now = fmt_shares(st.table["weight"].to_dict())
        for cid, r in st.table.iterrows():
            rows.append([escape(labels.get(cid, cid)), escape(now[cid]),
                         escape(f"{fmt_percent(r['low'])} – {fmt_percent(r['high'])}"),
                         escape(r["low_rival"] or "–"), escape(r["high_rival"] or "–"),
                         escape(f"{fmt_percent(r['top_low'])} – {fmt_percent(r['top_high'])}")])  # fmt: skip
        headers = [escape(tr("rep.criterion")), escape(tr("rep.weight_now")),
                   escape(tr("rep.winner_stays", None, winner=winner)), escape(tr("rep.rival_below")),
                   escape(tr("rep.rival_above")), escape(tr("rep.top_stays", None, k=st.top_k))]  # fmt: skip
        body += f"<p>{escape(tr('rep.stability_intro', None, winner=winner))}</p>" + table(
            headers, rows, "stability", numeric=(1, 2, 5)
        )
    if len(sm.acceptability):
        head = list(sm.acceptability.index[:top])
        rows = [
            [escape(str(int(sm.current_rank.loc[i]))), idea_label(i, sm.titles.loc[i]),
             escape(fmt_estimate(sm.p_first.loc[i], sm.p_first_se.loc[i])),
             escape(fmt_estimate(sm.p_top_k.loc[i], sm.p_top_k_se.loc[i])),
             escape(fmt_number(sm.expected_rank.loc[i], 1))]
            for i in head
        ]  # fmt: skip
        headers = [escape(tr("rep.rank")), escape(tr("rep.idea")), escape(tr("rep.p_first")),
                   escape(tr("rep.p_top", None, k=sm.top_k)), escape(tr("rep.expected_rank"))]  # fmt: skip
        intro = tr("rep.smaa_sampling", None, sampling=ctx.sampling.text(), k=sm.top_k)
        body += (
            f'<div class="keep"><p>{escape(intro)}</p>'
            + table(headers, rows, "smaa", numeric=(0, 2, 3, 4))
            + "</div><figure>"
            + chart_img(acceptability_chart(sm, top=top, width=380))
            + "</figure>"
        )
    return section(tr("rep.s_robustness"), body)


def disagreement_section(ctx: ReportContext, top: int = 10) -> Html:
    """Where the members disagree: their agreement (Kendall's W), the two views the app and
    the CLI show, named alike (:data:`~prioritisation.decisions.group.MEMBER_VIEWS`: each
    member's own scores with the weights in force, each member's own weights on the group's
    scores), and the idea × criterion pairs with the largest spread of scores, with who
    scored lowest and highest."""
    body = ""
    if ctx.members:  # none when no idea is eligible
        body = agreement_html(ctx.members["scores"]) + "".join(
            member_view_html(ctx, c, view, top) for view, c in ctx.members.items()
        )
    return section(tr("rep.s_disagreement"), body + score_spread_html(ctx, top))


def agreement_html(consensus) -> str:
    """Kendall's W in a sentence, and the members' full names behind the short headings."""
    w = consensus.kendall_w
    if w != w:  # NaN
        return f"<p>{escape(tr('rep.w_none'))}</p>"
    meaning = tr("rep.w_strong") if w >= 0.7 else (
        tr("rep.w_moderate") if w >= 0.3 else tr("rep.w_weak"))  # fmt: skip
    p = (
        "< " + fmt_number(0.001, 3)
        if consensus.p_value < 0.001
        else "= " + fmt_number(consensus.p_value, 3)
    )
    text = tr("rep.consensus", None, w=fmt_number(w, 2), meaning=meaning,
              n=len(consensus.assessors), p=p)  # fmt: skip
    members = list(consensus.member_ranks.columns)
    names = ", ".join(f"{short_name(m)} = {m}" for m in members if short_name(m) != m)
    return f"<p>{escape(text)}</p>" + (f'<p class="muted">{escape(names)}</p>' if names else "")


def member_view_html(ctx: ReportContext, consensus, view: str, top: int = 10) -> str:
    """One view: its name and meaning (the app's words), then the ideas the members disagree
    on most, each member's rank beside the group's (bold: 5 places or more from the group)."""
    title_id, help_id = MEMBER_VIEWS[view]
    table_ = disagreement(consensus, view)
    members = view_members(table_)
    heading = f"<h3>{escape(tr(title_id))}</h3>"
    if len(members) < 2:
        none = N_("members.no_weights") if view == "weights" else N_("members.one")
        return f'<div class="keep member-view member-view-{view}">{heading}<p>{escape(tr(none))}</p></div>'
    titles = ctx.ranking.table["title"]
    rows = []
    for iid, r in table_.head(top).iterrows():
        group = r["group"]
        ranks = [f"<strong>{int(r[m])}</strong>" if abs(r[m] - group) >= 5 else str(int(r[m]))
                 for m in members]  # fmt: skip
        rows.append([idea_label(iid, titles.loc[iid]), str(int(group)), *ranks,
                     str(int(r["range"]))])  # fmt: skip
    headers = [escape(tr("rep.idea")), escape(tr("app.col.group")),
               *[escape(short_name(m)) for m in members], escape(tr("app.col.difference"))]  # fmt: skip
    numeric = range(1, len(headers))
    more = len(table_) - top
    more_html = (f'<p class="muted">{escape(tr("rep.members_more", None, n=more))}</p>'
                 if more > 0 else "")  # fmt: skip
    return (
        f'<div class="keep member-view member-view-{view}">{heading}'
        f'<p class="muted">{escape(tr(help_id))} {escape(tr("rep.members_key"))}</p>'
        + table(headers, rows, "members", numeric=numeric)
        + more_html
        + "</div>"
    )


def score_spread_html(ctx: ReportContext, top: int = 10) -> str:
    """The idea × criterion pairs with the largest spread across assessors, and who scored
    lowest and highest (from the ranking's spread)."""
    r, scores = ctx.ranking, ctx.wb.scores
    if scores["assessor"].nunique() < 2:
        return ""  # one assessor: the member views above say so
    spread = r.spread.stack().dropna()
    spread = spread[spread > 1e-9].sort_values(ascending=False, kind="stable").head(top)
    if spread.empty:
        return f"<p>{escape(tr('rep.no_disagreement'))}</p>"
    rows = []
    for (iid, cid), value in spread.items():
        cell = scores[(scores["idea_id"] == iid) & (scores["criterion_id"] == cid)].dropna(
            subset=["score"]
        )
        low, high = cell["score"].min(), cell["score"].max()
        who_low = ", ".join(cell.loc[cell["score"] == low, "assessor"].astype(str))
        who_high = ", ".join(cell.loc[cell["score"] == high, "assessor"].astype(str))
        rows.append([idea_label(iid, r.table.loc[iid, "title"]), escape(r.labels.get(cid, cid)),
                     escape(fmt_number(r.aggregated.loc[iid, cid], 2)), escape(fmt_number(value, 2)),
                     f"<strong>{escape(fmt_number(low, 0))}</strong> "
                     f'<span class="muted">({escape(who_low)})</span>',
                     f"<strong>{escape(fmt_number(high, 0))}</strong> "
                     f'<span class="muted">({escape(who_high)})</span>'])  # fmt: skip
    headers = [
        escape(tr("rep.idea")),
        escape(tr("rep.criterion")),
        escape(tr("rep.combined_short")),
        escape(tr("rep.spread")),
        escape(tr("rep.lowest")),
        escape(tr("rep.highest")),
    ]
    return (
        f"<h3>{escape(tr('rep.spread_title'))}</h3>"
        f"<p>{escape(tr('rep.disagreement_intro', None, n=len(rows)))}</p>"
        + table(headers, rows, "disagreement", numeric=(2, 3))
        + f'<p class="muted">{escape(tr("rep.spread_note"))}</p>'
    )


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
    meta = [escape(row["theme"]), escape(fmt_money(row["cost"], wb.currency)),
            f"{escape(tr('rep.score'))} {escape(score_text(row['score']))} ({escape(standing)})"]  # fmt: skip
    p = ctx.portfolio
    if p is not None and p.status != "infeasible":
        if bool(p.table.loc[iid, "funded"]):
            meta.append(f'<strong class="ok">{escape(tr("rep.funded"))}</strong>')
        else:
            kind = str(p.table.loc[iid, "reason_kind"])
            label = kind_words(kind)
            label = f" ({label.lower()})" if label else ""
            meta.append(f'<strong class="no">{escape(tr("rep.not_funded") + label)}</strong>')
    if idea.get("owner"):
        meta.append(f"{escape(tr('rep.owner'))}: {escape(idea['owner'])}")
    deps = idea.get("depends_on") or ()
    if deps:
        meta.append(f"{escape(tr('rep.depends'))}: {escape(', '.join(deps))}")
    scores = wb.scores[wb.scores["idea_id"] == iid]
    failed = {g["criterion"] for g in row["gates"]}
    rows = []
    for cid in wb.criteria.index:
        s = scores.loc[scores["criterion_id"] == cid, "score"].dropna()
        low_high = f"{fmt_number(s.min(), 0)}–{fmt_number(s.max(), 0)}" if len(s) else ""
        value = escape(fmt_number(r.aggregated.loc[iid, cid], 2))
        if cid in failed:
            value = f'<span class="fail">{value}</span>'
        rows.append([escape(r.labels.get(cid, cid)), value,
                     escape(fmt_number(r.spread.loc[iid, cid], 2)), escape(low_high),
                     escape(str(int(r.counts.loc[iid, cid])))])  # fmt: skip
    headers = [
        escape(tr("rep.criterion")),
        escape(tr("rep.aggregated")),
        escape(tr("rep.spread")),
        escape(tr("rep.range")),
        escape(tr("rep.n_scores")),
    ]
    comments = scores[scores["comment"].fillna("").astype(str).str.strip() != ""]
    if len(comments):
        items = "".join(
            f"<li><strong>{escape(c['assessor'])}</strong> "
            f'<span class="muted">({escape(r.labels.get(c["criterion_id"], c["criterion_id"]))})</span>: '
            f"{escape(c['comment'])}</li>"
            for _, c in comments.iterrows()
        )
        comments_html = (
            f'<p class="label">{escape(tr("rep.comments"))}</p><ul class="comments">{items}</ul>'
        )
    else:
        comments_html = f'<p class="muted">{escape(tr("rep.no_comments"))}</p>'
    description = idea.get("description") or ""
    return (
        f'<div class="card"><h3>{idea_label(iid, row["title"])}</h3>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        + (f"<p>{escape(description)}</p>" if description else "")
        + table(headers, rows, "scores", numeric=(1, 2, 3, 4))
        + comments_html
        + "</div>"
    )


def appendix(ctx: ReportContext) -> Html:
    """One card per idea, in the order of the ranking."""
    cards = "".join(idea_card(ctx, iid) for iid in ctx.ranking.table.index)
    return section(
        tr("rep.s_appendix"),
        f'<p class="muted">{escape(tr("rep.spread_note"))}</p>{cards}',
        "page-break appendix",
    )
