"""Fuzzing the input: broken and hostile workbooks and CSV folders through ``validate`` and ``rank``.

Hypothesis writes workbooks (``.xlsx``, ``.ods``, CSV folders in several encodings) with random
sheet names, headings (the known aliases and junk), cells of every type, missing columns,
and then damages some of them at the byte level (cut short, junk bytes, a broken zip member);
every file of ``corpus/`` is run as well. Each goes through ``prioritisation.cli.main`` in this
process, as a user would run it. What must hold, always:

- no traceback and no "internal error": the exit code is 0 or 2, never 1;
- ``validate`` and ``rank`` agree: a workbook that validates ranks;
- every problem is located: it names its sheet or CSV file, or is about the whole file (then
  the first line, which names the file, stands for its location).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.cli import main
from prioritisation.core.i18n import set_language
from prioritisation.data.reader import COLUMN_ALIASES
from prioritisation.data.workbook import check_workbook
from tests.data.corpus.make_corpus import EXPECTED, ods_table, write_ods, write_xlsx

CORPUS = Path(__file__).parent / "corpus"

FILE_LEVEL = {  # problems about the whole file: the summary line names it
    "problem.file_missing", "problem.not_a_workbook", "problem.sheet_missing",
    "problem.encrypted", "problem.old_excel", "problem.xlsb", "problem.single_csv",
    "problem.part_too_big", "problem.part_damaged", "problem.unpacked_too_big",
    "problem.too_many_strings", "problem.file_too_big", "problem.more",
}  # fmt: skip

SHEETS = {"ideas": ["ideas", "Ideeën"], "scores": ["scores", "Beoordelingen"],
          "criteria": ["criteria"], "settings": ["instellingen"], "pairwise": ["paarsgewijs"]}  # fmt: skip
IDS = ["A", "B", "C", "7", "innovation", "desirability", "viability", "feasibility", "An", "Bo"]
SETTING_VALUES = ["nl", "en", "wsm", "topsis", "median", "1.500.000", "2027=700.000; 2028: 600000",
                  "9999=1", "budget", "method", "taal", "€ 12.500", "-5", "1/3"]  # fmt: skip

safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
cells = st.one_of(
    st.none(), st.sampled_from(IDS + SETTING_VALUES), safe_text,
    st.integers(-10, 10**6), st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.booleans(), st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2200, 1, 1)),
    st.sampled_from(["3,5", "1.234,50", "1/5", "=1+1", " ", "#N/A", "A;B", "A, C"]),
)  # fmt: skip


@st.composite
def sheet(draw, kind: str):
    names = [a for names in COLUMN_ALIASES[kind].values() for a in names[:2]]
    headings = draw(st.lists(st.one_of(st.sampled_from(names), safe_text), min_size=0, max_size=7,
                             unique=True))  # fmt: skip
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(headings) + 1), max_size=8))
    return [headings] + rows


@st.composite
def workbook(draw):
    kinds = draw(st.lists(st.sampled_from(list(SHEETS)), min_size=0, max_size=5, unique=True))
    return {draw(st.sampled_from(SHEETS[k] + ["lees mij"])): draw(sheet(k)) for k in kinds}


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def write_csv_folder(folder: Path, sheets: dict, encoding: str, delimiter: str) -> Path:
    folder.mkdir()
    for name, rows in sheets.items():
        text = "\r\n".join(delimiter.join(as_text(v) for v in row) for row in rows) + "\r\n"
        (folder / f"{name}.csv").write_bytes(text.encode(encoding, errors="replace"))
    return folder


def write_ods_book(path: Path, sheets: dict) -> Path:
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, bool):
            return (f'<table:table-cell office:value-type="boolean" office:boolean-value='
                    f'"{str(v).lower()}"/>')  # fmt: skip
        if isinstance(v, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{v}"/>'
        if isinstance(v, dt.datetime):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"/>'
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    tables = "".join(
        ods_table(escape(name), ["<table:table-row>" + "".join(cell(v) for v in row)
                                 + "</table:table-row>" for row in rows])
        for name, rows in sheets.items()
    )  # fmt: skip
    write_ods(path, "<office:document-content><office:body><office:spreadsheet>" + tables
              + "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    return path


def write_xlsx_book(path: Path, sheets: dict) -> Path:
    clean = {name: [[v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in row]
                    for row in rows] for name, rows in sheets.items()}  # fmt: skip
    if not clean:
        clean = {"leeg": [[]]}
    write_xlsx(path, clean)
    return path


def damage(path: Path, how: str, rnd: random.Random) -> None:
    """Cut a file short, put junk bytes in it, or break one member of a zip file."""
    files = sorted(p for p in path.iterdir()) if path.is_dir() else [path]
    if not files:
        return
    target = rnd.choice(files)
    data = bytearray(target.read_bytes())
    if how == "member" and zipfile.is_zipfile(target):
        with zipfile.ZipFile(target) as z:
            items = [(i.filename, z.read(i)) for i in z.infolist()]
        k = rnd.randrange(len(items))
        name, blob = items[k]
        cut = rnd.randrange(len(blob) + 1)
        items[k] = (name, blob[:cut] + bytes(rnd.randrange(256) for _ in range(rnd.randrange(4))))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for name, blob in items:
                z.writestr(name, blob)
        return
    if how == "cut" and data:
        del data[rnd.randrange(len(data)) :]
    else:
        for _ in range(rnd.randrange(1, 8)):
            pos = rnd.randrange(len(data) + 1)
            data[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 6)))
    target.write_bytes(bytes(data))


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    set_language(None)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check(path: Path) -> int:
    """The invariants above, for one file or folder; the exit code of ``validate``."""
    code, _, err = run("validate", str(path))
    assert code in (0, 2), (path, code, err)
    assert "Traceback" not in err and "nterne fout" not in err, err
    workbook, problems = check_workbook(path)
    assert (code == 0) == (workbook is not None), (code, err)
    for problem in problems:
        assert problem.sheet is not None or problem.code in FILE_LEVEL, problem
    if code == 2:
        assert str(path) in err.splitlines()[0], err  # the summary names the file
    rank_code, _, rank_err = run("rank", str(path), "--format", "json")
    assert rank_code == code, (path, code, rank_code, rank_err)
    return code


DEEP = int(os.environ.get("FUZZ_EXAMPLES", 0))  # FUZZ_EXAMPLES=2000 for a long, random hunt
FUZZ = settings(max_examples=DEEP or 35, deadline=None, derandomize=not DEEP,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip


@FUZZ
@given(workbook(), st.sampled_from(["xlsx", "ods", "utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       st.sampled_from([";", ",", "\t"]))  # fmt: skip
def test_generated_workbooks(sheets, kind, delimiter):
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "xlsx":
            path = write_xlsx_book(Path(tmp) / "wb.xlsx", sheets)
        elif kind == "ods":
            path = write_ods_book(Path(tmp) / "wb.ods", sheets)
        else:
            path = write_csv_folder(Path(tmp) / "csv", sheets, kind, delimiter)
        check(path)


@FUZZ
@given(workbook(), st.sampled_from(["xlsx", "ods", "csv"]), st.sampled_from(["cut", "junk", "member"]),
       st.randoms(use_true_random=False))  # fmt: skip
def test_damaged_workbooks(sheets, kind, how, rnd):
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "xlsx":
            path = write_xlsx_book(Path(tmp) / "wb.xlsx", sheets)
        elif kind == "ods":
            path = write_ods_book(Path(tmp) / "wb.ods", sheets)
        else:
            path = write_csv_folder(Path(tmp) / "csv", sheets, "utf-8", ";")
        damage(path, how, rnd)
        check(path)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_file(name):
    code, first = EXPECTED[name]
    assert check(CORPUS / name) == code
    if first is not None:
        _, problems = check_workbook(CORPUS / name)
        assert problems[0].code == first


def test_the_corpus_is_listed_and_small():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name not in ("make_corpus.py", "__init__.py",
                                                                   "__pycache__")}  # fmt: skip
    assert on_disk == set(EXPECTED)
    for path in CORPUS.rglob("*"):
        assert path.is_dir() or path.stat().st_size < 50_000, path


def near_valid_base() -> dict:
    ideas = [["id", "title", "cost", "depends_on", "duration", "group"]] + [
        [f"I{i}", f"Idee {i}", 1000 * i, None, 1, None] for i in range(1, 6)
    ]
    criteria = [["id", "label", "scale_min", "scale_max", "weight", "direction", "threshold"]] + [
        [c, c.title(), 1, 5, 1, "benefit", None] for c in IDS[4:8]
    ]
    scores = [["idea_id", "criterion_id", "assessor", "score", "comment"]] + [
        [f"I{i}", c, a, 1 + (i + j) % 5, None]
        for i in range(1, 6)
        for j, c in enumerate(IDS[4:8])
        for a in ("An", "Bo")
    ]
    settings_ = [["key", "value"], ["budget", 6000], ["method", "wsm"]]
    pairwise = [
        ["assessor", "criterion_a", "criterion_b", "value"],
        ["An", "innovation", "viability", 3],
    ]
    return {"ideas": ideas, "criteria": criteria, "scores": scores, "instellingen": settings_,
            "paarsgewijs": pairwise}  # fmt: skip


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["ideas", "criteria", "scores", "instellingen",
                                            "paarsgewijs"]),
                          st.integers(0, 50), st.integers(0, 7), cells), min_size=1, max_size=4),
       st.sampled_from(["xlsx", "ods", "utf-8"]))  # fmt: skip
def test_nearly_valid_workbooks(changes, kind):
    """A valid workbook with a few cells changed: reaches the engine, so ``rank`` is tried too."""
    sheets = near_valid_base()
    for name, row, col, value in changes:
        rows = sheets[name]
        r = rows[min(row, len(rows) - 1)]
        r.extend([None] * (col + 1 - len(r)))
        r[col] = value
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "xlsx":
            path = write_xlsx_book(Path(tmp) / "wb.xlsx", sheets)
        elif kind == "ods":
            path = write_ods_book(Path(tmp) / "wb.ods", sheets)
        else:
            path = write_csv_folder(Path(tmp) / "csv", sheets, "utf-8", ";")
        check(path)


def test_the_near_valid_base_ranks():
    with tempfile.TemporaryDirectory() as tmp:
        assert check(write_xlsx_book(Path(tmp) / "wb.xlsx", near_valid_base())) == 0
