"""``prioritisation validate PATH``: every problem at once, or a short summary."""

from __future__ import annotations

from ..errors import WorkbookError
from ..i18n import register as register_messages
from ..i18n import tr
from ..workbook import check_workbook
from ._common import add_workbook_argument

register_messages(
    {
        "nl": {
            "validate.ok": "In orde: {ideas} ideeën, {criteria} criteria{default}, {assessors} "
            "beoordelaars, {scores} scores ({empty} lege cellen).",
            "validate.default": " (de vier standaardcriteria)",
            "help.validate": "controleer een werkmap en toon alle problemen",
        },
        "en": {
            "validate.ok": "OK: {ideas} ideas, {criteria} criteria{default}, {assessors} "
            "assessors, {scores} scores ({empty} empty cells).",
            "validate.default": " (the four default criteria)",
            "help.validate": "check a workbook and list every problem",
        },
    }
)


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
