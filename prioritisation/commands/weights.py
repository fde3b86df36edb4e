"""``prioritisation weights PATH``: the weights in force, the other schemes, AHP consistency."""

from __future__ import annotations

from prioritisation.commands._common import add_output_options, add_workbook_argument, load
from prioritisation.commands._emit import Output, emit
from prioritisation.core.i18n import tr
from prioritisation.engine.run import resolve_run
from prioritisation.engine.weights import weights_report
from prioritisation.explain.text import weights_text


def register(sub) -> None:
    parser = sub.add_parser("weights", help=tr("help.weights"))
    add_workbook_argument(parser)
    parser.add_argument("--weights", default=None,
                        help="the weights in force: e.g. innovation=3,desirability=2 or a scheme "
                        "(equal, roc, swing, ahp); default the workbook's")  # fmt: skip
    add_output_options(parser, formats=("table", "json"))
    parser.set_defaults(func=run)


def run(args) -> int:
    wb = load(args)
    report = weights_report(wb, resolve_run(wb, weights=args.weights).weights)
    output = Output(
        table=lambda: weights_text(wb.criterion_labels(), report),
        json=lambda: {"workbook": {"path": wb.source, "sha256": wb.sha256}, **report},
    )
    emit(output, args.format, args.out, inputs=[args.path], force=args.force)
    return 0
