"""Reading the users' file into raw sheets: an ``.xlsx`` workbook or a folder of CSV files.

Sheet names and headings may be Dutch (see ``SHEET_ALIASES`` and ``COLUMN_ALIASES``, listed
in the README); matching ignores case, accents, spaces and hyphens, and each heading is mapped
to its canonical column name while the heading as written is kept for messages. CSV files as
Belgian/Dutch Excel writes them load: ``;`` separator, decimal comma, cp1252 or UTF-8 with or
without BOM. Nothing is validated here beyond what stops reading (an unreadable file, a
column twice): :mod:`prioritisation.data.validator` checks the values.

>>> normalise_name(" Afhankelijk van "), sheet_kind("Ideeën"), sheet_kind("lees_mij")
('afhankelijk_van', 'ideas', None)
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import N_
from prioritisation.core.parse import clean

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "criteria": ("criteria", "criterium", "criterion"),
    "ideas": ("ideas", "ideeen", "idee", "projecten", "projectideeen"),
    "scores": ("scores", "beoordelingen", "beoordeling", "scoring"),
    "settings": ("settings", "instellingen"),
    "pairwise": ("pairwise", "paarsgewijs", "paarvergelijkingen", "ahp"),
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
}


def normalise_name(text) -> str:
    """``' Afhankelijk van '`` → ``'afhankelijk_van'``; ``'Ideeën'`` → ``'ideeen'``."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass
class RawSheet:
    """One sheet as read: headings as written, and rows keyed by canonical column name."""

    kind: str  # canonical sheet name
    display: str  # sheet name or CSV file name as the user sees it
    headers: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (excel row, {canonical: value})
    columns: dict[str, str] = field(default_factory=dict)  # canonical → heading as written
    decimal_comma: bool | None = None

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


def read_sheets(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """The sheets of ``path`` (an ``.xlsx`` file or a folder of CSV files) by canonical name;
    sheets with other names are left out. What stops reading is added to ``problems``."""
    path = Path(path)
    return read_csv_folder(path, problems) if path.is_dir() else read_xlsx(path, problems)


def build_sheet(kind: str, display: str, table: list[list], problems: list[Problem]) -> RawSheet:
    """Turn a list of rows (first = headings) into a :class:`RawSheet`, mapping aliases."""
    headers = [("" if h is None else str(h).strip()) for h in (table[0] if table else [])]
    sheet = RawSheet(kind=kind, display=display, headers=headers)
    aliases = COLUMN_ALIASES.get(kind, {})
    lookup = {normalise_name(a): canon for canon, names in aliases.items() for a in names}
    positions: dict[str, int] = {}
    for i, heading in enumerate(headers):
        if not heading:
            continue
        key = normalise_name(heading)
        canon = lookup.get(key, key)
        if canon in positions:
            problems.append(
                Problem(display, 1, heading, N_("problem.duplicate_column"),
                        {"column": heading, "other": headers[positions[canon]]})
            )  # fmt: skip
            continue
        positions[canon] = i
        sheet.columns[canon] = heading
    for offset, row in enumerate(table[1:], start=2):
        values = {canon: clean(row[i]) if i < len(row) else None for canon, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        sheet.rows.append((offset, values))
    return sheet


def read_xlsx(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """The known sheets of an ``.xlsx`` workbook (the first of each kind)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        problems.append(
            Problem(None, None, None, N_("problem.not_a_workbook"), {"error": short_error(exc)})
        )
        return {}
    sheets: dict[str, RawSheet] = {}
    try:
        for ws in book.worksheets:
            kind = sheet_kind(ws.title)
            if kind is None or kind in sheets:
                continue
            table = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets[kind] = build_sheet(kind, ws.title, table, problems)
    finally:
        book.close()
    return sheets


def sheet_kind(name: str) -> str | None:
    """The canonical sheet name of a sheet or CSV file name, or ``None`` for another sheet."""
    key = normalise_name(name)
    for kind, names in SHEET_ALIASES.items():
        if key in names:
            return kind
    return None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_csv_table(path: Path) -> tuple[list[list], bool]:
    """Rows of a CSV file as Excel (any locale) writes it; and whether it uses a decimal comma."""
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", "\t", ",")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ";"))
    if counts[delimiter] == 0:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows, delimiter != ","


def read_csv_folder(folder: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """The known sheets of a folder of CSV files, one file per sheet (``ideas.csv``, …)."""
    sheets: dict[str, RawSheet] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        kind = sheet_kind(path.stem)
        if kind is None or kind in sheets:
            continue
        try:
            table, decimal_comma = read_csv_table(path)
        except (OSError, csv.Error) as exc:
            problems.append(Problem(path.name, None, None, N_("problem.csv_unreadable"),
                                    {"error": short_error(exc)}))  # fmt: skip
            continue
        sheet = build_sheet(kind, path.name, table, problems)
        sheet.decimal_comma = decimal_comma
        sheets[kind] = sheet
    return sheets


def short_error(exc: Exception) -> str:
    """The first line of an exception's text (at most 200 characters), for a message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
