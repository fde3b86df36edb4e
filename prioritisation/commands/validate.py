"""``prioritisation validate PATH``: every problem at once, or a short summary."""

from __future__ import annotations

from prioritisation.commands._common import add_workbook_argument
from prioritisation.core.errors import WorkbookError
from prioritisation.core.i18n import tr
from prioritisation.data.workbook import check_workbook


def register(sub) -> None:
    parser = sub.add_parser("validate", help=tr("help.validate"))
    add_workbook_argument(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    wb, problems = check_workbook(args.path)
    if problems:
        raise WorkbookError(problems, source=args.path)
    scores = wb.scores["score"]
    print(tr("validate.ok", None, ideas=len(wb.ideas), criteria=len(wb.criteria),
             default=tr("validate.default") if wb.criteria_defaulted else "",
             assessors=len(wb.assessors), scores=int(scores.notna().sum()),
             empty=int(scores.isna().sum())))  # fmt: skip
    return 0
