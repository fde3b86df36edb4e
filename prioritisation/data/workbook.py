"""Read, validate and write the users' workbook (``.xlsx`` or a folder of CSV files).

:func:`read_workbook` returns a :class:`~prioritisation.core.model.Workbook` or raises one
:class:`~prioritisation.core.errors.WorkbookError` listing *every* problem found, each with its
sheet (or CSV file), Excel row (header = row 1) and column as written in the file.
:func:`check_workbook` returns the problems without raising.

Headings and sheet names may be Dutch (see ``SHEET_ALIASES`` and ``COLUMN_ALIASES``, listed
in the README); matching ignores case, accents, spaces and hyphens. CSV files as Belgian/Dutch
Excel writes them load: ``;`` separator, decimal comma, cp1252 or UTF-8 with or without BOM.
A number typed as text (``"3,5"``) is the number 3.5.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.errors import Problem, WorkbookError
from prioritisation.core.model import AGGREGATIONS, DEFAULT_CRITERIA, PREFERENCES, Workbook
from prioritisation.core.parse import clean as _clean
from prioritisation.core.parse import number as to_number

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

DIRECTION_ALIASES = {
    "benefit": "benefit", "baat": "benefit", "max": "benefit", "hoger_is_beter": "benefit",
    "hoger": "benefit", "cost": "cost", "kost": "cost", "kosten": "cost", "min": "cost",
    "lager_is_beter": "cost", "lager": "cost",
}  # fmt: skip

SETTING_KEYS = {
    "language": ("language", "taal"),
    "title": ("title", "titel"),
    "currency": ("currency", "munt", "valuta"),
    "method": ("method", "methode", "default_method"),
    "aggregate": ("aggregate", "aggregatie", "aggregation"),
    "budget": ("budget",),
    "budget_per_year": ("budget_per_year", "budget_per_jaar", "jaarbudgetten"),
    "note": ("note", "toelichting", "opmerking"),
}

REQUIRED = {
    "criteria": ("id",),
    "ideas": ("id", "title"),
    "scores": ("idea_id", "assessor"),
    "settings": ("key", "value"),
    "pairwise": ("assessor", "criterion_a", "criterion_b", "value"),
}


# --------------------------------------------------------------------------- raw reading


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


def _build_sheet(kind: str, display: str, table: list[list], problems: list[Problem]) -> RawSheet:
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
                Problem(display, 1, heading, "duplicate_column",
                        {"column": heading, "other": headers[positions[canon]]})
            )  # fmt: skip
            continue
        positions[canon] = i
        sheet.columns[canon] = heading
    for offset, row in enumerate(table[1:], start=2):
        values = {canon: _clean(row[i]) if i < len(row) else None for canon, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        sheet.rows.append((offset, values))
    return sheet


def _read_xlsx(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        problems.append(Problem(None, None, None, "not_a_workbook", {"error": _short(exc)}))
        return {}
    sheets: dict[str, RawSheet] = {}
    try:
        for ws in book.worksheets:
            kind = _sheet_kind(ws.title)
            if kind is None or kind in sheets:
                continue
            table = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets[kind] = _build_sheet(kind, ws.title, table, problems)
    finally:
        book.close()
    return sheets


def _sheet_kind(name: str) -> str | None:
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


def _read_csv_folder(folder: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    sheets: dict[str, RawSheet] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        kind = _sheet_kind(path.stem)
        if kind is None or kind in sheets:
            continue
        try:
            table, decimal_comma = read_csv_table(path)
        except (OSError, csv.Error) as exc:
            problems.append(
                Problem(path.name, None, None, "csv_unreadable", {"error": _short(exc)})
            )
            continue
        sheet = _build_sheet(kind, path.name, table, problems)
        sheet.decimal_comma = decimal_comma
        sheets[kind] = sheet
    return sheets


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def file_sha256(path: Path) -> str:
    """SHA-256 of a workbook file, or of a CSV folder (its CSV files by name, in order)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for p in sorted(path.glob("*.csv")):
            digest.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    else:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- validation


