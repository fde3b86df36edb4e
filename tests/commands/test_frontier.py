"""``prioritisation frontier``: exports, JSON, clean output."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from prioritisation.data.writer import write_workbook
from tests.conftest import SAMPLE, run_cli
from tests.decisions.portfolio_helpers import random_workbook, run_in_process


def test_frontier_command(tmp_path):
    out = tmp_path / "f.xlsx"
    run_cli("frontier", SAMPLE, "--levels", "6", "--format", "xlsx", "--out", out, check_exit=0)
    assert load_workbook(out).sheetnames == ["frontier", "entries"]
    doc = json.loads(run_cli("frontier", SAMPLE, "--levels", "4", "--format", "json",
                             check_exit=0).stdout)  # fmt: skip
    assert len(doc["points"]) == 4 and doc["points"][0]["value"] == 0
    assert doc["rule"] == "priority"
    best = json.loads(run_cli("frontier", SAMPLE, "--levels", "4", "--format", "json", "--rule",
                              "best", check_exit=0).stdout)  # fmt: skip
    assert best["rule"] == "best"
    assert all(b["value"] >= p["value"] - 1e-9
               for b, p in zip(best["points"], doc["points"], strict=True))  # fmt: skip
    table = run_cli("frontier", SAMPLE, "--levels", "3", check_exit=0).stdout
    assert table.startswith("Regel: in volgorde van prioriteit\n")


@pytest.mark.parametrize("seed", range(100))
def test_json_stays_clean_whatever_the_solver_prints(seed, tmp_path, capfd):
    """In-process, file descriptor 1 captured: nothing HiGHS prints reaches the document."""
    path = write_workbook(random_workbook(seed), tmp_path / "wb.xlsx")
    code, out, err = run_in_process(capfd, "frontier", path, "--format", "json", "--levels", "8")
    assert code == 0, err
    assert isinstance(json.loads(out), dict)
