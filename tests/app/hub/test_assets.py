"""The folders the launcher serves the page's files from are Voila's: the files are there."""

from __future__ import annotations

import os
from pathlib import Path

from prioritisation.app.hub.assets import asset_paths


def _found(folders, pattern: str) -> list[Path]:
    return [p for folder in folders for p in Path(folder).glob(pattern)]


def test_the_page_script_and_the_widget_manager_are_found():
    paths = asset_paths()
    assert _found(paths["voila/static/"], "voila.js")
    assert _found(paths["voila/labextensions/"], "@voila-dashboards/widgets-manager8/static/remoteEntry.*.js")  # fmt: skip
    assert _found(paths["voila/labextensions/"], "@jupyter-widgets/jupyterlab-manager/static/remoteEntry.*.js")  # fmt: skip
    # the app's own template comes before Voila's lab template, as Voila looks them up
    static = paths["voila/static/"]
    ours = next(i for i, p in enumerate(static) if p.endswith("templates/prioritisation/static"))
    lab = next(i for i, p in enumerate(static) if p.endswith("templates/lab/static"))
    assert ours < lab


def test_the_environment_is_left_as_it_was(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere")
    asset_paths()
    assert os.environ["JUPYTER_PATH"] == "/somewhere"
    monkeypatch.delenv("JUPYTER_PATH")
    asset_paths()
    assert "JUPYTER_PATH" not in os.environ
