"""Writing a workbook back as the sheets a user would type: ``.xlsx`` that reads back equal.

>>> import tempfile
>>> from pathlib import Path
>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> copy = write_workbook(wb, Path(tempfile.mkdtemp()) / "copy.xlsx")
>>> read_workbook(copy).idea_ids == wb.idea_ids
True
>>> list(workbook_sheets(wb))
['criteria', 'ideas', 'scores', 'settings', 'pairwise', 'members']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.data.export import write_xlsx


def workbook_sheets(wb: Workbook) -> dict[str, pd.DataFrame]:
    """The workbook as the sheets a user would write (long-form scores), ready for export."""
    criteria = wb.criteria.drop(columns=["row"], errors="ignore").reset_index()
    criteria = criteria.dropna(axis=1, how="all")
    ideas = wb.ideas.drop(columns=["row"], errors="ignore").reset_index()
    ideas["depends_on"] = ideas["depends_on"].map(lambda d: "; ".join(d))
    ideas = ideas.dropna(axis=1, how="all")
    if "group" in ideas and (ideas["group"] == "").all():
        ideas = ideas.drop(columns=["group"])
    scores = wb.scores.drop(columns=["row"], errors="ignore")
    sheets = {"criteria": criteria, "ideas": ideas, "scores": scores}
    if wb.settings:
        sheets["settings"] = pd.DataFrame(
            {"key": list(wb.settings), "value": list(wb.settings.values())}
        )
    if not wb.pairwise.empty:
        sheets["pairwise"] = wb.pairwise.drop(columns=["row"], errors="ignore")
    if not wb.member_weights.empty:
        sheets["member_weights"] = wb.member_weights.drop(columns=["row"], errors="ignore")
    if not wb.members.empty:
        sheets["members"] = wb.members.drop(columns=["row"], errors="ignore").reset_index()
    return sheets


def write_workbook(wb: Workbook, path) -> Path:
    """Write ``wb`` as an ``.xlsx`` workbook that
    :func:`~prioritisation.data.workbook.read_workbook` reads back equal."""
    return write_xlsx(workbook_sheets(wb), path)
