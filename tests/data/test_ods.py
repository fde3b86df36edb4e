"""LibreOffice workbooks (.ods) simply work: notes, repeats, spaces and formulas as LibreOffice writes them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from prioritisation.data.ods import MIMETYPE, OdsBook
from prioritisation.data.workbook import read_workbook

CORPUS = Path(__file__).parent / "corpus"


def test_a_libreoffice_workbook_reads_like_the_xlsx():
    wb = read_workbook(CORPUS / "libreoffice.ods")
    ideas = wb.ideas
    assert list(ideas.index) == ["I01", "I02", "I03", "I04", "I05"]
    assert ideas.loc["I01", "title"] == "Idee  één", "text:s is spaces; the note is left out"
    assert ideas.loc["I02", "cost"] == 2000, "a formula gives its cached value"
    assert ideas.loc["I03", "title"] == "Idee\ndrie", "two paragraphs in one cell"
    assert (ideas.loc["I03", "theme"], ideas.loc["I03", "cost"]) == ("3", 3), "a repeated cell"
    assert (ideas.loc["I04", "theme"], ideas.loc["I04", "cost"]) == ("", 4000), "a covered cell"
    assert ideas.loc["I05", "cost"] == 5000.5 and ideas.loc["I05", "row"] == 7
    assert len(wb.scores) == 142 and wb.scores["row"].max() == 143


def test_repeated_rows_are_unrolled_when_filled_and_skipped_when_empty():
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    body = (f"<office:document-content {ns}><office:body><office:spreadsheet>"
            '<table:table table:name="a"><table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
            f'<table:table-row table:number-rows-repeated="3">{cell}</table:table-row>'
            '</table:table></office:spreadsheet></office:body></office:document-content>')  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", MIMETYPE)
        z.writestr("content.xml", body)
    rows = list(OdsBook(zipfile.ZipFile(buffer)).rows("a"))
    assert rows == [(1_000_001, {0: "x"}), (1_000_002, {0: "x"}), (1_000_003, {0: "x"})]
