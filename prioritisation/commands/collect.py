"""``prioritisation collect PATH FORM.xlsx… --out MERGED.xlsx``: merge returned forms.

Nothing is written when a form has a problem (each is listed with form file, Excel row and
column; exit 2). The input workbook is never overwritten unless ``--out`` names it and
``--overwrite`` is given; then a dated copy of the original is kept beside it. A returned form
is never overwritten.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from prioritisation.commands._common import (
    add_overwrite_option,
    add_workbook_argument,
    check_xlsx_out,
    load,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.data.collect import collect, write_collected
from prioritisation.data.outputs import check_output
from prioritisation.explain.text import collect_text


def register(sub) -> None:
    parser = sub.add_parser("collect", help=tr("help.collect"))
    add_workbook_argument(parser)
    parser.add_argument("forms", nargs="+", metavar="FORM.xlsx")
    parser.add_argument("--out", required=True, help="the merged workbook to write (.xlsx)")
    add_overwrite_option(parser, "replace an existing --out (also the workbook itself)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args) -> int:
    same = Path(args.out).resolve() == Path(args.path).resolve()
    if same and not args.overwrite:
        raise UsageError(N_("usage.collect_in_place"))
    out = check_xlsx_out(args.out, args.overwrite)
    check_output(out, inputs=args.forms, force=args.overwrite)
    wb = load(args)
    result = collect(wb, args.forms)
    backup = None
    if result.ok:
        backup = write_collected(result, out, backup_of=args.path if same else None)
    emit(Output(table=lambda: collect_text(result, out, backup),
                json=lambda: collect_json(result, out, backup)), args.format)  # fmt: skip
    if not result.ok:
        if args.format == "table":
            print(tr("collect.not_written"), file=sys.stderr)
        raise result.error()
    return 0


def collect_json(result, out, backup) -> dict:
    """The report of ``collect`` as JSON: what was written, per form, the changes, problems."""
    report = result.report()
    return {
        "written": str(out) if result.ok else None, "backup": str(backup) if backup else None,
        "forms": report.to_dict("records"),
        "changes": [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
                    for r in result.changes.to_dict("records")],
        "problems": {form: [p.format() for p in ps] for form, ps in result.problems.items() if ps},
    }  # fmt: skip
