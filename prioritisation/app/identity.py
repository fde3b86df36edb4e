"""Who is using this page: taken from the login, held in the kernel, never from the browser.

The identity comes from what the server (not the page) knows: the user name a trusted reverse
proxy passes in the header named with ``prioritisation app --user-header`` (handed to this
kernel by the app server, see :func:`prioritisation.app.proxy_user`), or the JupyterHub user
the single-user server runs for (``JUPYTERHUB_USER``). It is read once per kernel and kept in
Python; no widget value decides it, so a browser that sends a forged widget ``update`` message
cannot save a scenario in someone else's name. Without a login the app runs **unverified**:
the member types a name, and every page says "niet geverifieerd".

>>> Identity(None).verified, Identity("bart", "header").verified
(False, True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """``name`` (``None`` when unverified) and where it came from: ``header`` (a trusted
    proxy) or ``hub`` (JupyterHub)."""

    name: str | None
    source: str | None = None

    @property
    def verified(self) -> bool:
        return bool(self.name)


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
