"""Streaming the cells of an ``.xlsx`` workbook, every row, in bounded memory.

openpyxl reads the workbook's structure (its sheets and where they are, the styles that make
a number a date); the cells themselves are read here with expat, row by row, because openpyxl's
read-only mode trusts the sheet's declared ``<dimension>`` (a stale ``A1:E300`` silently drops
row 301 on) and builds every cell's text whole (one 400-million-character cell costs
gigabytes). Here the declared dimension is ignored, a cell's text is counted and never held
past :data:`~prioritisation.data.limits.MAX_CELL_CHARS` (a longer one becomes a
:class:`~prioritisation.data.limits.TooLong`), and a damaged sheet stops with its name and
row. Values are what Excel last calculated (formulas are not evaluated), as openpyxl's
``data_only`` gives them: numbers (``int`` when written without a point), text, booleans,
dates for date-formatted numbers, error texts such as ``#N/A``.

>>> from prioritisation.data.sample import sample_path
>>> with XlsxBook(sample_path()) as book:
...     rows = book.rows(book.titles[1])
...     next(rows)
(1, {0: 'id', 1: 'title', 2: 'theme', ...})
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from pathlib import Path

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_, fmt_number
from prioritisation.data.limits import (
    MAX_PART_BYTES,
    MAX_SHARED_STRINGS,
    MAX_UNPACKED_BYTES,
    TooLong,
    Unreadable,
)
from prioritisation.data.xmlstream import CappedText, RowCollector, TooBig, feed, local_name

_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")
_PARSED_WHOLE = re.compile(
    r"^\[Content_Types\]\.xml$|^docProps/|\.rels$|^xl/[^/]+\.xml$|^xl/theme/"
)


def column_index(letters: str) -> int:
    """``'A'`` → 0, ``'AA'`` → 26.

    >>> column_index("A"), column_index("z"), column_index("AA")
    (0, 25, 26)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def shared_strings(stream, budget: list[int]) -> list:
    """The table of shared strings, each capped (a longer one is a :class:`TooLong`)."""
    strings: list = []
    state = {"si": None, "rph": 0, "t": False}

    def start(name, attrs):
        tag = local_name(name)
        if tag == "si":
            state["si"] = CappedText()
        elif tag == "rPh":
            state["rph"] += 1
        elif tag == "t" and state["si"] is not None and not state["rph"]:
            state["t"] = True

    def end(name):
        tag = local_name(name)
        if tag == "si" and state["si"] is not None:
            value = state["si"].value()
            strings.append(value.replace("x005F_", "") if isinstance(value, str) else value)
            state["si"] = None
            if len(strings) > MAX_SHARED_STRINGS:
                raise Unreadable(Problem(None, None, None, N_("problem.too_many_strings"),
                                         {"max": fmt_number(MAX_SHARED_STRINGS, 0)}))  # fmt: skip
        elif tag == "rPh":
            state["rph"] -= 1
        elif tag == "t":
            state["t"] = False

    def text(data):
        if state["t"]:
            state["si"].add(data)

    for _ in feed(stream, {"StartElementHandler": start, "EndElementHandler": end,
                             "CharacterDataHandler": text}, budget):  # fmt: skip
        pass
    return strings


