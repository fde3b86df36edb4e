"""Options, loading and documents shared by the commands (not a command itself)."""

from __future__ import annotations

from pathlib import Path

from prioritisation.core.errors import Problem, UsageError, WorkbookError
from prioritisation.core.i18n import N_, set_language, tr
from prioritisation.core.model import AGGREGATIONS
from prioritisation.data.sample import sample_path
from prioritisation.data.workbook import read_workbook


def add_workbook_argument(parser, optional: bool = False) -> None:
    if optional:
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help="workbook (.xlsx) or folder of CSV files (default: the sample)",
        )
    else:
        parser.add_argument("path", help="workbook (.xlsx) or folder of CSV files")


def add_ranking_options(parser) -> None:
    from prioritisation.engine.methods import METHODS

    parser.add_argument("--method", default=None, help=f"one of {', '.join(sorted(METHODS))} "
                        "(default: the workbook's setting, else wsm)")  # fmt: skip
    from prioritisation.engine.weights import SCHEMES

    parser.add_argument(
        "--weights", default=None,
        help="e.g. innovation=3,desirability=2 (others keep the workbook's weight), or a scheme: "
        + ", ".join(sorted(SCHEMES)),
    )  # fmt: skip
    parser.add_argument("--aggregate", default=None, choices=AGGREGATIONS,
                        help="how assessors' scores combine (default: mean)")  # fmt: skip


def add_output_options(parser, formats=("table", "csv", "json", "xlsx"), default="table") -> None:
    parser.add_argument("--format", choices=formats, default=default, help="output format")
    parser.add_argument("--out", default=None, help="write to this file instead of the terminal")
    add_force_option(parser)


def add_force_option(parser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="replace an existing file at --out (never the workbook or the store)")  # fmt: skip


def load(args):
    """Read the workbook named on the command line and set the language it asks for."""
    path = getattr(args, "path", None) or sample_path()
    wb = read_workbook(path)
    if getattr(args, "lang", None) is None and wb.settings.get("language"):
        set_language(str(wb.settings["language"]))
    return wb


def ranking_json(wb, ranking) -> dict:
    """The JSON document of a ranking (``rank``, ``scenario show``): what was done, on what,
    and the records."""
    return {
        "workbook": {"path": wb.source, "sha256": wb.sha256},
        "method": ranking.method,
        "aggregate": ranking.aggregate,
        "weights": {c: round(float(w), 10) for c, w in ranking.weights.items()},
        "ranking": ranking.to_records(),
    }


def add_store_option(parser) -> None:
    parser.add_argument("--store", default=None, metavar="URL", help=tr("help.store"))


def open_store_of(args):
    """The scenario store of the command line: ``--store``, else ``$PRIORITISATION_STORE``,
    else the file beside the workbook, which must then exist (a store is not created beside
    a mistyped path)."""
    from prioritisation.scenarios.db import open_store

    if not args.store and not Path(args.path).exists():
        problem = Problem(None, None, None, N_("problem.file_missing"), {"path": str(args.path)})
        raise WorkbookError([problem], source=str(args.path))
    return open_store(args.path, url=args.store)


def store_inputs(args) -> list:
    """What a store command reads (the workbook and the store), which ``--out`` may not be."""
    from prioritisation.scenarios.db import store_url

    return [args.path, store_url(args.path, args.store)]


def add_overwrite_option(parser, help: str) -> None:
    parser.add_argument("--overwrite", "--force", dest="overwrite", action="store_true", help=help)


def check_xlsx_out(out, overwrite: bool) -> Path:
    """``out`` as the path of an Excel file to write (a form, a merged workbook): it must end
    in ``.xlsx`` and, unless ``overwrite``, not exist yet (it may be a filled-in form)."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(N_("usage.out_xlsx"), path=str(out))
    if path.exists() and not overwrite:
        raise UsageError(N_("usage.out_exists"), path=str(out))
    return path


def check_outputs(args) -> None:
    """Before any work: every file the command will write (``--out``, ``--chart``) may be
    written (never an input; an existing file that the tool did not make needs ``--force``)."""
    from prioritisation.data.outputs import check_output

    inputs = [getattr(args, "path", None)]
    force = bool(getattr(args, "force", False))
    if getattr(args, "out", None):
        fmt = getattr(args, "format", None)
        check_output(args.out, inputs=inputs, force=force, kind=None if fmt == "table" else fmt)
    if getattr(args, "chart", None):
        check_output(args.chart, inputs=inputs, force=force)
