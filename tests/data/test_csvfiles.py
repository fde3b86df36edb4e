"""CSV files as Excel in any locale writes them: separator, decimal comma, encodings, streamed."""

from __future__ import annotations

from prioritisation.data.csvfiles import csv_rows, detect_encoding


def table(path):
    decimal_comma, rows = csv_rows(path)
    return [cells for _, cells in rows], decimal_comma


def test_csv_delimiter_and_decimal_comma_are_detected(tmp_path):
    semicolon = tmp_path / "a.csv"
    semicolon.write_bytes("id;titel\nA;Café\n".encode("cp1252"))
    assert table(semicolon) == ([["id", "titel"], ["A", "Café"]], True)
    comma = tmp_path / "b.csv"
    comma.write_text("id,title\nA,x\n", encoding="utf-8-sig")
    assert table(comma) == ([["id", "title"], ["A", "x"]], False)


def test_utf16_and_utf32_are_read_not_mojibake(tmp_path):
    """Excel's "Unicode text" is UTF-16 with a BOM and tabs; without a BOM it is seen by its zeros."""
    expected = [["id", "titel"], ["A", "Café één"]]
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        path = tmp_path / f"{encoding}.csv"
        path.write_text("id\ttitel\r\nA\tCafé één\r\n", encoding=encoding)
        assert table(path) == (expected, True), encoding
    assert detect_encoding(tmp_path / "utf-16-be.csv") == "utf-16-be"


def test_a_field_past_the_csv_limit_is_located(tmp_path):
    from prioritisation.data.workbook import check_workbook

    (tmp_path / "ideas.csv").write_text("id;title\nA;Alfa\nB;" + "x" * 200_000 + "\n")
    (tmp_path / "scores.csv").write_text("idea_id;criterion_id;assessor;score\nA;innovation;An;3\n")
    _, problems = check_workbook(tmp_path)
    assert [(p.sheet, p.row, p.code) for p in problems] == [
        ("ideas.csv", 3, "problem.cell_too_long_row")]  # fmt: skip


def test_a_long_cell_within_the_csv_limit_names_its_cell(tmp_path):
    from prioritisation.data.workbook import check_workbook

    (tmp_path / "ideas.csv").write_text("id;title\nA;Alfa\nB;" + "x" * 12_000 + "\n")
    (tmp_path / "scores.csv").write_text("idea_id;criterion_id;assessor;score\nA;innovation;An;3\n")
    _, problems = check_workbook(tmp_path)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("ideas.csv", 3, "title", "problem.cell_too_long")]  # fmt: skip
    assert (
        problems[0]
        .format("nl")
        .endswith("deze cel bevat 12.000 tekens; er zijn er ten hoogste 10.000 toegestaan")
    )


def test_a_quote_never_closed_is_located_not_swallowed():
    from pathlib import Path

    from prioritisation.data.workbook import check_workbook

    _, problems = check_workbook(Path(__file__).parent / "corpus" / "csv_unclosed_quote")
    assert [(p.sheet, p.row, p.code) for p in problems] == [
        ("ideas.csv", 2, "problem.csv_unreadable")
    ]


def test_a_csv_file_over_the_size_limit_is_not_read(tmp_path):
    from prioritisation.data.workbook import check_workbook

    with open(tmp_path / "scores.csv", "wb") as fh:
        fh.truncate(101 * 2**20)
    (tmp_path / "ideas.csv").write_text("id;title\nA;Alfa\n")
    _, problems = check_workbook(tmp_path)
    assert [(p.sheet, p.code) for p in problems] == [("scores.csv", "problem.file_too_big")]
