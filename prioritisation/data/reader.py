"""Reading the users' file into raw sheets: an ``.xlsx`` or ``.ods`` workbook, or a folder of CSV files.

Sheet names and headings may be Dutch (see ``SHEET_ALIASES`` and ``COLUMN_ALIASES``, listed
in the README); matching ignores case, accents, spaces and hyphens, and each heading is mapped
to its canonical column name while the heading as written is kept for messages. The formats
are read by :mod:`~prioritisation.data.xlsx`, :mod:`~prioritisation.data.ods` and
:mod:`~prioritisation.data.csvfiles`, all streamed: every row is read (a sheet's declared size
is never trusted) and the bounds of :mod:`~prioritisation.data.limits` hold. A file that is
not a workbook gets a message that says what it is and what to do (a password, an old
``.xls``). Nothing is validated here beyond what stops reading (an unreadable file, a cell or a
sheet too big, a column twice): :mod:`prioritisation.data.validator` checks the values.

>>> normalise_name(" Afhankelijk van "), sheet_kind("Ideeën"), sheet_kind("lees_mij")
('afhankelijk_van', 'ideas', None)
"""

from __future__ import annotations

import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_, fmt_number
from prioritisation.core.parse import clean
from prioritisation.data.csvfiles import csv_rows
from prioritisation.data.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    TooLong,
    Unreadable,
    max_rows,
)

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "criteria": ("criteria", "criterium", "criterion"),
    "ideas": ("ideas", "ideeen", "idee", "projecten", "projectideeen"),
    "scores": ("scores", "beoordelingen", "beoordeling", "scoring"),
    "settings": ("settings", "instellingen"),
    "pairwise": ("pairwise", "paarsgewijs", "paarvergelijkingen", "ahp"),
    "members": ("members", "leden", "ledenlijst"),
    "member_weights": ("member_weights", "ledengewichten", "gewichten_per_lid", "lidgewichten"),
}

COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "criteria": {
        "id": ("id", "code", "criterium_id", "criterion_id", "criterium"),
        "label": ("label", "naam", "name", "titel"),
        "label_en": ("label_en", "english_label", "engels_label"),
        "description": ("description", "beschrijving", "omschrijving", "rubric", "rubriek"),
        "direction": ("direction", "richting"),
        "scale_min": ("scale_min", "schaal_min", "minimum", "min"),
        "scale_max": ("scale_max", "schaal_max", "maximum", "max"),
        "weight": ("weight", "gewicht"),
        "threshold": ("threshold", "drempel", "drempelwaarde", "minimumscore", "minimum_score"),
        "preference": ("preference", "voorkeur", "voorkeursfunctie"),
        "q": ("q", "indifference", "indifferentie"),
        "p": ("p", "preference_threshold", "voorkeursdrempel"),
    },
    "ideas": {
        "id": ("id", "idee_id", "idea_id", "code"),
        "title": ("title", "titel", "naam", "name"),
        "theme": ("theme", "thema", "speerpunt"),
        "description": ("description", "beschrijving", "omschrijving"),
        "cost": ("cost", "kost", "kosten", "cost_eur", "kost_eur", "budget"),
        "depends_on": ("depends_on", "afhankelijk_van", "hangt_af_van", "afhankelijkheden"),
        "owner": ("owner", "eigenaar", "trekker", "indiener"),
        "duration": ("duration", "duur", "looptijd"),
        "start_after": ("start_after", "start_na", "niet_voor"),
        "group": ("group", "groep", "exclusieve_groep", "exclusive_group"),
    },
    "scores": {
        "idea_id": ("idea_id", "idee_id", "idee", "idea"),
        "criterion_id": ("criterion_id", "criterium_id", "criterium", "criterion"),
        "assessor": ("assessor", "beoordelaar", "lid", "member"),
        "score": ("score", "waarde", "cijfer", "value"),
        "comment": ("comment", "opmerking", "commentaar", "toelichting"),
    },
    "settings": {
        "key": ("key", "sleutel", "instelling", "setting"),
        "value": ("value", "waarde"),
    },
    "pairwise": {
        "assessor": ("assessor", "beoordelaar", "lid", "member"),
        "criterion_a": ("criterion_a", "criterium_a", "a"),
        "criterion_b": ("criterion_b", "criterium_b", "b"),
        "value": ("value", "waarde", "oordeel"),
    },
    "member_weights": {
        "member": ("member", "lid", "naam", "name", "login"),
        "criterion": ("criterion", "criterium", "criterion_id", "criterium_id"),
        "weight": ("weight", "gewicht"),
    },
    "members": {
        "login": ("login", "gebruiker", "gebruikersnaam", "user", "username", "account"),
        "name": ("name", "naam", "lid", "member"),
        "role": ("role", "rol"),
    },
}


