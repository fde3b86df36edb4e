"""Pure HTML builders for the app's panels (no widgets): easy to test, cheap to send.

Every piece of user text is escaped with :func:`prioritisation.core.text.escape`.
"""

from __future__ import annotations

import numpy as np

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_, fmt_money, fmt_number, fmt_shares, get_language, tr
from prioritisation.core.model import Workbook
from prioritisation.core.text import escape
from prioritisation.decisions.group import MEMBER_VIEWS, disagreement, short_name, view_members
from prioritisation.engine.scoring import Ranking


def scroll_x(table: str, label: str) -> str:
    """A table in a box that scrolls sideways when the screen is narrow; the box can take the
    keyboard focus (arrow keys scroll it) and is named for screen readers."""
    return (f'<div class="pw-scroll-x" tabindex="0" role="region" aria-label="{escape(label)}">'
            f"{table}</div>")  # fmt: skip


def problems_html(problems: list[Problem], source: str, lang: str | None = None) -> str:
    items = "".join(f"<li>{escape(p.format(lang))}</li>" for p in problems)
    return (
        f'<div class="pw-box pw-problems"><h3>{escape(tr("app.bad_workbook", lang))}: '
        f"{escape(source)}</h3><p>{escape(tr('app.bad_workbook_help', lang))}</p><ul>{items}</ul></div>"
    )


PALETTE = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)  # Vega's tableau10: the same colours as the charts
BAR_PX = 150  # width of a score of 1


def legend_html(ranking: Ranking) -> str:
    items = "".join(
        f'<span class="pw-key"><span class="pw-swatch" style="background:{PALETTE[j % 10]}">'
        f"</span>{escape(ranking.labels.get(c, c))}</span>"
        for j, c in enumerate(ranking.weights.index)
    )
    return f'<div class="pw-legend">{items}</div>'


def fmt_score(value: float, lang: str) -> str:
    """``fmt_number(value, 3)``, fast for the usual 0 ≤ score < 1000 (called per row per slider move)."""
    if np.isnan(value):
        return ""
    if 0 <= value < 1000:
        text = f"{value:.3f}"
        return text.replace(".", ",") if lang == "nl" else text
    return fmt_number(value, 3, lang)


def _score_bar(contributions: np.ndarray | None, titles: list[str], score: float) -> str:
    """A stacked bar: the score split into its criterion contributions (plain bar otherwise)."""
    if np.isnan(score):
        return ""
    if contributions is None:
        return (
            f'<span class="pw-seg" style="width:{max(0.0, score) * BAR_PX:.1f}px;'
            f'background:{PALETTE[0]}"></span>'
        )
    return "".join(
        f'<span class="pw-seg" title="{titles[j]}: {value:.3f}" '
        f'style="width:{value * BAR_PX:.1f}px;background:{PALETTE[j % 10]}"></span>'
        for j, value in enumerate(contributions)
        if value > 0
    )


def static_cells(ranking: Ranking, currency: str = "EUR", lang: str | None = None) -> dict:
    """Per idea, the cells that no weight changes: idea, theme, cost, eligibility, reasons.

    Build once per workbook and language and pass to :func:`ranking_table_html`, so that a
    slider move formats only ranks, scores and bars.
    """
    lang = get_language(lang)
    t = ranking.table
    out = {}
    for iid, title, theme, cost, eligible, reasons in zip(
        t.index, t["title"], t["theme"], t["cost"], t["eligible"], t["reasons"], strict=True
    ):
        out[iid] = (
            f'<td><span class="pw-id">{escape(iid)}</span> {escape(title)}</td><td>{escape(theme)}</td>',
            f'<td class="num">{escape(fmt_money(cost, currency, lang))}</td>'
            f"<td>{tr('yes', lang) if eligible else tr('no', lang)}</td>"
            f"<td>{escape('; '.join(reasons) if reasons else '')}</td></tr>",
        )
    return out


