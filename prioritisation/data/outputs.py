"""The one guard for output paths: an output never replaces an input, nor silently a stranger.

Every command that writes a file calls :func:`check_output` before any work, with the files
it reads. It refuses (a :class:`~prioritisation.core.errors.UsageError`, exit code 2, naming
both paths) an output path that is, or resolves to (symlinks, ``..``, hard links), an input:

- the workbook (an ``.xlsx`` file), or any CSV file of a workbook folder (an output ``.csv``
  directly inside it would be read as a sheet next time, so it is refused even when new);
- the scenario store: the SQLite file and its ``-wal``, ``-shm`` and ``-journal`` files. Any
  existing SQLite database is also refused as the target of another kind of output, even
  when the caller did not name it.

Replacing any other existing file needs ``force=True`` (the CLI's ``--force``), unless the
file carries the tool's own output marker, so that re-running a command to the same path just
works: an xlsx whose document properties say prioritisation made it
(:func:`prioritisation.data.export.write_xlsx` with ``marker=True``), a PDF whose ``/Creator``
is ``prioritisation …`` (the report sets it). CSV and JSON cannot carry a marker without
changing what they hold, so replacing an existing one always needs ``force``. ``force`` never
lets an output replace an input.

The check only reads; the write itself stays atomic (a temporary file beside the target, then
one :func:`os.replace`).
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from prioritisation.core.errors import UsageError
from prioritisation.data.export import OUTPUT_KEYWORD

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
PDF_CREATOR = "prioritisation"
_MAX_SNIFF = 64 * 1024 * 1024  # an output marker is looked for in files up to this size


def check_output(
    out, *, inputs: Iterable = (), force: bool = False, kind: str | None = None
) -> Path:
    """Check that ``out`` may be written; the absolute path to write.

    ``inputs``: the workbook (file or CSV folder), the store (its SQLAlchemy URL, e.g. from
    :func:`prioritisation.scenarios.db.store_url`, or its file) and any other file the
    command reads; ``None`` entries are skipped. ``kind``: what is written (``"pdf"``,
    ``"xlsx"``, ``"csv"``, ``"json"``, ``"sqlite"``, …; default: the suffix of ``out``); only
    an output of kind ``"sqlite"`` (a backup) may, with ``force``, replace a SQLite database
    that is not an input.

    >>> import tempfile
    >>> from prioritisation.data.sample import sample_path
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_output(folder / "ranking.xlsx", inputs=[sample_path()]) == folder / "ranking.xlsx"
    True
    >>> check_output(sample_path(), inputs=[sample_path()])
    Traceback (most recent call last):
    ...
    prioritisation.core.errors.UsageError: ...
    """
    target = Path(os.path.abspath(os.path.expanduser(str(out))))
    kind = (kind or target.suffix.lstrip(".") or "").lower()
    if target.is_dir():
        raise UsageError("usage.output_is_folder", path=str(out))
    real = Path(os.path.realpath(target))
    for name in inputs:
        if name is None or str(name) == "":
            continue
        _refuse_input(out, target, real, name)
    if not target.exists():
        return target
    if _is_sqlite_family(real) and kind != "sqlite":
        raise UsageError("usage.output_is_store", out=str(out))
    if force:
        return target
    if kind != "sqlite" and has_output_marker(real):
        return target
    raise UsageError("usage.output_exists", path=str(out))


def _refuse_input(out, target: Path, real: Path, name) -> None:
    """UsageError when the output ``target`` (resolved: ``real``) is the input ``name``."""
    text = str(name)
    if "://" in text or text.startswith("sqlite:"):
        found = sqlite_file(text)
        if found is None:
            return  # PostgreSQL, or an in-memory SQLite: no file to overwrite
        protected = [found, *(Path(f"{found}{side}") for side in SQLITE_SIDE_FILES)]
    else:
        path = Path(os.path.abspath(os.path.expanduser(text)))
        if path.is_dir():
            folder = Path(os.path.realpath(path))
            if real.parent == folder and real.suffix.lower() == ".csv":
                raise UsageError("usage.output_is_input", out=str(out), input=str(real))
            protected = [p for p in path.iterdir() if p.suffix.lower() == ".csv"]
        else:
            protected = [path, *(Path(f"{path}{side}") for side in SQLITE_SIDE_FILES)]
    for p in protected:
        if _same(real, target, p):
            raise UsageError("usage.output_is_input", out=str(out), input=str(p))


def _same(real: Path, target: Path, protected: Path) -> bool:
    if Path(os.path.realpath(protected)) == real:
        return True
    try:  # a hard link, or a path that differs only in a way realpath does not see
        return target.exists() and protected.exists() and os.path.samefile(target, protected)
    except OSError:
        return False


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (``sqlite:///data/s.scenarios.sqlite``), else ``None``.

    >>> sqlite_file("sqlite:////tmp/s.sqlite?mode=ro"), sqlite_file("sqlite://")
    (PosixPath('/tmp/s.sqlite'), None)
    >>> sqlite_file("postgresql://host/db") is None
    True
    """
    match = re.match(r"sqlite(?:\+\w+)?:///(.+)", url)
    if not match:
        return None
    path = match.group(1).split("?", 1)[0]
    if path in ("", ":memory:"):
        return None
    return Path(os.path.abspath(path))


