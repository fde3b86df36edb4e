"""prioritisation/commands/_emit.py: one output call for every format, terminal or file."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from prioritisation.commands._emit import Output, emit
from prioritisation.core.errors import UsageError
from prioritisation.data.outputs import check_output

FRAME = pd.DataFrame({"title": ["Klok\x1b[2J", "=SUM(A1)"], "n": [1, 2]},
                     index=pd.Index(["A", "B"], name="id"))  # fmt: skip
RESULT = Output(table=lambda: "Klok\x1b[2J\nregel 2\r", json=lambda: {"title": "Klok\x1b[2J"},
                csv=lambda: FRAME, xlsx=lambda: {"blad": FRAME.reset_index()})  # fmt: skip


def test_table_text_is_terminal_safe_and_keeps_lines(capsys):
    emit(RESULT)
    assert capsys.readouterr().out == "Klok\\x1b[2J\nregel 2\\x0d\n"


def test_json_and_csv_keep_the_data(capsys, tmp_path):
    emit(RESULT, "json")
    assert json.loads(capsys.readouterr().out) == {"title": "Klok\x1b[2J"}
    emit(RESULT, "csv")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "id,title,n" and "'=SUM(A1)" in out and "\x1b" in out
    emit(Output(table=str, csv=lambda: FRAME.reset_index(drop=True)), "csv")
    assert capsys.readouterr().out.splitlines()[0] == "title,n"  # an unnamed index is not written


def test_files_are_written_and_only_views_asked_for_are_built(tmp_path):
    def never():
        raise AssertionError("built a view nobody asked for")

    emit(Output(table=never, json=lambda: [1], csv=never, xlsx=never), "json", tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == [1]
    emit(
        Output(table=never, xlsx=lambda: {"blad": FRAME.iloc[1:].reset_index()}),
        "xlsx",
        tmp_path / "a.xlsx",
    )  # fmt: skip (an xlsx cannot hold ESC at all)
    assert load_workbook(tmp_path / "a.xlsx")["blad"]["C2"].value == 2
    emit(RESULT, "table", tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "Klok\\x1b[2J\nregel 2\\x0d"
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_xlsx_needs_a_file():
    with pytest.raises(UsageError):
        emit(RESULT, "xlsx")


def test_an_input_is_never_an_output(tmp_path):
    book = tmp_path / "s.xlsx"
    book.write_bytes(b"keep")
    store = tmp_path / "s.scenarios.sqlite"
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "ideas.csv").write_text("id\n", encoding="utf-8")
    inputs = [book, f"sqlite:///{store}", folder, None, "postgresql+psycopg://x/y"]
    for out in (
        book,
        tmp_path / "sub" / ".." / "s.xlsx",
        store,
        f"{store}-wal",
        folder / "ideas.csv",
    ):
        with pytest.raises(UsageError) as caught:
            check_output(out, inputs=inputs, force=True)
        assert caught.value.code == "usage.output_is_input"
    assert check_output(tmp_path / "r.xlsx", inputs=inputs) == tmp_path / "r.xlsx"
    with pytest.raises(UsageError):
        emit(RESULT, "csv", book, inputs=inputs, force=True)
    assert book.read_bytes() == b"keep"
