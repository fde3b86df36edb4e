"""The steering-group app (served with Voila): weights in, live ranking out.

The notebook ``notebooks/app.ipynb`` is only::

    from prioritisation.app import build_app
    build_app()

:func:`build_app` reads the workbook once (the path given, else ``PRIORITISATION_APP_WORKBOOK``,
else the bundled sample), shows its validation messages when it cannot be used, and returns the
:class:`~prioritisation.app.ui.App`, which displays its ``root`` widget as a cell's result.
"""

from __future__ import annotations

import os
import threading

from prioritisation.core.i18n import set_language

WORKBOOK_ENV = "PRIORITISATION_APP_WORKBOOK"
USER_HEADER_ENV = "PRIORITISATION_APP_USER_HEADER"  # set by ``prioritisation app --user-header``
TOKEN_ENV = "PRIORITISATION_APP_TOKEN"  # the access key a launcher hands ``prioritisation app``
CHAIR_ENV = "PRIORITISATION_APP_CHAIR"  # ``prioritisation app --chair LOGIN[,LOGIN]``; a hub admin
PROOF_HEADER = "X-Prioritisation-Kernel-Proof"  # see kernel_proof
_request_waiter = None  # the thread receiving this kernel's page request (receive_request_info)
_waiter_lock = threading.Lock()


def proxy_user(timeout: float | None = None) -> str | None:
    """The user name a trusted reverse proxy passed in the configured header, if any.

    Voila hands the request's headers listed in ``http_header_envs`` to the kernel as
    ``HTTP_<NAME>`` variables; a preheated kernel gets them only after the page was handed over
    (:func:`receive_request_info`). That is waited for (by default until the page comes or the
    server refuses, as Voila's own ``wait_for_request`` does): the workbook is already loaded
    then, and a kernel that waited in the pool longer than a fixed time must not show its
    member as "niet geverifieerd".

    >>> proxy_user() is None  # not behind ``prioritisation app --user-header``: nobody named
    True
    """
    global _request_waiter
    name = _header_variable()
    if name is None:
        return None
    if page_pending():
        with _waiter_lock:
            if _request_waiter is None or not _request_waiter.is_alive():
                _request_waiter = threading.Thread(target=receive_request_info, daemon=True)
                _request_waiter.start()
            waiter = _request_waiter
        waiter.join(timeout)
    value = os.environ.get(name, "").strip()
    return value or None


def _header_variable() -> str | None:
    header = os.environ.get(USER_HEADER_ENV, "").strip()
    return "HTTP_" + header.upper().replace("-", "_") if header else None


def page_pending() -> bool:
    """Whether the page's login is still to come: a preheated kernel behind a proxy's user
    header, before its page took it (:func:`proxy_user` would wait).

    >>> page_pending()  # not behind ``prioritisation app --user-header``
    False
    """
    name = _header_variable()
    return bool(name) and name not in os.environ and os.environ.get("VOILA_PREHEAT") == "True"


def kernel_proof(session_key: bytes, kernel_id: str) -> str:
    """What a kernel shows the app server to get its page's request (see ``commands._voila``).

    An HMAC of the kernel id under the kernel's session key, which only the server and that
    kernel know (it is in the kernel's connection file).

    >>> kernel_proof(b"key", "k1") == kernel_proof(b"key", "k1") != kernel_proof(b"key", "k2")
    True
    """
    import hashlib
    import hmac

    message = b"prioritisation request info " + kernel_id.encode()
    return hmac.new(session_key, message, hashlib.sha256).hexdigest()


def receive_request_info() -> None:
    """In a preheated kernel: wait until a page takes this kernel, then put that page's request
    (query string without the token, the configured headers) into ``os.environ``.

    Voila's own ``voila.utils.wait_for_request`` cannot be used: the app server answers only a
    connection carrying :func:`kernel_proof`. Outside a Voila kernel this does nothing.
    """
    import asyncio
    import json

    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    try:
        from IPython import get_ipython

        session_key = get_ipython().kernel.session.key
    except Exception:  # noqa: BLE001 - not in a kernel
        return
    if not kernel_id or not session_key:
        return
    host = os.environ.get("VOILA_APP_IP") or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    port = os.environ.get("VOILA_APP_PORT", "8866")
    url = f"ws://{host}:{port}{os.environ.get('VOILA_SERVER_URL', '/')}voila/query/{kernel_id}"

    async def ask():
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        headers = {PROOF_HEADER: kernel_proof(session_key, kernel_id)}
        connection = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=5))
        try:
            return await connection.read_message()
        finally:
            connection.close()

    try:
        message = asyncio.run(ask())
    except Exception:  # noqa: BLE001 - refused or gone: the app works on without a user name
        return
    if message:
        os.environ.update({str(k): str(v) for k, v in json.loads(message).items()})


def build_app(path=None, lang: str | None = None):
    """Load the workbook and build the widgets; the returned app displays itself in a notebook."""
    from prioritisation.app.state import AppState
    from prioritisation.app.ui import App
    from prioritisation.data.sample import sample_path

    path = path or os.environ.get(WORKBOOK_ENV) or sample_path()
    state = AppState.load(path)
    lang = lang or os.environ.get("PRIORITISATION_LANG") or None
    if lang is None and state.ok and state.wb.settings.get("language") in ("nl", "en"):
        lang = str(state.wb.settings["language"])
    set_language(lang if lang in ("nl", "en") else None)
    if state.ok:
        warm_up(state.path)
    return App(state)


def warm_up(path) -> None:
    """What every page needs and no login changes, done before the page's identity is asked
    for: in a preheated kernel that is while it waits in the pool, not while its member
    waits. The modules the first tab's page needs (the group round's with SQLAlchemy: about
    half a second of a core; not those of the tabs opened later, such as the roadmap's SciPy,
    ``tests/app/test_notebook.py``) are imported, the languages' names read (Babel's locale
    data), and the scenario store is opened once and closed (its driver and its migrations
    checked). Whatever fails here is met, and reported, when the page opens it.
    """
    import contextlib

    import prioritisation.app.group  # noqa: F401 - imported for its import time
    import prioritisation.app.group_pdf  # noqa: F401
    import prioritisation.app.scenarios  # noqa: F401
    import prioritisation.app.upload  # noqa: F401
    from prioritisation.app.ui import language_options
    from prioritisation.scenarios.db import open_store

    language_options()
    with contextlib.suppress(Exception):
        open_store(path).close()


__all__ = [
    "CHAIR_ENV",
    "PROOF_HEADER",
    "TOKEN_ENV",
    "USER_HEADER_ENV",
    "WORKBOOK_ENV",
    "build_app",
    "kernel_proof",
    "page_pending",
    "proxy_user",
    "receive_request_info",
    "warm_up",
]
