"""The Group tab's HTML: what a :class:`GroupView` (a round's state as one member may see it)
looks like. Pure functions, no widgets: :mod:`prioritisation.app.group` puts the strings in.

A blind round shows a member only their own weights (and their own satisfaction) until the
chair reveals: every function here shows the rows of ``view.visible`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from prioritisation.app.views import scroll_x, short_name
from prioritisation.core.i18n import N_, fmt_money, fmt_number, fmt_percent, tr
from prioritisation.core.text import escape
from prioritisation.decisions.group_weights import how_words
from prioritisation.explain.round_text import satisfaction_sentence, shared_text

SOURCES = {"round": N_("gtab.source_round"), "workbook": N_("gtab.source_workbook")}
TOP = 5  # each member's top ideas beside the group's
RANKING_ROWS = 20  # the group's ranking: the first rows
PALETTE = ["#1f5f99", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#00838f", "#6d4c41",
           "#ad1457", "#546e7a", "#827717"]  # fmt: skip


@dataclass
class GroupView:
    """A round (or the workbook's own member weights) as one page shows it.

    ``source``: ``round`` or ``workbook``; ``sets``: every member's shares (members ×
    criteria); ``visible``: the members this viewer may see; ``shared_at``: member → when
    they last shared (a round); ``analysis``: the
    :class:`~prioritisation.decisions.group_decision.GroupAnalysis` (``None`` while it is
    being computed); ``tops``: member → their own top ideas."""

    source: str
    sets: pd.DataFrame
    visible: list[str]
    labels: dict[str, str]
    titles: dict[str, str]
    currency: str = "EUR"
    round: object | None = None  # prioritisation.scenarios.rounds.Round
    viewer: str | None = None
    shared_at: dict[str, datetime] = field(default_factory=dict)
    analysis: object | None = None
    tops: dict[str, list[str]] = field(default_factory=dict)
    expected: list[str] = field(default_factory=list)  # who should share (the members sheet)
    costs: dict[str, float] = field(default_factory=dict)  # idea → cost
    error: str = ""

    @property
    def hidden(self) -> int:
        """How many members' weights this viewer may not see yet."""
        return len([m for m in self.sets.index if m not in self.visible])


def colours(members) -> dict[str, str]:
    return {m: PALETTE[k % len(PALETTE)] for k, m in enumerate(members)}


def idea(view: GroupView, iid: str) -> str:
    return f"<span class='pw-id'>{escape(iid)}</span> {escape(view.titles.get(iid, ''))}"


def round_html(view: GroupView, lang: str | None = None) -> str:
    """The round's state in one line: its name, blind / revealed / closed, how many shared."""
    rd = view.round
    if rd is None:
        return f"<p class='pw-note pw-round-state'>{escape(tr('gtab.no_round', lang))}</p>"
    if rd.closed:
        state = tr("gtab.state_closed", lang, by=rd.closed_by, decision=rd.decision or "—")
    elif rd.blind and not rd.revealed:
        state = tr("gtab.state_blind", lang, chair=rd.chair)
    else:
        state = tr("gtab.state_open", lang)
    total = len(set(view.expected) | set(view.sets.index))
    count = tr("gtab.shared_count", lang, n=len(view.sets), total=total)
    return (f"<p class='pw-note pw-round-state' data-round='{escape(rd.name)}'>"
            f"<b>{escape(tr('gtab.round', lang, name=rd.name))}</b> · {escape(state)} "
            f"· {escape(count)}</p>")  # fmt: skip


