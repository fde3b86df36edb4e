"""``prioritisation audit PATH``: who changed which weight, threshold or selection, and when."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_force_option,
    add_store_option,
    add_workbook_argument,
    open_store_of,
    store_inputs,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.core.i18n import tr
from prioritisation.scenarios.text import audit_text


def register(sub) -> None:
    parser = sub.add_parser("audit", help=tr("help.audit"))
    add_workbook_argument(parser)
    parser.add_argument("--scenario", default=None, help="only this scenario's entries")
    parser.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    parser.add_argument("--out", default=None)
    add_force_option(parser)
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    labels = _labels(args.path)
    with open_store_of(args) as store:
        audit = store.audit(args.scenario)
        where = store.display
    output = Output(
        table=lambda: audit_text(audit, labels, where),
        json=lambda: [{k: (None if pd.isna(v) else v) for k, v in r.items()}
                      for r in audit.to_dict("records")],
        csv=lambda: audit,
        xlsx=lambda: {"audit": audit},
    )  # fmt: skip
    emit(output, args.format, args.out, inputs=store_inputs(args), force=args.force)
    return 0


def _labels(path) -> dict:
    """The criteria's labels when the workbook reads; ids otherwise (the log stays readable)."""
    from prioritisation.data.workbook import check_workbook

    try:
        wb, _ = check_workbook(path)
    except Exception:  # the audit must show even when the workbook is broken or absent
        return {}
    return wb.criterion_labels() if wb is not None else {}
