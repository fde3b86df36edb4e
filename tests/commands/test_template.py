"""``prioritisation template``: one member's form, or one per member into a folder."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from prioritisation.data.collect import collect
from prioritisation.data.workbook import read_workbook
from tests.conftest import SAMPLE, cli


def test_template_cli(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "form.xlsx"
    proc = cli("template", book, "--assessor", "Nieuw lid", "--out", out, check_exit=0)
    assert "26 ideeën × 4 criteria" in proc.stdout and "Nieuw lid" in proc.stdout
    assert load_workbook(out).worksheets[0].max_row == 27
    again = cli("template", book, "--assessor", "X", "--out", out, check_exit=2)
    assert "--overwrite" in again.stderr  # a returned form is never overwritten by accident
    cli("template", book, "--assessor", "X", "--out", tmp_path / "f.csv", check_exit=2)


def test_template_for_every_assessor(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    wb = read_workbook(book)
    folder = tmp_path / "formulieren"
    cli("template", book, "--all-assessors", "--out", folder, check_exit=0)
    forms = sorted(folder.glob("form-*.xlsx"))
    assert len(forms) == len(wb.assessors) == 7
    assert (folder / "form-An-Cultuurconnect.xlsx").exists()
    result = collect(wb, forms)  # prefilled forms returned unchanged: nothing changes
    assert result.ok and result.changes.empty
    assert result.report()["unchanged"].sum() == wb.scores["score"].notna().sum()
    cli("template", book, "--all-assessors", "--out", folder, check_exit=2)  # never overwritten
    cli("template", book, "--assessor", "A", "--assessor", "B", "--out", tmp_path / "x.xlsx",
            check_exit=2)  # fmt: skip


def test_a_form_never_replaces_the_workbook(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    proc = cli("template", book, "--assessor", "X", "--out", book, "--overwrite", check_exit=2)
    assert "invoer" in proc.stderr and book.read_bytes() == before
    out = tmp_path / "form.xlsx"
    cli("template", book, "--assessor", "X", "--out", out, check_exit=0)
    cli("template", book, "--assessor", "X", "--out", out, "--force", check_exit=0)  # = --overwrite
