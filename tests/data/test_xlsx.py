"""Reading .xlsx files: every row whatever the declared size, damaged and hostile files located."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

from prioritisation.cli import main
from prioritisation.data.workbook import check_workbook, read_workbook
from tests.data.corpus.make_corpus import rewrite_member, with_shared_strings, write_xlsx

CORPUS = Path(__file__).parent / "corpus"


def codes(problems):
    return [(p.sheet, p.row, p.column, p.code) for p in problems]


def test_a_stale_dimension_does_not_hide_rows(capsys):
    """The sheet says A1:E300 but holds 729 rows: all of them are read, and I26 (whose scores are
    all on rows after 300) is ranked first. openpyxl's read-only mode stopped at row 300."""
    path = CORPUS / "stale_dimension.xlsx"
    with zipfile.ZipFile(path) as z:
        assert b'<dimension ref="A1:E300"' in z.read("xl/worksheets/sheet2.xml")
    wb = read_workbook(path)
    assert len(wb.scores) == 728 and wb.scores["row"].max() == 729
    assert wb.scores.groupby("idea_id").size().eq(28).all()
    assert main(["validate", str(path)]) == 0
    assert "728 scores" in capsys.readouterr().out
    assert main(["rank", str(path), "--format", "csv"]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert "I26" in first


def test_scores_with_a_score_but_no_criterion_column(capsys):
    """Was a TypeError in the checker (exit 1); now the missing column, located."""
    path = CORPUS / "scores_without_criterion.xlsx"
    _, problems = check_workbook(path)
    assert codes(problems) == [("scores", 1, None, "problem.column_missing")]
    assert main(["validate", str(path)]) == 2
    assert "criterion_id" in capsys.readouterr().err


def test_a_truncated_sheet_is_located_not_an_internal_error(capsys):
    _, problems = check_workbook(CORPUS / "truncated_sheet.xlsx")
    assert [(p.sheet, p.code) for p in problems] == [("scores", "problem.sheet_damaged")]
    assert problems[0].row > 1
    assert main(["rank", str(CORPUS / "truncated_sheet.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "blad 'scores', rij" in err and "beschadigd" in err


def test_password_protected_and_old_files_say_what_they_are():
    for name, code, words in [
        ("encrypted.xlsx", "problem.encrypted", "wachtwoord"),
        ("encrypted.ods", "problem.encrypted", "wachtwoord"),
        ("old_excel.xls", "problem.old_excel", ".xlsx"),
        ("xlsb_inside.xlsx", "problem.xlsb", ".xlsx"),
        ("single.csv", "problem.single_csv", "map"),
    ]:
        _, problems = check_workbook(CORPUS / name)
        assert [p.code for p in problems] == [code], name
        assert words in problems[0].format("nl"), name


def test_an_xls_that_is_html_is_still_called_an_old_excel_file(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>id</td></tr></table></html>")
    _, problems = check_workbook(path)
    assert [p.code for p in problems] == ["problem.old_excel"]


def test_a_long_cell_is_refused_with_its_cell_and_never_built_whole():
    """A 50-million-character cell (a 50 KB file) used to be read whole (870 MB for 400 million)."""
    for name in ("long_shared_cell.xlsx", "long_inline_cell.xlsx"):
        _, problems = check_workbook(CORPUS / name)
        assert [(p.sheet, p.column, p.code) for p in problems] == [
            ("ideas", "title", "problem.cell_too_long")], name  # fmt: skip
        assert "20.000.000" in problems[0].format("nl")


def test_a_huge_cell_costs_little_memory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    write_xlsx(path, {"ideas": [["id", "title"], ["A", "xxxx"]], "scores": [["idea_id"], ["A"]]})
    with_shared_strings(path)
    rewrite_member(path, "xl/sharedStrings.xml", lambda x: x.replace(b"xxxx", b"x" * 60_000_000))
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        _, problems = check_workbook(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("ideas", 2, "title", "problem.cell_too_long")]  # fmt: skip
    assert peak < 20_000_000, f"peak {peak / 1e6:.0f} MB for a 60 MB cell"


def test_a_damaged_or_oversized_part_is_located():
    _, problems = check_workbook(CORPUS / "bad_shared_index.xlsx")
    assert codes(problems) == [("ideas", 3, None, "problem.sheet_damaged")]
    _, problems = check_workbook(CORPUS / "styles_bomb.xlsx")
    assert [p.code for p in problems] == ["problem.part_too_big"]
    assert "xl/styles.xml" in problems[0].format("nl")


def test_a_declared_dimension_of_the_whole_sheet_costs_nothing():
    wb = read_workbook(CORPUS / "huge_dimension.xlsx")
    assert list(wb.ideas.index) == ["I01", "I02", "I03"]


def test_odd_cells_are_read_as_their_text_and_checked():
    _, problems = check_workbook(CORPUS / "odd_cells.xlsx")
    assert [(p.row, p.column, p.params.get("value")) for p in problems] == [
        (2, "cost", "veel"), (3, "cost", True), (4, "cost", "#N/A")]  # fmt: skip


def test_a_file_over_the_size_limit_is_not_opened(tmp_path):
    path = tmp_path / "groot.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(101 * 2**20)  # sparse: nothing is written
    _, problems = check_workbook(path)
    assert [p.code for p in problems] == ["problem.file_too_big"]
    assert "101 MB" in problems[0].format("nl")


def test_dates_booleans_and_cells_without_a_reference(tmp_path):
    import datetime as dt

    path = tmp_path / "wb.xlsx"
    write_xlsx(path, {"ideas": [["id", "title", "start"], ["A", "Alfa", dt.datetime(2027, 1, 2)],
                                ["B", "Beta", True]],
                      "scores": [["idea_id", "criterion_id", "assessor", "score"],
                                 ["A", "innovation", "An", 3]]})  # fmt: skip
    rewrite_member(path, "xl/worksheets/sheet2.xml", lambda x: re.sub(rb' r="[A-Z]+2"', b"", x))
    wb = read_workbook(path)
    assert wb.ideas.loc["A", "start"] == dt.datetime(2027, 1, 2)
    assert wb.ideas.loc["B", "start"] is True
    assert wb.scores.iloc[0]["score"] == 3.0 and wb.scores.iloc[0]["assessor"] == "An"
