"""The committed sample workbook is what prioritisation/data/sample.py builds, and it is realistic."""

from __future__ import annotations

import pandas as pd

from prioritisation.data.sample import sample_workbook
from prioritisation.data.workbook import read_workbook


def test_committed_sample_matches_its_source(sample_path):
    built, read = sample_workbook(), read_workbook(sample_path)
    pd.testing.assert_frame_equal(
        read.scores.drop(columns="row").reset_index(drop=True), built.scores.reset_index(drop=True),
        check_dtype=False,
    )  # fmt: skip
    assert list(read.ideas.index) == list(built.ideas.index)
    assert read.ideas["cost"].tolist() == built.ideas["cost"].tolist()
    assert read.settings["title"] == built.settings["title"]


def test_sample_is_realistic(sample_path):
    wb = read_workbook(sample_path)
    assert len(wb.ideas) >= 20 and len(wb.assessors) >= 6
    themes = set(wb.ideas["theme"])
    assert {"Inspirerende gebruikservaring", "Rijk leesklimaat", "E-inclusie"} <= themes
    for website in ("TICKET", "OPEN", "LIJST"):
        assert "ZOEK" in wb.ideas.loc[website, "depends_on"]
    per_cell = wb.scores.groupby(["idea_id", "criterion_id"])["score"]
    assert (per_cell.std() > 0).mean() > 0.5, "assessors disagree on most cells"
    assert wb.scores["score"].isna().sum() >= 3
