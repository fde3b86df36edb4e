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
