"""The ``prioritisation`` command as a user starts it (real subprocesses: exit codes, messages
on stderr, never a traceback, start-up cost) and the in-process runner's agreement with it.
What each command does is tested in-process in ``tests/commands/``."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli, run_cli


def test_no_traceback_for_bad_input_in_a_real_process(tmp_path, sample_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01garbage")
    for args in (["rank", junk], ["rank", sample_path, "--method", "magic"],
                 ["rank", sample_path, "--format", "xlsx"], ["rank", "--nope"]):  # fmt: skip
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip(), args
        assert not proc.stdout.strip(), args


@pytest.mark.parametrize(
    "args",
    [["rank", "{junk}"], ["rank", "{absent}"], ["rank", "{sample}", "--weights", "x=1"],
     ["rank", "{sample}", "--weights", "innovation=abc"], ["rank", "{sample}", "--method", "magic"],
     ["rank", "{sample}", "--format", "xlsx"], ["validate", "{tmp}"], ["rank", "--nope"],
     ["nocommand"]],
)  # fmt: skip
def test_bad_input_is_exit_2_with_a_message(tmp_path, sample_path, args):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01garbage")
    names = {"junk": junk, "absent": tmp_path / "absent.xlsx", "sample": sample_path,
             "tmp": tmp_path}  # fmt: skip
    proc = cli(*[a.format(**names) for a in args])
    assert proc.returncode == 2, (args, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.strip()


def test_the_in_process_runner_gives_what_a_process_gives(sample_path):
    argv = ["--lang", "en", "rank", sample_path, "--format", "json", "--weights", "innovation=3"]
    real, fast = run_cli(*argv, check_exit=0), cli(*argv, check_exit=0)
    assert json.loads(real.stdout) == json.loads(fast.stdout)
    assert (real.stderr, real.returncode) == (fast.stderr, fast.returncode)
    assert run_cli("--version").stdout == cli("--version", check_exit=0).stdout


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
