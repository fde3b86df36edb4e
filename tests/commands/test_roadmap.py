"""``prioritisation roadmap``: table, JSON, Gantt chart, bad input, clean output."""

from __future__ import annotations

import json

import pytest

from prioritisation.data.writer import write_workbook
from tests.conftest import SAMPLE, run_cli
from tests.decisions.portfolio_helpers import random_workbook, run_in_process


def test_roadmap_command_table_json_and_gantt(tmp_path):
    proc = run_cli("roadmap", SAMPLE, "--budget-per-year", "2027=400000,2028=350000,2029=300000",
                   check_exit=0)  # fmt: skip
    assert proc.stdout.startswith("Regel: in volgorde van prioriteit\n")
    assert "de hele rangorde afgelopen" in proc.stdout and "2029" in proc.stdout
    assert "Met de grootste totale score" in proc.stdout
    best = run_cli("roadmap", SAMPLE, "--budget-per-year", "2027=400000,2028=350000,2029=300000",
                   "--rule", "best", check_exit=0).stdout  # fmt: skip
    assert best.startswith("Regel: grootste totale score\n") and "bewezen optimaal" in best
    chart = tmp_path / "g.svg"
    doc = json.loads(run_cli("roadmap", SAMPLE, "--format", "json", "--chart", chart,
                             check_exit=0).stdout)  # fmt: skip
    assert [y["year"] for y in doc["years"]] == [2027, 2028, 2029]
    assert doc["rule"] == "priority" and doc["alternative"]["rule"] == "best"
    assert doc["total_cost"] <= 1_500_000  # the total budget binds as well as the yearly ones
    assert all(y["spend"] <= y["budget"] + 1e-6 for y in doc["years"])
    assert "<svg" in chart.read_text()
    bad = run_cli("roadmap", SAMPLE, "--budget-per-year", "2027=1,2029=2", check_exit=2)
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("seed", range(100))
def test_json_stays_clean_whatever_the_solver_prints(seed, tmp_path, capfd):
    """In-process, file descriptor 1 captured: nothing HiGHS prints reaches the document."""
    path = write_workbook(random_workbook(seed), tmp_path / "wb.xlsx")
    code, out, err = run_in_process(capfd, "roadmap", path, "--format", "json")
    assert code == 0, err
    assert isinstance(json.loads(out), dict)
