"""The app notebook: a few lines that call the package (``notebooks/app.ipynb`` is this one).

``prioritisation app`` writes it into a private folder and serves that folder with Voila, so the
command works from an installed package too, and Voila can serve nothing else. The served copy
names the app's own kernel spec (:mod:`prioritisation.app.kernel`, ipykernel without its
debugger, found through ``JUPYTER_PATH``); ``notebooks/app.ipynb`` names the usual ``python3``
so that it opens in any Jupyter.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

SOURCE = "from prioritisation.app import build_app\n\nbuild_app()"
KERNELS = {
    "python3": "Python 3",
    "prioritisation-app": "Prioritisation app (Python 3, no debugger)",
}
APP_KERNEL = "prioritisation-app"  # app/jupyter/kernels/prioritisation-app/kernel.json


def app_notebook(kernel: str = "python3") -> nbformat.NotebookNode:
    """The notebook: one cell, no outputs, no cell ids; ``kernel`` names its kernel spec."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": kernel,
        "display_name": KERNELS[kernel],
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    cell = nbformat.v4.new_code_cell(SOURCE)
    cell.pop("id", None)
    nb.cells = [cell]
    nb.nbformat_minor = 4  # no cell ids: stable, diff-free file
    return nb


def write_app_notebook(path, kernel: str = "python3") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(app_notebook(kernel), str(path))
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance: rewrite notebooks/app.ipynb
    import sys

    print(write_app_notebook(sys.argv[1] if len(sys.argv) > 1 else "notebooks/app.ipynb"))
