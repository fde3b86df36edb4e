"""Writes the corpus of pathological input files kept beside it (run: ``python make_corpus.py``).

Each file is small (well under 100 KB) and stands for one way a real or hostile file went
wrong: a stale declared size, damaged XML, a password, an old format, a long cell, odd
encodings, LibreOffice's own ways of writing. The files are committed; this script says how
each was made, so that it can be made again. ``tests/data/test_corpus.py`` runs every one
through ``validate`` and ``rank`` and checks the outcome named in :data:`EXPECTED`.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CRITERIA = ("innovation", "desirability", "viability", "feasibility")
ASSESSORS = ("An", "Bart", "Chloé", "Dirk", "Els", "Fatima", "Geert")

# file or folder → (exit code of validate, the message id of its first problem or None)
EXPECTED: dict[str, tuple[int, str | None]] = {
    "stale_dimension.xlsx": (0, None),
    "scores_without_criterion.xlsx": (2, "problem.column_missing"),
    "truncated_sheet.xlsx": (2, "problem.sheet_damaged"),
    "encrypted.xlsx": (2, "problem.encrypted"),
    "old_excel.xls": (2, "problem.old_excel"),
    "encrypted.ods": (2, "problem.encrypted"),
    "libreoffice.ods": (0, None),
    "utf16_csv": (0, None),
    "utf16_no_bom_csv": (0, None),
    "long_shared_cell.xlsx": (2, "problem.cell_too_long"),
    "long_inline_cell.xlsx": (2, "problem.cell_too_long"),
    "huge_dimension.xlsx": (0, None),
    "odd_cells.xlsx": (2, None),
    "bad_shared_index.xlsx": (2, "problem.sheet_damaged"),
    "styles_bomb.xlsx": (2, "problem.part_too_big"),
    "xlsb_inside.xlsx": (2, "problem.xlsb"),
    "zip_without_workbook.xlsx": (2, "problem.not_a_workbook"),
    "junk.xlsx": (2, "problem.not_a_workbook"),
    "empty.xlsx": (2, "problem.not_a_workbook"),
    "single.csv": (2, "problem.single_csv"),
    "csv_nul_and_ragged": (2, None),
    "csv_unclosed_quote": (2, None),
}


def ideas_rows(n: int) -> list[list]:
    return [["id", "title", "theme", "cost"]] + [
        [f"I{i:02d}", f"Idee {i}", "T", 1000 * i] for i in range(1, n + 1)
    ]


def scores_rows(ideas: int, best: str) -> list[list]:
    rows = [["idea_id", "criterion_id", "assessor", "score"]]
    for i in range(1, ideas + 1):
        iid = f"I{i:02d}"
        for a, assessor in enumerate(ASSESSORS):
            for c, criterion in enumerate(CRITERIA):
                rows.append([iid, criterion, assessor, 5 if iid == best else 1 + (i + a + c) % 4])
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def rewrite_member(path: Path, member: str, change) -> None:
    """Rewrite one member of a zip file with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info.filename, change(data) if info.filename == member else data)


def with_shared_strings(path: Path) -> None:
    """Move the inline texts openpyxl writes into a table of shared strings, as Excel keeps them."""
    with zipfile.ZipFile(path) as src:
        items = {info.filename: src.read(info) for info in src.infolist()}
    table: dict[bytes, int] = {}

    def share(match):
        index = table.setdefault(match.group(2), len(table))
        return match.group(1) + b' t="s"><v>' + str(index).encode() + b"</v></c>"

    inline = re.compile(
        rb'(<c r="[A-Z]+\d+")(?: s="\d+")? t="inlineStr"><is><t>([^<]*)</t></is></c>'
    )
    for name in [n for n in items if n.startswith("xl/worksheets/sheet")]:
        items[name] = inline.sub(lambda m: share(m), items[name])
    strings = b"".join(b"<si><t>" + text + b"</t></si>" for text in table)
    items["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
        b'uniqueCount="%d">' % (len(table), len(table)) + strings + b"</sst>"
    )
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3) holding ``streams`` (each padded to 4096 bytes)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    data = [streams[n].ljust(4096, b"\0")[: max(4096, len(streams[n]))] for n in names]
    fat = [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for blob in data:
        count = len(blob) // 512
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)  # fmt: skip

    def entry(name, kind, child, right, start, size):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))  # fmt: skip

    directory = entry("Root Entry", 5, 1, free, end, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, free, right, starts[i], len(streams[name]))
    directory = directory.ljust(512, b"\0")
    return header + struct.pack("<128I", *fat) + directory + b"".join(data)


