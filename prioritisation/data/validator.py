"""Validating raw sheets into the workbook's frames, collecting *every* located problem.

:class:`Checker` turns the :class:`~prioritisation.data.reader.RawSheet` s that
:mod:`prioritisation.data.reader` read into the frames of a
:class:`~prioritisation.core.model.Workbook`. It never stops at the first problem: each cell
that cannot be taken is a :class:`~prioritisation.core.errors.Problem` naming its sheet (or
CSV file), Excel row (header = row 1) and column as written, so that the user fixes
everything in one pass. Dependencies between ideas are checked as a graph (unknown ids, an
idea depending on itself, cycles, found with Tarjan's algorithm).

>>> strongly_connected({"A": ["B"], "B": ["A"], "C": ["A"]})
[['A', 'B'], ['C']]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from prioritisation.core.errors import Problem, UsageError
from prioritisation.core.i18n import N_
from prioritisation.core.model import (
    AGGREGATIONS,
    DEFAULT_CRITERIA,
    METHOD_NAMES,
    PREFERENCES,
)
from prioritisation.core.parse import budget, budget_per_year, id_list, number
from prioritisation.data.reader import COLUMN_ALIASES, RawSheet, cell_id, normalise_name

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
    "members": ("login",),
    "member_weights": ("member", "criterion", "weight"),
}


class Checker:
    """Parses raw sheets into frames while collecting every problem in ``problems``."""

    def __init__(self, sheets: dict[str, RawSheet], problems: list[Problem]):
        self.sheets = sheets
        self.problems = problems

    def add(self, sheet: RawSheet, row: int | None, column: str | None, code: str, **params):
        """Record problem ``code`` (a literal message id) at a cell of ``sheet``."""
        heading = sheet.heading(column) if column else None
        self.problems.append(Problem(sheet.display, row, heading, code, params))

    def require_columns(self, sheet: RawSheet) -> bool:
        ok = True
        for column in REQUIRED[sheet.kind]:
            if not sheet.has(column):
                found = ", ".join(h for h in sheet.headers if h) or "—"
                self.problems.append(Problem(sheet.display, 1, None, N_("problem.column_missing"),
                                             {"column": column, "found": found}))  # fmt: skip
                ok = False
        return ok

    def cell_number(self, sheet, row, column, value, *, minimum=None, whole=False):
        """Parse a number cell; record a problem and return None when it is not valid."""
        try:
            x = number(value, sheet.decimal_comma)
        except ValueError:
            self.add(sheet, row, column, N_("problem.not_a_number"), value=value)
            return None
        if x is None:
            return None
        if whole and (x != int(x) or (minimum is not None and x < minimum)):
            self.add(sheet, row, column, N_("problem.not_whole"), value=value, min=minimum)
            return None
        if minimum == 0 and x < 0:
            self.add(sheet, row, column, N_("problem.negative"), value=value)
            return None
        return x

    # -- criteria
    def criteria(self) -> tuple[pd.DataFrame, bool]:
        """The criteria frame, and whether it is the default four (no criteria sheet)."""
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
                self.add(sheet, row, "id", N_("problem.empty"))
                continue
            cid = str(cid)
            if cid in seen:
                self.add(sheet, row, "id", N_("problem.duplicate_id"), id=cid, first=seen[cid])
                continue
            seen[cid] = row
            direction = normalise_name(v.get("direction") or "benefit")
            if direction not in DIRECTION_ALIASES:
                self.add(sheet, row, "direction", N_("problem.bad_direction"),
                         value=v.get("direction"))  # fmt: skip
                direction = "benefit"
            lo = self.cell_number(sheet, row, "scale_min", v.get("scale_min"))
            hi = self.cell_number(sheet, row, "scale_max", v.get("scale_max"))
            lo = 1.0 if lo is None else lo
            hi = 5.0 if hi is None else hi
            if lo >= hi:
                self.add(sheet, row, "scale_max" if sheet.has("scale_max") else "scale_min",
                         N_("problem.scale_order"), min=_n(lo), max=_n(hi))  # fmt: skip
            weight = self.cell_number(sheet, row, "weight", v.get("weight"), minimum=0)
            threshold = self.cell_number(sheet, row, "threshold", v.get("threshold"))
            if threshold is not None and lo < hi and not lo <= threshold <= hi:
                self.add(sheet, row, "threshold", N_("problem.threshold_outside"),
                         value=_n(threshold), min=_n(lo), max=_n(hi))  # fmt: skip
            preference = normalise_name(v.get("preference") or "usual")
            if preference not in PREFERENCES:
                self.add(sheet, row, "preference", N_("problem.bad_preference"),
                         value=v.get("preference"), choices=", ".join(PREFERENCES))  # fmt: skip
                preference = "usual"
            q = self.cell_number(sheet, row, "q", v.get("q"), minimum=0)
            p = self.cell_number(sheet, row, "p", v.get("p"), minimum=0)
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
            self.add(sheet, None, None, N_("problem.no_ideas"))
            return frame, False
        frame = frame.set_index("id")
        if (frame["weight"] <= 0).all():
            col = "weight" if sheet.has("weight") else None
            self.add(sheet, None, col, N_("problem.all_weights_zero"))
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
                self.add(sheet, row, "id", N_("problem.empty"))
            else:
                iid = cell_id(iid)
                if iid in seen:
                    self.add(sheet, row, "id", N_("problem.duplicate_id"), id=iid, first=seen[iid])
            if v.get("title") is None:
                self.add(sheet, row, "title", N_("problem.empty"))
            # every cell is checked, also on a row that is then left out (all problems at once)
            cost = self.cell_number(sheet, row, "cost", v.get("cost"), minimum=0)
            duration = self.cell_number(sheet, row, "duration", v.get("duration"), minimum=1,
                                        whole=True)  # fmt: skip
            start_after = self.cell_number(sheet, row, "start_after", v.get("start_after"),
                                           whole=True, minimum=0)  # fmt: skip
            deps_text = v.get("depends_on")
            deps = id_list(cell_id(deps_text)) if deps_text is not None else ()
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
                    self.add(sheet, row, "depends_on", N_("problem.unknown_dependency"), dep=dep)
        if not records:
            self.add(sheet, None, None, N_("problem.no_ideas"))
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
                    self.add(sheet, rec["row"], "depends_on", N_("problem.self_dependency"), id=iid)
                elif dep not in known:
                    self.add(sheet, rec["row"], "depends_on", N_("problem.unknown_dependency"),
                             dep=dep)  # fmt: skip
                else:
                    good.append(dep)
            graph[iid] = good
        for component in strongly_connected(graph):
            if len(component) > 1:
                order = _cycle_order(component, graph)
                first = min(component, key=lambda i: ideas.at[i, "row"])
                self.add(sheet, ideas.at[first, "row"], "depends_on", N_("problem.dependency_cycle"),
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
        cells: list = []  # generators of (row, column, idea, criterion, assessor, value, comment)
        if long_form:
            missing = [c for c in ("criterion_id", "score") if not sheet.has(c)]
            for column in missing:
                self.problems.append(Problem(sheet.display, 1, None, N_("problem.column_missing"),
                                             {"column": column,
                                              "found": ", ".join(sheet.headers) or "—"}))  # fmt: skip
            if missing:
                return pd.DataFrame(columns=columns)
            cells.append((row, "score", v.get("idea_id"), v.get("criterion_id"), v.get("assessor"),
                          v.get("score"), v.get("comment")) for row, v in sheet.rows)  # fmt: skip
        else:
            by_label = {normalise_name(lbl): cid for cid, lbl in criteria["label"].items()} if (
                not criteria.empty) else {}  # fmt: skip
            crit_cols = {}
            for canon, heading in sheet.columns.items():
                if canon in ("idea_id", "assessor", "comment"):
                    continue
                cid = canon if canon in known_criteria else by_label.get(canon)
                if cid is None:
                    self.problems.append(Problem(sheet.display, 1, heading,
                                                 N_("problem.unknown_score_column"),
                                                 {"column": heading, "known": known_text}))  # fmt: skip
                    continue
                crit_cols[canon] = cid
            if not crit_cols:
                self.add(sheet, 1, None, N_("problem.no_criterion_columns"), known=known_text)
            cells.append((row, canon, v.get("idea_id"), cid, v.get("assessor"), v.get(canon),
                          v.get("comment"))
                         for row, v in sheet.rows for canon, cid in crit_cols.items())  # fmt: skip
        records: dict[str, list] = {c: [] for c in columns}  # column-wise: 8 bytes a cell
        seen: dict[tuple, int] = {}
        idea_known = set(ideas.index) if not ideas.empty else None
        bounds = {} if criteria.empty else dict(  # plain dict: .at per cell is slow
            zip(criteria.index, zip(criteria["scale_min"], criteria["scale_max"], strict=True),
                strict=True))  # fmt: skip
        for row, col, iid, cid, assessor, value, comment in (c for g in cells for c in g):
            if iid is None:
                self.add(sheet, row, "idea_id", N_("problem.empty"))
                continue
            iid = cell_id(iid)
            if idea_known is not None and iid not in idea_known:
                self.add(sheet, row, "idea_id", N_("problem.unknown_idea"), id=iid)
                continue
            if cid is None:
                self.add(sheet, row, "criterion_id", N_("problem.empty"))
                continue
            cid = str(cid)
            if known_criteria and cid not in criteria.index:
                self.add(sheet, row, "criterion_id", N_("problem.unknown_criterion"), id=cid,
                         known=known_text)  # fmt: skip
                continue
            if assessor is None:
                self.add(sheet, row, "assessor", N_("problem.empty"))
                continue
            assessor = str(assessor)
            score_col = "score" if long_form else col
            score = self.cell_number(sheet, row, score_col, value)
            key = (iid, cid, assessor)
            if key in seen:
                if score is None and seen[key] < 0:
                    continue
                self.add(sheet, row, score_col, N_("problem.duplicate_score"), idea=iid,
                         criterion=cid, assessor=assessor, first=abs(seen[key]))  # fmt: skip
                continue
            seen[key] = row if score is not None else -row  # the first row; < 0: it was empty
            if score is not None and cid in bounds:
                lo, hi = bounds[cid]
                if not lo <= score <= hi:
                    self.add(sheet, row, score_col, N_("problem.score_outside"), value=_n(score),
                             min=_n(lo), max=_n(hi), criterion=cid)  # fmt: skip
                    continue
            for column, value in zip(columns, (iid, cid, assessor, np.nan if score is None else score,
                                               "" if comment is None else str(comment), row),
                                     strict=True):  # fmt: skip
                records[column].append(value)
        frame = pd.DataFrame(records, columns=columns)
        frame["score"] = frame["score"].astype(float)
        return frame

    # -- settings
    def settings(self) -> dict:
        """``key → value``; the language, method, aggregation and budgets are checked (a
        budget with the one parser, :mod:`prioritisation.core.parse`, and its message)."""
        sheet = self.sheets.get("settings")
        if sheet is None or not self.require_columns(sheet):
            return {}
        lookup = {normalise_name(a): k for k, names in SETTING_KEYS.items() for a in names}
        choices = {"method": METHOD_NAMES, "aggregate": AGGREGATIONS}
        out = {}
        for row, v in sheet.rows:
            if v.get("key") is None:
                continue
            key = lookup.get(normalise_name(v.get("key")), normalise_name(v.get("key")))
            value = v.get("value")
            if key == "language" and value is not None:
                value = str(value).strip().lower()
                if value not in ("nl", "en"):
                    self.add(sheet, row, "value", N_("problem.bad_language"), value=v.get("value"))
                    continue
            if key in choices and value is not None and str(value) not in choices[key]:
                self.add(sheet, row, "value", N_("problem.bad_setting"), value=value, key=v.get("key"),
                         choices=", ".join(choices[key]))  # fmt: skip
                continue
            if key in ("budget", "budget_per_year") and value is not None:
                try:
                    parsed = budget(value) if key == "budget" else budget_per_year(value)
                except UsageError as exc:  # the parser's own message, located
                    self.add(sheet, row, "value", exc.code, **exc.params)
                    continue
                if key == "budget" and not parsed.per_year:
                    value = parsed.total
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
                    self.add(sheet, row, column, N_("problem.empty"))
                    good = False
                elif column != "assessor" and not criteria.empty and str(
                        v.get(column)) not in criteria.index:  # fmt: skip
                    self.add(sheet, row, column, N_("problem.unknown_criterion"), id=v.get(column),
                             known=known)  # fmt: skip
                    good = False
            value = v.get("value")
            if isinstance(value, str) and re.fullmatch(r"\s*1\s*/\s*\d+(?:[.,]\d+)?\s*", value):
                denominator = number(value.split("/")[1])
                judgment = 1.0 / denominator if denominator else None
            else:
                judgment = self.cell_number(sheet, row, "value", value)
                if judgment is None and value is not None:
                    good = False
            if judgment is None:
                if value is None:
                    self.add(sheet, row, "value", N_("problem.empty"))
                good = False
            elif not (1 / 9 - 1e-9 <= judgment <= 9 + 1e-9):
                self.add(sheet, row, "value", N_("problem.pairwise_value"), value=value)
                good = False
            if good and str(v.get("criterion_a")) == str(v.get("criterion_b")):
                self.add(sheet, row, "criterion_b", N_("problem.pairwise_same"))
                good = False
            if good:
                records.append({"assessor": str(v.get("assessor")), "criterion_a": str(v.get("criterion_a")),
                                "criterion_b": str(v.get("criterion_b")), "value": float(judgment),
                                "row": row})  # fmt: skip
        return pd.DataFrame.from_records(records, columns=columns)


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
