"""``prioritisation roadmap PATH``: which ideas start in which year, within yearly budgets."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    load,
)
from prioritisation.commands._emit import emit_json, emit_text
from prioritisation.commands.portfolio import (
    add_selection_options,
    selection_kwargs,
    status_text,
    write_chart,
)
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_money, fmt_number, tr
from prioritisation.core.text import text_table
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.decisions.roadmap.plan import plan_roadmap


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
    if args.format == "xlsx" and not args.out:
        raise UsageError(N_("usage.xlsx_needs_out"))
    wb = load(args)
    roadmap = plan_roadmap(wb, args.budget_per_year, budget=args.budget, **selection_kwargs(args))
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
        write_xlsx(
            {"roadmap": roadmap.frame().reset_index(), "years": years.reset_index()}, args.out
        )
    else:
        emit_text(roadmap_text(roadmap), args.out)
    return 0


def roadmap_text(roadmap) -> str:
    lang, cur = roadmap.lang, roadmap.currency
    t = roadmap.table

    def money(v):
        return fmt_money(v, cur, lang)

    plan = pd.DataFrame({
        tr("col.status", lang): t["status"].map(lambda s: status_text(s, lang)),
        tr("col.id", lang): t.index, tr("col.title", lang): t["title"],
        tr("col.start", lang): t["start"], tr("col.end", lang): t["end"],
        tr("col.per_year", lang): t["per_year"].map(money),
        tr("col.score", lang): t["score"].map(lambda v: fmt_number(v, 3, lang)),
        tr("col.reason", lang): t["reason"],
    })  # fmt: skip
    y = roadmap.years
    years = pd.DataFrame({
        tr("col.year", lang): y.index.astype(str), tr("col.budget", lang): y["budget"].map(money),
        tr("col.spend", lang): y["spend"].map(money), tr("col.left", lang): y["remaining"].map(money),
        tr("col.running", lang): y["running"].map(", ".join),
    })  # fmt: skip
    status = (
        tr("portfolio.optimal", lang)
        if roadmap.optimal
        else tr("portfolio.not_optimal", lang, status=roadmap.status, gap=roadmap.gap)
    )
    header = tr(
        "roadmap.header", lang, years=", ".join(f"{yr} {money(b)}" for yr, b in y["budget"].items()),
        count=len(roadmap.selected), cost=money(roadmap.total_cost),
        value=fmt_number(roadmap.total_value, 3, lang), status=status,
    )  # fmt: skip
    return "\n\n".join([header, text_table(years, max_width=200), text_table(plan, max_width=200)])
