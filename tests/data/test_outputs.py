"""The one guard for output paths: never an input, never a stranger's file without --force.

The CLI tests run ``prioritisation.cli.main`` in this process with the report command: it
refuses before any kernel starts, so they are fast.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pandas as pd
import pytest

from prioritisation.cli import main
from prioritisation.core.errors import UsageError
from prioritisation.data.export import write_xlsx
from prioritisation.data.outputs import check_output, has_output_marker, sqlite_file

from ..conftest import SAMPLE

FRAME = pd.DataFrame({"a": [1, 2]})


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@pytest.fixture
def csv_folder(tmp_path):
    folder = tmp_path / "werkmap"
    folder.mkdir()
    for sheet, frame in pd.read_excel(SAMPLE, sheet_name=None).items():
        frame.to_csv(folder / f"{sheet}.csv", index=False)
    return folder


def _store(path):
    """A SQLite database in WAL mode with its -wal and -shm files, like the scenario store."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    return con  # keep it open: the -wal and -shm files stay


# --------------------------------------------------------------------------- inputs


def test_the_workbook_is_refused_however_it_is_named(workbook, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(workbook)
    hard = tmp_path / "hard.xlsx"
    os.link(workbook, hard)
    (tmp_path / "sub").mkdir()
    for out in (workbook, link, tmp_path / "sub" / ".." / "s.xlsx", hard):
        with pytest.raises(UsageError) as err:
            check_output(out, inputs=[workbook], force=True)  # force never frees an input
        assert str(out) in str(err.value) and "s.xlsx" in str(err.value)


def test_a_csv_of_a_workbook_folder_is_refused_even_a_new_one(csv_folder):
    with pytest.raises(UsageError, match="ideas.csv"):
        check_output(csv_folder / "ideas.csv", inputs=[csv_folder], force=True)
    with pytest.raises(UsageError):  # read as a sheet next time
        check_output(csv_folder / "ranking.csv", inputs=[csv_folder], force=True)
    assert check_output(csv_folder / "ranking.xlsx", inputs=[csv_folder])


def test_the_store_and_its_side_files_are_refused(tmp_path, workbook):
    db = tmp_path / "s.scenarios.sqlite"
    con = _store(db)
    try:
        url = f"sqlite:///{db}"
        for out in (db, tmp_path / "s.scenarios.sqlite-wal", tmp_path / "s.scenarios.sqlite-shm",
                    tmp_path / "s.scenarios.sqlite-journal"):  # fmt: skip
            with pytest.raises(UsageError, match="s.scenarios.sqlite"):
                check_output(out, inputs=[workbook, url], force=True, kind="csv")
        # an existing database is refused for another kind of output, even when not named
        with pytest.raises(UsageError, match="SQLite"):
            check_output(db, inputs=[workbook], force=True, kind="csv")
        with pytest.raises(UsageError, match="SQLite"):
            check_output(tmp_path / "s.scenarios.sqlite-wal", force=True, kind="json")
        # a backup may replace a database that is not the store, with force only
        backup = tmp_path / "backup.sqlite"
        shutil.copy(db, backup)
        with pytest.raises(UsageError, match="--force"):
            check_output(backup, inputs=[url], kind="sqlite")
        assert check_output(backup, inputs=[url], kind="sqlite", force=True) == backup
    finally:
        con.close()


def test_sqlite_file_of_a_url(tmp_path):
    assert sqlite_file(f"sqlite:///{tmp_path}/a.sqlite") == tmp_path / "a.sqlite"
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://u@h/db") is None


# --------------------------------------------------------------------------- other files


def test_a_strangers_file_needs_force(tmp_path):
    for name in ("notes.txt", "ranking.csv", "data.json", "theirs.xlsx", "theirs.pdf"):
        path = tmp_path / name
        if name.endswith(".xlsx"):
            write_xlsx({"s": FRAME}, path)  # no marker: a workbook, or someone's file
        else:
            path.write_bytes(b"%PDF-1.7 someone else's" if name.endswith(".pdf") else b"mine")
        with pytest.raises(UsageError, match="--force") as err:
            check_output(path, inputs=[SAMPLE])
        assert name in str(err.value)
        assert check_output(path, inputs=[SAMPLE], force=True) == path
        assert path.exists()  # the check only reads


def test_our_own_outputs_are_replaced_without_force(tmp_path):
    ours = write_xlsx({"s": FRAME}, tmp_path / "ranking.xlsx", marker=True)
    assert has_output_marker(ours)
    assert check_output(ours, inputs=[SAMPLE]) == ours
    assert not has_output_marker(SAMPLE)  # the sample workbook carries no output marker


def test_a_pdf_made_by_the_report_template_carries_the_marker(tmp_path):
    """The report's HTML names prioritisation as generator; WeasyPrint makes it /Creator."""
    import nbformat

    from prioritisation.report.jobs import ReportJob
    from prioritisation.report.pipeline import to_html, to_pdf

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>é</p>"})]
    nb.cells.append(cell)
    pdf = tmp_path / "r.pdf"
    to_pdf(to_html(nb, ReportJob(workbook="", out=pdf)), pdf, str(tmp_path), "r.pdf")
    assert has_output_marker(pdf)
    assert check_output(pdf, inputs=[SAMPLE], kind="pdf") == pdf
    other = tmp_path / "other.pdf"
    import weasyprint

    weasyprint.HTML(string="<p>x</p>").write_pdf(other)
    assert not has_output_marker(other)


def test_a_folder_is_not_an_output_file(tmp_path):
    with pytest.raises(UsageError, match="map"):
        check_output(tmp_path, inputs=[SAMPLE])


# --------------------------------------------------------------------------- through the CLI


def _report(*args):
    return main(["report", *map(str, args)])


def test_report_refuses_to_write_over_its_workbook(workbook, capsys):
    before = workbook.read_bytes()
    assert _report(workbook, "--out", workbook) == 2
    err = capsys.readouterr().err
    assert err.count(str(workbook)) >= 2 and "invoer" in err and "Traceback" not in err
    assert workbook.read_bytes() == before
    assert _report(workbook, "--out", workbook.parent / "." / "s.xlsx", "--force") == 2
    assert workbook.read_bytes() == before


def test_report_refuses_a_csv_of_its_workbook_folder(csv_folder, capsys):
    before = (csv_folder / "ideas.csv").read_bytes()
    assert _report(csv_folder, "--out", csv_folder / "ideas.csv") == 2
    assert "ideas.csv" in capsys.readouterr().err
    assert (csv_folder / "ideas.csv").read_bytes() == before


def test_report_refuses_to_write_over_the_store(workbook, capsys):
    from prioritisation.data.workbook import read_workbook
    from prioritisation.scenarios.db import default_store_path, open_store
    from prioritisation.scenarios.scenario import make_scenario

    with open_store(workbook) as st:
        st.save(make_scenario(read_workbook(workbook), "Basis", "An"))
    store = default_store_path(workbook)
    before = store.read_bytes()
    assert _report(workbook, "--out", store, "--force") == 2
    assert str(store) in capsys.readouterr().err
    assert store.read_bytes() == before
    assert _report(workbook, "--out", f"{store}-wal", "--force") == 2


def test_report_needs_force_for_a_strangers_file(workbook, tmp_path, capsys):
    mine = tmp_path / "verslag.pdf"
    mine.write_bytes(b"my own notes")
    assert _report(workbook, "--out", mine) == 2
    assert "--force" in capsys.readouterr().err
    assert mine.read_bytes() == b"my own notes"
