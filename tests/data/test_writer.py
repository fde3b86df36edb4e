"""Writing a workbook: what is written reads back equal."""

from __future__ import annotations

from prioritisation.data.workbook import read_workbook
from prioritisation.data.writer import write_workbook


def test_write_then_read_round_trip(tmp_path, sample_path):
    wb = read_workbook(sample_path)
    again = read_workbook(write_workbook(wb, tmp_path / "copy.xlsx"))
    cols = ["title", "theme", "description", "cost", "depends_on", "owner", "duration"]
    assert again.ideas[cols].equals(wb.ideas[cols])
    assert again.scores.drop(columns="row").equals(wb.scores.drop(columns="row"))
    assert again.criteria[["label", "weight", "threshold"]].equals(
        wb.criteria[["label", "weight", "threshold"]]
    )
