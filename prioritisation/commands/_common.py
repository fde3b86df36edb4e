"""Options and output shared by the commands (not a command itself)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from prioritisation.core.i18n import get_language, set_language
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


def load(args):
    """Read the workbook named on the command line and set the language it asks for."""
    path = getattr(args, "path", None) or sample_path()
    wb = read_workbook(path)
    if getattr(args, "lang", None) is None and wb.settings.get("language"):
        set_language(str(wb.settings["language"]))
    return wb


def emit_text(text: str, out: str | None) -> None:
    if out:
        from prioritisation.data.export import atomic_path

        with atomic_path(out) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def emit_json(data, out: str | None) -> None:
    emit_text(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default), out)


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | tuple):
        return list(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def text_table(frame: pd.DataFrame, max_width: int = 48) -> str:
    """A plain, aligned terminal table (no external dependency, no colour codes)."""
    cols = list(frame.columns)
    cells = [[_cell(v, max_width) for v in row] for row in frame.itertuples(index=False)]
    widths = [max([len(str(c))] + [len(r[j]) for r in cells]) for j, c in enumerate(cols)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in cols]

    def line(values):
        return "  ".join(
            (v.rjust(w) if num else v.ljust(w))
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line([str(c) for c in cols]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _cell(value, max_width: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value)
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def language() -> str:
    return get_language()
