"""The ``member_weights`` sheet: each member's own weight per criterion, for a group round
prepared (or replayed) without the app.

One row per member and criterion::

    member               criterion      weight
    An (Cultuurconnect)  innovation     40
    An (Cultuurconnect)  desirability   30
    bart                 innovation     1

A member is named by their name or their login in the ``members`` sheet (a login is read as
that member's name); without a ``members`` sheet, by a name among the assessors of the
``scores`` or ``pairwise`` sheet. Weights are numbers ≥ 0 on any scale (each member's are
made into shares later); a criterion a member does not list weighs 0. Every problem is
recorded at its cell: an unknown member or criterion, an empty or negative weight, a
member and criterion given twice.

>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.data.sample import sample_path
>>> read_workbook(sample_path()).member_weights.columns.tolist()
['member', 'criterion', 'weight', 'row']
"""

from __future__ import annotations

import pandas as pd

from prioritisation.core.i18n import N_
from prioritisation.data.reader import cell_id

COLUMNS = ["member", "criterion", "weight", "row"]


def empty_member_weights() -> pd.DataFrame:
    """No weight sets (the workbook has no ``member_weights`` sheet)."""
    return pd.DataFrame(columns=COLUMNS)


def known_members(members: pd.DataFrame, assessors) -> dict[str, str]:
    """Every way a member may be named (lower case) → their name: the ``members`` sheet's
    logins and names, else the assessors."""
    if members is not None and not members.empty:
        out = {str(login).casefold(): str(name) for login, name in members["name"].items()}
        out.update({str(name).casefold(): str(name) for name in members["name"]})
        return out
    return {str(a).casefold(): str(a) for a in assessors}


def check_member_weights(checker, criteria: pd.DataFrame, members: pd.DataFrame,
                         assessors) -> pd.DataFrame:  # fmt: skip
    """Parse the ``member_weights`` sheet with ``checker`` (a
    :class:`~prioritisation.data.validator.Checker`) into a long table (``member`` as the
    member's name, ``criterion``, ``weight``, ``row``), every problem located."""
    sheet = checker.sheets.get("member_weights")
    if sheet is None or not checker.require_columns(sheet):
        return empty_member_weights()
    names = known_members(members, assessors)
    shown = ", ".join(sorted(set(names.values()))) or "—"
    known_criteria = ", ".join(criteria.index) if not criteria.empty else ""
    records, seen = [], {}
    for row, v in sheet.rows:
        raw_member, raw_criterion = v.get("member"), v.get("criterion")
        good = True
        member = None
        if raw_member is None or not cell_id(raw_member):
            checker.add(sheet, row, "member", N_("problem.empty"))
            good = False
        else:
            member = names.get(cell_id(raw_member).casefold())
            if member is None:
                checker.add(sheet, row, "member", N_("problem.unknown_member"),
                            name=cell_id(raw_member), known=shown)  # fmt: skip
                good = False
        criterion = None if raw_criterion is None else cell_id(raw_criterion)
        if not criterion:
            checker.add(sheet, row, "criterion", N_("problem.empty"))
            good = False
        elif not criteria.empty and criterion not in criteria.index:
            checker.add(sheet, row, "criterion", N_("problem.unknown_criterion"), id=criterion,
                        known=known_criteria)  # fmt: skip
            good = False
        value = v.get("weight")
        weight = checker.cell_number(sheet, row, "weight", value, minimum=0)
        if weight is None:
            if value is None:
                checker.add(sheet, row, "weight", N_("problem.empty"))
            good = False
        if not good:
            continue
        key = (member, criterion)
        if key in seen:
            checker.add(sheet, row, "criterion", N_("problem.duplicate_member_weight"),
                        name=member, criterion=criterion, first=seen[key])  # fmt: skip
            continue
        seen[key] = row
        records.append({"member": member, "criterion": criterion, "weight": float(weight),
                        "row": row})  # fmt: skip
    return pd.DataFrame.from_records(records, columns=COLUMNS)
