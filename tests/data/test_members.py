"""The members sheet: logins → names and roles, every problem located."""

from __future__ import annotations

import pandas as pd

from prioritisation.data.export import write_xlsx
from prioritisation.data.sample import sample_workbook
from prioritisation.data.workbook import check_workbook, read_workbook
from prioritisation.data.writer import workbook_sheets, write_workbook


def _with_members(tmp_path, rows) -> tuple:
    sheets = workbook_sheets(sample_workbook())
    sheets["leden"] = pd.DataFrame(rows)
    sheets.pop("members", None)
    return check_workbook(write_xlsx(sheets, tmp_path / "wb.xlsx"))


def test_sample_members_round_trip(tmp_path):
    wb = sample_workbook()
    back = read_workbook(write_workbook(wb, tmp_path / "s.xlsx"))
    assert back.members[["name", "role"]].equals(wb.members[["name", "role"]])
    assert back.members.loc["an", "role"] == "chair"


def test_dutch_headings_roles_and_case_are_understood(tmp_path):
    wb, problems = _with_members(tmp_path, {
        "gebruiker": ["Bart", "an", "zoe"], "naam": ["Bart (Bib Brugge)", None, "Zoë"],
        "rol": ["lid", "Voorzitter", None]})  # fmt: skip
    assert problems == []
    assert wb.members.to_dict("index") == {
        "bart": {"name": "Bart (Bib Brugge)", "role": "member", "row": 2},
        "an": {"name": "an", "role": "chair", "row": 3},
        "zoe": {"name": "Zoë", "role": "member", "row": 4},
    }


def test_every_problem_is_located_at_once(tmp_path):
    wb, problems = _with_members(tmp_path, {
        "login": ["bart", "BART", None, "an", "x\u202ey", "chris"],
        "name": ["Bart", "Bart 2", "Niemand", "An", "Esc", "Bart"],
        "role": ["member", "member", "member", "koning", "member", "member"]})  # fmt: skip
    assert wb is None
    found = {(p.sheet, p.row, p.column, p.code) for p in problems}
    assert found == {
        ("leden", 3, "login", "problem.duplicate_id"),
        ("leden", 4, "login", "problem.empty"),
        ("leden", 5, "role", "problem.bad_role"),
        ("leden", 6, "login", "problem.bad_login"),
        ("leden", 7, "name", "problem.duplicate_member"),
    }
    assert all("\u202e" not in str(p.params) for p in problems)


def test_a_members_sheet_without_logins_is_refused_with_the_columns_found(tmp_path):
    wb, problems = _with_members(tmp_path, {"naam": ["Bart"]})
    assert wb is None and [p.code for p in problems] == ["problem.column_missing"]
