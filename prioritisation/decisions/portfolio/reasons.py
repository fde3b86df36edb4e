"""Why each idea is (not) funded, in words: one structural reason per idea.

:func:`idea_reasons` gives, for a selection, every idea's ``reason_kind`` (``funded``,
``must``, ``not_eligible``, ``no_cost``, ``excluded``, ``prereq_blocked``, ``too_expensive``,
``group``, ``prerequisite``, ``theme_max``, ``negative``, ``budget``), the sentence in the
language asked, the unfunded prerequisites it ``needs`` and the ``extra_budget`` that would
let it be added. :func:`kind_label` is the short label of a kind (a report's flag).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from prioritisation.core.i18n import N_, fmt_money, fmt_percent, tr
from prioritisation.decisions.portfolio.problem import SelectionProblem
from prioritisation.decisions.portfolio.rules import signed
from prioritisation.engine.scoring import Ranking, gate_reason

# the sentence of each reason kind
REASONS = {
    "funded": N_("why.funded"), "must": N_("why.must"), "not_eligible": N_("why.not_eligible"),
    "no_cost": N_("why.no_cost"), "excluded": N_("why.excluded"),
    "prereq_blocked": N_("why.prereq_blocked"), "too_expensive": N_("why.too_expensive"),
    "group": N_("why.group"), "prerequisite": N_("why.prerequisite"),
    "theme_max": N_("why.theme_max"), "negative": N_("why.negative"), "budget": N_("why.budget"),
}  # fmt: skip
# why a prerequisite can never be funded (the ``{why}`` of ``why.prereq_blocked``)
BLOCKED = {
    "not_eligible": N_("why.blocked.not_eligible"), "no_cost": N_("why.blocked.no_cost"),
    "excluded": N_("why.blocked.excluded"),
}  # fmt: skip
# the short label of a reason kind (kinds without one have no label)
KIND_LABELS = {
    "budget": N_("kind.budget"), "excluded": N_("kind.excluded"), "group": N_("kind.group"),
    "negative": N_("kind.negative"), "no_cost": N_("kind.no_cost"),
    "not_eligible": N_("kind.not_eligible"), "prereq_blocked": N_("kind.prereq_blocked"),
    "prerequisite": N_("kind.prerequisite"), "theme_max": N_("kind.theme_max"),
    "too_expensive": N_("kind.too_expensive"),
}  # fmt: skip


def kind_label(kind: str, lang: str | None = None) -> str:
    """The short label of a reason kind (``"budget"`` → ``"Budget line"``), ``""`` if none.

    >>> kind_label("budget", "en"), kind_label("funded", "en")
    ('Budget line', '')
    """
    return tr(KIND_LABELS[kind], lang) if kind in KIND_LABELS else ""


def ids_text(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def with_prereqs(problem: SelectionProblem, chain: Iterable[int], lang) -> str:
    """`` together with A, B`` for an idea's prerequisites (empty when it has none)."""
    chain = list(chain)
    if not chain:
        return ""
    return tr("why.with_prereqs", lang, prereqs=ids_text(problem.ids[j] for j in chain))


def idea_reasons(
    problem: SelectionProblem, values, x, ranking: Ranking, lang, currency="EUR"
) -> list[dict]:
    """Per idea (problem order): ``reason_kind``, ``reason``, ``needs``, ``extra_budget``."""

    def money(v):
        return fmt_money(v, currency, lang)

    spent = float(problem.costs[x].sum())
    remaining = problem.budget - spent
    gates = ranking.table["gates"]
    out = []
    for i, iid in enumerate(problem.ids):
        kind, extra, needs, params = "", math.nan, (), {}
        chain = problem.prereqs[i]
        if x[i]:
            kind = "must" if problem.must[i] else "funded"
        elif problem.blocked[i] == "not_eligible":
            kind = "not_eligible"
            params["gates"] = "; ".join(gate_reason(g, ranking.labels, lang) for g in gates[iid])
        elif problem.blocked[i] == "no_cost":
            kind = "no_cost"
        elif problem.exclude[i]:
            kind = "excluded"
        elif any(problem.blocked[j] or problem.exclude[j] for j in chain):
            j = next(j for j in chain if problem.blocked[j] or problem.exclude[j])
            why = problem.blocked[j] or "excluded"
            kind = "prereq_blocked"
            needs = (problem.ids[j],)
            params = {"prereq": problem.ids[j], "why": tr(BLOCKED[why], lang)}
        else:
            full = [i, *chain]
            missing = [j for j in chain if not x[j]]
            needs = tuple(problem.ids[j] for j in missing)
            add_cost = float(problem.costs[[i, *missing]].sum())
            theme_over = _theme_over(problem, x, [i, *missing])
            rival = _group_rival(problem, x, [i, *missing])
            if float(problem.costs[full].sum()) > problem.budget + 1e-6:
                kind = "too_expensive"
                params = {"cost": money(problem.costs[full].sum()), "budget": money(problem.budget),
                          "with_prereqs": with_prereqs(problem, chain, lang)}  # fmt: skip
            elif rival is not None:
                kind = "group"
                params = {"other": problem.ids[rival], "group": problem.group_of[rival]}
            elif missing:
                kind = "prerequisite"
                extra = max(0.0, add_cost - remaining)
                params = {"prereqs": ids_text(needs), "cost": money(add_cost),
                          "extra": money(extra)}  # fmt: skip
            elif theme_over is not None:
                kind = "theme_max"
                t = theme_over
                params = {"theme": t, "share": fmt_percent(problem.theme_max[t], 0, lang),
                          "limit": money(problem.theme_max[t] * problem.budget)}  # fmt: skip
            elif not (values[i] > 0):
                kind = "negative"
                params = {"score": signed(values[i], 3, lang)}
            else:
                kind = "budget"
                extra = max(0.0, add_cost - remaining)
                params = {"cost": money(add_cost), "remaining": money(remaining),
                          "extra": money(extra)}  # fmt: skip
        out.append({"reason_kind": kind, "reason": tr(REASONS[kind], lang, **params),
                    "needs": needs, "extra_budget": extra})  # fmt: skip
    return out


