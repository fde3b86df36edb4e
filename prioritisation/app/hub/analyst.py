"""An analyst's server: JupyterLab on their own copy of the group's notebooks and workbook.

The spawner runs ``python -m prioritisation.app.hub lab`` with the group's workbook
(``PRIORITISATION_HUB_WORKBOOK``), the project's notebooks (``PRIORITISATION_HUB_NOTEBOOKS``)
and the group's read-only store. The first start copies them into ``$HOME/prioritisation/GROUP``::

    notebooks/analysis.ipynb   (its ``workbook = …`` parameter pointing at the copy below)
    data/workbook.xlsx
    reports/

and JupyterLab (``jupyterhub-singleuser``) opens there: whatever the analyst saves stays in their
copy, never in the group's folder. A later start copies the group's workbook again only when
the group changed it and the analyst did not (else their copy is kept and the group's new one is
put beside it as ``*.group.xlsx``).

>>> import tempfile
>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.app.hub.config import ROOT
>>> home = Path(tempfile.mkdtemp())
>>> copy = prepare_copy(home, "digib", sample_path(), ROOT / "notebooks")
>>> sorted(p.name for p in (copy / "data").glob("*.xlsx"))
['sample.xlsx']
>>> nb = json.loads((copy / "notebooks" / "analysis.ipynb").read_text())
>>> any('workbook = "../data/sample.xlsx"' in "".join(c["source"]) for c in nb["cells"])
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

PARAMETER = re.compile(r'^workbook = "[^"]*"(.*)$')
SOURCE_MARK = ".group-workbook.sha256"  # the hash of the group's workbook the copy was made of
SKIPPED = {"app.ipynb"}
# JupyterLab asks the internet for news and updates, and the analyst whether it may: nothing may
# load from outside at run time (lab/overrides.json answers no for them)
OFFLINE = ["--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           f"--LabApp.app_settings_dir={Path(__file__).resolve().parent / 'lab'}"]  # fmt: skip  # the app is what members use; analysts have the notebooks


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _point_at(notebook: Path, workbook_name: str) -> None:
    """Set the notebook's ``workbook = "…"`` parameter to the copy's workbook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], list) else [cell["source"]]
        lines = "".join(source).split("\n")
        changed = [PARAMETER.sub(f'workbook = "../data/{workbook_name}"\\1', x) for x in lines]
        if changed != lines:
            cell["source"] = "\n".join(changed)
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _copy_workbook(source: Path, data: Path) -> Path:
    target = data / source.name
    mark = data / SOURCE_MARK
    new = _sha256(source)
    if not target.exists():
        shutil.copyfile(source, target)
    elif mark.exists() and mark.read_text().strip() != new:
        if _sha256(target) == mark.read_text().strip():  # untouched by the analyst: refresh
            shutil.copyfile(source, target)
        else:  # the analyst changed theirs: keep it, put the group's new one beside it
            shutil.copyfile(source, data / f"{source.stem}.group{source.suffix}")
            return target
    mark.write_text(new + "\n")
    return target


def prepare_copy(home, group: str, workbook, notebooks) -> Path:
    """The analyst's copy for ``group`` under ``home`` (made or brought up to date)."""
    copy = Path(home) / "prioritisation" / group
    for sub in ("notebooks", "data", "reports"):
        (copy / sub).mkdir(parents=True, exist_ok=True)
    target = _copy_workbook(Path(workbook), copy / "data")
    for notebook in sorted(Path(notebooks).glob("*.ipynb")):
        mine = copy / "notebooks" / notebook.name
        if notebook.name in SKIPPED or mine.exists():
            continue  # never overwrite the analyst's own work
        shutil.copyfile(notebook, mine)
        _point_at(mine, target.name)
    return copy


def main(argv: list[str]) -> int:
    """Make the copy, then become ``jupyterhub-singleuser`` (JupyterLab) opened on it."""
    from prioritisation.app import WORKBOOK_ENV

    group = os.environ["PRIORITISATION_HUB_GROUP"]
    workbook = Path(os.environ["PRIORITISATION_HUB_WORKBOOK"])
    notebooks = Path(os.environ["PRIORITISATION_HUB_NOTEBOOKS"])
    copy = prepare_copy(Path(os.environ.get("HOME") or Path.home()), group, workbook, notebooks)
    os.environ[WORKBOOK_ENV] = str(copy / "data" / workbook.name)
    os.chdir(copy)
    command = str(Path(sys.executable).with_name("jupyterhub-singleuser"))
    args = [command, f"--ServerApp.root_dir={copy}", *OFFLINE, *argv]
    if os.geteuid() == 0:  # the demo's local spawner runs everyone as the invoking user
        args.append("--allow-root")
    os.execv(command, args)
    return 1  # not reached
