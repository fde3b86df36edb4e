"""Reading one CSV file as Excel in any locale writes it, streamed row by row.

Encodings: UTF-8 with or without BOM, UTF-16 and UTF-32 with a BOM (Excel's "Unicode text"),
UTF-16 without one (seen by its zero bytes), else cp1252 (Belgian/Dutch Windows Excel).
The separator (``;``, tab or ``,``) is the most frequent one on the first line; a file with
``;`` or tabs uses a decimal comma. Rows are read one at a time, never the whole file at once;
the file size is checked first (:data:`~prioritisation.data.limits.MAX_FILE_BYTES`).

>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "ideeen.csv"
>>> _ = path.write_text("id;titel\\nA;Café\\n", encoding="utf-16")
>>> decimal_comma, rows = csv_rows(path)
>>> decimal_comma, list(rows)
(True, [(1, ['id', 'titel']), (2, ['A', 'Café'])])
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_, fmt_number
from prioritisation.data.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, Unreadable

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip


def detect_encoding(path: Path) -> str:
    """The encoding of a CSV file: from its BOM, its zero bytes (UTF-16), else the first of
    UTF-8 and cp1252 that decodes the whole file (latin-1 as the last resort).

    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_bytes("id;titel\\n".encode("utf-16-le"))
    >>> detect_encoding(path)
    'utf-16-le'
    """
    with open(path, "rb") as fh:
        head = fh.read(4096)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    half = len(head) // 2
    if half >= 2:
        even, odd = head[0 : 2 * half : 2].count(0), head[1 : 2 * half : 2].count(0)
        if odd > 0.3 * half and even < 0.05 * half:
            return "utf-16-le"
        if even > 0.3 * half and odd < 0.05 * half:
            return "utf-16-be"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    return "latin-1"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_rows(path: Path) -> tuple[bool, Iterator[tuple[int, list[str]]]]:
    """Whether the file uses a decimal comma, and its rows ``(row number, cells)`` as a stream.

    Raises :class:`~prioritisation.data.limits.Unreadable` (located at the file, and the row
    where reading stopped) for a file that is too big or cannot be read as CSV."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(Problem(path.name, None, None, N_("problem.file_too_big"),
                                     {"size": size // 2**20, "max": MAX_FILE_BYTES // 2**20}))  # fmt: skip
        encoding = detect_encoding(path)
        with open(path, encoding=encoding, newline="") as fh:
            first = fh.readline(1 << 20)
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(Problem(path.name, None, None, N_("problem.csv_unreadable"),
                                 {"error": str(exc)[:200]})) from None  # fmt: skip
    counts = {d: first.count(d) for d in (";", "\t", ",")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ";"))
    if counts[delimiter] == 0:
        delimiter = ","
    return delimiter != ",", _rows(path, encoding, delimiter)


def _rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        with open(path, encoding=encoding, newline="") as fh:
            for number, record in enumerate(
                csv.reader(fh, delimiter=delimiter, strict=True), start=1
            ):
                yield number, record
    except csv.Error as exc:
        if "field limit" in str(exc):  # the csv module stops at 131,072 characters
            raise Unreadable(Problem(path.name, number + 1, None, N_("problem.cell_too_long_row"),
                                     {"max": fmt_number(MAX_CELL_CHARS, 0)})) from None  # fmt: skip
        raise Unreadable(Problem(path.name, number + 1, None, N_("problem.csv_unreadable"),
                                 {"error": str(exc)[:200]})) from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(Problem(path.name, number + 1, None, N_("problem.csv_unreadable"),
                                 {"error": str(exc)[:200]})) from None  # fmt: skip
