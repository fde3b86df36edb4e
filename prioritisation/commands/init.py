"""``prioritisation init DIR``: a copy of the sample workbook to start from."""

from __future__ import annotations

from pathlib import Path

from prioritisation.commands._emit import Output, emit
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.data.sample import write_sample


def register(sub) -> None:
    parser = sub.add_parser("init", help=tr("help.init"))
    parser.add_argument("dir", help="folder to create the workbook in (created if needed)")
    parser.add_argument("--name", default="workbook.xlsx", help="file name (default workbook.xlsx)")
    parser.set_defaults(func=run)


def run(args) -> int:
    target = Path(args.dir) / args.name
    if target.exists():
        raise UsageError(N_("usage.init_exists"), path=str(target))
    write_sample(target)
    emit(Output(table=lambda: tr("init.done", None, path=str(target))))
    return 0
