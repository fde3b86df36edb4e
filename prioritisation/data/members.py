"""The ``members`` sheet: which login is which member of the steering group, and their role.

A hub (or a trusted proxy) knows a member by their login; the group knows them by name. The
optional ``members`` sheet (``leden``) maps one to the other::

    login   name                       role
    an      An (Cultuurconnect)        chair
    bart    Bart (Bib Brugge)          member
    lies    Lies                       analyst

Roles are ``member`` (``lid``, the default when the cell is empty), ``chair``
(``voorzitter``), ``observer`` (``waarnemer``) and ``analyst`` (``analist``). Logins are
compared without regard to case (hubs lower-case them). A name left empty is the login.

>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.data.sample import sample_path
>>> wb = read_workbook(sample_path())
>>> wb.members.loc["an", ["name", "role"]].tolist()
['An (Cultuurconnect)', 'chair']
>>> member_of(wb.members, "BART")
('Bart (Bib Brugge)', 'member')
"""

from __future__ import annotations

import pandas as pd

from prioritisation.core.i18n import N_
from prioritisation.core.text import terminal_safe
from prioritisation.data.reader import cell_id, normalise_name

ROLES = ("member", "chair", "observer", "analyst")
ROLE_ALIASES = {
    "member": "member", "lid": "member", "chair": "chair", "voorzitter": "chair",
    "observer": "observer", "waarnemer": "observer", "analyst": "analyst", "analist": "analyst",
}  # fmt: skip
COLUMNS = ["name", "role", "row"]
MAX_LOGIN = 200


def empty_members() -> pd.DataFrame:
    """A members table with no one in it (the workbook has no ``members`` sheet)."""
    return pd.DataFrame(columns=COLUMNS, index=pd.Index([], name="login"))


def check_members(checker) -> pd.DataFrame:
    """Parse the ``members`` sheet with ``checker`` (a :class:`~prioritisation.data.validator.
    Checker`), recording every problem at its cell: an empty or repeated login, an unknown
    role, a login with control characters or over 200 characters, a name used twice."""
    sheet = checker.sheets.get("members")
    if sheet is None or not checker.require_columns(sheet):
        return empty_members()
    records, seen, names = [], {}, {}
    for row, v in sheet.rows:
        raw = v.get("login")
        if raw is None or not cell_id(raw):
            checker.add(sheet, row, "login", N_("problem.empty"))
            continue
        login = cell_id(raw)
        key = login.casefold()
        if len(login) > MAX_LOGIN or terminal_safe(login) != login:
            checker.add(
                sheet, row, "login", N_("problem.bad_login"), value=terminal_safe(login[:80])
            )
            continue
        if key in seen:
            checker.add(sheet, row, "login", N_("problem.duplicate_id"), id=login, first=seen[key])
            continue
        seen[key] = row
        role_cell = v.get("role")
        role = ROLE_ALIASES.get(normalise_name(role_cell)) if role_cell is not None else "member"
        if role is None:
            checker.add(sheet, row, "role", N_("problem.bad_role"), value=role_cell,
                        choices=", ".join(ROLES))  # fmt: skip
            continue
        name = str(v.get("name")).strip() if v.get("name") is not None else ""
        name = name or login
        if name.casefold() in names:
            checker.add(sheet, row, "name", N_("problem.duplicate_member"), name=name,
                        first=names[name.casefold()])  # fmt: skip
            continue
        names[name.casefold()] = row
        records.append({"login": key, "name": name, "role": role, "row": row})
    if not records:
        return empty_members()
    return pd.DataFrame.from_records(records, columns=["login", *COLUMNS]).set_index("login")


def member_of(members: pd.DataFrame, login: str | None) -> tuple[str, str] | None:
    """``(name, role)`` of ``login`` in the members table, or ``None`` if it is not there."""
    if not login or members is None or members.empty:
        return None
    key = str(login).strip().casefold()
    if key not in members.index:
        return None
    row = members.loc[key]
    return str(row["name"]), str(row["role"])
