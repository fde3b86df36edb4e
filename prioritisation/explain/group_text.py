"""A round's analysis in words and tables (no file, no terminal): what ``prioritisation group``
prints, for the shells to lay out.

:func:`group_tables` gives the tables (headings in the language asked, numbers as numbers:
shares 0–1, money in EUR) and :func:`group_lines` the sentences around them; ``visible``
names the members whose own weights the reader may see (a blind round shows a member only
their own: the others' rows are left out, and who is for or against a contested idea is
counted instead of named). :func:`group_text` puts both together for a terminal.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.group_decision import analyse_group
>>> from prioritisation.decisions.group_weights import member_weight_sets
>>> from prioritisation.engine.run import resolve_run
>>> wb = read_workbook(sample_path())
>>> analysis = analyse_group(resolve_run(wb, budget="600.000"), member_weight_sets(wb))
>>> print(group_lines(analysis, wb, "en")["compromise"][2])
Lowest satisfaction 98.7% (Dina (Vlaamse Erfgoedbibliotheken))
>>> group_tables(analysis, wb, "nl")["members"].columns.tolist()[:3]
['lid', 'eigen optimum', 'kost eigen optimum']
"""

from __future__ import annotations

import math

import pandas as pd

from prioritisation.core.i18n import N_, fmt_money, fmt_number, fmt_percent, tr
from prioritisation.core.model import Workbook
from prioritisation.core.text import text_table
from prioritisation.decisions.group_decision import GroupAnalysis
from prioritisation.decisions.group_weights import how_words
from prioritisation.decisions.portfolio.rules import rule_name
from prioritisation.engine.scoring import method_label

STATUS = {"optimal": N_("group.status.optimal"), "time_limit": N_("group.status.time_limit"),
          "infeasible": N_("group.status.infeasible")}  # fmt: skip
SPREAD_ROWS = {"min": N_("group.row.min"), "max": N_("group.row.max"), "std": N_("group.row.std")}


def how_text(analysis: GroupAnalysis, lang: str | None = None) -> str:
    """How the group's weights were made, in words."""
    return how_words(analysis.how, analysis.floor, lang)


def _ids(ids, lang) -> str:
    return ", ".join(ids) if ids else tr("group.none", lang)


def group_tables(
    analysis: GroupAnalysis, wb: Workbook, lang: str | None = None, visible=None
) -> dict[str, pd.DataFrame]:
    """``weights`` (visible members, the group, the spread; criteria by label; shares),
    ``ranking`` (the group's ranking, with whether each idea is in the group set and in the
    compromise), ``members`` (each visible member's own optimum, its cost and their
    satisfaction with the group set and the compromise) and ``contested`` (per contested
    idea, who is for and who against, or how many when not every member is visible)."""
    visible = list(analysis.members if visible is None else visible)
    everyone = set(visible) == set(analysis.members)
    labels = wb.criterion_labels(lang)
    member = tr("group.col.member", lang)
    weights = analysis.weights.loc[visible].copy()
    weights.loc[tr("group.row.group", lang, how=how_text(analysis, lang))] = analysis.group_weights
    if everyone:
        for key, text in SPREAD_ROWS.items():
            weights.loc[tr(text, lang)] = analysis.spread[key]
    weights = weights.rename(columns=labels)
    weights.index.name = member
    titles = wb.ideas["title"]
    yes, no = tr("group.yes", lang), tr("group.no", lang)
    ranking = pd.DataFrame({
        tr("col.rank", lang): analysis.ranking["rank"].astype(int),
        tr("col.title", lang): [titles.get(i, "") for i in analysis.ranking.index],
        tr("col.score", lang): analysis.ranking["score"].astype(float),
        tr("group.col.in_group_set", lang): [yes if i in analysis.group_set else no
                                             for i in analysis.ranking.index],
        tr("group.col.in_compromise", lang): [yes if i in analysis.compromise.funded else no
                                              for i in analysis.ranking.index],
    }, index=analysis.ranking.index)  # fmt: skip
    ranking.index.name = "id"
    members = pd.DataFrame({
        member: visible,
        tr("group.col.own", lang): [", ".join(analysis.own[m].funded) for m in visible],
        tr("group.col.own_cost", lang): [analysis.own[m].cost for m in visible],
        tr("group.col.sat_group", lang): [analysis.satisfaction.loc[m, "group"] for m in visible],
        tr("group.col.sat_compromise", lang): [analysis.satisfaction.loc[m, "compromise"]
                                               for m in visible],
    })  # fmt: skip
    rows = []
    for iid, (yes_members, no_members) in analysis.split.contested.items():
        if everyone:
            pro, con = ", ".join(yes_members), ", ".join(no_members)
        else:
            pro = tr("group.members_count", lang, n=len(yes_members))
            con = tr("group.members_count", lang, n=len(no_members))
        rows.append({"id": iid, tr("col.title", lang): titles.get(iid, ""),
                     tr("group.col.for", lang): pro, tr("group.col.against", lang): con})  # fmt: skip
    contested = pd.DataFrame(rows, columns=["id", tr("col.title", lang), tr("group.col.for", lang),
                                            tr("group.col.against", lang)])  # fmt: skip
    return {"weights": weights, "ranking": ranking, "members": members, "contested": contested}


