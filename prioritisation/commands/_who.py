"""Who runs a group or round command (not a command itself): the login, mapped to a member.

The login is the JupyterHub user the server runs for (``JUPYTERHUB_USER``), else the
operating system's login: both verified by the machine. ``--user NAME`` names someone else
for local use on one machine; that is **not verified**: every output says so, the store
records the actor as ``NAME (--user)``, and the chair's steps (reveal, close) refuse it. The
workbook's ``members`` sheet maps the login to a member's name and role
(:mod:`prioritisation.data.members`); without that sheet everyone is a member under their
login.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.data.members import member_of

ROLE_WORDS = {"member": N_("role.member"), "chair": N_("role.chair"),
              "observer": N_("role.observer"), "analyst": N_("role.analyst")}  # fmt: skip


def add_user_option(parser) -> None:
    parser.add_argument("--user", default=None, metavar="NAME",
                        help="act as NAME instead of your login: for local use on one machine "
                        "only, NOT verified (the store marks it; the chair's steps refuse it)")  # fmt: skip


@dataclass(frozen=True)
class Who:
    """``login``, ``verified`` (not ``--user``), ``member`` (name), ``role`` (``None`` for a
    login that is not on the members list)."""

    login: str
    verified: bool
    member: str
    role: str | None

    @property
    def actor(self) -> str:
        """The name recorded in the store."""
        return self.member if self.verified else f"{self.member} (--user)"

    @property
    def listed(self) -> bool:
        return self.role is not None

    def line(self, lang: str | None = None) -> str:
        role = tr(ROLE_WORDS[self.role], lang) if self.role else tr("who.not_listed", lang)
        if self.verified:
            return tr("who.verified", lang, name=self.member, login=self.login, role=role)
        return tr("who.unverified", lang, name=self.member, login=self.login, role=role)

    def require_chair_steps(self) -> None:
        if not self.verified:
            raise UsageError("usage.round_user_unverified", name=self.member)


def who_is(args, wb) -> Who:
    """The person running the command (see the module's text)."""
    given = (getattr(args, "user", None) or "").strip()
    login = given or os.environ.get("JUPYTERHUB_USER", "").strip() or getpass.getuser()
    members = wb.members
    if members is None or members.empty:
        return Who(login, not given, login, "member")
    found = member_of(members, login)
    if found is None and given:  # --user may name the member instead of the login
        named = members[members["name"].astype(str).str.casefold() == given.casefold()]
        found = (str(named["name"].iloc[0]), str(named["role"].iloc[0])) if len(named) else None
    if found is None:
        return Who(login, not given, login, None)
    return Who(login, not given, found[0], found[1])
