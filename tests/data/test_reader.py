"""Reading the file: Dutch sheet names and headings, CSV as Belgian Excel writes it, text kept."""

from __future__ import annotations

from prioritisation.data.reader import cell_id, normalise_name, sheet_kind
from prioritisation.data.workbook import read_workbook
from tests.conftest import xlsx

IDEAS = [["id", "title", "theme", "cost", "depends_on"], ["A", "Alpha", "T1", 100, None],
         ["B", "Beta", "T2", 200, "A"]]  # fmt: skip
SCORES = [["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 4],
          ["B", "innovation", "An", 2]]  # fmt: skip


def test_dutch_headings_and_sheet_names_are_aliases(tmp_path):
    path = xlsx(
        tmp_path,
        ideeën=[["ID", "Titel", "Thema", "Kost", "Afhankelijk van", "Eigenaar", "budgetlijn"],
                ["A", "Alfa", "T", "1.234,50", None, "Bib", "x1"], ["B", "Bèta", "T", 5, "A", "", "x2"]],
        beoordelingen=[["Idee", "Criterium", "Beoordelaar", "Score", "Opmerking"],
                       ["A", "innovation", "An", "3,5", "goed"]],
    )  # fmt: skip
    wb = read_workbook(path)
    assert wb.ideas.loc["A", "cost"] == 1234.5
    assert wb.ideas.loc["B", "depends_on"] == ("A",)
    assert wb.ideas.loc["A", "owner"] == "Bib"
    assert wb.ideas.loc["B", "budgetlijn"] == "x2", "extra columns are kept"
    row = wb.scores.iloc[0]
    assert row["score"] == 3.5 and row["comment"] == "goed"


def test_csv_folder_as_belgian_excel_writes_it(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "ideeen.csv").write_bytes(
        "id;titel;thema;kost\r\nA;Leesbevordering één;Rijk leesklimaat;12.500\r\nB;Café;T;3,5\r\n".encode(
            "cp1252"
        )
    )
    (folder / "scores.csv").write_bytes(
        "\ufeffidee;criterium;beoordelaar;score\nA;innovation;Zoë;3,5\nB;innovation;Zoë;4\n".encode()
    )
    wb = read_workbook(folder)
    assert wb.ideas.loc["A", "title"] == "Leesbevordering één"
    assert wb.ideas.loc["A", "cost"] == 12500.0, (
        "a Dutch CSV's 12.500 is twelve thousand five hundred"
    )
    assert wb.ideas.loc["B", "cost"] == 3.5
    assert wb.scores.iloc[0]["assessor"] == "Zoë" and wb.scores.iloc[0]["score"] == 3.5


def test_formula_looking_title_is_read_as_text(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", '=HYPERLINK("http://x","klik")']],
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 3]])  # fmt: skip
    assert read_workbook(path).ideas.loc["A", "title"].startswith("=HYPERLINK")


def test_names_match_ignoring_case_accents_spaces_and_hyphens():
    assert normalise_name(" Afhankelijk-van ") == "afhankelijk_van"
    assert sheet_kind("Ideeën") == "ideas" and sheet_kind("Beoordelingen") == "scores"
    assert sheet_kind("lees_mij") is None
    assert cell_id(7.0) == "7" and cell_id(" A ") == "A"


def test_a_column_twice_is_located_on_the_heading_row(tmp_path):
    from prioritisation.data.workbook import check_workbook

    path = xlsx(
        tmp_path, ideas=[["id", "title", "titel"], ["A", "x", "y"], ["B", "z", "w"]], scores=SCORES
    )
    _, problems = check_workbook(path)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("ideas", 1, "titel", "problem.duplicate_column")
    ]
    assert problems[0].format("en").endswith("column 'titel' appears twice (also as 'title')")
