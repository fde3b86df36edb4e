"""``prioritisation template PATH --assessor NAME --out FORM.xlsx``: one member's Excel form."""

from __future__ import annotations

from pathlib import Path

from prioritisation.commands._common import add_workbook_argument, emit_text, load
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.data.forms import form_name, write_template


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
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run)


def check_out(out: str, overwrite: bool) -> Path:
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(N_("usage.out_xlsx"), path=out)
    if path.exists() and not overwrite:
        raise UsageError(N_("usage.out_exists"), path=out)
    return path


def run(args) -> int:
    wb = load(args) if args.all_assessors else None
    names = wb.assessors if args.all_assessors else [a.strip() for a in args.assessor]
    if not names or not all(names):
        raise UsageError(N_("usage.assessor_empty"))
    several = args.all_assessors or len(names) > 1
    if several:
        folder = Path(args.out)
        if folder.suffix.lower() == ".xlsx":
            raise UsageError(N_("usage.out_folder"), path=args.out)
        outs = [folder / form_name(n) for n in names]
        if len(set(outs)) < len(outs):
            raise UsageError(N_("usage.form_names_clash"))
        for out in outs:
            check_out(str(out), args.overwrite)
    else:
        outs = [check_out(args.out, args.overwrite)]
    wb = wb or load(args)
    lines = []
    for name, out in zip(names, outs, strict=True):
        write_template(wb, name, out, prefill=not args.blank, decimal=args.decimal)
        lines.append(tr("template.written", None, assessor=name, path=out))
    lines.append(tr("template.next", None, ideas=len(wb.ideas), criteria=len(wb.criteria),
                    workbook=args.path))  # fmt: skip
    emit_text("\n".join(lines), None)
    return 0
