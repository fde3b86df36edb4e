"""The bounds on what a workbook may hold, so that a small hostile file cannot take a server down;
and :class:`Unreadable`, which stops reading when a file passes one (or cannot be read).

Every reader checks them while it streams, before the value is built where it can: a cell is
counted character by character and never held past :data:`MAX_CELL_CHARS`, a sheet's rows are
counted as they come, a file's size and its unpacked size are looked at before it is opened.
Each limit is generous for real use (a steering group has tens of ideas, not thousands) and
each breach is a located :class:`~prioritisation.core.errors.Problem` (exit 2), never a crash.

>>> MAX_ROWS["ideas"], MAX_ROWS["scores"], MAX_CELL_CHARS
(50000, 2000000, 10000)
"""

from __future__ import annotations

MAX_FILE_BYTES = 100 * 1024 * 1024
"""The largest workbook file (``.xlsx``, ``.ods``) or CSV file read: 100 MB on disk."""

MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""The largest total size of the sheets and shared strings of a workbook once unpacked (1 GB):
a zip file can hide a thousand times its own size."""

MAX_PART_BYTES = 20 * 1024 * 1024
"""The largest unpacked size of any other part the reader parses whole (styles, the workbook's
list of sheets, relations, properties): 20 MB; real ones are a few kilobytes."""

MAX_CELL_CHARS = 10_000
"""The longest text in one cell: 10,000 characters (about four pages of a description)."""

MAX_COLUMNS = 1_000
"""The most headed columns in one sheet."""

MAX_ROWS = {"ideas": 50_000, "scores": 2_000_000, "pairwise": 100_000}
"""The most filled rows (headings not counted) in a sheet of each kind; see :data:`MAX_OTHER_ROWS`."""

MAX_OTHER_ROWS = 10_000
"""The most filled rows in a sheet of another kind (criteria, settings)."""

MAX_SHARED_STRINGS = 5_000_000
"""The most distinct texts in an ``.xlsx`` file's table of shared strings."""

MAX_PROBLEMS = 200
"""The most problems listed; the rest are counted in one closing line."""


def max_rows(kind: str) -> int:
    """The row limit of a sheet of ``kind``.

    >>> max_rows("criteria")
    10000
    """
    return MAX_ROWS.get(kind, MAX_OTHER_ROWS)


class TooLong:
    """Stands for a cell whose text is longer than :data:`MAX_CELL_CHARS`; only its length is kept."""

    __slots__ = ("length",)

    def __init__(self, length: int):
        self.length = length

    def __repr__(self) -> str:
        return f"TooLong({self.length})"


class ProblemList(list):
    """A list of problems that keeps the first :data:`MAX_PROBLEMS` and counts the rest.

    >>> problems = ProblemList(limit=2)
    >>> for i in range(5):
    ...     problems.append(i)
    >>> problems, problems.dropped
    ([0, 1], 3)
    """

    def __init__(self, items=(), limit: int = MAX_PROBLEMS):
        super().__init__()
        self.limit = limit
        self.dropped = 0
        for item in items:
            self.append(item)

    def append(self, item) -> None:
        if len(self) < self.limit:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)


class Unreadable(Exception):
    """Reading stops: the file (or a sheet) cannot be read, or passes one of the limits above.

    Carries the located problems that say why; the reader lists them all and validates nothing.
    """

    def __init__(self, *problems):
        super().__init__(problems)
        self.problems = list(problems)
