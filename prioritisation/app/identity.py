"""Who is using this page: taken from the login, held in the kernel, never from the browser.

The identity comes from what the server (not the page) knows: the user name a trusted reverse
proxy passes in the header named with ``prioritisation app --user-header`` (handed to this
kernel by the app server, see :func:`prioritisation.app.proxy_user`), or the JupyterHub user
the single-user server runs for (``JUPYTERHUB_USER``). It is read once per kernel and kept in
Python; no widget value decides it, so a browser that sends a forged widget ``update`` message
cannot save a scenario in someone else's name. Without a login the app runs **unverified**:
the member types a name, and every page says "niet geverifieerd".

The login is then mapped to a member of the steering group by the workbook's ``members``
sheet (:mod:`prioritisation.data.members`): their name (the author of what they save) and
their role (member, chair, observer, analyst). A login that is not on a members list that
exists may look but not save; without a members sheet every login is a member under its
own name. Nobody unverified is a chair.

>>> Identity(None).verified, Identity("bart", "header").verified
(False, True)
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.data.sample import sample_path
>>> who = Identity("An", "hub").in_workbook(read_workbook(sample_path()))
>>> who.member, who.role, who.is_chair, who.may_save
('An (Cultuurconnect)', 'chair', True, True)
>>> Identity("zoe", "hub").in_workbook(read_workbook(sample_path())).may_save
False
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace

from prioritisation.data.members import member_of


@dataclass(frozen=True)
class Identity:
    """``name`` (``None`` when unverified) and where it came from: ``header`` (a trusted
    proxy) or ``hub`` (JupyterHub)."""

    name: str | None
    source: str | None = None
    #: the member's name from the ``members`` sheet (else the login; ``None`` unverified)
    member: str | None = None
    #: ``member``, ``chair``, ``observer``, ``analyst``; ``None`` unverified or not listed
    role: str | None = None
    #: ``False`` when the workbook has a members list and this login is not on it
    listed: bool = True

    @property
    def verified(self) -> bool:
        return bool(self.name)

    @property
    def is_chair(self) -> bool:
        return self.verified and self.role == "chair"

    @property
    def may_save(self) -> bool:
        """Unverified pages save under a typed name (marked unverified); a verified login
        saves when it is on the members list (or there is none)."""
        return not self.verified or self.listed

    @property
    def author(self) -> str | None:
        """The name saved as author: the member's name for a verified login."""
        return (self.member or self.name) if self.verified else None

    def in_workbook(self, wb) -> Identity:
        """This login as a member of ``wb``'s steering group (see the module text)."""
        if not self.verified:
            return replace(self, member=None, role=None, listed=True)
        members = getattr(wb, "members", None)
        if members is None or members.empty:
            return replace(self, member=self.name, role="member", listed=True)
        found = member_of(members, self.name)
        if found is None:
            return replace(self, member=self.name, role=None, listed=False)
        return replace(self, member=found[0], role=found[1], listed=True)


_current: Identity | None = None


def current_identity(refresh: bool = False) -> Identity:
    """The identity of this kernel's page (looked up once, then kept)."""
    global _current
    if _current is None or refresh:
        from prioritisation.app import proxy_user

        user = proxy_user()
        hub = os.environ.get("JUPYTERHUB_USER", "").strip()
        if user:
            _current = Identity(user, "header")
        elif hub:
            _current = Identity(hub, "hub")
        else:
            _current = Identity(None)
    return _current


def when_identified(callback) -> None:
    """Call ``callback()`` once this page's identity is known: at once when it is (no proxy
    header, a hub user, or the page has come), else on the kernel's event loop as soon as the
    page takes this preheated kernel. The page is built before that, while the kernel waits
    in the pool; only what depends on who is signed in waits for the login (the header's
    name, the share box, the Group tab). Outside a kernel it waits here.
    """
    from prioritisation.app import page_pending
    from prioritisation.app.live import kernel_loop

    loop = kernel_loop() if _current is None and page_pending() else None
    if loop is None:
        callback()
        return

    def wait() -> None:
        current_identity()  # in this thread: the page's request, or nobody if it never comes
        loop.call_soon_threadsafe(callback)

    threading.Thread(target=wait, name="prioritisation-identity", daemon=True).start()
