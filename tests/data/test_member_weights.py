"""The optional ``member_weights`` sheet (prioritisation/data/member_weights.py): read into
``Workbook.member_weights`` with Dutch headings, every problem located at its cell, written
back by the workbook writer."""

from __future__ import annotations

from prioritisation.data.workbook import check_workbook, read_workbook
from prioritisation.data.writer import write_workbook


def _folder(tmp_path, weights: str, members: str | None = None):
    (tmp_path / "ideeen.csv").write_text("id;titel;kost\nA;Alfa;10\n", encoding="utf-8")
    (tmp_path / "scores.csv").write_text(
        "idee;criterium;beoordelaar;score\nA;innovation;An;3\nA;innovation;Bo;4\n", encoding="utf-8"
    )
    (tmp_path / "ledengewichten.csv").write_text(weights, encoding="utf-8")
    if members:
        (tmp_path / "leden.csv").write_text(members, encoding="utf-8")
    return tmp_path


def test_every_problem_is_located(tmp_path):
    folder = _folder(tmp_path, "lid;criterium;gewicht\nAn;innovation;2\nZoe;innovation;1\n"
                     "An;bogus;1\nAn;desirability;-1\nAn;innovation;3\nAn;viability;\n;viability;1\n")  # fmt: skip
    wb, problems = check_workbook(folder)
    assert wb is None
    lines = [p.format("nl") for p in problems]
    assert lines == [
        "bestand 'ledengewichten.csv', rij 3, kolom 'lid': onbekend lid 'Zoe' (bekend: An, Bo)",
        "bestand 'ledengewichten.csv', rij 4, kolom 'criterium': onbekend criterium 'bogus' "
        "(bekend: innovation, desirability, viability, feasibility)",
        "bestand 'ledengewichten.csv', rij 5, kolom 'gewicht': '-1' is negatief; verwacht een getal ≥ 0",
        "bestand 'ledengewichten.csv', rij 6, kolom 'criterium': 'An' geeft 'innovation' twee keer "
        "een gewicht (eerst op rij 2)",
        "bestand 'ledengewichten.csv', rij 7, kolom 'gewicht': is leeg, maar is verplicht",
        "bestand 'ledengewichten.csv', rij 8, kolom 'lid': is leeg, maar is verplicht",
    ]
    assert "unknown member 'Zoe' (known: An, Bo)" in problems[0].format("en")


def test_members_are_named_by_login_or_name_of_the_members_sheet(tmp_path):
    folder = _folder(tmp_path, "lid;criterium;gewicht\nAN;innovation;2\nBo Peeters;innovation;1\n"
                     "An;desirability;1\n", members="login;naam;rol\nan;An;voorzitter\nbo;Bo Peeters;lid\n")  # fmt: skip
    wb = read_workbook(folder)
    assert wb.member_weights[["member", "criterion", "weight", "row"]].values.tolist() == [
        ["An", "innovation", 2.0, 2], ["Bo Peeters", "innovation", 1.0, 3],
        ["An", "desirability", 1.0, 4]]  # fmt: skip
    folder = _folder(tmp_path, "lid;criterium;gewicht\nCarla;innovation;1\n",
                     members="login;naam\nan;An\n")  # fmt: skip
    _, problems = check_workbook(folder)
    assert [p.format("en") for p in problems] == [
        "file 'ledengewichten.csv', row 2, column 'lid': unknown member 'Carla' (known: An)"
    ]


def test_the_sheet_round_trips_through_the_writer(tmp_path):
    (tmp_path / "in").mkdir()
    wb = read_workbook(
        _folder(tmp_path / "in", "lid;criterium;gewicht\nAn;innovation;2\nBo;viability;1,5\n")
    )
    out = write_workbook(wb, tmp_path / "uit.xlsx")
    again = read_workbook(out)
    assert again.member_weights.drop(columns="row").equals(wb.member_weights.drop(columns="row"))
    assert again.member_weights["weight"].tolist() == [2.0, 1.5]


def test_a_workbook_without_the_sheet_has_no_member_weights(sample_path):
    assert read_workbook(sample_path).member_weights.empty
