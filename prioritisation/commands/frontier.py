"""``prioritisation frontier PATH``: the best value for each budget level, and where ideas enter."""

from __future__ import annotations

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    check_outputs,
    load,
)
from prioritisation.commands._emit import emit_json, emit_text
from prioritisation.commands._selection import add_selection_options, run_of, write_chart
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.core.parse import amount
from prioritisation.core.text import text_table
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.decisions.frontier import frontier_run
from prioritisation.explain.portfolio_text import frontier_view


def register(sub) -> None:
    parser = sub.add_parser("frontier", help=tr("help.frontier"))
    add_workbook_argument(parser)
    add_selection_options(parser)
    add_ranking_options(parser)
    parser.add_argument(
        "--levels", type=int, default=50, help="number of budget levels (default 50)"
    )
    parser.add_argument("--max-budget", default=None,
                        help="highest level (default: the cost of every fundable idea)")  # fmt: skip
    parser.add_argument(
        "--chart", default=None, metavar="FILE", help="also write the chart (.svg/.png)"
    )
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    check_outputs(args)
    if args.format == "xlsx" and not args.out:
        raise UsageError(N_("usage.xlsx_needs_out"))
    wb = load(args)
    top = None if args.max_budget is None else amount(args.max_budget)
    frontier = frontier_run(run_of(args, wb), levels=args.levels, max_budget=top,
                            time_limit=args.time_limit)  # fmt: skip
    if args.chart:
        from prioritisation.explain.charts.portfolio import frontier_chart

        write_chart(frontier_chart(frontier), args.chart)
    flat = frontier.points.copy()
    for column in ("selected", "entering", "leaving"):
        flat[column] = flat[column].map(", ".join)
    if args.format == "json":
        emit_json({"workbook": {"path": wb.source, "sha256": wb.sha256}, **frontier.to_json()},
                  args.out)  # fmt: skip
    elif args.format == "csv":
        emit_text(frame_to_csv(flat), args.out)
    elif args.format == "xlsx":
        entries = frontier.entries.reset_index(names="id")
        write_xlsx({"frontier": flat, "entries": entries}, args.out, marker=True)
    else:
        lines, frame = frontier_view(frontier)
        emit_text("\n".join(lines) + "\n\n" + text_table(frame, max_width=200), args.out)
    return 0
