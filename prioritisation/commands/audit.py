"""``prioritisation audit PATH``: who changed which weight, threshold or selection, and when."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import add_workbook_argument, emit_json, emit_text, text_table
from prioritisation.commands.scenario import _needs_out, _store, add_store_option
from prioritisation.core.i18n import tr
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.scenarios.audit import describe_change


def register(sub) -> None:
    parser = sub.add_parser("audit", help=tr("help.audit"))
    add_workbook_argument(parser)
    parser.add_argument("--scenario", default=None, help="only this scenario's entries")
    parser.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    parser.add_argument("--out", default=None)
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    _needs_out(args)
    labels = _labels(args.path)
    with _store(args) as store:
        audit = store.audit(args.scenario)
        where = store.display
    if args.format == "json":
        records = [{k: (None if pd.isna(v) else v) for k, v in r.items()}
                   for r in audit.to_dict("records")]  # fmt: skip
        emit_json(records, args.out)
    elif args.format == "csv":
        emit_text(frame_to_csv(audit), args.out)
    elif args.format == "xlsx":
        write_xlsx({"audit": audit}, args.out)
    elif audit.empty:
        emit_text(tr("audit.empty", None, store=where), args.out)
    else:
        frame = pd.DataFrame({
            tr("col.when"): audit["at"].str.slice(0, 19).str.replace("T", " "),
            tr("col.who"): audit["actor"],
            tr("col.scenario"): [f"{s} v{v}" if s and not pd.isna(v) else (s or "")
                                 for s, v in zip(audit["scenario"], audit["version"], strict=True)],
            tr("col.what"): [describe_change(e, labels=labels) for e in audit.to_dict("records")],
        })  # fmt: skip
        emit_text(text_table(frame, max_width=70), args.out)
    return 0


def _labels(path) -> dict:
    """The criteria's labels when the workbook reads; ids otherwise (the log stays readable)."""
    from prioritisation.data.workbook import check_workbook

    try:
        wb, _ = check_workbook(path)
    except Exception:  # the audit must show even when the workbook is broken or absent
        return {}
    return wb.criterion_labels() if wb is not None else {}
