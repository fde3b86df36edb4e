"""The CLI end to end, as a user runs it: exit codes, messages, formats; never a traceback."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.conftest import run_cli, xlsx


def test_no_traceback_for_any_bad_input(tmp_path, sample_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01garbage")
    for args in (["rank", junk], ["rank", tmp_path / "absent.xlsx"], ["rank", sample_path, "--weights", "x=1"],
                 ["rank", sample_path, "--weights", "innovation=abc"], ["rank", sample_path, "--method", "magic"],
                 ["rank", sample_path, "--format", "xlsx"], ["validate", tmp_path]):  # fmt: skip
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip(), args


def test_rank_json_records(sample_path):
    proc = run_cli(
        "rank",
        sample_path,
        "--format",
        "json",
        "--weights",
        "innovation=3,desirability=2",
        check_exit=0,
    )
    doc = json.loads(proc.stdout)
    assert abs(doc["weights"]["innovation"] - 3 / (3 + 2 + 20 + 20)) < 1e-9
    records = doc["ranking"]
    first = records[0]
    assert set(first) >= {
        "id",
        "title",
        "theme",
        "rank",
        "score",
        "eligible",
        "reasons",
        "contributions",
    }
    assert first["rank"] == 1 and first["eligible"] is True and first["reasons"] == []
    assert abs(sum(first["contributions"].values()) - first["score"]) < 1e-9
    crm = next(r for r in records if r["id"] == "CRM")
    assert crm["rank"] is None and crm["eligible"] is False and "drempel" in crm["reasons"][0]
    ranks = [r["rank"] for r in records if r["rank"] is not None]
    assert ranks == sorted(ranks)


def test_rank_table_csv_xlsx(sample_path, tmp_path):
    table = run_cli("rank", sample_path, check_exit=0).stdout
    assert "ELOKET" in table.splitlines()[4] and "onder de drempel" in table
    english = run_cli("--lang", "en", "rank", sample_path, check_exit=0).stdout
    assert "below the threshold" in english and "Financial viability" in english
    csv_text = run_cli("rank", sample_path, "--format", "csv", check_exit=0).stdout
    assert csv_text.splitlines()[0].startswith("id,title,theme,cost,rank,score,eligible,reasons")
    out = tmp_path / "r.xlsx"
    run_cli("rank", sample_path, "--format", "xlsx", "--out", out, check_exit=0)
    ws = load_workbook(out)["ranking"]
    assert ws["A2"].value == "ELOKET" and isinstance(ws["F2"].value, float)


def test_rank_methods_and_aggregations(sample_path):
    for agg in ("median", "geomean", "trimmed"):
        run_cli("rank", sample_path, "--aggregate", agg, "--format", "json", check_exit=0)


def test_csv_injection_in_exports(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title", "theme"], ["A", '=HYPERLINK("http://evil","x")', "+T"]],
                scores=[["idea_id", "criterion_id", "assessor", "score"]] +
                [["A", c, "An", 3] for c in ("innovation", "desirability", "viability", "feasibility")])  # fmt: skip
    csv_text = run_cli("rank", path, "--format", "csv", check_exit=0).stdout
    assert "'=HYPERLINK" in csv_text and ",'+T," in csv_text
    out = tmp_path / "r.xlsx"
    run_cli("rank", path, "--format", "xlsx", "--out", out, check_exit=0)
    cell = load_workbook(out)["ranking"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_a_command_imports_only_what_it_needs():
    """Start-up: `rank` does not load the scenario store's or the solver's libraries."""
    code = (
        "import sys; from prioritisation.cli import build_parser; "
        "p = build_parser(['--lang', 'en', 'rank', 'x.xlsx']); "
        "print(sorted(m for m in ('sqlalchemy', 'scipy.optimize', 'scipy.sparse') if m in sys.modules)); "
        "print(sorted(p._subparsers._group_actions[0].choices))"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "['rank']"]


def test_help_lists_every_command():
    proc = run_cli("--help", check_exit=0)
    for command in ("validate", "rank", "init", "weights", "sensitivity", "portfolio", "scenario"):
        assert command in proc.stdout


# --------------------------------------------------------------------------- exit code 3


def test_a_full_disk_is_exit_3_with_a_plain_message(tmp_path, sample_path, monkeypatch, capsys):
    """Not "Internal error … a bug in the program" with exit code 1."""
    import errno

    from openpyxl import Workbook

    from prioritisation.cli import main

    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    out = tmp_path / "ranking.xlsx"
    assert main(["rank", str(sample_path), "--format", "xlsx", "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "de schijf is vol" in err and str(out) in err
    assert "Interne fout" not in err and "Traceback" not in err
    assert not out.exists()


def test_an_unwrapped_environment_error_is_exit_3_and_a_bug_stays_exit_1(monkeypatch, capsys):
    import errno
    import sqlite3

    from prioritisation.cli import main
    from prioritisation.commands import validate

    def refuse(args):
        raise PermissionError(errno.EACCES, "Permission denied", "/alleen/lezen.csv")

    monkeypatch.setattr(validate, "run", refuse)
    assert main(["validate", "x.xlsx"]) == 3
    err = capsys.readouterr().err
    assert "geen toelating" in err and "/alleen/lezen.csv" in err and "Interne fout" not in err

    def full_store(args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(validate, "run", full_store)
    assert main(["validate", "x.xlsx"]) == 3
    assert "de schijf is vol" in capsys.readouterr().err

    def bug(args):
        raise KeyError("oeps")

    monkeypatch.setattr(validate, "run", bug)
    assert main(["validate", "x.xlsx"]) == 1
    assert "Interne fout" in capsys.readouterr().err


def test_a_read_only_folder_is_exit_3(tmp_path, sample_path, monkeypatch, capsys):
    """Tests run as root, where chmod stops no write: the refusal is simulated."""
    import errno

    from prioritisation.cli import main
    from prioritisation.data import export

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", kwargs.get("dir"))

    monkeypatch.setattr(export.tempfile, "mkstemp", read_only)
    out = tmp_path / "ranking.xlsx"
    assert main(["rank", str(sample_path), "--format", "xlsx", "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "alleen-lezen" in err and str(out) in err
