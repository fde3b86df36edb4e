"""``prioritisation portfolio PATH --budget AMOUNT``: the best fundable set, with reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_ranking_options,
    add_workbook_argument,
    load,
)
from prioritisation.commands._emit import emit_json, emit_text
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_money, fmt_number, fmt_percent, tr
from prioritisation.core.text import text_table
from prioritisation.data.export import atomic_path, frame_to_csv, write_xlsx
from prioritisation.decisions.portfolio.probability import funding_probability
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.explain.funding import explain_portfolio


def add_selection_options(parser, budget: bool = True) -> None:
    """The constraint options shared by ``portfolio``, ``frontier`` and ``roadmap``."""
    if budget:
        parser.add_argument("--budget", default=None,
                            help="total budget in EUR, e.g. 1500000 or 1.500.000 (default: the "
                            "workbook's 'budget' setting)")  # fmt: skip
    parser.add_argument("--must", default=None, help="ideas that must be funded, e.g. ZOEK,DATA")
    parser.add_argument("--exclude", default=None, help="ideas never to fund, e.g. CRM")
    parser.add_argument("--theme-min", action="append", default=None, metavar="THEME=SHARE",
                        help='minimum share of the budget for a theme, e.g. "E-inclusie=0.2" '
                        "(repeat or separate with ;)")  # fmt: skip
    parser.add_argument("--theme-max", action="append", default=None, metavar="THEME=SHARE",
                        help='maximum share of the budget for a theme, e.g. "E-inclusie=40%%"')  # fmt: skip
    parser.add_argument("--no-groups", action="store_true",
                        help="ignore the mutually exclusive groups of the workbook")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                        help="stop the solver after this long and report the best plan found "
                        "with its proven gap (default 60)")  # fmt: skip


def selection_kwargs(args) -> dict:
    return {
        "method": args.method, "weights": args.weights, "aggregate": args.aggregate,
        "must": args.must, "exclude": args.exclude, "theme_min": args.theme_min,
        "theme_max": args.theme_max, "groups": not args.no_groups,
        "time_limit": args.time_limit,
    }  # fmt: skip


def write_chart(chart, path: str) -> Path:
    """Write an altair chart as ``.svg`` or ``.png`` (rendered offline), atomically."""
    from prioritisation.explain.charts import to_svg

    suffix = Path(path).suffix.lower()
    if suffix not in (".svg", ".png"):
        raise UsageError(N_("usage.chart_format"), path=path)
    svg = to_svg(chart)
    with atomic_path(path) as tmp:
        if suffix == ".svg":
            tmp.write_text(svg, encoding="utf-8")
        else:
            import vl_convert as vlc

            tmp.write_bytes(vlc.svg_to_png(svg, scale=2))
    return Path(path)


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
    if args.format == "xlsx" and not args.out:
        raise UsageError(N_("usage.xlsx_needs_out"))
    if args.chart and not args.p_funded:
        raise UsageError(N_("usage.chart_needs_p_funded"))
    wb = load(args)
    portfolio = select_portfolio(wb, args.budget, **selection_kwargs(args))
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
    if args.format == "json":
        document = {"workbook": {"path": wb.source, "sha256": wb.sha256}, **portfolio.to_json()}
        document["ranking"] = explanation.to_records()
        if probability is not None:
            for record in document["ranking"]:
                record["p_funded"] = float(probability.table.loc[record["id"], "p_funded"])
            document["p_funded"] = {"samples": probability.samples, "spread": probability.spread,
                                    "seed": probability.seed}  # fmt: skip
        emit_json(document, args.out)
    elif args.format == "csv":
        emit_text(frame_to_csv(frame, index=True), args.out)
    elif args.format == "xlsx":
        summary = pd.DataFrame(
            {"key": ["budget", "total_cost", "total_value", "remaining", "status", "gap", "method"],
             "value": [portfolio.budget, portfolio.total_cost, portfolio.total_value,
                       portfolio.remaining, portfolio.status, portfolio.gap, portfolio.method]}
        )  # fmt: skip
        write_xlsx({"portfolio": frame.reset_index(), "summary": summary}, args.out)
    else:
        emit_text(portfolio_text(portfolio, explanation, probability), args.out)
    return 0


def status_text(status: str, lang) -> str:
    """``funded`` / ``not funded`` in words."""
    return tr("status.funded", lang) if status == "funded" else tr("status.not_funded", lang)


def portfolio_text(portfolio, explanation, probability=None) -> str:
    lang, cur = portfolio.lang, portfolio.currency
    t = explanation.table
    columns = {
        tr("col.status", lang): t["status"].map(lambda s: status_text(s, lang)),
        tr("col.rank", lang): t["rank"].astype("Int64"),
        tr("col.id", lang): t.index,
        tr("col.title", lang): t["title"],
        tr("col.cost", lang): t["cost"].map(lambda v: fmt_money(v, cur, lang)),
        tr("col.score", lang): t["score"].map(lambda v: fmt_number(v, 3, lang)),
    }  # fmt: skip
    if probability is not None:
        columns[tr("col.p_funded", lang)] = probability.table["p_funded"].reindex(t.index).map(
            lambda v: fmt_percent(v, 0, lang))  # fmt: skip
    columns[tr("col.reason", lang)] = t["explanation"]
    frame = pd.DataFrame(columns)
    status = (
        tr("portfolio.optimal", lang)
        if portfolio.optimal
        else tr("portfolio.not_optimal", lang, status=portfolio.status, gap=portfolio.gap)
    )
    header = tr(
        "portfolio.header", lang, budget=fmt_money(portfolio.budget, cur, lang),
        count=len(portfolio.selected), cost=fmt_money(portfolio.total_cost, cur, lang),
        remaining=fmt_money(portfolio.remaining, cur, lang),
        value=fmt_number(portfolio.total_value, 3, lang), status=status,
    )  # fmt: skip
    return header + "\n\n" + text_table(frame, max_width=400)
