"""``prioritisation portfolio PATH --budget AMOUNT``: the funded set under the funding rule, the
other rule's set beside it, and why each idea is (not) funded."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    check_outputs,
    load,
)  # fmt: skip
from prioritisation.commands._emit import emit_json, emit_text
from prioritisation.commands._selection import add_selection_options, run_of, write_chart
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.core.text import text_table
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.decisions.portfolio.probability import funding_probability
from prioritisation.decisions.portfolio.selection import select_run
from prioritisation.explain.funding import explain_portfolio
from prioritisation.explain.portfolio_text import portfolio_view


def register(sub) -> None:
    parser = sub.add_parser("portfolio", help=tr("help.portfolio"))
    add_workbook_argument(parser)
    add_selection_options(parser)
    add_ranking_options(parser)
    parser.add_argument("--hints", type=int, default=3,
                        help="how many ideas just below the line get the smallest weight change "
                        "that would fund them (default 3; 0 = none)")  # fmt: skip
    parser.add_argument("--p-funded", type=int, default=0, metavar="N",
                        help="also estimate P(funded) from N sampled weightings (e.g. 300)")  # fmt: skip
    parser.add_argument("--spread", type=float, default=0.05,
                        help="spread of the sampled weights around the weights in force "
                        "(default 0.05; 0 = uniform over all weightings)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the weight sampling")
    parser.add_argument("--chart", default=None, metavar="FILE",
                        help="also write the P(funded) chart (with --p-funded) as .svg or .png")  # fmt: skip
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    check_outputs(args)
    if args.format == "xlsx" and not args.out:
        raise UsageError(N_("usage.xlsx_needs_out"))
    if args.chart and not args.p_funded:
        raise UsageError(N_("usage.chart_needs_p_funded"))
    wb = load(args)
    portfolio = select_run(run_of(args, wb), time_limit=args.time_limit)
    portfolio.raise_if_infeasible()
    explanation = explain_portfolio(portfolio, hints=max(0, args.hints))
    probability = (
        funding_probability(portfolio, samples=args.p_funded, spread=args.spread or None,
                            seed=args.seed)
        if args.p_funded
        else None
    )  # fmt: skip
    if args.chart:
        from prioritisation.explain.charts.portfolio import funding_chart

        write_chart(funding_chart(probability, lang=portfolio.lang), args.chart)
    frame = portfolio.frame()
    frame["reason"] = explanation.table["explanation"]
    frame["weight_change"] = explanation.table["weight_spec"]
    if probability is not None:
        frame["p_funded"] = probability.table["p_funded"]
        frame["p_funded_se"] = probability.table["p_funded_se"]
    if args.format == "json":
        document = {"workbook": {"path": wb.source, "sha256": wb.sha256}, **portfolio.to_json()}
        document["ranking"] = explanation.to_records()
        if probability is not None:
            for record in document["ranking"]:
                record["p_funded"] = float(probability.table.loc[record["id"], "p_funded"])
                record["p_funded_se"] = float(probability.table.loc[record["id"], "p_funded_se"])
            document["p_funded"] = {"samples": probability.samples, "spread": probability.spread,
                                    "seed": probability.seed}  # fmt: skip
        emit_json(document, args.out)
    elif args.format == "csv":
        emit_text(frame_to_csv(frame, index=True), args.out)
    elif args.format == "xlsx":
        summary = pd.DataFrame(
            {"key": ["budget", "total_cost", "total_value", "remaining", "rule", "status", "gap",
                     "method", "alternative"],
             "value": [portfolio.budget, portfolio.total_cost, portfolio.total_value,
                       portfolio.remaining, portfolio.rule, portfolio.status, portfolio.gap,
                       portfolio.method, portfolio.alternative.text]}
        )  # fmt: skip
        write_xlsx({"portfolio": frame.reset_index(), "summary": summary}, args.out, marker=True)
    else:
        emit_text(portfolio_text(portfolio, explanation, probability), args.out)
    return 0


def portfolio_text(portfolio, explanation, probability=None) -> str:
    lines, frame = portfolio_view(portfolio, explanation, probability)
    return "\n".join(lines) + "\n\n" + text_table(frame, max_width=400)
