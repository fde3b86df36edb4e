"""The app's pages load a workbook the server already read; an edit is read afresh; a cache
someone else could write is not trusted."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

import pytest

from prioritisation.data import cache as cache_module
from prioritisation.data.cache import checked_workbook
from tests.conftest import SAMPLE


@pytest.fixture
def counted(monkeypatch):
    """Count the real reads (parse + validate) of a workbook."""
    calls = []
    real = cache_module.check_workbook

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(cache_module, "check_workbook", counting)
    return calls


def test_a_second_page_does_not_read_the_workbook_again(tmp_path, counted):
    wb_path = shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    first, _ = checked_workbook(wb_path, tmp_path / "cache")
    second, problems = checked_workbook(wb_path, tmp_path / "cache")
    assert len(counted) == 1 and problems == []
    assert second.sha256 == first.sha256 and second.ideas.equals(first.ideas)
    assert second.members.equals(first.members)
    assert os.stat(tmp_path / "cache").st_mode & 0o777 == 0o700


def test_an_edited_workbook_is_read_afresh(tmp_path, counted):
    from prioritisation.data.workbook import read_workbook
    from prioritisation.data.writer import write_workbook

    wb_path = tmp_path / "s.xlsx"
    wb = read_workbook(SAMPLE)
    write_workbook(wb, wb_path)
    checked_workbook(wb_path, tmp_path / "cache")
    gone = wb.idea_ids[-1]
    wb = replace(wb, ideas=wb.ideas.drop(index=gone),
                 scores=wb.scores[wb.scores["idea_id"] != gone])  # fmt: skip
    write_workbook(wb, wb_path)
    again, _ = checked_workbook(wb_path, tmp_path / "cache")
    assert len(counted) == 2 and len(again.ideas) == len(wb.ideas)


def test_problems_are_kept_too_and_located(tmp_path, counted):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    for _ in range(2):
        wb, problems = checked_workbook(bad, tmp_path / "cache")
        assert wb is None and problems
    assert len(counted) == 1


def test_a_cache_others_can_write_is_not_trusted(tmp_path, counted):
    folder = tmp_path / "cache"
    wb_path = shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    checked_workbook(wb_path, folder)
    os.chmod(folder, 0o777)  # someone could have put their own pickle here
    checked_workbook(wb_path, folder)
    os.chmod(folder, 0o700)
    for entry in folder.glob("*.pickle"):
        os.chmod(entry, 0o666)
    checked_workbook(wb_path, folder)
    assert len(counted) == 3


def test_a_broken_entry_or_an_unwritable_cache_only_costs_a_read(tmp_path, counted):
    folder = tmp_path / "cache"
    wb_path = shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    checked_workbook(wb_path, folder)
    for entry in folder.glob("*.pickle"):
        entry.write_bytes(b"\x80\x05truncated")
    wb, problems = checked_workbook(wb_path, folder)
    assert wb is not None and problems == [] and len(counted) == 2
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    wb, problems = checked_workbook(wb_path, blocked / "cache")
    assert wb is not None and len(counted) == 3


def test_a_result_of_other_code_is_not_loaded(tmp_path, counted, monkeypatch):
    """An editable install keeps its version number when the reading code changes (a field
    added to Workbook once crashed a page that loaded an older pickle)."""
    wb_path = shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    checked_workbook(wb_path, tmp_path / "cache")
    monkeypatch.setattr(cache_module, "code_version", lambda: "0-py311-othercode")
    checked_workbook(wb_path, tmp_path / "cache")
    assert len(counted) == 2
