"""Streaming the cells of a LibreOffice / OpenDocument workbook (``.ods``), in bounded memory.

An ``.ods`` file is a zip holding ``content.xml``; every sheet is a ``table:table`` there. It is
read with expat in one pass, as the ``.xlsx`` reader does: a cell's text is counted and never
held past :data:`~prioritisation.data.limits.MAX_CELL_CHARS`, and the repetitions LibreOffice
writes (``number-rows-repeated="1048000"`` for the empty rest of a sheet,
``number-columns-repeated`` for a run of equal cells) are never unrolled when empty and
unrolled at most to the column limit when filled. Values are the ones LibreOffice last
calculated: numbers (``int`` when written without a point), text (paragraphs joined by a line
break, notes left out), booleans, dates.

>>> import io, zipfile
>>> body = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
...         'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
...         'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
...         '<office:spreadsheet><table:table table:name="ideas"><table:table-row>'
...         '<table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell>'
...         '<table:table-cell office:value-type="float" office:value="3"/></table:table-row>'
...         '</table:table></office:spreadsheet></office:body></office:document-content>')
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as z:
...     z.writestr("mimetype", MIMETYPE)
...     z.writestr("content.xml", body)
>>> book = OdsBook(zipfile.ZipFile(buffer))
>>> book.titles, list(book.rows("ideas"))
(['ideas'], [(1, {0: 'id', 1: 3})])
"""

from __future__ import annotations

import datetime as dt
import xml.parsers.expat
import zipfile
from collections.abc import Iterator

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_
from prioritisation.data.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_UNPACKED_BYTES,
    TooLong,
    Unreadable,
)
from prioritisation.data.xmlstream import CappedText, RowCollector, TooBig, feed, local_name

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_MAX_WIDTH = MAX_COLUMNS + 1  # one more than allowed, so that a too-wide heading row is seen


def is_ods(zip_file: zipfile.ZipFile) -> bool:
    """Whether an open zip file is an OpenDocument spreadsheet."""
    try:
        return zip_file.read("mimetype")[:100].decode("ascii", "replace").startswith(MIMETYPE)
    except KeyError:
        return False


def is_encrypted(zip_file: zipfile.ZipFile) -> bool:
    """Whether an ``.ods`` file was saved with a password (its manifest names a cipher)."""
    try:
        info = zip_file.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    return info.file_size < 2**22 and b"encryption-data" in zip_file.read(info)