def weights_table_html(view: GroupView, lang: str | None = None) -> str:
    """Members × criteria (shares), the group's weights below; hidden members counted."""
    crits = list(view.sets.columns)
    head = f"<th>{escape(tr('gtab.member', lang))}</th>" + "".join(
        f"<th class='num'>{escape(view.labels.get(c, c))}</th>" for c in crits
    )
    rows = []
    for m in view.visible:
        cells = "".join(f"<td class='num' data-c='{escape(c)}' data-w='{float(view.sets.at[m, c]):.6f}'>"
                        f"{fmt_percent(view.sets.at[m, c], 0, lang)}</td>" for c in crits)  # fmt: skip
        when = view.shared_at.get(m)
        title = f" title='{escape(shared_text(when, lang))}'" if when else ""
        rows.append(f"<tr class='pw-member-row' data-member='{escape(m)}'{title}>"
                    f"<td>{escape(m)}</td>{cells}</tr>")  # fmt: skip
    a = view.analysis
    if a is not None:
        cells = "".join(f"<td class='num' data-c='{escape(c)}' data-w='{float(a.group_weights[c]):.6f}'>"
                        f"<b>{fmt_percent(a.group_weights[c], 0, lang)}</b></td>" for c in crits)  # fmt: skip
        rows.append(f"<tr class='pw-group-row'><td><b>{escape(tr('gtab.group_weights', lang))}"
                    f"</b></td>{cells}</tr>")  # fmt: skip
    hidden = ""
    if view.hidden:
        hidden = f"<p class='pw-muted pw-hidden-count'>{escape(tr('gtab.hidden', lang, n=view.hidden))}</p>"
    how = ""
    if a is not None:
        text = tr("gtab.how", lang, how=how_words(a.how, a.floor, lang))
        how = f"<p class='pw-muted'>{escape(text)}</p>"
    table = (f"<table class='pw-table pw-group-weights'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
    return scroll_x(table, tr("gtab.weights_title", lang)) + hidden + how


def strip_svg(view: GroupView, lang: str | None = None) -> str:
    """A strip chart: one line per criterion (0 to the largest share), a dot per member, a
    dark bar at the group's weight; the members' names in a key below."""
    crits = list(view.sets.columns)
    members = list(view.visible)
    if not crits or not members:
        return ""
    top = float(view.sets.loc[members].to_numpy().max()) if members else 0.0
    if view.analysis is not None:
        top = max(top, float(view.analysis.group_weights.max()))
    top = max(0.1, math.ceil(top * 10) / 10)
    longest = max(len(str(view.labels.get(c, c))) for c in crits)
    left = max(110, int(longest * 7.5) + 16)  # the criterion names (12 px text) fit on the left
    width, row, pad = 420, 34, 24
    height = pad + row * len(crits) + 28
    col = colours(view.sets.index)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='pw-strip' viewBox='0 0 {left + width + 30} {height}' "
             f"width='{left + width + 30}' height='{height}' style='min-width:0;max-width:100%;height:auto' role='img' "
             f"aria-label='{escape(tr('gtab.strip_title', lang))}' font-family='DejaVu Sans, sans-serif' font-size='12'>"]  # fmt: skip

    def x(v: float) -> float:
        return left + width * float(v) / top

    for k in range(int(round(top * 10)) + 1):
        v = k / 10
        parts.append(f"<line x1='{x(v):.1f}' x2='{x(v):.1f}' y1='{pad - 8}' y2='{height - 24}' "
                     f"stroke='#e4e7eb'/><text x='{x(v):.1f}' y='{height - 8}' text-anchor='middle' "
                     f"fill='#52606d'>{escape(fmt_percent(v, 0, lang))}</text>")  # fmt: skip
    for r, c in enumerate(crits):
        y = pad + row * r + row / 2
        parts.append(f"<text x='{left - 8}' y='{y + 4:.1f}' text-anchor='end' fill='#1f2933'>"
                     f"{escape(view.labels.get(c, c))}</text>"
                     f"<line x1='{left}' x2='{left + width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#9aa5b1'/>")  # fmt: skip
        for k, m in enumerate(members):
            jitter = (k - (len(members) - 1) / 2) * 3
            v = float(view.sets.at[m, c])
            parts.append(f"<circle cx='{x(v):.1f}' cy='{y + jitter:.1f}' r='5.5' fill='{col[m]}' "
                         f"fill-opacity='0.85' stroke='white'><title>{escape(m)}: "
                         f"{escape(fmt_percent(v, 0, lang))}</title></circle>")  # fmt: skip
        if view.analysis is not None:
            g = float(view.analysis.group_weights[c])
            parts.append(f"<rect x='{x(g) - 2:.1f}' y='{y - 11:.1f}' width='4' height='22' fill='#1f2933'>"
                         f"<title>{escape(tr('gtab.group_weights', lang))}: {escape(fmt_percent(g, 0, lang))}"
                         f"</title></rect>")  # fmt: skip
    parts.append("</svg>")
    key = "".join(f"<span class='pw-key'><span class='pw-swatch' style='background:{col[m]};"
                  f"border-radius:6px'></span>{escape(m)}</span>" for m in members)  # fmt: skip
    if view.analysis is not None:
        key += (f"<span class='pw-key'><span class='pw-swatch' style='background:#1f2933;width:4px'>"
                f"</span>{escape(tr('gtab.group_weights', lang))}</span>")  # fmt: skip
    return (f"<div class='pw-chart pw-strip-chart' tabindex='0' role='region' "
            f"aria-label='{escape(tr('gtab.strip_title', lang))}'>{''.join(parts)}</div>"
            f"<div class='pw-legend'>{key}</div>")  # fmt: skip


