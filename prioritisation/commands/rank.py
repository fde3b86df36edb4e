"""``prioritisation rank PATH``: the explained ranking as a table, CSV, JSON or Excel."""

from __future__ import annotations

import pandas as pd

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
from prioritisation.engine.scoring import Ranking, rank_prepared
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
        xlsx=lambda: {"ranking": ranking.frame().reset_index(), "weights": weights_sheet(ranking)},
    )
    emit(output, args.format, args.out, inputs=[args.path], force=args.force)
    return 0


def weights_sheet(ranking: Ranking) -> pd.DataFrame:
    """The weights used, for the Excel file: criterion id, label, share."""
    return pd.DataFrame({"criterion": ranking.weights.index,
                         "label": [ranking.labels[c] for c in ranking.weights.index],
                         "weight": ranking.weights.to_numpy()})  # fmt: skip
