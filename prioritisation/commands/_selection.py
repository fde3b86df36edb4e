"""Options and chart output shared by ``portfolio``, ``roadmap`` and ``frontier`` (not a command
itself): the selection options, the one resolved run they ask for, and writing a chart."""

from __future__ import annotations

from pathlib import Path

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_
from prioritisation.data.export import atomic_path
from prioritisation.engine.run import FUNDING_RULES, Run, resolve_run


def add_selection_options(parser, budget: bool = True) -> None:
    """The constraint options shared by ``portfolio``, ``frontier`` and ``roadmap``."""
    if budget:
        parser.add_argument("--budget", default=None,
                            help="total budget in EUR, e.g. 1500000 or 1.500.000 (default: the "
                            "workbook's 'budget' setting)")  # fmt: skip
    parser.add_argument("--rule", default=None, choices=FUNDING_RULES,
                        help="funding rule: 'priority' walks down the ranking and funds what "
                        "fits, 'best' takes the set with the largest total score (default: the "
                        "workbook's 'funding_rule' setting, else priority)")  # fmt: skip
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


def run_of(args, wb, **options) -> Run:
    """The run the command line asks for (:func:`~prioritisation.engine.run.resolve_run`)."""
    return resolve_run(
        wb, method=args.method, weights=args.weights, aggregate=args.aggregate,
        budget=getattr(args, "budget", None), must=args.must, exclude=args.exclude,
        theme_min=args.theme_min, theme_max=args.theme_max, groups=not args.no_groups,
        funding_rule=args.rule, **options,
    )  # fmt: skip


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
