"""``prioritisation collect PATH FORM.xlsx… --out MERGED.xlsx``: merge returned forms.

Nothing is written when a form has a problem (each is listed with form file, Excel row and
column; exit 2). The input workbook is never overwritten unless ``--out`` names it and
``--overwrite`` is given; then a dated copy of the original is kept beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from prioritisation.commands._common import (
    add_workbook_argument,
    emit_json,
    emit_text,
    load,
    text_table,
)
from prioritisation.commands.template import check_out
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_number, fmt_percent, tr
from prioritisation.data.collect import collect, write_collected


def register(sub) -> None:
    parser = sub.add_parser("collect", help=tr("help.collect"))
    add_workbook_argument(parser)
    parser.add_argument("forms", nargs="+", metavar="FORM.xlsx")
    parser.add_argument("--out", required=True, help="the merged workbook to write (.xlsx)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing --out (also the workbook itself)")  # fmt: skip
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args) -> int:
    same = Path(args.out).resolve() == Path(args.path).resolve()
    if same and not args.overwrite:
        raise UsageError(N_("usage.collect_in_place"))
    out = check_out(args.out, args.overwrite)
    wb = load(args)
    result = collect(wb, args.forms)
    backup = None
    if result.ok:
        backup = write_collected(result, out, backup_of=args.path if same else None)
    if args.format == "json":
        report = result.report()
        emit_json({
            "written": str(out) if result.ok else None, "backup": str(backup) if backup else None,
            "forms": report.to_dict("records"),
            "changes": [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
                        for r in result.changes.to_dict("records")],
            "problems": {form: [p.format() for p in ps] for form, ps in result.problems.items() if ps},
        }, None)  # fmt: skip
    else:
        emit_text(collect_text(result, out, backup), None)
    if not result.ok:
        if args.format == "table":
            print(tr("collect.not_written"), file=sys.stderr)
        raise result.error()
    return 0


def collect_text(result, out, backup) -> str:
    report = result.report()
    frame = pd.DataFrame({
        tr("col.assessor"): report["assessor"].fillna("?"),
        tr("col.form"): report["form"],
        tr("col.filled"): [f"{f}/{e} ({fmt_percent(c)})" for f, e, c in
                           zip(report["filled"], report["expected"], report["complete"], strict=True)],
        tr("col.new"): report["new"], tr("col.changed"): report["changed"],
        tr("col.unchanged"): report["unchanged"], tr("col.duplicates"): report["duplicates"],
        tr("col.problems"): report["problems"],
        tr("col.missing"): report["missing"].map(lambda m: m.replace("; ", ", ")),
    })  # fmt: skip
    lines = [tr("collect.report"), text_table(frame, max_width=50)]
    for f in result.forms:
        if f.workbook_differs:
            lines.append(tr("collect.other_workbook", None, form=f.name))
    changed = result.changes.dropna(subset=["old"])
    if len(changed):
        lines += ["", tr("collect.changes")]
        lines += [f"  {r.assessor}, {r.idea_id}, {r.criterion_id}: {fmt_number(r.old, 1)} → "
                  f"{fmt_number(r.new, 1)} ({r.form} {tr('loc.row', None, row=r.row)})"
                  for r in changed.itertuples()]  # fmt: skip
    if result.ok:
        new = int(result.changes["old"].isna().sum())
        lines += ["", tr("collect.written", None, path=out, new=new, changed=len(changed))]
        if backup:
            lines.append(tr("collect.backup", None, path=backup))
    return "\n".join(lines)