class XlsxBook:
    """An open ``.xlsx`` file: its sheet titles, and the rows of any sheet on demand.

    Raises :class:`~prioritisation.data.limits.Unreadable` with a located problem when the
    file cannot be read or passes a limit."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        try:
            self._open()
        except BaseException:
            self._file.close()
            raise

    def _open(self) -> None:
        from openpyxl.reader.excel import ExcelReader

        self.zip = zipfile.ZipFile(self._file)
        names = set(self.zip.namelist())
        if "xl/workbook.bin" in names:
            raise Unreadable(Problem(None, None, None, N_("problem.xlsb"), {}))
        for info in self.zip.infolist():
            if _PARSED_WHOLE.search(info.filename) and not info.filename.endswith(
                    "sharedStrings.xml") and info.file_size > MAX_PART_BYTES:  # fmt: skip
                raise Unreadable(Problem(None, None, None, N_("problem.part_too_big"),
                                         {"part": info.filename, "max": MAX_PART_BYTES // 2**20}))  # fmt: skip

        class Structure(ExcelReader):
            def read_strings(self):  # the strings are streamed below, capped
                pass

        structure = Structure(self._file, read_only=True, data_only=True)
        structure.read()
        self.workbook = structure.wb
        # openpyxl 3.1 (pinned): where each sheet lives, and which styles are dates
        self._paths = {ws.title: ws._worksheet_path for ws in self.workbook.worksheets}
        self.titles = list(self._paths)
        self._dates = set(self.workbook._date_formats)
        self._durations = set(self.workbook._timedelta_formats)
        self._epoch = self.workbook.epoch
        self._strings_path = None
        found = structure.package.find(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        )
        if found is not None:
            self._strings_path = found.PartName.lstrip("/")
        self._strings: list | None = None
        self.budget = [MAX_UNPACKED_BYTES]

    def close(self) -> None:
        self.workbook.close() if hasattr(self, "workbook") else None
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _shared(self) -> list:
        if self._strings is None:
            self._strings = []
            if self._strings_path and self._strings_path in self.zip.namelist():
                try:
                    with self.zip.open(self._strings_path) as src:
                        self._strings = shared_strings(src, self.budget)
                except TooBig:
                    raise Unreadable(Problem(None, None, None, N_("problem.unpacked_too_big"),
                                             {"max": MAX_UNPACKED_BYTES // 2**20})) from None  # fmt: skip
                except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise Unreadable(Problem(None, None, None, N_("problem.part_damaged"),
                                             {"part": self._strings_path,
                                              "error": str(exc)[:200]})) from None  # fmt: skip
        return self._strings

    def rows(self, title: str) -> Iterator[tuple[int, dict[int, object]]]:
        """``(excel_row, {column_index: value})`` for each row of sheet ``title`` with a cell."""
        strings = self._shared()
        reader = _SheetReader(title, strings, self._dates, self._durations, self._epoch)
        try:
            with self.zip.open(self._paths[title]) as src:
                for _ in feed(src, reader.handlers(), self.budget):
                    yield from reader.take()
        except TooBig:
            raise Unreadable(Problem(title, None, None, N_("problem.unpacked_too_big"),
                                     {"max": MAX_UNPACKED_BYTES // 2**20})) from None  # fmt: skip
        except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise Unreadable(Problem(title, reader.row or None, None, N_("problem.sheet_damaged"),
                                     {"error": str(exc)[:200]})) from None  # fmt: skip


class _SheetReader(RowCollector):
    """expat handlers for one worksheet: cells by row, values as openpyxl's ``data_only``."""

    def __init__(self, title, strings, dates, durations, epoch):
        self.title = title
        self.strings = strings
        self.dates = dates
        self.durations = durations
        self.epoch = epoch
        self.row = 0
        self.col = -1
        self.cells: dict[int, object] = {}
        self.done: list[tuple[int, dict]] = []
        self.kind = "n"
        self.style = 0
        self.text: CappedText | None = None
        self.value_text = None
        self.inline: CappedText | None = None
        self.depth_rph = 0

    def start(self, name, attrs):
        tag = local_name(name)
        if tag == "c":
            ref = _CELL_REF.match(attrs.get("r", ""))
            if ref:
                self.col = column_index(ref.group(1))
            else:
                self.col += 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.value_text = None
            self.inline = None
        elif tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() and len(r) < 10 else self.row + 1
            self.col = -1
            self.cells = {}
        elif tag == "v":
            self.text = CappedText()
        elif tag == "is":
            self.inline = CappedText()
        elif tag == "rPh":
            self.depth_rph += 1
        elif tag == "t" and self.inline is not None and not self.depth_rph:
            self.text = self.inline

    def chars(self, data):
        if self.text is not None:
            self.text.add(data)

    def end(self, name):
        tag = local_name(name)
        if tag == "v" and self.text is not None:
            self.value_text = self.text.value()
            self.text = None
        elif tag == "t":
            self.text = None
        elif tag == "rPh":
            self.depth_rph -= 1
        elif tag == "c":
            value = self.cell_value()
            if value is not None and value != "":
                self.cells[self.col] = value
        elif tag == "row":
            if self.cells:
                self.done.append((self.row, self.cells))
            self.cells = {}

    def cell_value(self):
        if self.kind == "inlineStr":
            return self.inline.value() if self.inline is not None else None
        text = self.value_text
        if text is None or isinstance(text, TooLong) or text == "":
            return text or None
        kind = self.kind
        try:
            if kind == "n":
                value = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
                if self.style in self.dates:
                    from openpyxl.utils.datetime import from_excel

                    return from_excel(value, self.epoch, timedelta=self.style in self.durations)
                return value
            if kind == "s":
                return self.strings[int(text)]
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return from_ISO8601(text)
        except (ValueError, OverflowError, IndexError):
            if kind == "s":
                raise Unreadable(Problem(self.title, self.row, None, N_("problem.sheet_damaged"),
                                         {"error": f"shared string {text[:20]} missing"})) from None  # fmt: skip
            return text  # the text as written: the checker says what is wrong with it
        return text  # "str", "e" (an error such as #N/A) and anything else: the text
