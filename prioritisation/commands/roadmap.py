"""``prioritisation roadmap PATH``: which ideas start in which year, within yearly budgets."""

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
from prioritisation.core.text import text_table
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.decisions.roadmap.plan import plan_run
from prioritisation.explain.portfolio_text import roadmap_view


def register(sub) -> None:
    parser = sub.add_parser("roadmap", help=tr("help.roadmap"))
    add_workbook_argument(parser)
    parser.add_argument("--budget-per-year", default=None, metavar="YEAR=AMOUNT,...",
                        help="e.g. 2027=400000,2028=350000,2029=300000 (default: the workbook's "
                        "'budget_per_year' setting)")  # fmt: skip
    add_selection_options(parser)
    add_ranking_options(parser)
    parser.add_argument("--chart", default=None, metavar="FILE",
                        help="also write the Gantt chart (.svg/.png)")  # fmt: skip
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    check_outputs(args)
    if args.format == "xlsx" and not args.out:
        raise UsageError(N_("usage.xlsx_needs_out"))
    wb = load(args)
    run = run_of(args, wb, budget_per_year=args.budget_per_year)
    roadmap = plan_run(run, time_limit=args.time_limit)
    roadmap.raise_if_infeasible()
    if args.chart:
        from prioritisation.explain.charts.portfolio import gantt_chart

        write_chart(gantt_chart(roadmap), args.chart)
    years = roadmap.years.copy()
    years["running"] = years["running"].map(", ".join)
    if args.format == "json":
        emit_json({"workbook": {"path": wb.source, "sha256": wb.sha256}, **roadmap.to_json()},
                  args.out)  # fmt: skip
    elif args.format == "csv":
        emit_text(frame_to_csv(roadmap.frame(), index=True), args.out)
    elif args.format == "xlsx":
        sheets = {"roadmap": roadmap.frame().reset_index(), "years": years.reset_index()}
        write_xlsx(sheets, args.out, marker=True)
    else:
        emit_text(roadmap_text(roadmap), args.out)
    return 0


def roadmap_text(roadmap) -> str:
    lines, years, plan = roadmap_view(roadmap)
    return "\n\n".join(["\n".join(lines), text_table(years, max_width=200),
                        text_table(plan, max_width=200)])  # fmt: skip