def normalise_name(text) -> str:
    """``' Afhankelijk van '`` → ``'afhankelijk_van'``; ``'Ideeën'`` → ``'ideeen'``."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


class SheetRow(tuple):
    """One row's values by canonical column name, kept as a tuple (a third of a dict's size:
    a scores sheet may have two million rows). Each sheet makes its own subclass whose
    ``index`` maps a column to its place; :meth:`get` and :meth:`items` read it like a dict."""

    __slots__ = ()
    index: dict[str, int] = {}

    def get(self, name: str, default=None):
        i = self.index.get(name)
        return default if i is None else tuple.__getitem__(self, i)

    def items(self):
        return zip(self.index, self, strict=True)


@dataclass
class RawSheet:
    """One sheet as read: headings as written, and rows keyed by canonical column name."""

    kind: str  # canonical sheet name
    display: str  # sheet name or CSV file name as the user sees it
    headers: list[str]  # the filled headings, in column order
    rows: list[tuple[int, SheetRow]] = field(default_factory=list)  # (excel row, values)
    columns: dict[str, str] = field(default_factory=dict)  # canonical → heading as written
    decimal_comma: bool | None = None
    broken: bool = False  # a cell could not be taken (too long): the file is not validated

    def has(self, column: str) -> bool:
        return column in self.columns

    def heading(self, column: str) -> str:
        return self.columns.get(column, column)


def cell_id(value) -> str:
    """An id cell as text; a float id typed in Excel (``7.0``) becomes ``'7'``.

    >>> cell_id(7.0), cell_id(" A ")
    ('7', 'A')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cells(row) -> dict:
    """A row's cells by column index, whether read as a list (CSV) or a dict (workbooks)."""
    return row if isinstance(row, dict) else dict(enumerate(row))


def _text(value) -> str:
    return "" if value is None or isinstance(value, TooLong) else str(value).strip()


def _too_long(display, row, heading, length) -> Problem:
    return Problem(display, row, heading, N_("problem.cell_too_long"),
                   {"length": fmt_number(length, 0), "max": fmt_number(MAX_CELL_CHARS, 0)})  # fmt: skip


