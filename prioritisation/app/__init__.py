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

from prioritisation.core.i18n import set_language

WORKBOOK_ENV = "PRIORITISATION_APP_WORKBOOK"
USER_HEADER_ENV = "PRIORITISATION_APP_USER_HEADER"  # set by ``prioritisation app --user-header``


def proxy_user(timeout: float = 5.0) -> str | None:
    """The user name a trusted reverse proxy passed in the configured header, if any.

    Voila hands the request's headers listed in ``http_header_envs`` to the kernel as
    ``HTTP_<NAME>`` variables; a preheated kernel gets them only after the page was handed over
    (``voila.utils.wait_for_request``, bounded here by ``timeout``).
    """
    header = os.environ.get(USER_HEADER_ENV, "").strip()
    if not header:
        return None
    name = "HTTP_" + header.upper().replace("-", "_")
    if name not in os.environ and os.environ.get("VOILA_PREHEAT") == "True":
        import threading

        try:
            from voila.utils import wait_for_request
        except ImportError:  # pragma: no cover - voila is a dependency
            return None
        waiter = threading.Thread(target=wait_for_request, daemon=True)
        waiter.start()
        waiter.join(timeout)
    value = os.environ.get(name, "").strip()
    return value or None


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
    return App(state)


__all__ = ["USER_HEADER_ENV", "WORKBOOK_ENV", "build_app", "proxy_user"]
