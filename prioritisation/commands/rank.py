"""``prioritisation rank PATH``: the explained ranking as a table, CSV, JSON or Excel."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    emit_json,
    emit_text,
    load,
    text_table,
)  # fmt: skip
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_number, tr
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.engine.scoring import Ranking, rank


def register(sub) -> None:
    parser = sub.add_parser("rank", help=tr("help.rank"))
    add_workbook_argument(parser)
    add_ranking_options(parser)
    add_output_options(parser)
    parser.set_defaults(func=run)


def ranking_json(wb, ranking: Ranking) -> dict:
    """The JSON document of a ranking: what was done, on what, and the records."""
    return {
        "workbook": {"path": wb.source, "sha256": wb.sha256},
        "method": ranking.method,
        "aggregate": ranking.aggregate,
        "weights": {c: round(float(w), 10) for c, w in ranking.weights.items()},
        "ranking": ranking.to_records(),
    }


def ranking_text(ranking: Ranking) -> str:
    t = ranking.table
    frame = pd.DataFrame(
        {
            tr("col.rank"): t["rank"].astype("Int64"),
            tr("col.id"): t.index,
            tr("col.title"): t["title"],
            tr("col.theme"): t["theme"],
            tr("col.score"): t["score"].map(lambda v: fmt_number(v, 3)),
            tr("col.reason"): [
                "; ".join(r) if r else ("" if e else tr("rank.not_eligible"))
                for r, e in zip(t["reasons"], t["eligible"], strict=True)
            ],
        }
    )
    weights = ", ".join(f"{ranking.labels.get(c, c)} {fmt_number(100 * w, 0)} %"
                        for c, w in ranking.weights.items())  # fmt: skip
    header = tr("rank.header", None, method=ranking.method, aggregate=ranking.aggregate,
                weights=weights)  # fmt: skip
    return header + "\n\n" + text_table(frame, max_width=60)


def run(args) -> int:
    if args.format == "xlsx" and not args.out:
        raise UsageError("usage.xlsx_needs_out")
    wb = load(args)
    ranking = rank(wb, method=args.method, weights=args.weights, aggregate=args.aggregate)
    if args.format == "json":
        emit_json(ranking_json(wb, ranking), args.out)
    elif args.format == "csv":
        emit_text(frame_to_csv(ranking.frame(), index=True), args.out)
    elif args.format == "xlsx":
        weights = pd.DataFrame({"criterion": ranking.weights.index,
                                "label": [ranking.labels[c] for c in ranking.weights.index],
                                "weight": ranking.weights.to_numpy()})  # fmt: skip
        write_xlsx({"ranking": ranking.frame().reset_index(), "weights": weights}, args.out)
    else:
        emit_text(ranking_text(ranking), args.out)
    return 0
