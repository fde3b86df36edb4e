"""Every notebook is committed without outputs and runs top to bottom on the sample.

The report template is executed by tests/test_report.py (through the report pipeline); the
others here with papermill, so a change in the package that breaks a notebook breaks the build.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    dirty = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_an_introduction(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    if path.name == "app.ipynb":
        pytest.skip("the Voila app page shows the app itself; its intro is in the app's header")
    assert cells[0]["cell_type"] == "markdown" and len("".join(cells[0]["source"])) > 100


@pytest.mark.slow
@pytest.mark.parametrize("name", ["analysis.ipynb", "assessors.ipynb"])
def test_runs_top_to_bottom_on_the_sample(name, tmp_path):
    import papermill

    path = ROOT / "notebooks" / name
    if not path.exists():
        pytest.skip(f"{name} is not there yet")
    params = {"workbook": str(ROOT / "data" / "sample.xlsx")}
    if name == "analysis.ipynb":
        params["export"] = str(tmp_path / "analyse.xlsx")
    else:
        params["folder"] = str(tmp_path / "ronde")
    papermill.execute_notebook(
        str(path), str(tmp_path / name), parameters=params, cwd=str(path.parent), progress_bar=False,
        kernel_name="python3",
    )  # fmt: skip
    executed = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    errors = [
        o
        for c in executed["cells"]
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
