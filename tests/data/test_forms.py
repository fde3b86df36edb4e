"""Writing the members' forms: structure, validation, protection, rubric, prefill."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from prioritisation.data.collect import collect
from prioritisation.data.forms import form_name, rubric_levels, write_template, write_templates
from prioritisation.data.workbook import read_workbook
from tests.conftest import SAMPLE
from tests.forms_helpers import round_book


@pytest.fixture
def book(tmp_path):
    return round_book(tmp_path)


@pytest.fixture
def wb(book):
    return read_workbook(book)


def test_rubric_levels():
    assert rubric_levels("Hoe nieuw? 1 = bestaat al overal, 5 = nieuw in Vlaanderen.") == [
        ("1", "bestaat al overal"), ("5", "nieuw in Vlaanderen")]  # fmt: skip
    assert rubric_levels("geen niveaus") == []


def test_template_structure(wb, tmp_path):
    path = write_template(wb, "Bart", tmp_path / "bart.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["beoordeling", "rubriek", "_meta"]
    assert book["_meta"].sheet_state == "veryHidden" and book.security.lockStructure
    ws = book["beoordeling"]
    headers = [c.value for c in ws[1]]
    assert headers == ["id", "titel", "thema", "beschrijving", "Innovatiewaarde", "Haalbaarheid",
                       "Kostenfit", "opmerking"]  # fmt: skip
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == ["A", "B", "C"]
    title = ws["B2"]  # a title that looks like a formula is text, not a formula
    assert title.value == '=HYPERLINK("http://x","klik")' and title.data_type == "s"
    assert ws["D2"].data_type == "s"
    # every score cell has data validation: a drop-down for 1–5 and 0–10, a range for 0–2.5
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            rules[cells.coord] = dv
    assert set(rules) == {"E2:E4", "F2:F4", "G2:G4"}
    assert rules["E2:E4"].type == "list" and rules["E2:E4"].formula1 == '"1,2,3,4,5"'
    assert rules["F2:F4"].formula1 == '"0,1,2,3,4,5,6,7,8,9,10"'
    assert rules["G2:G4"].type == "decimal" and (
        rules["G2:G4"].formula1,
        rules["G2:G4"].formula2,
    ) == ("0", "2.5")
    assert all(dv.showErrorMessage and dv.errorStyle == "stop" for dv in rules.values())
    # protected: only the answers (scores, comment) are unlocked
    assert ws.protection.sheet
    for col in range(1, len(headers) + 1):
        locked = ws.cell(row=2, column=col).protection.locked
        assert locked == (col <= 4), get_column_letter(col)
    rubric = [r for r in book["rubriek"].iter_rows(values_only=True)]
    assert rubric[0] == ("criterium", "niveau", "betekenis")
    assert ("Haalbaarheid", "10", "zeker") in rubric and (
        "Innovatiewaarde",
        "1",
        "bestaat al",
    ) in rubric
    meta = dict(book["_meta"].iter_rows(values_only=True))
    assert meta["assessor"] == "Bart" and meta["workbook_sha256"] == wb.sha256


def test_template_prefills_the_members_scores_and_decimal_option(wb, tmp_path):
    ws = load_workbook(write_template(wb, "An", tmp_path / "an.xlsx"))["beoordeling"]
    assert (ws["E2"].value, ws["F2"].value, ws["E3"].value, ws["E4"].value) == (4, 7, 2, None)
    ws = load_workbook(write_template(wb, "An", tmp_path / "b.xlsx", lang="en", prefill=False,
                                      decimal=True))["assessment"]  # fmt: skip
    assert ws["E2"].value is None
    assert {dv.type for dv in ws.data_validations.dataValidation} == {"decimal"}


def test_write_templates_one_form_per_assessor(tmp_path):

    wb = read_workbook(SAMPLE)
    paths = write_templates(wb, tmp_path / "ronde")
    assert [p.name for p in paths] == [form_name(a) for a in wb.assessors]
    assert form_name("An (Cultuurconnect)") == "form-An-Cultuurconnect.xlsx"
    assert collect(wb, paths).ok
