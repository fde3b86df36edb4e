"""``prioritisation report PATH --out FILE.pdf``: the steering group's report as a PDF."""

from __future__ import annotations

from prioritisation.commands._common import add_workbook_argument
from prioritisation.core.i18n import get_language, tr


def register(sub) -> None:
    parser = sub.add_parser("report", help=tr("help.report"))
    add_workbook_argument(parser)
    parser.add_argument("--out", required=True,
                        help="the PDF to write; with several reports, a name to derive them from "
                        "(rapport.pdf → rapport-nl.pdf, rapport-en.pdf) or a folder")  # fmt: skip
    parser.add_argument("--force", action="store_true",
                        help="replace an existing file at --out that prioritisation did not "
                        "make (an earlier report is replaced without it; the workbook and "
                        "the scenario store never are)")  # fmt: skip
    parser.add_argument("--lang", dest="report_lang", default=None,
                        help="nl, en or nl,en for both (default: --lang, else the workbook's "
                        "language, else nl)")  # fmt: skip
    parser.add_argument("--scenario", action="append", default=None, metavar="NAME",
                        help="a stored scenario (NAME = its latest version, NAME@2 = version 2; "
                        "repeat the option for several) or 'all'; takes weights, method, "
                        "aggregation, thresholds and budget from the scenario")  # fmt: skip
    parser.add_argument("--store", default=None, metavar="URL",
                        help="the scenario store (default: $PRIORITISATION_STORE, else the "
                        "SQLite file beside the workbook)")  # fmt: skip
    parser.add_argument(
        "--weights",
        default=None,
        help="e.g. innovation=3,desirability=2, or a scheme such as 'equal'",
    )
    parser.add_argument("--method", default=None, help="decision method (default: the "
                        "workbook's setting, else wsm)")  # fmt: skip
    parser.add_argument(
        "--aggregate",
        default=None,
        help="mean, median, geomean or trimmed (default: the workbook's)",
    )
    parser.add_argument(
        "--budget", default=None, help="budget in EUR (default: the workbook's setting)"
    )
    parser.add_argument("--budget-per-year", default=None, metavar="YEAR=AMOUNT,...",
                        help="yearly budgets, e.g. 2027=400000,2028=350000 (default: the "
                        "workbook's 'budget_per_year' setting)")  # fmt: skip
    parser.add_argument("--title", default=None, help="report title (default: the workbook's)")
    parser.add_argument("--anonymise", "--anonymize", action="store_true",
                        help="a round's decision: name the members 'lid 1, lid 2 ...' "
                        "(member 1, member 2 ...) in the group section")  # fmt: skip
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds a notebook cell may run (default 120)")  # fmt: skip
    parser.add_argument("--keep-html", default=None, metavar="DIR",
                        help="also keep the executed notebook and HTML in DIR")  # fmt: skip
    parser.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from prioritisation.data.workbook import read_workbook
    from prioritisation.report.jobs import parse_languages, plan_jobs
    from prioritisation.report.pipeline import make_reports

    wb = read_workbook(args.path)  # a bad workbook: exit 2 before any kernel starts
    default_lang = args.lang or str(wb.settings.get("language") or get_language())
    jobs = plan_jobs(
        args.path, args.out, langs=parse_languages(args.report_lang, default_lang or "nl"),
        scenarios=args.scenario or [""], store=args.store, title=args.title or "",
        weights=args.weights, method=args.method, aggregate=args.aggregate, budget=args.budget,
        budget_per_year=args.budget_per_year, wb=wb, force=args.force, anonymise=args.anonymise,
    )  # fmt: skip
    written = make_reports(jobs, timeout=args.timeout,
                           keep=Path(args.keep_html) if args.keep_html else None)  # fmt: skip
    for path in written:
        print(tr("report.written", None, path=str(path)))
    return 0
