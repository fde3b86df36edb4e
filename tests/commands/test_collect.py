"""``prioritisation collect``: problems listed per form, nothing written, nothing overwritten."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from prioritisation.data.forms import write_template
from prioritisation.data.workbook import file_sha256, read_workbook
from tests.conftest import cli, xlsx
from tests.forms_helpers import fill, round_book


@pytest.fixture
def book(tmp_path):
    return round_book(tmp_path)


@pytest.fixture
def wb(book):
    return read_workbook(book)


def test_bad_forms_are_reported_with_file_row_and_column(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    fill(an, {(2, "Innovatiewaarde"): 9, (3, "Haalbaarheid"): "veel", (4, "Kostenfit"): 3})
    book_ = load_workbook(an)
    ws = book_.worksheets[0]
    ws["A5"], ws["E5"] = "ONBEKEND", 3  # a row for an idea the workbook does not have
    ws["A6"], ws["E6"] = "B", 5  # idea B a second time, with another value
    ws["J2"] = "los"  # a value outside every column the form knows
    book_.save(an)
    an2 = write_template(wb, "An", tmp_path / "an2.xlsx", prefill=False)
    fill(an2, {(3, "Innovatiewaarde"): 1})  # An again, disagreeing on B (2 in an.xlsx)
    strange = xlsx(tmp_path, "vreemd.xlsx", blad=[["id", "Innovatiewaarde"], ["A", 3]])
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"not a zip")
    out = tmp_path / "merged.xlsx"
    proc = cli(
        "--lang", "en", "collect", book, an, an2, strange, broken, "--out", out, check_exit=2
    )
    assert not out.exists() and "Traceback" not in proc.stderr
    err = proc.stderr
    assert "Nothing written" in err
    assert "6 problems in an.xlsx:" in err
    assert (
        "sheet 'beoordeling', row 2, column 'Innovatiewaarde': score 9 is outside the scale 1–5"
        in err
    )
    assert "row 3, column 'Haalbaarheid': 'veel' is not a number" in err
    assert "row 4, column 'Kostenfit': score 3 is outside the scale 0–2.5" in err
    assert "row 5, column 'id': unknown idea 'ONBEKEND'" in err
    assert "row 6, column 'id': idea 'B' appears twice in this form (first on row 3)" in err
    assert "row 2, column 'J': column 'J' is not a criterion; the value 'los' cannot be" in err
    assert "1 problem in an2.xlsx:" in err
    assert "An gave idea 'B', criterion 'innovation' 1 here, but 2 in an.xlsx row 3" in err
    assert "problem in vreemd.xlsx" in err and "which assessor" in err
    assert "problem in kapot.xlsx" in err and "cannot read this as an Excel workbook" in err
    assert "An" in proc.stdout  # the per-member report is still shown


def test_collect_never_overwrites_the_workbook_unless_asked(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    fill(an, {(4, "Innovatiewaarde"): 5})
    before = file_sha256(book)
    proc = cli("collect", book, an, "--out", book, check_exit=2)
    assert "--overwrite" in proc.stderr and file_sha256(book) == before
    other = tmp_path / "bestaat.xlsx"
    other.write_bytes(b"keep me")
    cli("collect", book, an, "--out", other, check_exit=2)
    assert other.read_bytes() == b"keep me"
    proc = cli("collect", book, an, "--out", book, "--overwrite", check_exit=0)
    backups = list(tmp_path.glob("ronde.before-collect-*.xlsx"))
    assert len(backups) == 1 and file_sha256(backups[0]) == before
    assert read_workbook(book).scores.set_index(["idea_id", "criterion_id", "assessor"]).loc[
        ("C", "innovation", "An"), "score"] == 5  # fmt: skip


def test_collect_never_writes_over_a_returned_form(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    before = an.read_bytes()
    proc = cli("collect", book, an, "--out", an, "--force", check_exit=2)
    assert "invoer" in proc.stderr and an.read_bytes() == before