def satisfaction_html(view: GroupView, lang: str | None = None) -> str:
    """The compromise's sentence and each visible member's satisfaction with their own best
    selection, the group set and the compromise."""
    a = view.analysis
    if a is None:
        return ""
    named = not view.hidden
    per = a.compromise.per_member
    sentence = satisfaction_sentence(per.to_dict(), lang, named=named)
    head = (f"<th>{escape(tr('gtab.member', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.sat_group', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.sat_compromise', lang))}</th>")  # fmt: skip
    rows = []
    for m in view.visible:
        if m not in a.satisfaction.index:
            continue
        s = a.satisfaction.loc[m]
        least = " pw-least" if named and m in a.compromise.least else ""
        rows.append(f"<tr class='pw-sat-row{least}' data-member='{escape(m)}' "
                    f"data-sat='{float(s['compromise']):.9f}'><td>{escape(m)}</td>"
                    f"<td class='num'>{fmt_percent(s['group'], 0, lang)}</td>"
                    f"<td class='num'>{fmt_percent(s['compromise'], 0, lang)}</td></tr>")  # fmt: skip
    table = (f"<table class='pw-table pw-satisfaction'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
    return (f"<p class='pw-note pw-sat-sentence' data-min='{float(a.compromise.min_satisfaction):.9f}' "
            f"data-digest='{escape(a.digest)}'>"
            f"{escape(sentence)}</p><p class='pw-muted'>{escape(tr('gtab.sat_help', lang))}</p>"
            + scroll_x(table, tr("gtab.sat_title", lang)))  # fmt: skip


def sets_html(view: GroupView, lang: str | None = None) -> str:
    """The compromise set next to the set the group's weights fund."""
    a = view.analysis
    if a is None:
        return ""
    comp, group = list(a.compromise.funded), list(a.group_set)
    rows = []
    for iid in [i for i in view.titles if i in comp or i in group]:
        mark_c = "✓" if iid in comp else ""
        mark_g = "✓" if iid in group else ""
        diff = " pw-hot" if (iid in comp) != (iid in group) else ""
        rows.append(f"<tr class='pw-set-row{diff}' data-id='{escape(iid)}'><td>{idea(view, iid)}</td>"
                    f"<td class='num'>{mark_c}</td><td class='num'>{mark_g}</td></tr>")  # fmt: skip
    head = (f"<th>{escape(tr('app.col.idea', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.compromise', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.group_set', lang))}</th>")  # fmt: skip
    cost = tr("gtab.sets_cost", lang, compromise=fmt_money(a.compromise.cost, view.currency, lang),
              group=fmt_money(_cost(view, group, a), view.currency, lang),
              budget=fmt_money(a.budget, view.currency, lang))  # fmt: skip
    notes = []
    if a.yearly_as_total:
        notes.append(tr("gtab.yearly_as_total", lang))
    if a.weighted_sum_differs:
        notes.append(tr("gtab.wsm_note", lang))
    note = "".join(f"<p class='pw-muted'>{escape(n)}</p>" for n in notes)
    table = (f"<table class='pw-table pw-sets'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
    return (
        f"<p class='pw-muted'>{escape(cost)}</p>"
        + scroll_x(table, tr("gtab.sets_title", lang))
        + note
    )


def _cost(view: GroupView, ids, a) -> float:
    return float(sum(view.costs.get(i, 0.0) for i in ids)) if view.costs else math.nan


def tops_html(view: GroupView, lang: str | None = None) -> str:
    """The group's top ideas and each visible member's own top ideas, side by side."""
    a = view.analysis
    if a is None:
        return ""
    group_top = list(a.ranking.index[:TOP])
    members = [m for m in view.visible if m in view.tops]
    head = (f"<th class='num'>{escape(tr('app.col.rank', lang))}</th>"
            f"<th>{escape(tr('gtab.group', lang))}</th>"
            + "".join(f"<th title='{escape(m)}'>{escape(short_name(m))}</th>" for m in members))  # fmt: skip
    rows = []
    for k in range(TOP):
        g = group_top[k] if k < len(group_top) else ""
        cells = "".join(
            (lambda i: f"<td class='{'' if i in group_top else 'pw-hot'}'>"
                       f"<span class='pw-id'>{escape(i)}</span></td>")(view.tops[m][k])
            if k < len(view.tops[m]) else "<td></td>" for m in members
        )  # fmt: skip
        rows.append(
            f"<tr><td class='num'>{k + 1}</td><td><span class='pw-id'>{escape(g)}</span></td>{cells}</tr>"
        )
    table = (f"<table class='pw-table pw-tops'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
    return f"<p class='pw-muted'>{escape(tr('gtab.tops_help', lang))}</p>" + scroll_x(
        table, tr("gtab.tops_title", lang)
    )


def split_html(view: GroupView, lang: str | None = None) -> str:
    """Core / contested / never: in every member's own best selection, in some, in none
    (who wants a contested idea is named only when every member may be seen)."""
    a = view.analysis
    if a is None:
        return ""
    sp = a.split
    named = not view.hidden

    def ids(items) -> str:
        return ", ".join(f"<span class='pw-id' title='{escape(view.titles.get(i, ''))}'>{escape(i)}</span>"
                         for i in items) or "—"  # fmt: skip

    contested = []
    for iid, (yes, no) in sp.contested.items():
        who = (f" <span class='pw-muted'>({escape(tr('gtab.contested_for', lang, n=len(yes), total=len(yes) + len(no)))}"
               + (f": {escape(', '.join(short_name(m) for m in yes))}" if named else "") + ")</span>")  # fmt: skip
        contested.append(f"<li>{idea(view, iid)}{who}</li>")
    return (f"<p class='pw-split-core'><b>{escape(tr('gtab.core', lang))}</b> {ids(sp.core)}</p>"
            f"<p><b>{escape(tr('gtab.contested', lang))}</b></p><ul class='pw-split-contested'>"
            f"{''.join(contested) or '<li>—</li>'}</ul>"
            f"<p class='pw-split-never'><b>{escape(tr('gtab.never', lang))}</b> {ids(sp.never)}</p>")  # fmt: skip


def ranking_html(view: GroupView, lang: str | None = None) -> str:
    """The ranking under the group's weights: rank, idea, score, in the group set, in the
    compromise (the first :data:`RANKING_ROWS`)."""
    a = view.analysis
    if a is None:
        return ""
    comp, group = set(a.compromise.funded), set(a.group_set)
    rows = []
    for iid, r in a.ranking.head(RANKING_ROWS).iterrows():
        rows.append(f"<tr data-id='{escape(iid)}'><td class='num'>{int(r['rank'])}</td><td>{idea(view, iid)}</td>"
                    f"<td class='num'>{fmt_number(r['score'], 3, lang)}</td>"
                    f"<td class='num'>{'✓' if iid in group else ''}</td>"
                    f"<td class='num'>{'✓' if iid in comp else ''}</td></tr>")  # fmt: skip
    head = (f"<th class='num'>{escape(tr('app.col.rank', lang))}</th><th>{escape(tr('app.col.idea', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.score', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.group_set', lang))}</th>"
            f"<th class='num'>{escape(tr('gtab.compromise', lang))}</th>")  # fmt: skip
    table = (f"<table class='pw-table pw-group-ranking'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip
    return scroll_x(table, tr("gtab.ranking_title", lang))


def who_shared_html(view: GroupView, lang: str | None = None) -> str:
    """For the chair: who has shared (and when), who not yet."""
    names = list(dict.fromkeys([*view.expected, *view.sets.index]))
    if not names:
        return ""
    items = []
    for m in names:
        when = view.shared_at.get(m)
        mark = "✓" if when else "…"
        items.append(f"<li class='{'pw-shared' if when else 'pw-not-shared'}'>{mark} {escape(m)} "
                     f"<span class='pw-muted'>{escape(shared_text(when, lang))}</span></li>")  # fmt: skip
    return f"<ul class='pw-who-shared'>{''.join(items)}</ul>"


def body_html(view: GroupView, lang: str | None = None) -> str:
    """Everything below the buttons, in reading order."""
    if view.error:
        return f"<p class='pw-box'>{escape(view.error)}</p>"
    if view.sets.empty:
        return f"<p class='pw-muted pw-group-empty'>{escape(tr('gtab.nothing_shared', lang))}</p>"
    source = tr(SOURCES[view.source], lang)
    busy = ""
    if view.analysis is None:
        busy = f"<p class='pw-muted pw-group-busy'>{escape(tr('gtab.computing', lang))}</p>"
    parts = [
        f"<p class='pw-muted pw-group-source'>{escape(source)}</p>",
        f"<h3>{escape(tr('gtab.weights_title', lang))}</h3>", weights_table_html(view, lang),
        strip_svg(view, lang), busy,
    ]  # fmt: skip
    if view.analysis is not None:
        parts += [
            f"<h3>{escape(tr('gtab.sat_title', lang))}</h3>", satisfaction_html(view, lang),
            f"<h3>{escape(tr('gtab.sets_title', lang))}</h3>", sets_html(view, lang),
            f"<h3>{escape(tr('gtab.tops_title', lang))}</h3>", tops_html(view, lang),
            f"<h3>{escape(tr('gtab.split_title', lang))}</h3>", split_html(view, lang),
            f"<h3>{escape(tr('gtab.ranking_title', lang))}</h3>", ranking_html(view, lang),
        ]  # fmt: skip
    return "".join(parts)


def qr_svg(url: str) -> str:
    """The address as a QR code (inline SVG, made here: nothing from the network).

    >>> qr_svg("http://example.org/").startswith("<svg")
    True
    """
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, title=url)  # fmt: skip
    return out.getvalue().decode("utf-8")
