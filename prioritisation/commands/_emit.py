"""A command's output: one call writes its result in the format asked, to the terminal or a file.

Every command builds an :class:`Output` (its result in each format it offers, each built only
when asked for) and hands it to :func:`emit` once. Table text is made terminal-safe (control
characters such as ESC are shown as ``\\x1b``, not obeyed, whoever typed them into a name or a
note); JSON, CSV and xlsx keep the data as it is (JSON escapes control characters itself; CSV
and xlsx cells are kept from being read as formulas by :mod:`prioritisation.data.export`).
A file is written atomically, and never over one of the command's inputs (the workbook, a CSV
file of a workbook folder, the scenario store).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.text import terminal_safe
from prioritisation.data.export import atomic_path, frame_to_csv, write_xlsx
from prioritisation.data.outputs import check_output


@dataclass(frozen=True)
class Output:
    """A command's result per format: ``table`` the text for a terminal, ``json`` a JSON-able
    document, ``csv`` one frame (its index is written when it has a name), ``xlsx`` sheets by
    name, ``xlsx_formats`` their number formats (per sheet, per heading; see
    :func:`prioritisation.data.export.write_xlsx`). Each is a function, called only for the
    format asked."""

    table: Callable[[], str]
    json: Callable[[], object] | None = None
    csv: Callable[[], pd.DataFrame] | None = None
    xlsx: Callable[[], Mapping[str, pd.DataFrame]] | None = None
    xlsx_formats: Callable[[], Mapping[str, Mapping[str, str]]] | None = None


def emit(
    result: Output,
    format: str = "table",
    out=None,
    *,
    inputs: Iterable = (),
    force: bool = False,
) -> None:
    """Write ``result`` in ``format`` to ``out`` (a file, written atomically) or to stdout.

    ``inputs``: the files (or store URLs) the command read; ``out`` may not be one of them.
    ``force``: replace an existing file that is not an input.

    >>> emit(Output(table=lambda: "Basis\\x1b[2J", json=lambda: {"name": "Basis\\x1b[2J"}))
    Basis\\x1b[2J
    >>> emit(Output(table=lambda: "", json=lambda: {"name": "Basis\\x1b[2J"}), "json")
    {
      "name": "Basis\\u001b[2J"
    }
    """
    if format == "xlsx" and not out:
        raise UsageError("usage.xlsx_needs_out")
    if out:
        check_output(out, inputs=inputs, force=force, kind=None if format == "table" else format)
    if format == "json":
        emit_json(result.json(), out)
    elif format == "csv":
        frame = result.csv()
        emit_text(frame_to_csv(frame, index=frame.index.name is not None), out)
    elif format == "xlsx":
        formats = result.xlsx_formats() if result.xlsx_formats else None
        write_xlsx(result.xlsx(), out, marker=True, formats=formats)
    else:
        emit_text(terminal_safe(result.table(), newlines=True), out)


def emit_text(text: str, out=None) -> None:
    """Write ``text`` as it is to ``out`` (atomically) or to stdout: the plain writer under
    :func:`emit` (no format, no check of ``out``)."""
    if out:
        with atomic_path(out) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def emit_json(data, out=None) -> None:
    """Write ``data`` as indented JSON (UTF-8, NumPy numbers as numbers) with :func:`emit_text`."""
    emit_text(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default), out)


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | tuple):
        return list(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
