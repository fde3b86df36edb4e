"""The app notebook: a few lines that call the package (``notebooks/app.ipynb`` is this one).

``prioritisation app`` writes it into a private folder and serves that folder with Voila, so the
command works from an installed package too, and Voila can serve nothing else.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

SOURCE = "from prioritisation.app import build_app\n\nbuild_app()"


def app_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    cell = nbformat.v4.new_code_cell(SOURCE)
    cell.pop("id", None)
    nb.cells = [cell]
    nb.nbformat_minor = 4  # no cell ids: stable, diff-free file
    return nb


def write_app_notebook(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(app_notebook(), str(path))
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance: rewrite notebooks/app.ipynb
    import sys

    print(write_app_notebook(sys.argv[1] if len(sys.argv) > 1 else "notebooks/app.ipynb"))
