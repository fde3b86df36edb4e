"""The prioritisation workbench: score, weigh, fund and explain innovation projects.

The public API for notebooks and scripts::

    from prioritisation import read_workbook, rank
    wb = read_workbook("data/sample.xlsx")
    ranking = rank(wb, weights="innovation=3,desirability=2")
"""

from prioritisation.core.errors import Problem, UsageError, WorkbookError  # noqa: E402
from prioritisation.core.model import Workbook  # noqa: E402
from prioritisation.core.version import __version__
from prioritisation.data.workbook import check_workbook, read_workbook  # noqa: E402
from prioritisation.data.writer import write_workbook  # noqa: E402
from prioritisation.engine.scoring import Ranking, prepare, rank, rank_prepared  # noqa: E402
from prioritisation.engine.weights import resolve_weights  # noqa: E402

__all__ = [
    "Problem", "Ranking", "UsageError", "Workbook", "WorkbookError", "__version__",
    "check_workbook", "prepare", "rank", "rank_prepared", "read_workbook", "resolve_weights",
    "write_workbook",
]  # fmt: skip