class _Checker:
    """Parses raw sheets into frames while collecting every problem."""

    def __init__(self, sheets: dict[str, RawSheet], problems: list[Problem]):
        self.sheets = sheets
        self.problems = problems

    def add(self, sheet: RawSheet, row: int | None, column: str | None, code: str, **params):
        heading = sheet.heading(column) if column else None
        self.problems.append(Problem(sheet.display, row, heading, code, params))

    def require_columns(self, sheet: RawSheet) -> bool:
        ok = True
        for column in REQUIRED[sheet.kind]:
            if not sheet.has(column):
                found = ", ".join(h for h in sheet.headers if h) or "—"
                self.problems.append(
                    Problem(
                        sheet.display, 1, None, "column_missing", {"column": column, "found": found}
                    )
                )
                ok = False
        return ok

    def number(self, sheet, row, column, value, *, minimum=None, whole=False):
        """Parse a number cell; record a problem and return None when it is not valid."""
        try:
            x = to_number(value, sheet.decimal_comma)
        except ValueError:
            self.add(sheet, row, column, "not_a_number", value=value)
            return None
        if x is None:
            return None
        if whole and (x != int(x) or (minimum is not None and x < minimum)):
            self.add(sheet, row, column, "not_whole", value=value, min=minimum)
            return None
        if minimum == 0 and x < 0:
            self.add(sheet, row, column, "negative", value=value)
            return None
        return x

    # -- criteria
    def criteria(self) -> tuple[pd.DataFrame, bool]:
        sheet = self.sheets.get("criteria")
        if sheet is None:
            records = [
                {"id": cid, "label": nl, "label_en": en, "description": desc, "direction": "benefit",
                 "scale_min": 1.0, "scale_max": 5.0, "weight": 1.0, "threshold": np.nan,
                 "preference": "usual", "q": np.nan, "p": np.nan, "row": None}
                for cid, nl, en, desc in DEFAULT_CRITERIA
            ]  # fmt: skip
            return pd.DataFrame.from_records(records).set_index("id"), True
        if not self.require_columns(sheet):
            return pd.DataFrame(), False
        records, seen = [], {}
        for row, v in sheet.rows:
            cid = v.get("id")
            if cid is None:
                self.add(sheet, row, "id", "empty")
                continue
            cid = str(cid)
            if cid in seen:
                self.add(sheet, row, "id", "duplicate_id", id=cid, first=seen[cid])
                continue
            seen[cid] = row
            direction = normalise_name(v.get("direction") or "benefit")
            if direction not in DIRECTION_ALIASES:
                self.add(sheet, row, "direction", "bad_direction", value=v.get("direction"))
                direction = "benefit"
            lo = self.number(sheet, row, "scale_min", v.get("scale_min"))
            hi = self.number(sheet, row, "scale_max", v.get("scale_max"))
            lo = 1.0 if lo is None else lo
            hi = 5.0 if hi is None else hi
            if lo >= hi:
                self.add(sheet, row, "scale_max" if sheet.has("scale_max") else "scale_min",
                         "scale_order", min=_n(lo), max=_n(hi))  # fmt: skip
            weight = self.number(sheet, row, "weight", v.get("weight"), minimum=0)
            threshold = self.number(sheet, row, "threshold", v.get("threshold"))
            if threshold is not None and lo < hi and not lo <= threshold <= hi:
                self.add(sheet, row, "threshold", "threshold_outside",
                         value=_n(threshold), min=_n(lo), max=_n(hi))  # fmt: skip
            preference = normalise_name(v.get("preference") or "usual")
            if preference not in PREFERENCES:
                self.add(sheet, row, "preference", "bad_preference",
                         value=v.get("preference"), choices=", ".join(PREFERENCES))  # fmt: skip
                preference = "usual"
            q = self.number(sheet, row, "q", v.get("q"), minimum=0)
            p = self.number(sheet, row, "p", v.get("p"), minimum=0)
            record = {k: val for k, val in v.items() if k not in COLUMN_ALIASES["criteria"]}
            record.update(
                id=cid, label=str(v.get("label") or cid), label_en=v.get("label_en"),
                description=str(v.get("description") or ""), direction=DIRECTION_ALIASES[direction],
                scale_min=lo, scale_max=hi, weight=1.0 if weight is None else weight,
                threshold=np.nan if threshold is None else threshold, preference=preference,
                q=np.nan if q is None else q, p=np.nan if p is None else p, row=row,
            )  # fmt: skip
            records.append(record)
        frame = pd.DataFrame.from_records(records)
        if frame.empty:
            self.add(sheet, None, None, "no_ideas")
            return frame, False
        frame = frame.set_index("id")
        if (frame["weight"] <= 0).all():
            col = "weight" if sheet.has("weight") else None
            self.add(sheet, None, col, "all_weights_zero")
        return frame, False

    # -- ideas
    def ideas(self) -> pd.DataFrame:
        sheet = self.sheets.get("ideas")
        if sheet is None or not self.require_columns(sheet):
            return pd.DataFrame()
        records, seen, duplicates = [], {}, []
        for row, v in sheet.rows:
            iid = v.get("id")
            if iid is None:
                self.add(sheet, row, "id", "empty")
            else:
                iid = _id(iid)
                if iid in seen:
                    self.add(sheet, row, "id", "duplicate_id", id=iid, first=seen[iid])
            if v.get("title") is None:
                self.add(sheet, row, "title", "empty")
            # every cell is checked, also on a row that is then left out (all problems at once)
            cost = self.number(sheet, row, "cost", v.get("cost"), minimum=0)
            duration = self.number(sheet, row, "duration", v.get("duration"), minimum=1, whole=True)
            start_after = self.number(sheet, row, "start_after", v.get("start_after"), whole=True,
                                      minimum=0)  # fmt: skip
            deps_text = v.get("depends_on")
            deps = tuple(
                _id(d) for d in re.split(r"[;,]", str(deps_text)) if d.strip()
            ) if deps_text is not None else ()  # fmt: skip
            if iid is None or iid in seen:
                duplicates.append((row, deps))
                continue
            seen[iid] = row
            record = {k: val for k, val in v.items() if k not in COLUMN_ALIASES["ideas"]}
            record.update(
                id=iid, title=str(v.get("title") or ""), theme=str(v.get("theme") or ""),
                description=str(v.get("description") or ""),
                cost=np.nan if cost is None else cost, depends_on=deps,
                owner=str(v.get("owner") or ""), duration=int(duration or 1),
                start_after=np.nan if start_after is None else int(start_after),
                group=str(v.get("group") or ""), row=row,
            )  # fmt: skip
            records.append(record)
        for row, deps in duplicates:
            for dep in deps:
                if dep not in seen:
                    self.add(sheet, row, "depends_on", "unknown_dependency", dep=dep)
        if not records:
            self.add(sheet, None, None, "no_ideas")
            return pd.DataFrame()
        frame = pd.DataFrame.from_records(records).set_index("id")
        self._check_dependencies(sheet, frame)
        return frame

    def _check_dependencies(self, sheet: RawSheet, ideas: pd.DataFrame) -> None:
        known = set(ideas.index)
        graph: dict[str, list[str]] = {}
        for iid, rec in ideas.iterrows():
            good = []
            for dep in rec["depends_on"]:
                if dep == iid:
                    self.add(sheet, rec["row"], "depends_on", "self_dependency", id=iid)
                elif dep not in known:
                    self.add(sheet, rec["row"], "depends_on", "unknown_dependency", dep=dep)
                else:
                    good.append(dep)
            graph[iid] = good
        for component in strongly_connected(graph):
            if len(component) > 1:
                order = _cycle_order(component, graph)
                first = min(component, key=lambda i: ideas.at[i, "row"])
                self.add(sheet, ideas.at[first, "row"], "depends_on", "dependency_cycle",
                         cycle=" → ".join(order + [order[0]]))  # fmt: skip

    # -- scores
    def scores(self, criteria: pd.DataFrame, ideas: pd.DataFrame) -> pd.DataFrame:
        columns = ["idea_id", "criterion_id", "assessor", "score", "comment", "row"]
        sheet = self.sheets.get("scores")
        if sheet is None or not self.require_columns(sheet):
            return pd.DataFrame(columns=columns)
        known_criteria = list(criteria.index) if not criteria.empty else []
        known_text = ", ".join(known_criteria)
        long_form = sheet.has("criterion_id") or sheet.has("score")
        cells: list[tuple[int, str, str | None, str, object, object]] = []
        if long_form:
            for column in ("criterion_id", "score"):
                if not sheet.has(column):
                    self.add(sheet, 1, None, "column_missing", column=column,
                             found=", ".join(sheet.headers))  # fmt: skip
            for row, v in sheet.rows:
                cells.append((row, "score", v.get("idea_id"), v.get("criterion_id"),
                              v.get("assessor"), v.get("score"), v.get("comment")))  # fmt: skip
        else:
            by_label = {normalise_name(lbl): cid for cid, lbl in criteria["label"].items()} if (
                not criteria.empty) else {}  # fmt: skip
            crit_cols = {}
            for canon, heading in sheet.columns.items():
                if canon in ("idea_id", "assessor", "comment"):
                    continue
                cid = canon if canon in known_criteria else by_label.get(canon)
                if cid is None:
                    self.problems.append(
                        Problem(
                            sheet.display,
                            1,
                            heading,
                            "unknown_score_column",
                            {"column": heading, "known": known_text},
                        )
                    )
                    continue
                crit_cols[canon] = cid
            if not crit_cols:
                self.add(sheet, 1, None, "no_criterion_columns", known=known_text)
            for row, v in sheet.rows:
                for canon, cid in crit_cols.items():
                    cells.append((row, canon, v.get("idea_id"), cid, v.get("assessor"), v.get(canon),
                                  v.get("comment")))  # fmt: skip
        records, seen = [], {}
        idea_known = set(ideas.index) if not ideas.empty else None
        bounds = {} if criteria.empty else dict(  # plain dict: .at per cell is slow
            zip(criteria.index, zip(criteria["scale_min"], criteria["scale_max"], strict=True),
                strict=True))  # fmt: skip
        for row, col, iid, cid, assessor, value, comment in cells:
            if iid is None:
                self.add(sheet, row, "idea_id", "empty")
                continue
            iid = _id(iid)
            if idea_known is not None and iid not in idea_known:
                self.add(sheet, row, "idea_id", "unknown_idea", id=iid)
                continue
            if cid is None:
                self.add(sheet, row, "criterion_id", "empty")
                continue
            cid = str(cid)
            if known_criteria and cid not in criteria.index:
                self.add(sheet, row, "criterion_id", "unknown_criterion", id=cid, known=known_text)
                continue
            if assessor is None:
                self.add(sheet, row, "assessor", "empty")
                continue
            assessor = str(assessor)
            score_col = "score" if long_form else col
            score = self.number(sheet, row, score_col, value)
            key = (iid, cid, assessor)
            if key in seen:
                if score is None and seen[key][1] is None:
                    continue
                self.add(sheet, row, score_col, "duplicate_score", idea=iid, criterion=cid,
                         assessor=assessor, first=seen[key][0])  # fmt: skip
                continue
            seen[key] = (row, score)
            if score is not None and cid in bounds:
                lo, hi = bounds[cid]
                if not lo <= score <= hi:
                    self.add(sheet, row, score_col, "score_outside", value=_n(score), min=_n(lo),
                             max=_n(hi), criterion=cid)  # fmt: skip
                    continue
            records.append({"idea_id": iid, "criterion_id": cid, "assessor": assessor,
                            "score": np.nan if score is None else score,
                            "comment": "" if comment is None else str(comment), "row": row})  # fmt: skip
        frame = pd.DataFrame.from_records(records, columns=columns)
        frame["score"] = frame["score"].astype(float)
        return frame

    # -- settings
    def settings(self) -> dict:
        sheet = self.sheets.get("settings")
        if sheet is None or not self.require_columns(sheet):
            return {}
        lookup = {normalise_name(a): k for k, names in SETTING_KEYS.items() for a in names}
        out = {}
        for row, v in sheet.rows:
            if v.get("key") is None:
                continue
            key = lookup.get(normalise_name(v["key"]), normalise_name(v["key"]))
            value = v.get("value")
            if key == "language" and value is not None:
                value = str(value).strip().lower()
                if value not in ("nl", "en"):
                    self.add(sheet, row, "value", "bad_language", value=v.get("value"))
                    continue
            if key == "aggregate" and value is not None and str(value) not in AGGREGATIONS:
                self.add(sheet, row, "value", "bad_setting", value=value, key=v["key"],
                         choices=", ".join(AGGREGATIONS))  # fmt: skip
                continue
            if key == "budget" and value is not None:
                value = self.number(sheet, row, "value", value, minimum=0)
                if value is None:
                    continue
            out[key] = value
        return out

    # -- pairwise (AHP)
    def pairwise(self, criteria: pd.DataFrame) -> pd.DataFrame:
        columns = ["assessor", "criterion_a", "criterion_b", "value", "row"]
        sheet = self.sheets.get("pairwise")
        if sheet is None or not self.require_columns(sheet):
            return pd.DataFrame(columns=columns)
        known = ", ".join(criteria.index) if not criteria.empty else ""
        records = []
        for row, v in sheet.rows:
            good = True
            for column in ("assessor", "criterion_a", "criterion_b"):
                if v.get(column) is None:
                    self.add(sheet, row, column, "empty")
                    good = False
                elif column != "assessor" and not criteria.empty and str(
                        v[column]) not in criteria.index:  # fmt: skip
                    self.add(sheet, row, column, "unknown_criterion", id=v[column], known=known)
                    good = False
            value = v.get("value")
            if isinstance(value, str) and re.fullmatch(r"\s*1\s*/\s*\d+(?:[.,]\d+)?\s*", value):
                denominator = to_number(value.split("/")[1])
                number = 1.0 / denominator if denominator else None
            else:
                number = self.number(sheet, row, "value", value)
                if number is None and value is not None:
                    good = False
            if number is None:
                if value is None:
                    self.add(sheet, row, "value", "empty")
                good = False
            elif not (1 / 9 - 1e-9 <= number <= 9 + 1e-9):
                self.add(sheet, row, "value", "pairwise_value", value=value)
                good = False
            if good and str(v["criterion_a"]) == str(v["criterion_b"]):
                self.add(sheet, row, "criterion_b", "pairwise_same")
                good = False
            if good:
                records.append({"assessor": str(v["assessor"]), "criterion_a": str(v["criterion_a"]),
                                "criterion_b": str(v["criterion_b"]), "value": float(number),
                                "row": row})  # fmt: skip
        return pd.DataFrame.from_records(records, columns=columns)