class OdsBook:
    """An open ``.ods`` file: sheet titles (read in a first pass) and each sheet's rows."""

    def __init__(self, zip_file: zipfile.ZipFile):
        self.zip = zip_file
        if "content.xml" not in self.zip.namelist():
            raise Unreadable(Problem(None, None, None, N_("problem.part_damaged"),
                                     {"part": "content.xml", "error": "missing"}))  # fmt: skip
        self.titles: list[str] = []

        def start(name, attrs):
            if local_name(name) == "table":
                self.titles.append(_attr(attrs, "name") or f"Sheet{len(self.titles) + 1}")

        for _ in self._run({"StartElementHandler": start}, None):
            pass

    def _run(self, handlers, title, reader=None) -> Iterator[None]:
        budget = [MAX_UNPACKED_BYTES]
        try:
            with self.zip.open("content.xml") as src:
                yield from feed(src, handlers, budget)
        except TooBig:
            raise Unreadable(Problem(title, None, None, N_("problem.unpacked_too_big"),
                                     {"max": MAX_UNPACKED_BYTES // 2**20})) from None  # fmt: skip
        except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
            if title is None:
                raise Unreadable(Problem(None, None, None, N_("problem.part_damaged"),
                                         {"part": "content.xml", "error": str(exc)[:200]})) from None  # fmt: skip
            raise Unreadable(Problem(title, (reader.row or None) if reader else None, None,
                                     N_("problem.sheet_damaged"), {"error": str(exc)[:200]})) from None  # fmt: skip

    def rows(self, title: str) -> Iterator[tuple[int, dict[int, object]]]:
        """``(row, {column_index: value})`` for each filled row of the sheet named ``title``."""
        reader = _TableReader(self.titles.index(title))
        for _ in self._run(reader.handlers(), title, reader):
            for first, repeat, cells in reader.take():
                for row in range(first, first + repeat):  # a filled row repeated: unrolled lazily
                    yield row, cells
            if reader.finished:
                return


def _attr(attrs: dict, local: str):
    for key, value in attrs.items():
        if local_name(key) == local:
            return value
    return None


def _count(attrs: dict, local: str) -> int:
    text = _attr(attrs, local) or "1"
    return int(text) if text.isdigit() and len(text) < 10 else 1


class _TableReader(RowCollector):
    """expat handlers picking the rows of the table at ``index`` (0 = the first sheet)."""

    def __init__(self, index: int):
        self.index = index
        self.table = -1
        self.inside = False
        self.finished = False
        self.row = 0
        self.col = 0
        self.cells: dict[int, object] = {}
        self.row_repeat = 1
        self.done: list[tuple[int, int, dict]] = []  # (first row, times, cells)
        self.cell: dict | None = None
        self.text: CappedText | None = None
        self.paragraphs = 0
        self.skip = 0  # depth inside a note (office:annotation), whose text is not the cell's

    def start(self, name, attrs):
        tag = local_name(name)
        if tag == "table" and not self.inside and not self.finished:
            self.table += 1
            self.inside = self.table == self.index
            return
        if not self.inside or self.finished:
            return
        if self.skip:
            self.skip += 1
        elif tag == "annotation":
            self.skip = 1
        elif tag == "table-row":
            self.row_repeat = _count(attrs, "number-rows-repeated")
            self.cells = {}
            self.col = 0
        elif tag in ("table-cell", "covered-table-cell"):
            self.cell = {"type": _attr(attrs, "value-type"), "attrs": attrs,
                         "repeat": _count(attrs, "number-columns-repeated")}  # fmt: skip
            self.text = CappedText()
            self.paragraphs = 0
        elif self.text is not None:
            if tag == "p" or tag == "h":
                if self.paragraphs:
                    self.text.add("\n")
                self.paragraphs += 1
            elif tag == "s":
                self.text.add(" " * min(_count(attrs, "c"), MAX_CELL_CHARS + 1))
            elif tag == "tab":
                self.text.add("\t")
            elif tag == "line-break":
                self.text.add("\n")

    def chars(self, data):
        if self.inside and not self.skip and self.text is not None:
            self.text.add(data)

    def end(self, name):
        if not self.inside or self.finished:
            return
        if self.skip:
            self.skip -= 1
            return
        tag = local_name(name)
        if tag in ("table-cell", "covered-table-cell") and self.cell is not None:
            value = self.cell_value()
            repeat = self.cell["repeat"]
            if value is not None and value != "":
                for col in range(self.col, min(self.col + repeat, _MAX_WIDTH)):
                    self.cells[col] = value
            self.col += repeat
            self.cell = self.text = None
        elif tag == "table-row":
            if self.cells:
                self.done.append((self.row + 1, self.row_repeat, self.cells))
            self.row += self.row_repeat
            self.cells = {}
        elif tag == "table":
            self.inside = False
            self.finished = True

    def cell_value(self):
        kind, attrs = self.cell["type"], self.cell["attrs"]
        text = self.text.value()
        if isinstance(text, TooLong):
            return text
        try:
            if kind in ("float", "percentage", "currency"):
                raw = _attr(attrs, "value") or ""
                return float(raw) if ("." in raw or "e" in raw.lower()) else int(raw)
            if kind == "boolean":
                return (_attr(attrs, "boolean-value") or "").strip().lower() == "true"
            if kind == "date":
                return dt.datetime.fromisoformat(_attr(attrs, "date-value") or "")
        except ValueError:
            pass
        if kind == "string" and not text:
            text = _attr(attrs, "string-value") or ""
            if len(text) > MAX_CELL_CHARS:
                return TooLong(len(text))
        return text or None
