"""``prioritisation audit PATH``: who changed which weight, threshold or selection, and when.

``prioritisation audit verify PATH [--head HASH]`` checks the store's hash chain: that no saved
version or audit entry was edited or deleted, and with ``--head`` (the hash a report printed in
its decision record) that nothing recorded up to that report was removed since."""

from __future__ import annotations

from pathlib import Path

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
    parser.add_argument("target", nargs="?", default=None, metavar="PATH",
                        help="with 'audit verify PATH': the workbook whose store to check")  # fmt: skip
    parser.add_argument("--head", default=None,
                        help="with verify: a chain head printed in a report's decision record")  # fmt: skip
    parser.add_argument("--scenario", default=None, help="only this scenario's entries")
    parser.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    parser.add_argument("--out", default=None)
    add_force_option(parser)
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.path == "verify" and args.target:
        return verify_chain(args)
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


def verify_chain(args) -> int:
    """``audit verify``: 0 when the chain holds (and contains ``--head``), 2 when it broke."""
    from prioritisation.commands._emit import emit_json, emit_text
    from prioritisation.scenarios.db import open_store
    from prioritisation.scenarios.integrity import verify

    args.path = args.target
    if not args.store and not Path(args.path).exists():
        open_store_of(args)  # the located "file missing" problem
    with open_store(args.path, url=args.store, readonly=True) as store:
        result = verify(store, head=args.head)
    if args.format == "json":
        problem = result.problem
        emit_json({"ok": result.ok, "entries": result.entries, "head": result.head,
                   "given_head": result.given_head, "after_head": result.after_head,
                   "problem": None if problem is None else {
                       "code": problem.code, "table": problem.table, "id": problem.id,
                       "seq": problem.seq, "text": problem.text()}}, args.out)  # fmt: skip
    else:
        emit_text(result.text(), args.out)
    return 0 if result.ok else 2


def _labels(path) -> dict:
    """The criteria's labels when the workbook reads; ids otherwise (the log stays readable)."""
    from prioritisation.data.workbook import check_workbook

    try:
        wb, _ = check_workbook(path)
    except Exception:  # the audit must show even when the workbook is broken or absent
        return {}
    return wb.criterion_labels() if wb is not None else {}
