"""A new version of the workbook: validated first, nothing replaced on a problem, the previous
version kept in ``versions/`` (never over a file there), one installation at a time."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from prioritisation.core.errors import Problem
from prioritisation.data import versions
from prioritisation.data.versions import install_version, kept_versions, version_path
from prioritisation.data.workbook import read_workbook
from tests.conftest import SAMPLE


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def edited(changes: dict[tuple[str, str], object]) -> bytes:
    """The sample with cells changed: ``{(sheet, "E2"): value}``, as the bytes of an xlsx."""
    book = openpyxl.load_workbook(SAMPLE)
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def workbook(tmp_path) -> Path:
    return Path(shutil.copy(SAMPLE, tmp_path / "ronde.xlsx"))


def folder_state(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_file_that_is_no_workbook_replaces_nothing(workbook):
    before = folder_state(workbook.parent)
    result = install_version(workbook, b"PK\x03\x04 not really a zip", "ronde.xlsx")
    assert not result.ok and result.problems and result.previous is None
    assert folder_state(workbook.parent) == before  # no temporary file left, no versions/


def test_every_problem_is_shown_at_once_located_and_nothing_is_replaced(workbook):
    before = folder_state(workbook.parent)
    bad = edited({("ideas", "E2"): "veel", ("scores", "D2"): 9, ("ideas", "A3"): None})
    result = install_version(workbook, bad, "ronde-v2.xlsx")
    assert not result.ok
    located = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("ideas", 2, "cost") in located and ("scores", 2, "score") in located
    assert len(result.problems) >= 3 and all(p.sheet for p in result.problems)
    assert folder_state(workbook.parent) == before


def test_a_good_file_becomes_the_workbook_and_the_previous_is_kept(workbook):
    old = workbook.read_bytes()
    new = edited({("ideas", "B2"): "Zoeken 2.0"})
    result = install_version(workbook, new, "ronde-v2.xlsx")
    assert result.ok and not result.unchanged and not result.problems
    assert workbook.read_bytes() == new and result.sha256 == sha(new)
    assert read_workbook(workbook).ideas.loc["ZOEK", "title"] == "Zoeken 2.0"
    assert result.previous.parent == workbook.parent / "versions"
    assert result.previous.read_bytes() == old and result.previous_sha256 == sha(old)
    stamp, short = result.previous.stem.split("-")
    assert short == sha(old)[:8] and result.previous.suffix == ".xlsx"
    assert abs((datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                - datetime.now(UTC)).total_seconds()) < 60  # fmt: skip
    # the scenarios made on either version find their file
    assert version_path(workbook, sha(old)) == result.previous
    assert version_path(workbook, sha(new)) == workbook
    assert version_path(workbook, "0" * 64) is None


def test_the_same_file_again_changes_nothing(workbook):
    result = install_version(workbook, workbook.read_bytes(), "ronde.xlsx")
    assert result.ok and result.unchanged and result.previous is None
    assert kept_versions(workbook) == []


def test_each_replaced_version_is_kept_and_none_is_overwritten(workbook, monkeypatch):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 3, 1, 10, 15, 0, tzinfo=UTC)

    monkeypatch.setattr(versions, "datetime", Frozen)
    original = workbook.read_bytes()
    squatter = workbook.parent / "versions" / f"20260301T101500Z-{sha(original)[:8]}.xlsx"
    squatter.parent.mkdir()
    squatter.write_bytes(b"someone's own file")
    contents = [original]
    for title in ("v2", "v3", "v4"):
        data = edited({("ideas", "B2"): title})
        assert install_version(workbook, data, f"{title}.xlsx").ok
        contents.append(data)
    assert squatter.read_bytes() == b"someone's own file"
    kept = [p for p in kept_versions(workbook) if p != squatter]
    assert sorted(p.read_bytes() for p in kept) == sorted(contents[:-1])
    assert workbook.read_bytes() == contents[-1]


def test_two_chairs_at_once_lose_no_version(workbook):
    original = workbook.read_bytes()
    files = [edited({("ideas", "B2"): f"versie {n}"}) for n in range(4)]
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(install_version(workbook, d, "v.xlsx")))
               for d in files]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results)
    seen = {sha(p.read_bytes()) for p in kept_versions(workbook)} | {sha(workbook.read_bytes())}
    assert seen == {sha(original), *map(sha, files)}
    assert len(kept_versions(workbook)) == 4


def test_a_different_kind_of_file_or_a_csv_folder_is_refused(workbook, tmp_path):
    ods = install_version(workbook, b"whatever", "ronde.ods")
    assert not ods.ok and ods.problems[0].code == "version.suffix"
    folder = tmp_path / "csv"
    folder.mkdir()
    csv = install_version(folder, edited({}), "ronde.xlsx")
    assert not csv.ok and csv.problems[0].code == "version.not_a_file"
    assert kept_versions(workbook) == []


def test_a_further_check_refuses_the_file_too(workbook):
    before = folder_state(workbook.parent)
    seen = []

    def check(path):
        seen.append(read_workbook(path).ideas.loc["ZOEK", "title"])
        return [Problem("settings", None, None, "usage.store_needs_workbook")]

    result = install_version(workbook, edited({("ideas", "B2"): "Nieuw"}), "v2.xlsx", check=check)
    assert not result.ok and seen == ["Nieuw"]
    assert folder_state(workbook.parent) == before


def test_the_workbooks_permissions_are_kept(workbook):
    workbook.chmod(0o640)
    assert install_version(workbook, edited({("ideas", "B2"): "x"}), "v2.xlsx").ok
    assert workbook.stat().st_mode & 0o777 == 0o640
