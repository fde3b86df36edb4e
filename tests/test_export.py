"""Safe exports: text stays text (OWASP CSV injection), numbers stay numbers, writes are atomic."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from prioritisation.export import atomic_path, csv_text, frame_to_csv, write_xlsx


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


def test_atomic_file_gets_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "x.csv") as tmp:
            tmp.write_text("a")
    finally:
        os.umask(umask)
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644
