"""The steering groups one hub serves: a folder each, and who logs in as what.

A groups folder holds one folder per steering group::

    groups/
      digitale-bibliotheek/
        workbook.xlsx      the round's workbook, with its ``members`` sheet (login, name, role)
        group.toml         optional: which workbook, the group's store (see below)
        secrets/           the store's password files (mode 0600/0640, never in the URL)
      erfgoed/
        ...

``group.toml`` (all keys optional)::

    workbook = "workbook.xlsx"
    store = "postgresql+psycopg://digib_app@127.0.0.1:5432/prioritisation"
    store_password_file = "secrets/digib_app.password"
    analyst_store = "postgresql+psycopg://digib_analyst@127.0.0.1:5432/prioritisation"
    analyst_store_password_file = "secrets/digib_analyst.password"

Without a store the group keeps its scenarios in the SQLite file beside its workbook. A login
belongs to exactly one group (:func:`logins`): the members sheet of that group's workbook says
its role, and the role says what the hub starts for it (the app; JupyterLab for analysts).

>>> import tempfile, shutil
>>> from pathlib import Path
>>> from prioritisation.data.sample import sample_path
>>> root = Path(tempfile.mkdtemp())
>>> (root / "digib").mkdir()
>>> _ = shutil.copy(sample_path(), root / "digib" / "workbook.xlsx")
>>> groups = read_groups(root)
>>> users = logins(groups)
>>> users["an"].group.name, users["an"].role, users["lies"].role
('digib', 'chair', 'analyst')
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GROUP_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")  # a hub group name and a folder name
APP_ROLES = ("member", "chair", "observer")  # they get the app; analysts get JupyterLab


class GroupsError(ValueError):
    """A groups folder the hub cannot serve (said before the hub starts)."""


@dataclass(frozen=True)
class Store:
    """A store's URL (no password in it) and the file that holds its password, if any."""

    url: str | None = None
    password_file: Path | None = None


@dataclass(frozen=True)
class Group:
    """One steering group: its folder, workbook, stores and members (login → name, role)."""

    name: str
    folder: Path
    workbook: Path
    store: Store = field(default_factory=Store)
    analyst_store: Store = field(default_factory=Store)
    members: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Login:
    """A hub login: the group it belongs to, the member's name and role."""

    name: str
    group: Group
    member: str
    role: str

    @property
    def analyst(self) -> bool:
        return self.role == "analyst"


def _store(folder: Path, config: dict, key: str) -> Store:
    url = config.get(key)
    password = config.get(f"{key}_password_file")
    return Store(url, (folder / password).resolve() if password else None)


def read_group(folder) -> Group:
    """The group in ``folder`` (its ``group.toml``, workbook and members sheet)."""
    from prioritisation.data.workbook import check_workbook

    folder = Path(folder).resolve()
    if not GROUP_NAME.fullmatch(folder.name):
        raise GroupsError(f"{folder}: a group's folder name is lower case letters, digits, - or _")
    config = {}
    if (folder / "group.toml").exists():
        config = tomllib.loads((folder / "group.toml").read_text(encoding="utf-8"))
    if "workbook" in config:
        workbook = folder / config["workbook"]
    else:
        found = sorted(folder.glob("*.xlsx"))
        if len(found) != 1:
            raise GroupsError(f"{folder}: name the workbook in group.toml (found {len(found)})")
        workbook = found[0]
    wb, problems = check_workbook(workbook)
    if wb is None:
        detail = "; ".join(p.format() for p in problems[:3])
        raise GroupsError(f"{workbook}: {detail}")
    if wb.members.empty:
        raise GroupsError(f"{workbook}: no members sheet to say who may log in")
    members = {str(login): (str(row["name"]), str(row["role"])) for login, row in wb.members.iterrows()}  # fmt: skip
    return Group(folder.name, folder, workbook.resolve(), _store(folder, config, "store"),
                 _store(folder, config, "analyst_store"), members)  # fmt: skip


def read_groups(root) -> list[Group]:
    """Every group in the groups folder ``root`` (each sub-folder is one)."""
    root = Path(root)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise GroupsError(f"{root}: no group folders")
    return [read_group(f) for f in folders]


def logins(groups: list[Group]) -> dict[str, Login]:
    """Every login of every group; a login in two groups is refused (it could see both)."""
    found: dict[str, Login] = {}
    for group in groups:
        for login, (name, role) in group.members.items():
            if login in found:
                other = found[login].group.name
                raise GroupsError(f"login {login!r} is in two groups: {other} and {group.name}")
            found[login] = Login(login, group, name, role)
    return found