def ranking_table_html(
    ranking: Ranking,
    theme: str | None = None,
    currency: str = "EUR",
    lang: str | None = None,
    static: dict | None = None,
) -> str:
    """The ranking in rank order (first row = top idea); not-eligible ideas last, greyed.

    The "make-up" column holds a stacked bar of the criterion contributions (a bar chart
    aligned with the rows: pure HTML, so it costs next to nothing to redraw on a slider move).
    """
    lang = get_language(lang)
    static = static or static_cells(ranking, currency, lang)
    t = ranking.table
    if theme:
        t = t[t["theme"] == theme]
    contributions = (
        None if ranking.contributions.empty else ranking.contributions.loc[t.index].to_numpy()
    )
    titles = [escape(ranking.labels.get(c, c)) for c in ranking.weights.index]
    rows = []
    for k, (iid, rank, score, eligible) in enumerate(
        zip(t.index, t["rank"].to_numpy(), t["score"].to_numpy(), t["eligible"], strict=True)
    ):
        before, after = static[iid]
        bar = _score_bar(None if contributions is None else contributions[k], titles, score)
        rows.append(
            f'<tr class="{"pw-in" if eligible else "pw-out"}" data-id="{escape(iid)}">'
            f'<td class="num pw-rank">{"" if np.isnan(rank) else int(rank)}</td>{before}'
            f'<td class="num pw-score">{fmt_score(score, lang)}</td>'
            f'<td class="pw-stack">{bar}</td>{after}'
        )
    head = "".join(
        f'<th class="{cls}">{escape(tr(k, lang))}</th>'
        for k, cls in [(N_("app.col.rank"), "num"), (N_("app.col.idea"), ""),
                       (N_("app.col.theme"), ""), (N_("app.col.score"), "num"),
                       (N_("app.col.makeup"), ""), (N_("app.col.cost"), "num"),
                       (N_("app.col.eligible"), ""), (N_("app.col.reason"), "")]
    )  # fmt: skip
    ranked = int(t["eligible"].sum())
    summary = tr("ranking.summary", lang, ranked=ranked, excluded=len(t) - ranked)
    return (
        f'<div class="pw-muted">{escape(summary)}</div>{legend_html(ranking)}'
        f'<div class="pw-scroll" tabindex="0" role="region" aria-label="{escape(tr("tab.ranking", lang))}">'
        f'<table class="pw-table pw-ranking"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def weight_share_html(share: str | None, lang: str | None = None) -> str:
    """One slider's share, ``share`` already rounded with the others (``fmt_shares``)."""
    text = "—" if share is None else tr("weights.share", lang, share=share)
    return f'<div class="pw-share">{escape(text)}</div>'


def members_html(
    group: Ranking, consensus, view: str, lang: str | None = None, limit: int = 60
) -> str:
    """One view of the members' disagreement
    (:data:`~prioritisation.decisions.group.MEMBER_VIEWS`), named on screen.

    ``consensus``: :func:`~prioritisation.decisions.group.consensus_prepared` in that view.
    """
    title_id, help_id = MEMBER_VIEWS[view]
    heading = f"<h3 class='pw-view-title'>{escape(tr(title_id, lang))}</h3>"
    table = disagreement(consensus, view)
    members = view_members(table)
    if len(members) < 2:
        none = N_("members.no_weights") if view == "weights" else N_("members.one")
        return f'<div class="pw-view pw-view-{view}">{heading}<p class="pw-note">{escape(tr(none, lang))}</p></div>'
    head = (
        f"<th>{escape(tr('app.col.idea', lang))}</th>"
        f"<th class='num'>{escape(tr('app.col.group', lang))}</th>"
        + "".join(f"<th class='num' title='{escape(m)}'>{escape(short_name(m))}</th>"
                  for m in members)
        + f"<th class='num'>{escape(tr('app.col.difference', lang))}</th>"
    )  # fmt: skip
    rows = []
    for iid, r in table.head(limit).iterrows():
        grank = r["group"]
        cells = "".join(
            f"<td class='num{' pw-hot' if abs(r[m] - grank) >= 5 else ''}'>{int(r[m])}</td>"
            for m in members
        )
        rows.append(
            f"<tr data-id='{escape(iid)}'><td><span class='pw-id'>{escape(iid)}</span> "
            f"{escape(group.table.at[iid, 'title'])}</td><td class='num'>{int(grank)}</td>"
            f"{cells}<td class='num'>{int(r['range'])}</td></tr>"
        )
    return (
        f'<div class="pw-view pw-view-{view}">{heading}<p class="pw-muted">'
        f"{escape(tr(help_id, lang))} {escape(tr('members.difference_key', lang))}</p>"
        f'<div class="pw-scroll" tabindex="0" role="region" aria-label="{escape(tr(title_id, lang))}">'
        f'<table class="pw-table pw-members"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></div>"
    )


def members_key_html(consensus, lang: str | None = None) -> str:
    """Above both views: the agreement (Kendall's W) and the members' full names."""
    members = list(consensus.member_ranks.columns)
    names = ", ".join(f"{short_name(m)} = {m}" for m in members if short_name(m) != m)
    key = f'<p class="pw-muted">{escape(names)}</p>' if names else ""
    w = consensus.kendall_w
    if w is not None and not np.isnan(w):
        text = tr("members.kendall", lang, w=fmt_number(w, 2, lang))
        key = f'<p class="pw-note pw-kendall">{escape(text)}</p>' + key
    return key


def idea_detail_html(wb: Workbook, ranking: Ranking, idea_id: str, lang: str | None = None) -> str:
    """One idea: facts, rank and reasons, scores per criterion, per assessor, comments."""
    if idea_id not in wb.ideas.index:
        return ""
    idea = wb.ideas.loc[idea_id]
    row = ranking.table.loc[idea_id]
    labels = ranking.labels
    n_ranked = int(ranking.table["eligible"].sum())
    if np.isnan(row["rank"]):
        status = tr("detail.not_ranked", lang) + ": " + "; ".join(row["reasons"])
    else:
        status = tr("detail.rank", lang, rank=int(row["rank"]), n=n_ranked)
    status += f" · {tr('app.col.score', lang)} {fmt_number(row['score'], 3, lang)}"

    def ids_text(ids) -> str:
        if not ids:
            return escape(tr("detail.none", lang))
        parts = []
        for d in ids:
            title = wb.ideas.at[d, "title"] if d in wb.ideas.index else ""
            r = ranking.table.at[d, "rank"] if d in ranking.table.index else np.nan
            where = (
                tr("detail.not_ranked", lang)
                if np.isnan(r)
                else tr("detail.rank_short", lang, rank=int(r))
            )
            parts.append(f"<b>{escape(d)}</b> {escape(title)} ({escape(where)})")
        return "; ".join(parts)

    needed_by = [i for i, deps in wb.ideas["depends_on"].items() if idea_id in (deps or ())]
    facts = [
        (tr("app.col.theme", lang), escape(idea.get("theme"))),
        (tr("detail.owner", lang), escape(idea.get("owner"))),
        (tr("detail.cost", lang), escape(fmt_money(idea.get("cost"), wb.currency, lang))),
    ]
    duration = idea.get("duration")
    if duration is not None and not (isinstance(duration, float) and np.isnan(duration)):
        facts.append(
            (
                tr("detail.duration", lang),
                escape(tr("detail.years", lang, n=fmt_number(duration, 0, lang))),
            )
        )
    facts += [
        (tr("detail.depends", lang), ids_text(list(idea.get("depends_on") or ()))),
        (tr("detail.needed_by", lang), ids_text(needed_by)),
    ]
    facts_html = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in facts)

    crit_rows = []
    shares = fmt_shares(ranking.weights.to_dict(), 0, lang)  # adding up to 100 %
    for cid in wb.criteria.index:
        contrib = (
            ranking.contributions.at[idea_id, cid] if not ranking.contributions.empty else np.nan
        )
        crit_rows.append(
            f"<tr><td>{escape(labels.get(cid, cid))}</td>"
            f"<td class='num'>{shares[cid]}</td>"
            f"<td class='num'>{fmt_number(ranking.aggregated.at[idea_id, cid], 2, lang)}</td>"
            f"<td class='num'>{fmt_number(ranking.normalised.at[idea_id, cid], 2, lang)}</td>"
            f"<td class='num'>{fmt_number(contrib, 3, lang)}</td>"
            f"<td class='num'>{fmt_number(ranking.spread.at[idea_id, cid], 2, lang)}</td>"
            f"<td class='num'>{int(ranking.counts.at[idea_id, cid])}</td></tr>"
        )
    crit_head = "".join(
        f"<th class='{c}'>{escape(tr(k, lang))}</th>"
        for k, c in [(N_("app.col.criterion"), ""), (N_("app.col.weight"), "num"),
                     (N_("app.col.mean"), "num"), (N_("app.col.normalised"), "num"),
                     (N_("app.col.contribution"), "num"),
                     (N_("app.col.spread"), "num"), (N_("app.col.assessors"), "num")]
    )  # fmt: skip

    s = wb.scores[wb.scores["idea_id"] == idea_id]
    wide = s.pivot_table(index="assessor", columns="criterion_id", values="score", aggfunc="first",
                         dropna=False).reindex(columns=wb.criteria.index)  # fmt: skip
    ass_head = f"<th>{escape(tr('app.col.assessor', lang))}</th>" + "".join(
        f"<th class='num'>{escape(labels.get(c, c))}</th>" for c in wb.criteria.index
    )
    ass_rows = "".join(
        f"<tr><td>{escape(a)}</td>"
        + "".join(f"<td class='num'>{fmt_number(v, 0, lang) or '—'}</td>" for v in wide.loc[a])
        + "</tr>"
        for a in wide.index
    )
    comments = s[s["comment"].fillna("").astype(str).str.strip() != ""]
    comment_html = (
        "<ul>"
        + "".join(
            f"<li><b>{escape(c.assessor)}</b> ({escape(labels.get(c.criterion_id, c.criterion_id))}): "
            f"{escape(c.comment)}</li>"
            for c in comments.itertuples()
        )
        + "</ul>"
        if len(comments)
        else f"<p class='pw-muted'>{escape(tr('detail.no_comments', lang))}</p>"
    )
    description = escape(idea.get("description"))
    return (
        f"<h2 class='pw-detail-title'><span class='pw-id'>{escape(idea_id)}</span> "
        f"{escape(idea.get('title'))}</h2><p class='pw-note pw-detail-status'>{escape(status)}</p>"
        f"<p>{description}</p><table class='pw-table pw-facts'>{facts_html}</table>"
        f"<h3>{escape(tr('detail.scores', lang))}</h3>"
        + scroll_x(
            f"<table class='pw-table pw-detail-criteria'><thead><tr>{crit_head}</tr>"
            f"</thead><tbody>{''.join(crit_rows)}</tbody></table>",
            tr("detail.scores", lang),
        )
        + f"<h3>{escape(tr('detail.assessors', lang))}</h3>"
        + scroll_x(
            f"<table class='pw-table pw-detail-assessors'><thead><tr>{ass_head}</tr>"
            f"</thead><tbody>{ass_rows}</tbody></table>",
            tr("detail.assessors", lang),
        )
        + f"<h3>{escape(tr('detail.comments', lang))}</h3>{comment_html}"
    )


