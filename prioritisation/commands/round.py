"""``prioritisation round open|list|show|share|reveal|close PATH``: group rounds in the scenario
store (:mod:`prioritisation.scenarios.rounds`).

Who acts is the login (:mod:`prioritisation.commands._who`): a round is opened by its chair
or an analyst (anyone when the workbook has no ``members`` sheet), a member shares their own
weights (an analyst or the chair may share for a member with ``--member``), only the chair
reveals a blind round's weights and closes it; closing stores the decision as a scenario.
"""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_store_option,
    add_workbook_argument,
    load,
    open_store_of,
    store_inputs,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.commands._selection import run_of
from prioritisation.commands._who import add_user_option, who_is
from prioritisation.commands.group import add_group_options, round_line
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_percent, tr
from prioritisation.core.text import text_table
from prioritisation.scenarios import rounds

STAFF = ("chair", "analyst")
KINDS = {"share": N_("round.kind.share"), "reveal": N_("round.kind.reveal"),
         "result": N_("round.kind.result"), "close": N_("round.kind.close")}  # fmt: skip


def _common(parser, name: bool = True) -> None:
    add_workbook_argument(parser)
    if name:
        parser.add_argument("name", help="the round's name")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_store_option(parser)
    add_user_option(parser)


def register(sub) -> None:
    parser = sub.add_parser("round", help=tr("help.round"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    opening = actions.add_parser("open", help=tr("help.round_open"))
    _common(opening)
    opening.add_argument("--chair", default=None, metavar="NAME",
                         help="the chair (default: the members sheet's chair, else you)")  # fmt: skip
    opening.add_argument("--not-blind", action="store_true",
                         help="members see each other's weights from the start")  # fmt: skip
    opening.add_argument("--note", default="")
    opening.set_defaults(func=run_open)

    listing = actions.add_parser("list", help=tr("help.round_list"))
    _common(listing, name=False)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help=tr("help.round_show"))
    _common(show)
    show.set_defaults(func=run_show)

    share = actions.add_parser("share", help=tr("help.round_share"))
    _common(share)
    share.add_argument("--weights", required=True, help="e.g. innovation=3,desirability=2")
    share.add_argument("--member", default=None, metavar="NAME",
                       help="share for this member (the chair or an analyst only)")  # fmt: skip
    share.set_defaults(func=run_share)

    reveal = actions.add_parser("reveal", help=tr("help.round_reveal"))
    _common(reveal)
    reveal.set_defaults(func=run_reveal)

    close = actions.add_parser("close", help=tr("help.round_close"))
    _common(close)
    close.add_argument("--decide", dest="decision", choices=rounds.RULES, default="compromise",
                       help="what the decision funds: the compromise set (default) or the "
                       "group set of the group's weights")  # fmt: skip
    add_group_options(close)
    close.set_defaults(func=run_close)


def _emit(args, table: str, document) -> None:
    emit(Output(table=lambda: table, json=lambda: document), args.format, None,
         inputs=store_inputs(args))  # fmt: skip


def run_open(args) -> int:
    wb = load(args)
    who = who_is(args, wb)
    if not wb.members.empty and who.role not in STAFF:
        raise UsageError("usage.round_open_role", name=who.member)
    chair = args.chair or _chair_of(wb) or who.member
    with open_store_of(args) as store:
        opened = rounds.open_round(store, args.name, wb, chair=chair, by=who.actor,
                                   blind=not args.not_blind, note=args.note)  # fmt: skip
    _emit(args, "\n".join([round_line(opened), who.line()]), opened.to_dict())
    return 0


def _chair_of(wb) -> str | None:
    chairs = wb.members[wb.members["role"] == "chair"] if not wb.members.empty else wb.members
    return str(chairs["name"].iloc[0]) if len(chairs) else None


def run_list(args) -> int:
    with open_store_of(args) as store:
        found = rounds.list_rounds(store)
    frame = pd.DataFrame({
        tr("col.name"): [r.name for r in found],
        tr("round.col.opened"): [r.opened_at.strftime("%Y-%m-%d %H:%M") for r in found],
        tr("round.col.chair"): [r.chair for r in found],
        tr("round.col.state"): [_state(r) for r in found],
        tr("round.col.members"): [len(r.members) for r in found],
        tr("round.col.decision"): [r.decision or "" for r in found],
    })  # fmt: skip
    table = text_table(frame, max_width=60) if found else tr("round.none")
    _emit(args, table, [r.to_dict() for r in found])
    return 0


def _state(current) -> str:
    if current.closed:
        return tr("round.state.closed_short")
    if current.blind and not current.revealed:
        return tr("round.state.blind")
    return tr("round.state.open")


def run_show(args) -> int:
    wb = load(args)
    who = who_is(args, wb)
    with open_store_of(args) as store:
        current = rounds.get_round(store, args.name)
        sets = rounds.current_sets(store, args.name)
        events = rounds.history(store, args.name)
    visible = current.visible(who.member, list(sets.index), role=who.role)
    lines = [round_line(current), who.line(), tr("round.workbook", None,
             sha=current.workbook_sha256[:12], same=tr("group.yes") if
             current.workbook_sha256 == wb.sha256 else tr("group.no"))]  # fmt: skip
    hidden = len(sets) - len(visible)
    if hidden:
        lines.append(tr("group.hidden", None, n=hidden))
    shown = sets.loc[visible].rename(columns=wb.criterion_labels())
    for column in shown.columns:
        shown[column] = [fmt_percent(v, 1) for v in shown[column]]
    shown.index.name = tr("group.col.member")
    history = events.rename(columns={"at": tr("round.col.at"), "actor": tr("round.col.actor"),
                                     "kind": tr("round.col.kind"), "member": tr("group.col.member"),
                                     "digest": "digest"})  # fmt: skip
    history["digest"] = history["digest"].map(lambda d: d[:12] if isinstance(d, str) else "")
    history[tr("round.col.at")] = [str(t)[:19].replace("T", " ") for t in events["at"]]
    history[tr("round.col.kind")] = [tr(KINDS[k]) for k in events["kind"]]
    table = "\n".join([*lines, "", tr("round.section.weights"),
                       text_table(shown.reset_index(), max_width=60) if len(shown) else "—", "",
                       tr("round.section.history"), text_table(history, max_width=60)])  # fmt: skip
    document = {**current.to_dict(), "weights": {m: sets.loc[m].to_dict() for m in visible},
                "hidden_members": hidden, "same_workbook": current.workbook_sha256 == wb.sha256}  # fmt: skip
    _emit(args, table, document)
    return 0


def run_share(args) -> int:
    wb = load(args)
    who = who_is(args, wb)
    member = args.member or who.member
    if args.member and args.member.casefold() != who.member.casefold() and who.role not in STAFF:
        raise UsageError("usage.round_share_other", name=who.member, member=args.member)
    if not who.listed:
        raise UsageError("usage.round_member", member=who.member)
    with open_store_of(args) as store:
        shares = rounds.share_weights(store, args.name, member, args.weights, by=who.actor, wb=wb)
    labels = wb.criterion_labels()
    text = tr("round.shared", None, member=member, name=args.name, weights="; ".join(
        f"{labels.get(c, c)} {fmt_percent(v, 1)}" for c, v in shares.items()))  # fmt: skip
    _emit(args, "\n".join([text, who.line()]), {"round": args.name, "member": member,
                                                "by": who.actor, "weights": shares})  # fmt: skip
    return 0


def run_reveal(args) -> int:
    wb = load(args)
    who = who_is(args, wb)
    who.require_chair_steps()
    with open_store_of(args) as store:
        current = rounds.reveal(store, args.name, by=who.member)
    _emit(args, "\n".join([round_line(current), who.line()]), current.to_dict())
    return 0


def run_close(args) -> int:
    wb = load(args)
    who = who_is(args, wb)
    who.require_chair_steps()
    run_ = run_of(args, wb)
    with open_store_of(args) as store:
        current = rounds.get_round(store, args.name)
        if not current.is_chair(who.member):  # before any computing
            raise UsageError("usage.round_chair_only", name=args.name, chair=current.chair,
                             who=who.member)  # fmt: skip
        analysis, _ = rounds.round_analysis(store, args.name, run_, by=who.member, how=args.how,
                                            floor=args.floor)  # fmt: skip
        saved = rounds.close_round(store, args.name, by=who.member, run=run_, analysis=analysis,
                                   rule=args.decision)  # fmt: skip
        closed = rounds.get_round(store, args.name)
    chosen = saved.selection["include"]
    text = "\n".join([round_line(closed), who.line(),
                      tr("round.closed", None, scenario=saved.label, ids=", ".join(chosen) or "—"),
                      saved.note])  # fmt: skip
    _emit(args, text, {**closed.to_dict(), "scenario": saved.to_record(), "chosen": chosen,
                       "rule": args.decision})  # fmt: skip
    return 0
