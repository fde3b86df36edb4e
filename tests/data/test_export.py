"""Safe exports: text stays text (OWASP CSV injection), numbers stay numbers, writes are atomic."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from prioritisation.data.export import atomic_path, csv_text, frame_to_csv, write_xlsx


@pytest.mark.parametrize(
    "text", ["=1+1", "+31", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("a")']
)
def test_formula_text_is_neutralised_in_csv(text):
    assert csv_text(text) == "'" + text


def test_numbers_stay_numbers_in_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame({"t": ["=cmd", "ok"], "n": [-3.5, 2.0], "i": [1, 2]})
    assert frame_to_csv(frame).splitlines() == ["t,n,i", "'=cmd,-3.5,1", "ok,2,2"]
    ws = load_workbook(write_xlsx({"s": frame}, tmp_path / "x.xlsx"))["s"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "=cmd"
    assert ws["B2"].value == -3.5 and ws["B2"].data_type == "n"


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_xlsx_holds_no_formula_element(tmp_path):
    """Checked in the file itself: no ``<f>`` element, so Excel has nothing to run."""
    import zipfile

    evil = ['=HYPERLINK("http://evil","klik")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    frame = pd.DataFrame({"title": evil, "score": [0.5, -1.0, 2.0, 3.0, 4.0]})
    path = write_xlsx({"s": frame}, tmp_path / "x.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(path)["s"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 7)] == evil
    assert [ws.cell(row=r, column=2).data_type for r in range(2, 7)] == ["n"] * 5


@pytest.mark.parametrize("command", [["rank"], ["portfolio", "--budget", "100"]])
def test_cli_exports_keep_user_text_as_text(tmp_path, command):
    """Rank and portfolio exports, end to end: formula-looking titles stay text, numbers numbers."""
    import zipfile

    from tests.conftest import run_cli, xlsx

    evil = '=HYPERLINK("http://evil","klik")'
    book = xlsx(tmp_path, ideas=[["id", "title", "theme", "cost"], ["A", evil, "@thema", 60],
                                 ["B", "-1+2", "+x", 50]],
                scores=[["idea_id", "assessor", "innovation", "desirability", "viability", "feasibility"],
                        ["A", "An", 4, 4, 4, 4], ["B", "An", 3, 3, 3, 3]])  # fmt: skip
    csv_out = run_cli(*command, book, "--format", "csv", check_exit=0).stdout
    assert "'=HYPERLINK" in csv_out and "'@thema" in csv_out and "'-1+2" in csv_out
    assert "\n=" not in csv_out and ",=" not in csv_out
    out = tmp_path / "out.xlsx"
    run_cli(*command, book, "--format", "xlsx", "--out", out, check_exit=0)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and all("<f>" not in s and "<f " not in s for s in sheets)
    ws = load_workbook(out).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert evil in values and "-1+2" in values
    costs = [c for row in ws.iter_rows() for c in row if c.value in (60, 50)]
    assert costs and all(c.data_type == "n" for c in costs)


def test_atomic_file_gets_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "x.csv") as tmp:
            tmp.write_text("a")
    finally:
        os.umask(umask)
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644


def test_a_full_disk_is_an_environment_failure_naming_the_target(tmp_path, monkeypatch):
    import errno

    from openpyxl import Workbook

    from prioritisation.core.errors import EnvironmentFailure

    def full(self, filename):
        open(filename, "wb").close()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    out = tmp_path / "ranking.xlsx"
    with pytest.raises(EnvironmentFailure) as err:
        write_xlsx({"s": pd.DataFrame({"a": [1]})}, out)
    assert err.value.exit_code == 3 and str(out) in err.value.lines()[0]
    assert list(tmp_path.iterdir()) == []  # no temporary file left
    with pytest.raises(ValueError):  # anything else is not the disk's fault: unchanged
        with atomic_path(out):
            raise ValueError("x")


def test_outputs_carry_the_marker_and_workbooks_do_not(tmp_path):
    from prioritisation.data.export import OUTPUT_KEYWORD

    frame = pd.DataFrame({"a": [1]})
    ours = load_workbook(write_xlsx({"s": frame}, tmp_path / "o.xlsx", marker=True))
    assert ours.properties.keywords == OUTPUT_KEYWORD
    assert ours.properties.creator.startswith("prioritisation ")
    plain = load_workbook(write_xlsx({"s": frame}, tmp_path / "w.xlsx"))
    assert OUTPUT_KEYWORD not in (plain.properties.keywords or "")


def test_number_formats_per_sheet_and_heading(tmp_path):
    frame = pd.DataFrame({"kost": [1500000, None], "score": [0.41234, 0.5], "titel": ["a", "b"]})
    formats = {"s": {"kost": '"€" #,##0', "score": "0.000"}, "other": {"kost": "0%"}}
    ws = load_workbook(write_xlsx({"s": frame}, tmp_path / "f.xlsx", formats=formats))["s"]
    assert (ws["A1"].number_format, ws["A2"].number_format) == ("General", '"€" #,##0')
    assert ws["A2"].value == 1500000 and ws["B3"].number_format == "0.000"
    assert ws["C2"].number_format == "General"
