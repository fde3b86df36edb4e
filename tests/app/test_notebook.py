"""The app notebook is the generated few lines."""

from __future__ import annotations

import nbformat

from prioritisation.app.notebook import SOURCE, app_notebook
from tests.conftest import ROOT


def test_notebook_is_the_generated_few_lines_without_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "app.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [SOURCE]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells)
    assert nb.metadata.kernelspec.name == app_notebook().metadata.kernelspec.name