def _theme_over(problem: SelectionProblem, x, adding: list[int]) -> str | None:
    for t, share in problem.theme_max.items():
        members = set(problem.themes.get(t, []).tolist())
        now = sum(problem.costs[j] for j in members if x[j])
        more = sum(problem.costs[j] for j in adding if j in members)
        if more and now + more > share * problem.budget + 1e-6:
            return t
    return None


def _group_rival(problem: SelectionProblem, x, adding: list[int]) -> int | None:
    for j in adding:
        g = problem.group_of[j]
        if g in problem.groups:
            for k in problem.groups[g]:
                if x[k] and k != j:
                    return int(k)
    return None


# reasons that hold whatever the rule: the idea can never be funded at this budget
STRUCTURAL = ("not_eligible", "no_cost", "excluded", "prereq_blocked", "too_expensive")


def walk_reason(problem: SelectionProblem, i: int, skip, lang, currency="EUR") -> tuple[str, str]:
    """Why the walk in order of priority passed idea ``i`` (a
    :class:`~prioritisation.decisions.priority.Skip`): ``(reason_kind, sentence)`` with the
    amounts at its turn ("aan de beurt van ZOEK was er nog € 80.000 over, ZOEK kost …")."""

    def money(v):
        return fmt_money(v, currency, lang)

    iid = problem.ids[i]
    if skip.kind == "budget":
        if skip.along:  # prerequisites not funded yet would have come along
            missing = [problem.ids[j] for j in skip.along]
            return "prerequisite", tr("walk.prerequisite", lang, id=iid, left=money(skip.left),
                                      cost=money(skip.needed), prereqs=ids_text(missing))  # fmt: skip
        return "budget", tr("walk.budget", lang, id=iid, left=money(skip.left),
                            cost=money(skip.needed))  # fmt: skip
    if skip.kind == "group":
        other = skip.other if skip.other is not None else i
        return "group", tr("walk.group", lang, id=iid, other=problem.ids[other],
                           group=problem.group_of[other])  # fmt: skip
    if skip.kind == "theme_max":
        t = skip.theme
        return "theme_max", tr("walk.theme_max", lang, id=iid, theme=t, left=money(skip.left),
                               share=fmt_percent(problem.theme_max[t], 0, lang),
                               limit=money(problem.theme_max[t] * problem.budget),
                               cost=money(skip.needed))  # fmt: skip
    j = skip.other if skip.other is not None else i
    why = problem.blocked[j] or "excluded"
    return "prereq_blocked", tr(REASONS["prereq_blocked"], lang, prereq=problem.ids[j],
                                why=tr(BLOCKED[why], lang))  # fmt: skip


def walk_reasons(
    problem: SelectionProblem, values, walk, ranking: Ranking, lang, currency="EUR"
) -> list[dict]:
    """Per idea (problem order) the reasons under the rule "in order of priority": those that
    hold whatever the rule (a gate, no cost, excluded, …) as :func:`idea_reasons`; a funded
    idea says it was funded in order of priority or as a prerequisite of which higher-ranked
    idea; a passed idea says why at its turn (:func:`walk_reason`). ``needs`` and
    ``extra_budget`` are as :func:`idea_reasons` (against the funded set)."""
    x = walk.funded
    out = idea_reasons(problem, values, x, ranking, lang, currency)
    turn = {i: k for k, i in enumerate(walk.order)}
    for i, row in enumerate(out):
        if x[i]:
            if problem.must[i]:
                continue
            pulled = [k for k in np.flatnonzero(x) if i in problem.prereqs[k]
                      and turn.get(int(k), math.inf) < turn.get(i, math.inf)]  # fmt: skip
            if pulled:
                names = ids_text(problem.ids[k] for k in sorted(pulled, key=turn.get))
                row["reason"] = tr("walk.funded_prereq", lang, ids=names)
            else:
                row["reason"] = tr("walk.funded", lang)
        elif row["reason_kind"] not in STRUCTURAL and i in walk.skipped:
            row["reason_kind"], row["reason"] = walk_reason(problem, i, walk.skipped[i], lang,
                                                            currency)  # fmt: skip
    return out


def shortfall_lines(walk, lang, currency="EUR") -> list[str]:
    """A theme minimum the walk did not reach, in words (one sentence each)."""
    return [
        tr("walk.theme_min", lang, theme=s.theme, share=fmt_percent(s.share, 0, lang),
           required=fmt_money(s.required, currency, lang), spent=fmt_money(s.spent, currency, lang))
        for s in walk.shortfalls
    ]  # fmt: skip
