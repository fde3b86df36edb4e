"""A new version of a group's workbook: installed only when it is valid, the previous one kept.

:func:`install_version` is what the chair's upload in the app calls (and what a hub may call):
the new file is written beside the workbook under a temporary name and read and validated
with the same reader as every command (:func:`~prioritisation.data.workbook.check_workbook`:
every problem at once, each located). Only when it has none is the current workbook kept as
``versions/<time>-<sha8>.xlsx`` (the time it was replaced, UTC; the first 8 hex digits of its
SHA-256) beside it and the new file moved onto the workbook's name in one step, so that a
reader sees the old file or the new one, never half of one. With a problem nothing is
replaced and nothing is kept. A file in ``versions/`` is never overwritten.

A scenario (and a round) records the SHA-256 of the workbook it was made on;
:func:`version_path` finds that file again, current or kept.

>>> import shutil, tempfile
>>> from prioritisation.data.sample import sample_path
>>> folder = Path(tempfile.mkdtemp())
>>> workbook = Path(shutil.copy(sample_path(), folder / "ronde.xlsx"))
>>> bad = install_version(workbook, b"not a workbook", "ronde-v2.xlsx")
>>> bad.ok, len(bad.problems) > 0, (folder / "versions").exists()
(False, True, False)
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.data.writer import write_workbook
>>> import dataclasses
>>> wb = read_workbook(workbook)
>>> ideas = wb.ideas.copy()
>>> ideas.loc["ZOEK", "title"] = "Zoeken 2.0"
>>> new = write_workbook(dataclasses.replace(wb, ideas=ideas), folder / "v2.xlsx")
>>> good = install_version(workbook, new.read_bytes(), "v2.xlsx")
>>> good.ok, good.previous.parent.name, read_workbook(workbook).ideas.loc["ZOEK", "title"]
(True, 'versions', 'Zoeken 2.0')
>>> version_path(workbook, good.previous_sha256) == good.previous
True
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prioritisation.core.errors import EnvironmentFailure, Problem
from prioritisation.core.i18n import N_
from prioritisation.data.limits import MAX_FILE_BYTES
from prioritisation.data.workbook import check_workbook, file_sha256

VERSIONS = "versions"  # the folder beside the workbook that keeps the previous versions
SUFFIXES = (".xlsx", ".ods")


@dataclass(frozen=True)
class VersionResult:
    """What :func:`install_version` did. ``ok``: the new file is the workbook now (or already
    was: ``unchanged``); ``sha256`` the workbook's SHA-256 now; ``previous`` where the one it
    replaced was kept (``None`` when nothing was replaced) and its ``previous_sha256``;
    ``problems`` why nothing was replaced."""

    ok: bool
    sha256: str | None = None
    previous: Path | None = None
    previous_sha256: str | None = None
    unchanged: bool = False
    problems: list[Problem] = field(default_factory=list)


def install_version(
    workbook, data: bytes, filename: str, check: Callable[[Path], list[Problem]] | None = None
) -> VersionResult:
    """Validate ``data`` (the bytes of a file the user called ``filename``) and, when it holds
    no problem, make it the workbook at ``workbook``, keeping the previous file in
    ``versions/``. See the module for what happens when, and an example.

    ``check``: more checks of the candidate file (given its path) when the reader found no
    problem, e.g. the app's: that its settings resolve to a run; its problems refuse it too."""
    workbook = Path(workbook)
    suffix = Path(filename).suffix.lower()
    if workbook.is_dir() or workbook.suffix.lower() not in SUFFIXES:
        return _refused(N_("version.not_a_file"), path=workbook.name)
    if suffix != workbook.suffix.lower():
        return _refused(N_("version.suffix"), name=filename, suffix=workbook.suffix.lower())
    if len(data) > MAX_FILE_BYTES:
        return _refused(N_("problem.file_too_big"), size=len(data) // 2**20,
                        max=MAX_FILE_BYTES // 2**20)  # fmt: skip
    sha = hashlib.sha256(data).hexdigest()
    try:
        with _locked(workbook.parent), _scratch(workbook, data) as candidate:
            _, problems = check_workbook(candidate)
            if not problems and check is not None:
                problems = list(check(candidate))
            if problems:
                return VersionResult(ok=False, problems=problems)
            if workbook.exists() and file_sha256(workbook) == sha:
                return VersionResult(ok=True, sha256=sha, unchanged=True)
            previous = previous_sha = None
            if workbook.exists():
                previous_sha = file_sha256(workbook)
                previous = _keep(workbook, previous_sha)
            os.replace(candidate, workbook)
    except OSError as exc:
        failure = EnvironmentFailure.from_os_error(exc, workbook)
        if failure is None:
            raise
        raise failure from exc
    return VersionResult(ok=True, sha256=sha, previous=previous, previous_sha256=previous_sha)


def _refused(code: str, **params) -> VersionResult:
    return VersionResult(ok=False, problems=[Problem(None, None, None, code, params)])


@contextlib.contextmanager
def _locked(folder: Path):
    """One installation at a time per folder (a lock on the folder itself): two chairs who
    upload at once each keep the version they replaced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _scratch(workbook: Path, data: bytes):
    """``data`` in a hidden file beside ``workbook`` (same folder: the move is one step), with
    the workbook's permissions; removed afterwards unless it was moved onto the workbook."""
    fd, name = tempfile.mkstemp(prefix=f".{workbook.stem}.new-", suffix=workbook.suffix,
                                dir=workbook.parent)  # fmt: skip
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if workbook.exists():
            shutil.copymode(workbook, path)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _keep(workbook: Path, sha: str) -> Path:
    """Copy ``workbook`` to ``versions/<time>-<sha8><suffix>`` (a new name, never over one)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = workbook.parent / VERSIONS
    folder.mkdir(exist_ok=True)
    for n in range(1, 1000):
        target = folder / f"{stamp}-{sha[:8]}{'' if n == 1 else f'-{n}'}{workbook.suffix}"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out, open(workbook, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(workbook, target)
        return target
    raise FileExistsError(target)  # pragma: no cover - a thousand copies in one second


def kept_versions(workbook) -> list[Path]:
    """The versions kept beside ``workbook``, oldest first."""
    workbook = Path(workbook)
    folder = workbook.parent / VERSIONS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{workbook.suffix}") if not p.name.startswith("."))


def version_path(workbook, sha256: str) -> Path | None:
    """The file, current or kept, whose SHA-256 is ``sha256`` (what a scenario or a round
    recorded); ``None`` when there is none."""
    workbook = Path(workbook)
    if workbook.is_file() and file_sha256(workbook) == sha256:
        return workbook
    for path in kept_versions(workbook):
        if path.stem.split("-")[1:2] == [sha256[:8]] and file_sha256(path) == sha256:
            return path
    return None
