"""The assessors' round: template → filled form → collect, and every way a form can go wrong."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from prioritisation.data.forms import collect, rubric_levels, write_template
from prioritisation.data.workbook import file_sha256, read_workbook
from tests.conftest import SAMPLE, run_cli, xlsx

CRITERIA = [["id", "label", "description", "scale_min", "scale_max"],
            ["innovation", "Innovatiewaarde", "1 = bestaat al, 5 = nieuw", 1, 5],
            ["feasibility", "Haalbaarheid", "Kan het? 0 = nee, 10 = zeker", 0, 10],
            ["cost_fit", "Kostenfit", "vrij", 0, 2.5]]  # fmt: skip
IDEAS = [["id", "title", "theme", "description"],
         ["A", '=HYPERLINK("http://x","klik")', "Lezen", "@eerste"],
         ["B", "Tweede", "E-inclusie", "tweede idee"],
         ["C", "Derde", "Lezen", ""]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"],
          ["A", "innovation", "An", 4], ["A", "feasibility", "An", 7], ["B", "innovation", "An", 2]]  # fmt: skip


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path, "ronde.xlsx", criteria=CRITERIA, ideas=IDEAS, scores=SCORES)


@pytest.fixture
def wb(book):
    return read_workbook(book)


def fill(path, values: dict, comment: dict | None = None):
    """Fill a form as a member would: ``values`` = {(excel row, heading): value}."""
    book = load_workbook(path)
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    for (row, heading), value in values.items():
        ws.cell(row=row, column=headers.index(heading) + 1).value = value
    for row, text in (comment or {}).items():
        ws.cell(row=row, column=len(headers)).value = text
    book.save(path)


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


def test_template_collect_round_trip(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    bart = write_template(wb, "Bart", tmp_path / "bart.xlsx")
    fill(an, {(2, "Innovatiewaarde"): 5, (3, "Haalbaarheid"): 10, (4, "Kostenfit"): 1.5},
         comment={2: '=HYPERLINK("http://evil")'})  # fmt: skip
    fill(bart, {(r, h): v for r in (2, 3, 4) for h, v in
                (("Innovatiewaarde", 3), ("Haalbaarheid", 6), ("Kostenfit", 2))})  # fmt: skip
    result = collect(wb, [an, bart])
    assert result.ok, result.problems
    report = result.report().set_index("assessor")
    assert report.loc["Bart", "filled"] == 9 and report.loc["Bart", "complete"] == 1.0
    assert report.loc["An", "filled"] == 5  # 3 prefilled (one changed) + 2 new
    assert (
        report.loc["An", "new"],
        report.loc["An", "changed"],
        report.loc["An", "unchanged"],
    ) == (2, 1, 2)
    assert report.loc["An", "missing"] == "A; B; C"
    changed = result.changes.dropna(subset=["old"])
    assert changed[["idea_id", "criterion_id", "old", "new"]].values.tolist() == [
        ["A", "innovation", 4.0, 5.0]
    ]

    out = tmp_path / "merged.xlsx"
    proc = run_cli("collect", book, an, bart, "--out", out, check_exit=0)
    assert "Samengevoegd" in proc.stdout and "4,0 → 5,0" in proc.stdout
    merged = read_workbook(out)
    s = merged.scores.set_index(["idea_id", "criterion_id", "assessor"])["score"]
    assert s[("A", "innovation", "An")] == 5 and s[("C", "cost_fit", "An")] == 1.5
    assert s[("B", "feasibility", "Bart")] == 6 and len(s) == 3 + 2 + 9
    comments = merged.scores.set_index(["idea_id", "assessor"])["comment"]
    assert set(comments.loc[("A", "An")]) == {'=HYPERLINK("http://evil")'}
    assert merged.ideas.loc["A", "title"] == '=HYPERLINK("http://x","klik")'
    raw = load_workbook(out)["scores"]
    assert all(c.data_type != "f" for row in raw.iter_rows() for c in row)
    assert file_sha256(book) == wb.sha256  # the input workbook was not touched
    doc = json.loads(run_cli("collect", book, an, bart, "--out", tmp_path / "m2.xlsx", "--format",
                             "json", check_exit=0).stdout)  # fmt: skip
    assert {f["assessor"]: f["filled"] for f in doc["forms"]} == {"An": 5, "Bart": 9}


def test_empty_cells_keep_the_workbooks_scores(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx", prefill=False)
    fill(an, {(3, "Haalbaarheid"): 8})
    result = collect(wb, [an])
    s = result.workbook.scores.set_index(["idea_id", "criterion_id", "assessor"])["score"]
    assert s[("A", "innovation", "An")] == 4 and s[("B", "feasibility", "An")] == 8


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
    proc = run_cli(
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


def test_value_in_unknown_column_is_not_dropped(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    book_ = load_workbook(an)
    book_.worksheets[0]["J3"] = 4
    book_.save(an)
    result = collect(wb, [an])
    (problem,) = result.problems["an.xlsx"]
    assert (problem.row, problem.column, problem.code) == (3, "J", "form_unknown_column")


def test_same_form_twice_counts_duplicates(wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    copy = tmp_path / "an-kopie.xlsx"
    shutil.copy(an, copy)
    result = collect(wb, [an, copy])
    assert result.ok
    assert result.report()["duplicates"].tolist() == [0, 3]
    assert np.array_equal(result.workbook.scores["score"].to_numpy(), wb.scores["score"].to_numpy())


def test_collect_never_overwrites_the_workbook_unless_asked(book, wb, tmp_path):
    an = write_template(wb, "An", tmp_path / "an.xlsx")
    fill(an, {(4, "Innovatiewaarde"): 5})
    before = file_sha256(book)
    proc = run_cli("collect", book, an, "--out", book, check_exit=2)
    assert "--overwrite" in proc.stderr and file_sha256(book) == before
    other = tmp_path / "bestaat.xlsx"
    other.write_bytes(b"keep me")
    run_cli("collect", book, an, "--out", other, check_exit=2)
    assert other.read_bytes() == b"keep me"
    proc = run_cli("collect", book, an, "--out", book, "--overwrite", check_exit=0)
    backups = list(tmp_path.glob("ronde.before-collect-*.xlsx"))
    assert len(backups) == 1 and file_sha256(backups[0]) == before
    assert read_workbook(book).scores.set_index(["idea_id", "criterion_id", "assessor"]).loc[
        ("C", "innovation", "An"), "score"] == 5  # fmt: skip


def test_template_cli(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "form.xlsx"
    proc = run_cli("template", book, "--assessor", "Nieuw lid", "--out", out, check_exit=0)
    assert "26 ideeën × 4 criteria" in proc.stdout and "Nieuw lid" in proc.stdout
    assert load_workbook(out).worksheets[0].max_row == 27
    again = run_cli("template", book, "--assessor", "X", "--out", out, check_exit=2)
    assert "--overwrite" in again.stderr  # a returned form is never overwritten by accident
    run_cli("template", book, "--assessor", "X", "--out", tmp_path / "f.csv", check_exit=2)


def test_template_for_every_assessor(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    wb = read_workbook(book)
    folder = tmp_path / "formulieren"
    run_cli("template", book, "--all-assessors", "--out", folder, check_exit=0)
    forms = sorted(folder.glob("form-*.xlsx"))
    assert len(forms) == len(wb.assessors) == 7
    assert (folder / "form-An-Cultuurconnect.xlsx").exists()
    result = collect(wb, forms)  # prefilled forms returned unchanged: nothing changes
    assert result.ok and result.changes.empty
    assert result.report()["unchanged"].sum() == wb.scores["score"].notna().sum()
    run_cli("template", book, "--all-assessors", "--out", folder, check_exit=2)  # never overwritten
    run_cli("template", book, "--assessor", "A", "--assessor", "B", "--out", tmp_path / "x.xlsx",
            check_exit=2)  # fmt: skip


def test_write_templates_one_form_per_assessor(tmp_path):
    from prioritisation.data.forms import form_name, write_templates
    from prioritisation.data.workbook import read_workbook
    from tests.conftest import SAMPLE

    wb = read_workbook(SAMPLE)
    paths = write_templates(wb, tmp_path / "ronde")
    assert [p.name for p in paths] == [form_name(a) for a in wb.assessors]
    assert form_name("An (Cultuurconnect)") == "form-An-Cultuurconnect.xlsx"
    assert collect(wb, paths).ok
