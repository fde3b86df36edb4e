"""Safe exports to Excel and CSV: user text stays text, numbers stay numbers, writes are atomic.

Following the OWASP guidance on CSV injection: in CSV, a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that a spreadsheet does
not run it as a formula; in xlsx, strings are written with the string data type (openpyxl would
otherwise store ``=HYPERLINK(...)`` as a formula). Every file is written to a temporary file
beside the target and moved into place with :func:`os.replace`, so a failed export never
leaves half a file; a full disk or a folder that cannot be written is an
:class:`~prioritisation.core.errors.EnvironmentFailure` naming the target (exit code 3).
An xlsx written as a command's output carries the tool's output marker in its document
properties (``write_xlsx(..., marker=True)``), so that
:func:`prioritisation.data.outputs.check_output` lets a re-run replace it without ``--force``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.errors import EnvironmentFailure
from prioritisation.core.version import __version__

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The output marker of an xlsx: its document properties (docProps/core.xml) say who made it.
OUTPUT_CREATOR = f"prioritisation {__version__}"
OUTPUT_KEYWORD = "prioritisation-output"


@contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success move it onto ``path`` in one step.

    An :class:`OSError` on the way that is the computer's doing (a full disk, a read-only
    folder, no permission) becomes an :class:`EnvironmentFailure` that names ``path``.
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent
        )
        tmp = Path(name)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a user's export is an ordinary file
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        failure = EnvironmentFailure.from_os_error(exc, path) if isinstance(exc, OSError) else None
        if failure is not None:
            raise failure from exc
        raise


def cell_value(value):
    """A Python/pandas value as a spreadsheet cell value (``None`` for missing)."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return str(value) if not hasattr(value, "isoformat") else value


def csv_text(value) -> str:
    """A value as CSV cell text, with formula-looking text neutralised."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def frame_to_csv(frame: pd.DataFrame, sep: str = ",", index: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    data = frame.reset_index() if index else frame
    writer.writerow([csv_text(c) for c in data.columns])
    for row in data.itertuples(index=False):
        writer.writerow([csv_text(v) for v in row])
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path, sep: str = ",", index: bool = False) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(frame_to_csv(frame, sep=sep, index=index), encoding="utf-8-sig")
    return Path(path)


def fill_sheet(
    ws, frame: pd.DataFrame, index: bool = False, formats: Mapping[str, str] | None = None
) -> None:
    """Write a frame into an openpyxl worksheet: bold header, strings as strings, widths.

    ``formats``: a number format per column heading (``{"kost": '"€" #,##0'}``), set on every
    cell of that column below the heading.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    data = frame.reset_index() if index else frame
    for j, name in enumerate(data.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.value = str(name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    number_formats = {j: (formats or {}).get(str(name)) for j, name in enumerate(data.columns, 1)}
    for i, row in enumerate(data.itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            cell = write_cell(ws, i, j, value)
            if number_formats[j]:
                cell.number_format = number_formats[j]
    for j, name in enumerate(data.columns, start=1):
        values = [str(name)] + [str(v) for v in data.iloc[:200, j - 1].tolist()]
        width = min(60, max(8, max(len(v) for v in values) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"


def write_cell(ws, row: int, column: int, value):
    """Set one cell; text is stored as text even when it starts with ``=``."""
    cell = ws.cell(row=row, column=column)
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path,
    index: bool = False,
    marker: bool = False,
    formats: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write several frames as sheets of one ``.xlsx`` file, atomically.

    ``formats``: number formats per sheet name and column heading, e.g.
    ``{"rangschikking": {"kost": '"€" #,##0', "score": "0.000"}}``; other cells keep Excel's
    general format.

    ``marker=True`` for a command's output (a ranking, a portfolio): its document properties
    then say that prioritisation made it, and a re-run may replace it. A workbook that users
    fill in (a template, the sample) gets no marker: it is an input, never to be replaced.
    """
    from openpyxl import Workbook as XlsxBook

    book = XlsxBook()
    book.remove(book.active)
    if marker:
        book.properties.creator = OUTPUT_CREATOR
        book.properties.keywords = OUTPUT_KEYWORD
    for name, frame in sheets.items():
        fill_sheet(book.create_sheet(title=str(name)[:31]), frame, index=index,
                   formats=(formats or {}).get(name))  # fmt: skip
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)
