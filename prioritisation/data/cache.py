"""A workbook is read once per server, not once per member page.

Every page of the app runs in its own kernel; without this module each of them parsed and
validated the workbook again (a 56 MB CSV folder took 1.9 GB, once per member).
:func:`checked_workbook` keeps the validated result in a private cache keyed by the file's
SHA-256 (the file is hashed, streaming, on every call; an edited file is read afresh) and by
the code that reads it (:func:`code_version`). ``prioritisation app`` fills the cache when it starts, so
the pages only load the result.

The cache is a folder only this user may write (``PRIORITISATION_CACHE``, else
``$XDG_CACHE_HOME/prioritisation/workbooks``, else ``~/.cache/…``): a folder or file that
someone else owns or could write is not trusted and the workbook is simply read. If the cache
cannot be written (read-only home, full disk) the workbook is read as before.

>>> from prioritisation.data.sample import sample_path
>>> wb, problems = checked_workbook(sample_path())
>>> problems, len(wb.ideas) > 0
([], True)
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from prioritisation.core.errors import Problem
from prioritisation.core.model import Workbook
from prioritisation.core.version import __version__
from prioritisation.data.workbook import check_workbook, file_sha256

KEEP = 20  # cached results kept; older ones are removed


def cache_dir() -> Path:
    """Where validated workbooks are kept (see the module text)."""
    if explicit := os.environ.get("PRIORITISATION_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "prioritisation" / "workbooks"


def checked_workbook(path, folder: Path | None = None) -> tuple[Workbook | None, list[Problem]]:
    """:func:`~prioritisation.data.workbook.check_workbook`, read once per server."""
    path = Path(path)
    if not path.exists():
        return check_workbook(path)
    folder = cache_dir() if folder is None else Path(folder)
    try:
        digest = file_sha256(path)
    except OSError:
        return check_workbook(path)
    entry = folder / f"{digest}-{code_version()}.pickle"
    cached = _load(entry)
    if cached is not None:
        wb, problems = cached
        if wb is not None and wb.source != str(path):  # the same content under another name
            wb = replace(wb, source=str(path))
        return wb, problems
    wb, problems = check_workbook(path)
    _store(folder, entry, (wb, problems))
    return wb, problems


@functools.cache
def code_version() -> str:
    """The package and Python versions and a digest of the code that makes a
    :class:`~prioritisation.core.model.Workbook` (``core/model.py`` and ``data/*.py``): an
    editable install keeps its version number while a field is added, and a result pickled by
    older code must not be loaded by newer code."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in [package / "core" / "model.py", *sorted((package / "data").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return f"{__version__}-{python}-{digest.hexdigest()[:12]}"


def _private(p: Path, *, folder: bool) -> bool:
    """``p`` is ours and nobody else may write it."""
    try:
        st = p.lstat()
    except OSError:
        return False
    kind = stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)
    return kind and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load(entry: Path):
    if not (_private(entry.parent, folder=True) and _private(entry, folder=False)):
        return None
    try:
        with open(entry, "rb") as fh:
            value = pickle.load(fh)  # noqa: S301 - our own private file (checked above)
    except Exception:  # a truncated or stale entry: read the workbook instead
        return None
    if not (isinstance(value, tuple) and len(value) == 2):
        return None
    return value


def _store(folder: Path, entry: Path, value) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder, folder=True):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(folder)
    except (OSError, pickle.PicklingError):  # no cache today: the workbook was read anyway
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
    for tmp in folder.glob("*.tmp"):  # a writer killed half-way
        tmp.unlink(missing_ok=True)
