"""The users' workbook (``.xlsx``, ``.ods`` or a CSV folder) in one call: read and validated.

:func:`read_workbook` returns a :class:`~prioritisation.core.model.Workbook` or raises one
:class:`~prioritisation.core.errors.WorkbookError` listing *every* problem found, each with its
sheet (or CSV file), Excel row (header = row 1) and column as written in the file.
:func:`check_workbook` returns the problems without raising. Reading the file is
:mod:`prioritisation.data.reader` (aliases, encodings), checking its values
:mod:`prioritisation.data.validator`, writing a workbook :mod:`prioritisation.data.writer`.
A number typed as text (``"3,5"``) is the number 3.5.

>>> from prioritisation.data.sample import sample_path
>>> len(read_workbook(sample_path()).ideas)
26

A broken CSV folder: every problem names its file, Excel row and column.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "ideeen.csv").write_text("id;titel;kost\\nA;Alfa;veel\\n", encoding="utf-8")
>>> _ = (folder / "scores.csv").write_text("idee;criterium;beoordelaar;score\\nA;innovation;An;3\\n")
>>> wb, problems = check_workbook(folder)
>>> wb is None, [p.format("en") for p in problems]
(True, ["file 'ideeen.csv', row 2, column 'kost': 'veel' is not a number"])
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from prioritisation.core.errors import Problem, WorkbookError
from prioritisation.core.i18n import N_
from prioritisation.core.model import Workbook
from prioritisation.data.limits import ProblemList
from prioritisation.data.member_weights import check_member_weights
from prioritisation.data.members import check_members
from prioritisation.data.reader import read_sheets
from prioritisation.data.validator import Checker


def check_workbook(path) -> tuple[Workbook | None, list[Problem]]:
    """Read and validate ``path``; return the workbook (``None`` if unusable) and all problems.

    At most :data:`~prioritisation.data.limits.MAX_PROBLEMS` problems are listed; when there
    are more, the last line counts the rest (``… en nog 1.234 problemen``)."""
    path = Path(path)
    problems = ProblemList()
    if not path.exists():
        return None, [Problem(None, None, None, N_("problem.file_missing"), {"path": str(path)})]
    sheets = read_sheets(path, problems)
    if sheets is None:
        return None, finish(problems)
    suffix = ".csv" if path.is_dir() else ""
    found = ", ".join(s.display for s in sheets.values()) or "—"
    for kind in ("ideas", "scores"):
        if kind not in sheets:
            problems.append(Problem(None, None, None, N_("problem.sheet_missing"),
                                    {"sheet": kind + suffix, "found": found}))  # fmt: skip
    checker = Checker(sheets, problems)
    criteria, defaulted = checker.criteria()
    ideas = checker.ideas()
    scores = checker.scores(criteria, ideas)
    settings = checker.settings()
    pairwise = checker.pairwise(criteria)
    members = check_members(checker)
    assessors = set(scores["assessor"].dropna()) if "assessor" in scores else set()
    member_weights = check_member_weights(checker, criteria, members,
                                          assessors | set(pairwise["assessor"]))  # fmt: skip
    if problems:
        return None, finish(problems)
    workbook = Workbook(
        criteria=criteria, ideas=ideas, scores=scores, settings=settings, pairwise=pairwise, members=members,
        member_weights=member_weights,
        source=str(path), sha256=file_sha256(path), criteria_defaulted=defaulted,
    )  # fmt: skip
    return workbook, []


def finish(problems: ProblemList) -> list[Problem]:
    """The problems in order (:func:`sort_problems`) and, if some were only counted, a line
    that says how many more there are."""
    out = sort_problems(problems)
    if problems.dropped:
        out.append(Problem(None, None, None, N_("problem.more"), {"n": problems.dropped}))
    return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Group by sheet (in the order met), then by row; the order within a row is kept."""
    first_seen: dict[str | None, int] = {}
    for p in problems:
        first_seen.setdefault(p.sheet, len(first_seen))
    return sorted(problems, key=lambda p: (first_seen[p.sheet], p.row or 0))


def read_workbook(path) -> Workbook:
    """The validated workbook at ``path``; raises :class:`WorkbookError` with every problem."""
    workbook, problems = check_workbook(path)
    if problems:
        raise WorkbookError(problems, source=str(path))
    assert workbook is not None
    return workbook


def file_sha256(path: Path) -> str:
    """SHA-256 of a workbook file, or of a CSV folder (its CSV files by name, in order)."""
    digest = hashlib.sha256()
    for p in sorted(path.glob("*.csv")) if path.is_dir() else [path]:
        if path.is_dir():
            digest.update(p.name.encode() + b"\0")
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):  # noqa: B023 - used at once
                digest.update(block)
        if path.is_dir():
            digest.update(b"\0")
    return digest.hexdigest()
