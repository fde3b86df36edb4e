"""``prioritisation template PATH --assessor NAME --out FORM.xlsx``: one member's Excel form."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..forms import form_name, write_template
from ..i18n import register as register_messages
from ..i18n import tr
from ._common import add_workbook_argument, emit_text, load

register_messages(
    {
        "nl": {
            "help.template": "maak een Excel-beoordelingsformulier voor één beoordelaar",
            "template.written": "Formulier voor {assessor} geschreven: {path}",
            "template.next": "({ideas} ideeën × {criteria} criteria.) Stuur het rond; verzamel de "
            "teruggestuurde formulieren met: prioritisation collect {workbook} FORMULIER.xlsx… "
            "--out SAMENGEVOEGD.xlsx",
            "usage.out_folder": "voor meerdere beoordelaars is --out een map, geen .xlsx-bestand "
            "('{path}')",
            "usage.form_names_clash": "twee beoordelaars krijgen dezelfde bestandsnaam; maak hun "
            "formulieren één voor één",
            "usage.out_exists": "{path} bestaat al; ik overschrijf niets (het kan een ingevuld "
            "formulier zijn). Kies een andere naam of geef --overwrite.",
            "usage.out_xlsx": "--out moet een .xlsx-bestand zijn, niet '{path}'",
            "usage.assessor_empty": "geef de naam van de beoordelaar (--assessor)",
        },
        "en": {
            "help.template": "make an Excel assessment form for one assessor",
            "template.written": "Form for {assessor} written: {path}",
            "template.next": "({ideas} ideas × {criteria} criteria.) Send it out; collect the "
            "returned forms with: prioritisation collect {workbook} FORM.xlsx… --out MERGED.xlsx",
            "usage.out_folder": "for several assessors --out is a folder, not an .xlsx file "
            "('{path}')",
            "usage.form_names_clash": "two assessors get the same file name; make their forms one "
            "at a time",
            "usage.out_exists": "{path} already exists; nothing is overwritten (it may be a filled "
            "form). Choose another name or give --overwrite.",
            "usage.out_xlsx": "--out must be an .xlsx file, not '{path}'",
            "usage.assessor_empty": "give the assessor's name (--assessor)",
        },
    }
)


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
        raise UsageError("out_xlsx", path=out)
    if path.exists() and not overwrite:
        raise UsageError("out_exists", path=out)
    return path


def run(args) -> int:
    wb = load(args) if args.all_assessors else None
    names = wb.assessors if args.all_assessors else [a.strip() for a in args.assessor]
    if not names or not all(names):
        raise UsageError("assessor_empty")
    several = args.all_assessors or len(names) > 1
    if several:
        folder = Path(args.out)
        if folder.suffix.lower() == ".xlsx":
            raise UsageError("out_folder", path=args.out)
        outs = [folder / form_name(n) for n in names]
        if len(set(outs)) < len(outs):
            raise UsageError("form_names_clash")
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