def _is_sqlite_family(path: Path) -> bool:
    """``path`` is a SQLite database, or the ``-wal``/``-shm``/``-journal`` of one."""
    if _starts_with(path, SQLITE_HEADER):
        return True
    for side in SQLITE_SIDE_FILES:
        if path.name.endswith(side):
            return _starts_with(path.with_name(path.name[: -len(side)]), SQLITE_HEADER)
    return False


def _starts_with(path: Path, header: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(header)) == header
    except OSError:
        return False


def has_output_marker(path) -> bool:
    """Whether the file at ``path`` carries prioritisation's output marker (see the module).

    >>> import tempfile
    >>> import pandas as pd
    >>> from prioritisation.data.export import write_xlsx
    >>> folder = Path(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"a": [1]})
    >>> has_output_marker(write_xlsx({"s": frame}, folder / "ours.xlsx", marker=True))
    True
    >>> has_output_marker(write_xlsx({"s": frame}, folder / "theirs.xlsx"))
    False
    """
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_SNIFF:
            return False
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    if head.startswith(b"PK"):
        return _xlsx_marked(path)
    if head.startswith(b"%PDF"):
        return _pdf_marked(path.read_bytes())
    return False


def _xlsx_marked(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return False
    found = re.search(r"<cp:keywords>(.*?)</cp:keywords>", core, flags=re.S)
    return bool(found and OUTPUT_KEYWORD in found.group(1).split())


_PDF_CREATOR = re.compile(rb"/Creator\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>)")


def _pdf_marked(data: bytes) -> bool:
    """The PDF's ``/Creator`` starts with ``prioritisation`` (in the document information,
    plain or inside a compressed object stream, as WeasyPrint writes it)."""
    places = [data]
    for match in re.finditer(rb"/Type\s*/ObjStm.*?stream\r?\n", data, flags=re.S):
        start = match.end()
        if b"/FlateDecode" not in data[max(0, match.start() - 512) : start]:
            continue
        try:
            places.append(zlib.decompressobj().decompress(data[start:], 16 * 1024 * 1024))
        except zlib.error:
            continue
    for place in places:
        for found in _PDF_CREATOR.finditer(place):
            if _pdf_string(found.group(1)).startswith(PDF_CREATOR):
                return True
    return False


def _pdf_string(raw: bytes) -> str:
    """A PDF string object's text: ``(literal)`` or ``<hex>`` (UTF-16 with a BOM, or bytes)."""
    if raw.startswith(b"<"):
        digits = re.sub(rb"\s", b"", raw[1:-1]).decode("ascii")
        data = bytes.fromhex(digits + "0" * (len(digits) % 2))
    else:
        data = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    return data.decode("latin-1")