def group_lines(
    analysis: GroupAnalysis, wb: Workbook, lang: str | None = None, visible=None
) -> dict[str, list[str]]:
    """The sentences: ``intro`` (budget and constraints, how the group's weights were made,
    the weighted-sum and yearly-budget notes, a blind round's note), ``group_set``, ``split``
    (core and never) and ``compromise`` (the set, its cost, the lowest satisfaction and who
    is there, how it was solved)."""
    visible = list(analysis.members if visible is None else visible)
    currency = wb.currency
    budget = fmt_money(analysis.budget, currency, lang)
    intro = [tr("group.budget", lang, budget=budget),
             tr("group.weights_how", lang, how=how_text(analysis, lang))]  # fmt: skip
    if analysis.yearly_as_total:
        intro.append(tr("group.yearly", lang, budget=budget))
    if analysis.weighted_sum_differs:
        intro.append(tr("group.wsum", lang, method=method_label(analysis.method, lang)))
    hidden = len(analysis.members) - len(visible)
    if hidden:
        intro.append(tr("group.hidden", lang, n=hidden))
    c = analysis.compromise
    least = [m for m in c.least if m in visible]
    low = fmt_percent(c.min_satisfaction, 1, lang) if not math.isnan(c.min_satisfaction) else "—"
    gap = fmt_number(0.0 if math.isnan(c.gap) else c.gap, 4, lang)
    compromise = [
        tr("group.compromise_set", lang, ids=_ids(c.funded, lang)),
        tr("group.compromise_cost", lang, cost=fmt_money(c.cost, currency, lang), budget=budget,
           total=fmt_number(c.group_total, 3, lang)),
        tr("group.compromise_min", lang, low=low,
           members=", ".join(least) if least else tr("group.members_count", lang, n=len(c.least))),
        tr("group.compromise_status", lang, status=tr(STATUS.get(c.status, STATUS["infeasible"]),
                                                       lang), gap=gap),
    ]  # fmt: skip
    return {
        "intro": intro,
        "group_set": [tr("group.group_set", lang, rule=rule_name(analysis.rule, lang),
                         ids=_ids(analysis.group_set, lang))],
        "split": [tr("group.core", lang, ids=_ids(analysis.split.core, lang)),
                  tr("group.never", lang, ids=_ids(analysis.split.never, lang))],
        "compromise": compromise,
    }  # fmt: skip


def _shares(frame: pd.DataFrame, columns, lang) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = [fmt_percent(v, 1, lang) if v == v else "" for v in out[column]]
    return out


def group_text(
    analysis: GroupAnalysis, wb: Workbook, lang: str | None = None, visible=None,
    header: list[str] | None = None,
) -> str:  # fmt: skip
    """Everything for a terminal: the header lines, the sentences and the tables."""
    tables = group_tables(analysis, wb, lang, visible)
    lines = group_lines(analysis, wb, lang, visible)
    weights = _shares(tables["weights"], tables["weights"].columns, lang).reset_index()
    members = tables["members"].copy()
    cost = tr("group.col.own_cost", lang)
    members[cost] = [fmt_money(v, wb.currency, lang) for v in members[cost]]
    members = _shares(members, [tr("group.col.sat_group", lang),
                                tr("group.col.sat_compromise", lang)], lang)  # fmt: skip
    ranking = tables["ranking"].copy()
    score = tr("col.score", lang)
    ranking[score] = [fmt_number(v, 3, lang) for v in ranking[score]]
    parts = [*(header or []), *lines["intro"], "",
             tr("group.section.weights", lang), text_table(weights, max_width=60), "",
             tr("group.section.ranking", lang, method=method_label(analysis.method, lang)),
             text_table(ranking.reset_index(), max_width=60), *lines["group_set"], "",
             tr("group.section.members", lang), text_table(members, max_width=200), "",
             tr("group.section.split", lang), *lines["split"]]  # fmt: skip
    if len(tables["contested"]):
        parts += [tr("group.contested", lang), text_table(tables["contested"], max_width=200)]
    parts += ["", tr("group.section.compromise", lang), *lines["compromise"]]
    return "\n".join(parts) + "\n"
