"""``prioritisation rank PATH``: the explained ranking as a table, CSV, JSON or Excel."""

from __future__ import annotations

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    load,
    ranking_json,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.core.i18n import tr
from prioritisation.engine.run import resolve_run
from prioritisation.engine.scoring import rank_prepared
from prioritisation.explain.sheets import ranking_formats, ranking_sheets
from prioritisation.explain.text import ranking_text


def register(sub) -> None:
    parser = sub.add_parser("rank", help=tr("help.rank"))
    add_workbook_argument(parser)
    add_ranking_options(parser)
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    wb = load(args)
    resolved = resolve_run(wb, method=args.method, weights=args.weights, aggregate=args.aggregate)
    ranking = rank_prepared(resolved.prepared, resolved.weights, resolved.method)
    output = Output(
        table=lambda: ranking_text(ranking),
        json=lambda: ranking_json(wb, ranking),
        csv=ranking.frame,
        xlsx=lambda: ranking_sheets(ranking),
        xlsx_formats=lambda: ranking_formats(ranking),
    )
    emit(output, args.format, args.out, inputs=[args.path], force=args.force)
    return 0
