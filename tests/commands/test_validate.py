"""``prioritisation validate``: a short summary, or every problem at once (exit 2)."""

from __future__ import annotations

from tests.conftest import run_cli, xlsx


def test_validate_sample_ok(sample_path):
    proc = run_cli("validate", sample_path, check_exit=0)
    assert proc.stdout.startswith("In orde: 26 ideeën, 4 criteria, 7 beoordelaars")


def test_validate_bad_workbook_lists_every_problem(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title", "cost", "depends_on"], ["A", "", -1, "Q"], ["A", "x", 1, None]],
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 8]])  # fmt: skip
    proc = run_cli("--lang", "en", "validate", path, check_exit=2)
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == f"5 problems in {path}:"
    assert lines[1:] == [
        "sheet 'ideas', row 2, column 'title': is empty but required",
        "sheet 'ideas', row 2, column 'cost': '-1' is negative; expected a number ≥ 0",
        "sheet 'ideas', row 2, column 'depends_on': depends on 'Q', but there is no idea with that id",
        "sheet 'ideas', row 3, column 'id': id 'A' appears twice (first on row 2)",
        "sheet 'scores', row 2, column 'score': score 8 is outside the scale 1–5 of criterion 'innovation'",
    ]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_validate_reports_a_bad_budget_setting_with_the_parsers_message(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", "Alfa"]],
                scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "An", 3]],
                instellingen=[["sleutel", "waarde"], ["methode", "wsm"], ["budget", "veel"]])  # fmt: skip
    proc = run_cli("--lang", "en", "validate", path, check_exit=2)
    assert proc.stderr.strip().splitlines()[1:] == [
        "sheet 'instellingen', row 3, column 'waarde': budget 'veel' is not an amount ≥ 0 "
        "(e.g. 1500000 or 1.500.000)"
    ]
