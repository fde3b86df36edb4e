"""``prioritisation group PATH [--round NAME]``: the members' weights, the group's weights and
ranking, each member's own optimum and satisfaction, core / contested / never, and the
compromise set.

Without ``--round`` the weight sets come from the workbook (the ``member_weights`` sheet, else
each member's AHP judgments in ``pairwise``); with it, from the round in the scenario store,
whose stored result is read when the inputs are unchanged (and stored when computed).
"""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_store_option,
    add_workbook_argument,
    check_outputs,
    load,
    open_store_of,
    store_inputs,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.commands._selection import add_selection_options, run_of
from prioritisation.commands._who import add_user_option, who_is
from prioritisation.core.i18n import N_, tr
from prioritisation.core.model import AGGREGATIONS
from prioritisation.decisions.group_decision import analyse_group
from prioritisation.decisions.group_weights import DEFAULT_FLOOR, HOWS, SOURCES, member_weight_sets
from prioritisation.explain.group_text import group_tables, group_text

SOURCE_WORDS = {"sheet": N_("group.source.sheet"), "pairwise": N_("group.source.pairwise")}


def add_group_options(parser) -> None:
    """``--how``, ``--floor``, ``--method``, ``--aggregate`` and the selection options (shared
    with ``round close``)."""
    from prioritisation.engine.methods import METHODS

    parser.add_argument("--how", choices=HOWS, default="mean",
                        help="how the members' shares make the group's weights (default mean)")  # fmt: skip
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR,
                        help="with --how geometric: the share a 0 counts as (default 0.01)")  # fmt: skip
    parser.add_argument("--method", default=None, help=f"one of {', '.join(sorted(METHODS))}: "
                        "ranks the ideas (satisfaction always uses the weighted sum)")  # fmt: skip
    parser.add_argument("--aggregate", default=None, choices=AGGREGATIONS,
                        help="how assessors' scores combine (default: mean)")  # fmt: skip
    add_selection_options(parser)
    parser.set_defaults(weights=None)


def register(sub) -> None:
    parser = sub.add_parser("group", help=tr("help.group"))
    add_workbook_argument(parser)
    parser.add_argument("--round", default=None, metavar="NAME",
                        help="the weight sets of this round in the scenario store (default: the "
                        "workbook's member_weights sheet, else its pairwise judgments)")  # fmt: skip
    parser.add_argument("--source", choices=SOURCES, default="auto",
                        help="without --round: read the member_weights sheet, the pairwise "
                        "judgments, or (auto) the sheet when there is one")  # fmt: skip
    add_group_options(parser)
    add_output_options(parser, formats=("table", "json", "xlsx"))
    add_store_option(parser)
    add_user_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    check_outputs(args)
    wb = load(args)
    run_ = run_of(args, wb)
    header, round_record = [], None
    if args.round:
        from prioritisation.scenarios.rounds import get_round, round_analysis

        who = who_is(args, wb)
        with open_store_of(args) as store:
            current = get_round(store, args.round)
            analysis, cached = round_analysis(
                store, args.round, run_, by=who.actor if who.listed else None, how=args.how,
                floor=args.floor,
            )  # fmt: skip
        visible = current.visible(who.member, analysis.members, role=who.role)
        round_record = {**current.to_dict(), "result_read_from_store": cached}
        header = [round_line(current), who.line()]
        inputs = store_inputs(args)
    else:
        sets = member_weight_sets(wb, args.source)
        analysis = analyse_group(run_, sets, how=args.how, floor=args.floor)
        visible = list(analysis.members)
        source = args.source if args.source != "auto" else (
            "sheet" if not wb.member_weights.empty else "pairwise")  # fmt: skip
        header = [tr("group.from_workbook", None, source=tr(SOURCE_WORDS[source]),
                     n=len(analysis.members))]  # fmt: skip
        inputs = [args.path]

    def document() -> dict:
        return {"workbook": {"path": wb.source, "sha256": wb.sha256}, "round": round_record,
                **analysis.to_dict(visible)}  # fmt: skip

    def sheets() -> dict[str, pd.DataFrame]:
        tables = group_tables(analysis, wb, None, visible)
        return {
            tr("group.sheet.weights"): tables["weights"].reset_index(),
            tr("group.sheet.ranking"): tables["ranking"].reset_index(),
            tr("group.sheet.members"): tables["members"],
            tr("group.sheet.contested"): tables["contested"],
            tr("group.sheet.compromise"): pd.DataFrame({"id": list(analysis.compromise.funded)}),
        }

    output = Output(table=lambda: group_text(analysis, wb, None, visible, header),
                    json=document, xlsx=sheets)  # fmt: skip
    emit(output, args.format, args.out, inputs=inputs, force=args.force)
    return 0


def round_line(current) -> str:
    """One line on a round: its name, state and members."""
    if current.closed:
        state = tr("round.state.closed", None, by=current.closed_by, decision=current.decision)
    elif current.blind and not current.revealed:
        state = tr("round.state.blind")
    else:
        state = tr("round.state.open")
    return tr("group.round", None, name=current.name, state=state, n=len(current.members),
              chair=current.chair)  # fmt: skip