def _id(value) -> str:
    """Ids as text; a float id typed in Excel (``7.0``) becomes ``'7'``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _n(x: float) -> str:
    return f"{x:g}"


def strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), in a deterministic order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, [])))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(sorted(component))
    return out


def _cycle_order(component: list[str], graph: dict[str, list[str]]) -> list[str]:
    """One cycle through the component's smallest id, for the message."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = [c for c in sorted(graph[node]) if c in members]
        if start in nxt and len(path) > 1:
            return path
        candidates = [c for c in nxt if c not in seen]
        if not candidates:
            return path
        node = candidates[0]
        path.append(node)
        seen.add(node)


# --------------------------------------------------------------------------- public API


def check_workbook(path) -> tuple[Workbook | None, list[Problem]]:
    """Read and validate ``path``; return the workbook (``None`` if unusable) and all problems."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        return None, [Problem(None, None, None, "file_missing", {"path": str(path)})]
    if path.is_dir():
        sheets = _read_csv_folder(path, problems)
        suffix = ".csv"
    else:
        sheets = _read_xlsx(path, problems)
        suffix = ""
    if problems and not sheets:
        return None, problems
    found = ", ".join(s.display for s in sheets.values()) or "—"
    for kind in ("ideas", "scores"):
        if kind not in sheets:
            problems.append(Problem(None, None, None, "sheet_missing",
                                    {"sheet": kind + suffix, "found": found}))  # fmt: skip
    checker = _Checker(sheets, problems)
    criteria, defaulted = checker.criteria()
    ideas = checker.ideas()
    scores = checker.scores(criteria, ideas)
    settings = checker.settings()
    pairwise = checker.pairwise(criteria)
    if problems:
        return None, sort_problems(problems)
    workbook = Workbook(
        criteria=criteria, ideas=ideas, scores=scores, settings=settings, pairwise=pairwise,
        source=str(path), sha256=file_sha256(path), criteria_defaulted=defaulted,
    )  # fmt: skip
    return workbook, []


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Group by sheet (in the order met), then by row; the order within a row is kept."""
    first_seen: dict[str | None, int] = {}
    for p in problems:
        first_seen.setdefault(p.sheet, len(first_seen))
    return sorted(problems, key=lambda p: (first_seen[p.sheet], p.row or 0))


