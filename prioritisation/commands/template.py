"""``prioritisation template PATH --assessor NAME --out FORM.xlsx``: one member's Excel form."""

from __future__ import annotations

from pathlib import Path

from prioritisation.commands._common import (
    add_overwrite_option,
    add_workbook_argument,
    check_xlsx_out,
    load,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.data.forms import form_name, write_template
from prioritisation.data.outputs import check_output


def register(sub) -> None:
    parser = sub.add_parser("template", help=tr("help.template"))
    add_workbook_argument(parser)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--assessor", action="append", help="the member the form is for "
                     "(repeat for several members; --out is then a folder)")  # fmt: skip
    who.add_argument("--all-assessors", action="store_true",
                     help="one form for every assessor in the workbook, into the folder --out")  # fmt: skip
    parser.add_argument("--out", required=True, help="the form to write (.xlsx), or a folder")
    parser.add_argument("--blank", action="store_true",
                        help="do not fill in the scores the assessor already gave")  # fmt: skip
    parser.add_argument("--decimal", action="store_true",
                        help="allow any number on the scale instead of a drop-down of levels")  # fmt: skip
    add_overwrite_option(parser, "replace an existing form (never the workbook)")
    parser.set_defaults(func=run)


def form_paths(args, names: list[str]) -> list[Path]:
    """Where each member's form goes: ``--out`` itself for one member, else one file per member
    in the folder ``--out``; each checked (an .xlsx, not there yet unless --overwrite, never
    the workbook)."""
    if not (args.all_assessors or len(names) > 1):
        outs = [Path(args.out)]
    elif Path(args.out).suffix.lower() == ".xlsx":
        raise UsageError(N_("usage.out_folder"), path=args.out)
    else:
        outs = [Path(args.out) / form_name(n) for n in names]
        if len(set(outs)) < len(outs):
            raise UsageError(N_("usage.form_names_clash"))
    for out in outs:
        check_xlsx_out(out, args.overwrite)
        check_output(out, inputs=[args.path], force=args.overwrite)
    return outs


def run(args) -> int:
    wb = load(args) if args.all_assessors else None
    names = wb.assessors if args.all_assessors else [a.strip() for a in args.assessor]
    if not names or not all(names):
        raise UsageError(N_("usage.assessor_empty"))
    outs = form_paths(args, names)
    wb = wb or load(args)
    lines = []
    for name, out in zip(names, outs, strict=True):
        write_template(wb, name, out, prefill=not args.blank, decimal=args.decimal)
        lines.append(tr("template.written", None, assessor=name, path=out))
    lines.append(tr("template.next", None, ideas=len(wb.ideas), criteria=len(wb.criteria),
                    workbook=args.path))  # fmt: skip
    emit(Output(table=lambda: "\n".join(lines)))
    return 0