def write_ods(path: Path, content: str, manifest_extra: str = "") -> None:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"')  # fmt: skip
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {ns} manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/>'
                f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
                f'{manifest_extra}</manifest:file-entry></manifest:manifest>')  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)  # fmt: skip
        z.writestr("META-INF/manifest.xml", manifest)
        body = content.replace("<office:document-content>", f"<office:document-content {ns}>")
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?>' + body)


def ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_row(cells: str, repeat: int = 1) -> str:
    """A row as LibreOffice writes it: its cells, then the empty rest of the row in one cell."""
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return (f"<table:table-row{times}>{cells}"
            '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>')  # fmt: skip


def ods_table(name: str, rows: list[str]) -> str:
    tail = ('<table:table-row table:number-rows-repeated="1048560">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')  # fmt: skip
    return f'<table:table table:name="{name}">{"".join(rows)}{tail}</table:table>'


def libreoffice_ods(path: Path) -> None:
    """As LibreOffice writes it: a note in a cell, repeated cells and rows, spaces as text:s,
    two paragraphs in a cell, a formula with its cached value, a merged (covered) cell, a sheet
    before the data, and the empty rest of every sheet in one repeated row."""
    text = ods_cell
    ideas = [
        ods_row("".join(text(v) for v in ("id", "title", "theme", "cost"))),
        ods_row(
            text("I01")
            + text(
                'Idee<text:s text:c="2"/>één<office:annotation><text:p>nota'
                "</text:p></office:annotation>"
            )
            + text("T")
            + text(1000)
        ),
        ods_row(
            text("I02")
            + text("Idee 2")
            + text("T")
            + '<table:table-cell table:formula="of:=2*1000" office:value-type="float" '
            'office:value="2000"><text:p>2000</text:p></table:table-cell>'
        ),
        ods_row(
            text("I03") + '<table:table-cell office:value-type="string"><text:p>Idee</text:p>'
            "<text:p>drie</text:p></table:table-cell>"
            + '<table:table-cell table:number-columns-repeated="2" office:value-type="float" '
            'office:value="3"><text:p>3</text:p></table:table-cell>'
        ),
        ods_row(text("I04") + text("Idee 4") + "<table:covered-table-cell/>" + text(4000)),
        ods_row(""),
        ods_row(text("I05") + text("Idee 5") + text("T") + text(5000.5)),
    ]
    scores = [ods_row("".join(text(v) for v in scores_rows(5, "I03")[0]))]
    for row in scores_rows(5, "I03")[1:]:
        scores.append(ods_row("".join(text(v) for v in row)))
    scores.append(ods_row(text("I05") + text("innovation") + text("Hans") + text(4)))
    scores.append(ods_row(text("I05") + text("viability") + text("Ivo") + text(4)))
    content = ("<office:document-content><office:body><office:spreadsheet>"
               + ods_table("Lees mij", [ods_row(text("Dit is een toelichting"))])
               + ods_table("Ideeën", ideas) + ods_table("beoordelingen", scores)
               + "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    write_ods(path, content)


def make(folder: Path = HERE) -> None:
    # 1. a stale <dimension>: 729 rows on the scores sheet, declared A1:E300
    path = folder / "stale_dimension.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(26), "scores": scores_rows(26, "I26")})
    with_shared_strings(path)
    rewrite_member(path, "xl/worksheets/sheet2.xml",
                   lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:E300"', x))  # fmt: skip

    # 2. a long-form scores sheet with a score but no criterion column
    write_xlsx(folder / "scores_without_criterion.xlsx",
               {"ideas": ideas_rows(2), "scores": [["idea_id", "assessor", "score"], ["I01", "An", 3]]})  # fmt: skip

    # 3. the scores sheet's XML cut off in the middle
    path = folder / "truncated_sheet.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(5), "scores": scores_rows(5, "I01")})
    rewrite_member(path, "xl/worksheets/sheet2.xml", lambda x: x[: len(x) * 3 // 5])

    # 4. what Excel writes for "Encrypt with password", and 5. an Excel 97-2003 file
    (folder / "encrypted.xlsx").write_bytes(
        cfb(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                "EncryptedPackage": b"\x17" * 64,
            }
        )
    )
    (folder / "old_excel.xls").write_bytes(cfb({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 60,
                                                "\x05SummaryInformation": b"\0" * 48}))  # fmt: skip
    write_ods(
        folder / "encrypted.ods",
        "<office:document-content>\x00garbage",
        manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>',
    )

    # 6. LibreOffice's own way of writing a workbook
    libreoffice_ods(folder / "libreoffice.ods")

    # 7. Excel's "Unicode text": UTF-16 with a BOM, tab-separated; and without a BOM
    for name, encoding in (("utf16_csv", "utf-16"), ("utf16_no_bom_csv", "utf-16-le")):
        sub = folder / name
        shutil.rmtree(sub, ignore_errors=True)
        sub.mkdir()
        for file, rows in (("ideeën.csv", ideas_rows(3)), ("scores.csv", scores_rows(3, "I02"))):
            text = "\r\n".join("\t".join(str(v) for v in row) for row in rows) + "\r\n"
            (sub / file).write_bytes(text.replace("Idee 1", "Café één").encode(encoding))

    # 8. one 20-million-character cell, as a shared string and written inline
    path = folder / "long_shared_cell.xlsx"
    write_xlsx(
        path,
        {"ideas": ideas_rows(2) + [["I03", "x" * 20, "T", 1]], "scores": scores_rows(2, "I01")},
    )
    with_shared_strings(path)
    rewrite_member(path, "xl/sharedStrings.xml",
                   lambda x: x.replace(b"x" * 20, b"x" * 20_000_000))  # fmt: skip
    path = folder / "long_inline_cell.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(2), "scores": scores_rows(2, "I01")})
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda x: x.replace(b"<t>Idee 2</t>", b"<t>" + b"y" * 20_000_000 + b"</t>"))  # fmt: skip

    # 9. a declared dimension of the whole sheet, a cell far right, a row far down
    path = folder / "huge_dimension.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(3), "scores": scores_rows(3, "I01")})

    def far(x):
        x = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x)
        return x.replace(b"</sheetData>", b'<row r="1048576"><c r="XFC1048576" t="inlineStr">'
                         b"<is><t>ver weg</t></is></c></row></sheetData>")  # fmt: skip

    rewrite_member(path, "xl/worksheets/sheet1.xml", far)

    # 10. cells openpyxl chokes on: a number that is not one, a bool of 2, an error, no r=
    path = folder / "odd_cells.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(3), "scores": scores_rows(3, "I01")})

    def odd(x):
        x = re.sub(rb'<c r="D2"[^>]*><v>[^<]*</v></c>', b'<c r="D2"><v>veel</v></c>', x)
        x = re.sub(rb'<c r="D3"[^>]*><v>[^<]*</v></c>', b'<c r="D3" t="b"><v>2</v></c>', x)
        return re.sub(rb'<c r="D4"[^>]*><v>[^<]*</v></c>', b'<c t="e"><v>#N/A</v></c>', x)

    rewrite_member(path, "xl/worksheets/sheet1.xml", odd)
    path = folder / "bad_shared_index.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(3), "scores": scores_rows(3, "I01")})
    with_shared_strings(path)
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda x: re.sub(rb'(<c r="B3"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>99999", x))  # fmt: skip

    # 11. a styles part that unpacks to 21 MB
    path = folder / "styles_bomb.xlsx"
    write_xlsx(path, {"ideas": ideas_rows(2), "scores": scores_rows(2, "I01")})
    rewrite_member(path, "xl/styles.xml", lambda x: x + b"<!--" + b" " * 21_000_000 + b"-->")

    # 12. zips that are not workbooks, and files that are not zips
    with zipfile.ZipFile(folder / "xlsb_inside.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with zipfile.ZipFile(folder / "zip_without_workbook.xlsx", "w") as z:
        z.writestr("readme.txt", "niets")
    (folder / "junk.xlsx").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "single.csv").write_text("id;titel\nA;Alfa\n", encoding="utf-8")

    # 13. CSV folders: NUL bytes and ragged rows; a quote never closed
    sub = folder / "csv_nul_and_ragged"
    shutil.rmtree(sub, ignore_errors=True)
    sub.mkdir()
    (sub / "ideas.csv").write_bytes(b"id;title;cost\nA;Al\x00fa;10;extra;more\nB\nC;Gamma;x\x00\n")
    (sub / "scores.csv").write_bytes(b"idea_id;criterion_id;assessor;score\nA;innovation;An\n")
    sub = folder / "csv_unclosed_quote"
    shutil.rmtree(sub, ignore_errors=True)
    sub.mkdir()
    (sub / "ideas.csv").write_text('id,title\nA,"Alfa\nB,Beta\n', encoding="utf-8")
    (sub / "scores.csv").write_text("idea_id,criterion_id,assessor,score\nA,innovation,An,3\n")


if __name__ == "__main__":  # pragma: no cover
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    for p in sorted(HERE.iterdir()):
        size = sum(f.stat().st_size for f in p.rglob("*")) if p.is_dir() else p.stat().st_size
        print(f"{p.name:32} {size:>8}")