def read_workbook(path) -> Workbook:
    """The validated workbook at ``path``; raises :class:`WorkbookError` with every problem."""
    workbook, problems = check_workbook(path)
    if problems:
        raise WorkbookError(problems, source=str(path))
    assert workbook is not None
    return workbook


# --------------------------------------------------------------------------- writing


def workbook_sheets(wb: Workbook) -> dict[str, pd.DataFrame]:
    """The workbook as the sheets a user would write (long-form scores), ready for export."""
    criteria = wb.criteria.drop(columns=["row"], errors="ignore").reset_index()
    criteria = criteria.dropna(axis=1, how="all")
    ideas = wb.ideas.drop(columns=["row"], errors="ignore").reset_index()
    ideas["depends_on"] = ideas["depends_on"].map(lambda d: "; ".join(d))
    ideas = ideas.dropna(axis=1, how="all")
    if "group" in ideas and (ideas["group"] == "").all():
        ideas = ideas.drop(columns=["group"])
    scores = wb.scores.drop(columns=["row"], errors="ignore")
    sheets = {"criteria": criteria, "ideas": ideas, "scores": scores}
    if wb.settings:
        sheets["settings"] = pd.DataFrame(
            {"key": list(wb.settings), "value": list(wb.settings.values())}
        )
    if not wb.pairwise.empty:
        sheets["pairwise"] = wb.pairwise.drop(columns=["row"], errors="ignore")
    return sheets


def write_workbook(wb: Workbook, path) -> Path:
    """Write ``wb`` as an ``.xlsx`` workbook that :func:`read_workbook` reads back equal."""
    from prioritisation.data.export import write_xlsx

    return write_xlsx(workbook_sheets(wb), path)