def build_sheet(
    kind: str, display: str, rows: Iterable[tuple[int, object]], problems: list[Problem]
) -> RawSheet:
    """Turn rows ``(excel row, cells)`` into a :class:`RawSheet`, mapping aliases.

    Row 1 holds the headings; a row's cells are a list or a ``{column index: value}`` dict.
    Rows are taken one at a time, so a sheet past its row limit
    (:func:`~prioritisation.data.limits.max_rows`) stops with a located
    :class:`~prioritisation.data.limits.Unreadable` before it is all in memory; a cell longer
    than the limit is a located problem and marks the sheet ``broken``.

    >>> sheet = build_sheet("ideas", "ideas", [(1, ["ID", "Titel"]), (2, ["A", " Alfa "])], [])
    >>> sheet.columns, [(row, dict(values.items())) for row, values in sheet.rows]
    ({'id': 'ID', 'title': 'Titel'}, [(2, {'id': 'A', 'title': 'Alfa'})])
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is not None and first[0] != 1:  # no heading row: the first row read is data
        rows, first = _chain(first, rows), None
    heading_cells = sorted(_cells(first[1]).items()) if first is not None else []
    headings = [(i, _text(v)) for i, v in heading_cells if _text(v)]
    for _, v in heading_cells:
        if isinstance(v, TooLong) or (isinstance(v, str) and len(v) > MAX_CELL_CHARS):
            raise Unreadable(
                _too_long(display, 1, None, v.length if isinstance(v, TooLong) else len(v))
            )
    if len(headings) > MAX_COLUMNS:
        raise Unreadable(Problem(display, 1, None, N_("problem.too_many_columns"),
                                 {"n": fmt_number(len(headings), 0),
                                  "max": fmt_number(MAX_COLUMNS, 0)}))  # fmt: skip
    sheet = RawSheet(kind=kind, display=display, headers=[h for _, h in headings])
    aliases = COLUMN_ALIASES.get(kind, {})
    lookup = {normalise_name(a): canon for canon, names in aliases.items() for a in names}
    positions: dict[str, int] = {}
    for i, heading in headings:
        key = normalise_name(heading)
        canon = lookup.get(key, key)
        if canon in positions:
            problems.append(
                Problem(display, 1, heading, N_("problem.duplicate_column"),
                        {"column": heading, "other": sheet.columns[canon]})
            )  # fmt: skip
            continue
        positions[canon] = i
        sheet.columns[canon] = heading
    limit = max_rows(kind)
    row_type = type(
        "SheetRow", (SheetRow,), {"__slots__": (), "index": {c: n for n, c in enumerate(positions)}}
    )
    for number, row in rows:
        get = row.get if isinstance(row, dict) else (lambda i, r=row: r[i] if i < len(r) else None)
        values = []
        for canon, i in positions.items():
            value = get(i)
            if isinstance(value, TooLong) or (
                isinstance(value, str) and len(value) > MAX_CELL_CHARS
            ):
                length = value.length if isinstance(value, TooLong) else len(value)
                problems.append(_too_long(display, number, sheet.columns[canon], length))
                sheet.broken = True
                value = None
            value = clean(value)
            if isinstance(value, str) and len(value) <= 64:
                value = sys.intern(value)  # ids and names repeat on every score row
            values.append(value)
        if all(v is None for v in values):
            continue
        if len(sheet.rows) >= limit:
            raise Unreadable(Problem(display, number, None, N_("problem.too_many_rows"),
                                     {"max": fmt_number(limit, 0)}))  # fmt: skip
        sheet.rows.append((number, row_type(values)))
    return sheet


def _chain(first, rest):
    yield first
    yield from rest


def read_sheets(path: Path, problems: list[Problem]) -> dict[str, RawSheet] | None:
    """The sheets of ``path`` (an ``.xlsx`` or ``.ods`` file, or a folder of CSV files) by
    canonical name; sheets with other names are left out. ``None`` when the file cannot be
    read (or passes a limit): then ``problems`` says why, located, and nothing is validated."""
    path = Path(path)
    try:
        return read_csv_folder(path, problems) if path.is_dir() else read_book(path, problems)
    except Unreadable as exc:
        problems.extend(exc.problems)
        return None


def _read_kinds(entries, problems: list[Problem]) -> dict[str, RawSheet] | None:
    """Build the first sheet of each known kind from ``(name, display, open_rows)`` entries,
    where ``open_rows()`` gives ``(decimal_comma, rows)``; ``None`` if any could not be read."""
    sheets: dict[str, RawSheet] = {}
    failed = False
    for name, display, open_rows in entries:
        kind = sheet_kind(name)
        if kind is None or kind in sheets:
            continue
        try:
            decimal_comma, rows = open_rows()
            sheet = build_sheet(kind, display, rows, problems)
        except Unreadable as exc:
            problems.extend(exc.problems)
            failed = True
            continue
        sheet.decimal_comma = decimal_comma
        failed = failed or sheet.broken
        sheets[kind] = sheet
    return None if failed else sheets


def _book_entries(book) -> list:
    return [(t, t, lambda t=t: (None, book.rows(t))) for t in book.titles]


def read_book(path: Path, problems: list[Problem]) -> dict[str, RawSheet] | None:
    """The known sheets of an ``.xlsx`` or ``.ods`` workbook (the first of each kind)."""
    from prioritisation.data.ods import OdsBook, is_encrypted, is_ods
    from prioritisation.data.xlsx import XlsxBook

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Unreadable(Problem(None, None, None, N_("problem.file_too_big"),
                                 {"size": size // 2**20, "max": MAX_FILE_BYTES // 2**20}))  # fmt: skip
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        code = N_("problem.encrypted") if _ole_encrypted(path) else N_("problem.old_excel")
        raise Unreadable(Problem(None, None, None, code, {}))
    if path.suffix.lower() == ".csv" and not head.startswith(b"PK"):
        raise Unreadable(Problem(None, None, None, N_("problem.single_csv"), {}))
    if path.suffix.lower() == ".xls" and not head.startswith(b"PK"):  # e.g. HTML saved as .xls
        raise Unreadable(Problem(None, None, None, N_("problem.old_excel"), {}))
    try:
        with zipfile.ZipFile(path) as archive:
            if is_ods(archive):
                if is_encrypted(archive):
                    raise Unreadable(Problem(None, None, None, N_("problem.encrypted"), {}))
                return _read_kinds(_book_entries(OdsBook(archive)), problems)
        with XlsxBook(path) as book:
            return _read_kinds(_book_entries(book), problems)
    except Unreadable:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many types for a bad file
        raise Unreadable(
            Problem(None, None, None, N_("problem.not_a_workbook"), {"error": short_error(exc)})
        ) from None


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE compound file: an old ``.xls``, or an Office file saved with a
password (then it holds a stream named ``EncryptedPackage``)."""


def _ole_encrypted(path: Path) -> bool:
    needle = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def sheet_kind(name: str) -> str | None:
    """The canonical sheet name of a sheet or CSV file name, or ``None`` for another sheet."""
    key = normalise_name(name)
    for kind, names in SHEET_ALIASES.items():
        if key in names:
            return kind
    return None


def read_csv_folder(folder: Path, problems: list[Problem]) -> dict[str, RawSheet] | None:
    """The known sheets of a folder of CSV files, one file per sheet (``ideas.csv``, …)."""
    entries = [(p.stem, p.name, lambda p=p: csv_rows(p))
               for p in sorted(folder.iterdir()) if p.suffix.lower() == ".csv"]  # fmt: skip
    return _read_kinds(entries, problems)


def short_error(exc: Exception) -> str:
    """The first line of an exception's text (at most 200 characters), for a message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
