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

from ..i18n import set_language

WORKBOOK_ENV = "PRIORITISATION_APP_WORKBOOK"


def build_app(path=None, lang: str | None = None):
    """Load the workbook and build the widgets; the returned app displays itself in a notebook."""
    from ..sample import sample_path
    from .state import AppState
    from .ui import App

    path = path or os.environ.get(WORKBOOK_ENV) or sample_path()
    state = AppState.load(path)
    lang = lang or os.environ.get("PRIORITISATION_LANG") or None
    if lang is None and state.ok and state.wb.settings.get("language") in ("nl", "en"):
        lang = str(state.wb.settings["language"])
    set_language(lang if lang in ("nl", "en") else None)
    return App(state)


__all__ = ["WORKBOOK_ENV", "build_app"]
