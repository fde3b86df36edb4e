"""``prioritisation template PATH --assessor NAME --out FORM.xlsx``: one member's Excel form."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..forms import write_template
from ..i18n import register as register_messages
from ..i18n import tr
from ._common import add_workbook_argument, emit_text, load

register_messages(
    {
        "nl": {
            "help.template": "maak een Excel-beoordelingsformulier voor één beoordelaar",
            "template.done": "Formulier voor {assessor} geschreven: {path} ({ideas} ideeën × "
            "{criteria} criteria).\nStuur het rond; verzamel de teruggestuurde formulieren met: "
            "prioritisation collect {workbook} FORMULIER.xlsx… --out SAMENGEVOEGD.xlsx",
            "usage.out_exists": "{path} bestaat al; ik overschrijf niets (het kan een ingevuld "
            "formulier zijn). Kies een andere naam of geef --overwrite.",
            "usage.out_xlsx": "--out moet een .xlsx-bestand zijn, niet '{path}'",
            "usage.assessor_empty": "geef de naam van de beoordelaar (--assessor)",
        },
        "en": {
            "help.template": "make an Excel assessment form for one assessor",
            "template.done": "Form for {assessor} written: {path} ({ideas} ideas × {criteria} "
            "criteria).\nSend it out; collect the returned forms with: prioritisation collect "
            "{workbook} FORM.xlsx… --out MERGED.xlsx",
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
    parser.add_argument("--assessor", required=True, help="the member the form is for")
    parser.add_argument("--out", required=True, help="the form to write (.xlsx)")
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
    if not args.assessor.strip():
        raise UsageError("assessor_empty")
    out = check_out(args.out, args.overwrite)
    wb = load(args)
    write_template(wb, args.assessor, out, prefill=not args.blank, decimal=args.decimal)
    emit_text(tr("template.done", None, assessor=args.assessor.strip(), path=out,
                 ideas=len(wb.ideas), criteria=len(wb.criteria), workbook=args.path), None)  # fmt: skip
    return 0
