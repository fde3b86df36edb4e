"""The report's group section: a decision that a steering group's round took.

When the report's scenario is the decision a round stored on closing
(:func:`prioritisation.scenarios.rounds.close_round`), :func:`round_record` reads the round
back from the store: the members' weights and the group's weights the decision was taken on,
the rule and the chosen set, the analysis stored for those inputs (each member's own best
selection and satisfaction; solved again if it is not there), and each member's last shared
version of their weights. :func:`group_section` shows it: the members' weights, the group's
weights, the compromise and who gains or loses what compared with their own best;
:func:`record_rows` adds the round and every member's last shared version to the decision
record on the cover.

With ``anonymise`` (``prioritisation report --anonymise``, the app's "members anonymous")
the members are "lid 1, lid 2 …" (in the order they first shared) everywhere in it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from prioritisation.core.i18n import N_, fmt_money, fmt_percent, tr
from prioritisation.core.text import escape
from prioritisation.decisions.group_weights import DEFAULT_FLOOR, how_words
from prioritisation.explain.round_text import (
    anonymous_names,
    change_sentence,
    gains_and_losses,
    satisfaction_sentence,
)
from prioritisation.report.markup import Html, section, table

RULE_WORDS = {"compromise": N_("rep.group_rule_compromise"), "group": N_("rep.group_rule_group")}
OTHER_SET = {"compromise": N_("rep.group_other_group"), "group": N_("rep.group_other_compromise")}


@dataclass(frozen=True, eq=False)
class RoundRecord:
    """A closed round as the report shows it (see the module's text). ``shares``: member →
    (how many times they shared, when they last did, who shared it)."""

    name: str
    blind: bool
    chair: str
    closed_by: str
    closed_at: datetime | None
    rule: str
    chosen: tuple[str, ...]
    weights: pd.DataFrame  # members × criteria (shares)
    group_weights: pd.Series
    how: str
    floor: float
    satisfaction: dict[str, float]
    analysis: object | None = None  # prioritisation.decisions.group_decision.GroupAnalysis
    shares: dict[str, tuple[int, datetime, str]] = field(default_factory=dict)

    @property
    def members(self) -> list[str]:
        return list(self.weights.index)


def round_record(wb, store, scenario) -> RoundRecord | None:
    """The round whose closing stored ``scenario`` (a version in ``store``, an open
    :class:`~prioritisation.scenarios.db.ScenarioStore`), or ``None``."""
    import sqlalchemy as sa

    from prioritisation.scenarios.rounds import get_round, history, stored_result
    from prioritisation.scenarios.schema import round_events_table as e

    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(e.c.round_name, e.c.payload, e.c.at)
                                .where(e.c.kind == "close").order_by(e.c.id)).all()  # fmt: skip
    except sa.exc.DBAPIError:  # a read-only store from before rounds: no round took it
        return None
    found = next(((n, json.loads(p), at) for n, p, at in rows
                  if json.loads(p).get("scenario") == scenario.label), None)  # fmt: skip
    if found is None:
        return None
    name, close, _at = found
    rd = get_round(store, name)
    weights = pd.DataFrame(close["members_weights"]).T.reindex(columns=list(wb.criteria.index))
    weights = weights.fillna(0.0).astype(float)
    analysis = None
    stored = stored_result(store, name, close.get("digest", ""))
    if stored is not None:
        from prioritisation.decisions.group_decision import GroupAnalysis

        analysis = GroupAnalysis.from_dict(stored)
    events = history(store, name)
    shares = {}
    for member, group in events[events["kind"] == "share"].groupby("member", sort=False):
        last = group.iloc[-1]
        shares[str(member)] = (len(group), datetime.fromisoformat(last["at"]), str(last["actor"]))
    return RoundRecord(
        name=name, blind=rd.blind, chair=rd.chair, closed_by=rd.closed_by or "",
        closed_at=rd.closed_at, rule=close.get("rule", "compromise"),
        chosen=tuple(close.get("chosen") or ()), weights=weights,
        group_weights=pd.Series(close["group_weights"], dtype=float).reindex(weights.columns),
        how=close.get("how", "mean"), floor=float(close.get("floor", DEFAULT_FLOOR)),
        satisfaction={m: (math.nan if v is None else float(v))
                      for m, v in (close.get("satisfaction") or {}).items()},
        analysis=analysis, shares=shares,
    )  # fmt: skip


def names_of(ctx) -> dict[str, str]:
    """How the section names each member: themselves, or "lid 1, lid 2 …" anonymised."""
    rec = ctx.group
    members = rec.members
    return anonymous_names(members, ctx.lang) if ctx.anonymise else {m: m for m in members}


def _when(at: datetime | None, lang: str) -> str:
    if at is None:
        return "—"
    return at.strftime("%Y-%m-%d %H:%M UTC" if lang == "en" else "%d-%m-%Y %H:%M UTC")


def record_rows(ctx) -> list[tuple[str, str]]:
    """The decision record's lines for a round: the round, and each member's last shared
    version of their weights (how many times they shared, when last). Plain text, escaped."""
    rec = ctx.group
    if rec is None:
        return []
    names = names_of(ctx)
    round_line = tr("rep.group_record_round", None, name=rec.name,
                    closed=_when(rec.closed_at, ctx.lang))  # fmt: skip
    versions = "<br>".join(
        escape(tr("rep.group_record_share", None, member=names.get(m, m), n=n,
                  at=_when(at, ctx.lang)))
        for m, (n, at, _by) in rec.shares.items() if m in names
    )  # fmt: skip
    return [(tr("rep.group_record_round_label"), escape(round_line)),
            (tr("rep.group_record_shares_label"), versions or "—")]  # fmt: skip


def group_section(ctx) -> Html:
    """The group section (nothing when the scenario is not a round's decision)."""
    rec = ctx.group
    if rec is None:
        return Html("")
    lang, wb = ctx.lang, ctx.wb
    names = names_of(ctx)
    labels = wb.criterion_labels()
    titles = {str(i): str(t) for i, t in wb.ideas["title"].items()}
    rule = tr(RULE_WORDS.get(rec.rule, RULE_WORDS["compromise"]))
    intro = tr("rep.group_intro", None, name=rec.name, n=len(rec.members), rule=rule)
    body = f"<p>{escape(intro)}</p>"
    if ctx.anonymise:
        body += f"<p class='note'>{escape(tr('rep.group_anonymous'))}</p>"
    # the members' weights and the group's weights
    crits = list(rec.weights.columns)
    rows = [[escape(names[m])] + [escape(fmt_percent(rec.weights.at[m, c], 0)) for c in crits]
            for m in rec.members]  # fmt: skip
    rows.append([f"<strong>{escape(tr('rep.group_weights_row'))}</strong>"]
                + [f"<strong>{escape(fmt_percent(rec.group_weights[c], 0))}</strong>" for c in crits])  # fmt: skip
    headers = [escape(tr("rep.group_member"))] + [escape(labels.get(c, c)) for c in crits]
    body += f"<h3>{escape(tr('rep.group_weights_title'))}</h3>"
    body += table(headers, rows, "group-weights", numeric=range(1, len(crits) + 1))
    how = tr("rep.group_how", None, how=how_words(rec.how, rec.floor))
    body += f"<p class='small'>{escape(how)}</p>"
    # the decision and who gains or loses what
    sat = {names[m]: v for m, v in rec.satisfaction.items() if m in names}
    body += f"<h3>{escape(tr('rep.group_decision_title'))}</h3>"
    chosen = ", ".join(rec.chosen) or "—"
    body += f"<p>{escape(tr('rep.group_chosen', None, ids=chosen))}</p>"
    sentence = satisfaction_sentence(sat, lang)
    if sentence:
        body += f"<p class='summary'>{escape(sentence)}</p>"
    a = rec.analysis
    if a is not None:
        own = {names[m]: a.own[m].funded for m in rec.members if m in a.own}
        changes = gains_and_losses(own, rec.chosen, sat)
        rows = [[escape(c.member), escape(fmt_percent(c.satisfaction, 0)),
                 escape(", ".join(c.lost) or "—"), escape(", ".join(c.gained) or "—")]
                for c in changes]  # fmt: skip
        headers = [escape(tr("rep.group_member")), escape(tr("rep.group_satisfaction")),
                   escape(tr("rep.group_lost")), escape(tr("rep.group_gained"))]  # fmt: skip
        body += f"<p>{escape(tr('rep.group_changes_intro'))}</p>"
        body += table(headers, rows, "group-changes", numeric=(1,))
        body += "".join(f"<p class='small'>{escape(change_sentence(c, lang, titles))}</p>"
                        for c in changes)  # fmt: skip
        other = a.group_set if rec.rule == "compromise" else a.compromise.funded
        which = tr(OTHER_SET.get(rec.rule, OTHER_SET["compromise"]))
        text = tr("rep.group_other", None, which=which, ids=", ".join(other) or "—")
        body += f"<p>{escape(text)}</p>"
        cost = float(wb.ideas["cost"].reindex(list(rec.chosen)).fillna(0.0).sum())
        text = tr("rep.group_cost", None, cost=fmt_money(cost, wb.currency),
                  budget=fmt_money(a.budget, wb.currency))  # fmt: skip
        body += f"<p class='small'>{escape(text)}</p>"
        split = a.split
        text = tr("rep.group_split", None, core=", ".join(split.core) or "—",
                  contested=", ".join(split.contested) or "—",
                  never=", ".join(split.never) or "—")  # fmt: skip
        body += f"<p class='small'>{escape(text)}</p>"
    else:
        body += f"<p class='small'>{escape(tr('rep.group_no_analysis'))}</p>"
    return section(tr("rep.s_group"), body, "page-break group")
