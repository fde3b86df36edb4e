"""``prioritisation init DIR``: a copy of the sample workbook to start from."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..i18n import register as register_messages
from ..i18n import tr
from ..sample import write_sample

register_messages(
    {
        "nl": {
            "help.init": "schrijf een kopie van de voorbeeldwerkmap in een map",
            "init.done": "Voorbeeldwerkmap geschreven: {path}\nVolgende stap: prioritisation "
            "validate {path}",
            "usage.init_exists": "{path} bestaat al; ik overschrijf niets. Kies een andere map.",
        },
        "en": {
            "help.init": "write a copy of the sample workbook into a folder",
            "init.done": "Sample workbook written: {path}\nNext: prioritisation validate {path}",
            "usage.init_exists": "{path} already exists; nothing is overwritten. Choose another folder.",
        },
    }
)


def register(sub) -> None:
    parser = sub.add_parser("init", help=tr("help.init"))
    parser.add_argument("dir", help="folder to create the workbook in (created if needed)")
    parser.add_argument("--name", default="workbook.xlsx", help="file name (default workbook.xlsx)")
    parser.set_defaults(func=run)


def run(args) -> int:
    target = Path(args.dir) / args.name
    if target.exists():
        raise UsageError("init_exists", path=str(target))
    write_sample(target)
    print(tr("init.done", None, path=str(target)))
    return 0
