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


# Imported by later tabs only (the value and cost chart, the PDF, the scenario store, the
# optimiser): the first cell, which every member's kernel runs before the first ranking, must
# not pay for them. openpyxl reads a workbook; the server has read it already (data.cache).
# The store (SQLAlchemy, Alembic: ~0,13 s) is opened at once since the Group tab: a member
# whose kernel was lost gets their last shared weights back on the first page.
DEFERRED = ("scipy", "altair", "vl_convert", "matplotlib", "weasyprint", "papermill",
            "nbconvert", "openpyxl")  # fmt: skip

FIRST_CELL = """
import ast, json, sys
from prioritisation.app.notebook import SOURCE
tree = ast.parse(SOURCE)
*body, last = tree.body
exec(compile(ast.Module(body, []), "app", "exec"))
app = eval(compile(ast.Expression(last.value), "app", "eval"))
print(json.dumps({"rows": app.table.value.count("data-id="), "loaded": sorted(
    m for m in sys.modules if m.split(".")[0] in sys.argv[1].split(","))}))
"""


def test_first_cell_leaves_the_heavy_modules_to_later_tabs(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from prioritisation.data.cache import checked_workbook
    from tests.conftest import SAMPLE

    checked_workbook(SAMPLE, folder=tmp_path)  # as ``prioritisation app`` does at start-up
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIORITISATION_CACHE": str(tmp_path),
           "PRIORITISATION_APP_WORKBOOK": str(SAMPLE)}  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", FIRST_CELL, ",".join(DEFERRED)], env=env,
                          capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["rows"] >= 10  # the first ranking is there (the sample's ideas)
    assert result["loaded"] == []
