"""Where the app page's scripts and styles are: the launcher of a member's server
(:mod:`prioritisation.app.hub.member`) serves them itself, from the folders Voila would serve
them from, instead of passing each of about ninety requests per page through Voila."""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATE = "prioritisation"  # the app's Voila template (prioritisation/app/config/voila.json)


def asset_paths() -> dict[str, list[str]]:
    """The folders Voila serves ``voila/static/`` and ``voila/labextensions/`` from, for the
    app's template, found as Voila finds them (its own functions, with the app's Jupyter folder
    first on ``JUPYTER_PATH`` as ``prioritisation app`` puts it).

    >>> paths = asset_paths()
    >>> any(p.endswith("templates/prioritisation/static") for p in paths["voila/static/"])
    True
    >>> any(p.endswith("labextensions") for p in paths["voila/labextensions/"])
    True
    """
    data = str(Path(__file__).resolve().parents[1] / "jupyter")
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = data + (os.pathsep + before if before else "")
    try:
        from jupyter_server import DEFAULT_STATIC_FILES_PATH
        from voila.paths import collect_static_paths
        from voila.utils import get_voila_labextensions_path

        static = [
            *collect_static_paths(["voila", "nbconvert"], TEMPLATE),
            DEFAULT_STATIC_FILES_PATH,
        ]
        labextensions = get_voila_labextensions_path()
    finally:
        if before is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = before
    return {"voila/static/": static, "voila/labextensions/": labextensions}
