"""The ``prioritisation`` command: argument parsing and one call into the engine per command.

Each command lives in its own module in :mod:`prioritisation.commands`, named like the
command, with a ``register(subparsers)`` function that adds its parser and sets ``func``; they
are found automatically. Only the module of the command being run is imported (all of them
for ``--help`` or an unknown command), so a command never pays for another's libraries.

Exit codes: every user error (a bad workbook, a bad option value) is printed as plain lines
on stderr with exit code 2 — never a traceback; what the computer refused (a full disk, a
read-only folder, no permission: :class:`~prioritisation.core.errors.EnvironmentFailure`)
is a plain message with exit code 3; only an unexpected exception, a bug, is reported in one
line with exit code 1 (``PRIORITISATION_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback

from prioritisation import commands
from prioritisation.core.errors import EnvironmentFailure, PrioritisationError
from prioritisation.core.i18n import LANGUAGES, set_language, tr
from prioritisation.core.text import terminal_safe
from prioritisation.core.version import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 as well; keep its one line
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def _command_in(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a global option)."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prioritisation",
        description="Score, weigh, fund and explain innovation projects.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None,
        help="language of messages and output (default: the workbook's, else nl)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    names = sorted(
        i.name for i in pkgutil.iter_modules(commands.__path__) if not i.name.startswith("_")
    )
    chosen = _command_in(sys.argv[1:] if argv is None else argv)
    for name in [chosen] if chosen in names else names:
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    try:
        return int(args.func(args) or 0)
    except PrioritisationError as exc:
        for line in exc.lines():  # a name in a message may hold an ESC: shown, not obeyed
            print(terminal_safe(line), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user unless asked
        if os.environ.get("PRIORITISATION_DEBUG"):
            traceback.print_exc()
        failure = EnvironmentFailure.from_os_error(exc)  # a full disk, not a bug
        if failure is not None:
            for line in failure.lines():
                print(line, file=sys.stderr)
            return failure.exit_code
        print(tr("error.internal", None, error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