def chart_html(svg: str, caption: str = "") -> str:
    cap = f'<p class="pw-muted">{escape(caption)}</p>' if caption else ""
    label = escape(caption or tr("tab.value"))
    return f'{cap}<div class="pw-chart" tabindex="0" role="region" aria-label="{label}">{svg}</div>'


def download_link_html(data: bytes, name: str, mime: str, label: str) -> str:
    import base64

    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<div class="pw-dl"><a download="{escape(name)}" href="data:{mime};base64,{b64}">'
        f"{escape(label)}</a></div>"
    )


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** np.floor(np.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def value_cost_svg(
    ranking: Ranking, currency: str = "EUR", lang: str | None = None,
    width: int = 720, height: int = 420, funded: set[str] | None = None,
) -> str:  # fmt: skip
    """Score against cost, one dot per idea, coloured by theme; labels that would overlap are
    left out (every dot names its idea on hover).

    Plain SVG written here: drawing it costs a millisecond and loads no chart library into the
    member's kernel (vl-convert would add seconds and ~110 MiB per member).
    """
    lang = get_language(lang)
    t = ranking.table
    data = t[t["cost"].notna() & t["score"].notna()]
    left, right, top, bottom = 64, 48, 12, 46
    pw, ph = width - left - right, height - top - bottom
    xmax = float(data["cost"].max()) if len(data) else 1.0
    xstep = _nice_step(xmax or 1.0)
    xmax = xstep * np.ceil((xmax or 1.0) / xstep)
    smin = float(min(0.0, data["score"].min())) if len(data) else 0.0
    smax = float(max(1.0, data["score"].max())) if len(data) else 1.0
    ystep = _nice_step(smax - smin, 5)

    def x(v):
        return left + pw * float(v) / xmax

    def y(v):
        return top + ph * (1 - (float(v) - smin) / (smax - smin))

    themes = sorted({str(v) for v in t["theme"].fillna("")})
    colour = {th: PALETTE[i % 10] for i, th in enumerate(themes)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pw-scatter" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
        'font-size="11">'
    ]
    for k in range(int(round(xmax / xstep)) + 1):
        v = k * xstep
        parts.append(
            f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{top + ph}" stroke="#e4e7eb"/>'
            f'<text x="{x(v):.1f}" y="{top + ph + 16}" text-anchor="middle" fill="#52606d">'
            f"{escape(fmt_money(v, currency, lang))}</text>"
        )
    v = smin
    while v <= smax + 1e-9:
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e4e7eb"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#52606d">'
            f"{fmt_number(v, 1, lang)}</text>"
        )
        v += ystep
    parts.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 6}" text-anchor="middle" font-size="12" '
        f'font-weight="bold">{escape(tr("app.col.cost", lang))} ({escape(currency)})</text>'
        f'<text transform="translate(14 {top + ph / 2:.0f}) rotate(-90)" text-anchor="middle" '
        f'font-size="12" font-weight="bold">{escape(tr("app.col.score", lang))}</text>'
    )
    # the dots are obstacles for the labels, and so is every label already placed
    placed = [
        (x(c) - 6, y(v) - 6, x(c) + 6, y(v) + 6)
        for c, v in zip(data["cost"], data["score"], strict=True)
    ]
    labels = []
    for iid, row in data.iterrows():
        cx, cy = x(row["cost"]), y(row["score"])
        fill = colour[str(row["theme"] if isinstance(row["theme"], str) else "")]
        eligible = bool(row["eligible"])
        tip = escape(f"{iid} · {row['title']} — {tr('app.col.score', lang)} "
                 f"{fmt_score(float(row['score']), lang)}, {fmt_money(row['cost'], currency, lang)}"
                 + ("" if eligible else f" ({tr('not_eligible', lang)})"))  # fmt: skip
        style = (f'fill="{fill}" fill-opacity="0.85"' if eligible
                 else f'fill="white" stroke="{fill}" stroke-width="2"')  # fmt: skip
        if funded is not None and iid in funded:
            style = f'fill="{fill}" stroke="#1f2933" stroke-width="2.5"'
            tip += escape(f" — {tr('value.funded', lang)}")
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" {style}><title>{tip}</title></circle>'
        )
        w_text = 6.8 * len(str(iid))
        for dy in (4, -9, 17):
            box = (cx + 8, cy + dy - 10, cx + 8 + w_text, cy + dy + 1)
            if box[2] > width:
                box = (cx - 8 - w_text, box[1], cx - 8, box[3])
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in placed):  # fmt: skip
                placed.append(box)
                labels.append(
                    f'<text x="{box[0]:.1f}" y="{cy + dy:.1f}" fill="#1f2933">{escape(iid)}</text>'
                )
                break
    parts += labels
    parts.append("</svg>")
    legend = "".join(
        f'<span class="pw-key"><span class="pw-swatch" style="background:{colour[th]}"></span>'
        f"{escape(th or '—')}</span>"
        for th in themes
    )
    hollow = (
        f'<span class="pw-key"><span class="pw-swatch pw-hollow"></span>'
        f"{escape(tr('not_eligible', lang))}</span>"
    )
    ring = (
        f'<span class="pw-key"><span class="pw-swatch pw-ring"></span>'
        f"{escape(tr('value.funded', lang))}</span>"
        if funded is not None
        else ""
    )
    return f'<div class="pw-legend">{legend}{hollow}{ring}</div>' + "".join(parts)
