"""``prioritisation audit`` end to end, as a user runs it (prioritisation/commands/audit.py)."""

from __future__ import annotations

import json
import shutil

from tests.conftest import SAMPLE, cli

ENV = {"PRIORITISATION_STORE": ""}


def test_audit_who_changed_what(tmp_path):
    book = tmp_path / "ronde.xlsx"
    shutil.copy(SAMPLE, book)
    cli("scenario", "save", book, "--name", "Basis", "--author", "An", env=ENV, check_exit=0)
    cli("scenario", "save", book, "--name", "Basis", "--author", "Bart", "--weights",
            "innovation=60", "--thresholds", "feasibility=3", "--budget", "900000", env=ENV,
            check_exit=0)  # fmt: skip
    cli("scenario", "save", book, "--name", "Lezen", "--author", "Carla", "--weights",
            "desirability=90", env=ENV, check_exit=0)  # fmt: skip

    audit = json.loads(cli("audit", book, "--format", "json", env=ENV, check_exit=0).stdout)
    assert {a["actor"] for a in audit} == {"An", "Bart", "Carla"}
    change = [a for a in audit if a["field"] == "threshold" and a["item"] == "feasibility"]
    assert change and change[0]["actor"] == "Bart" and change[0]["new"] == "3.0"
    table = cli("audit", book, "--scenario", "Basis", env=ENV, check_exit=0).stdout
    assert "Bart" in table and "Carla" not in table
    assert "drempel Technische haalbaarheid: — → 3,00" in table


def test_audit_of_an_empty_store_and_formula_text(tmp_path):
    book = tmp_path / "ronde.xlsx"
    shutil.copy(SAMPLE, book)
    assert cli("audit", book, env=ENV, check_exit=0).stdout.strip()  # says the log is empty
    evil = '=HYPERLINK("http://x","klik")'
    cli("scenario", "save", book, "--name", "X", "--author", "An", "--note", evil, env=ENV,
            check_exit=0)  # fmt: skip
    audit = tmp_path / "audit.csv"
    cli("audit", book, "--format", "csv", "--out", audit, env=ENV, check_exit=0)
    assert "'=HYPERLINK" in audit.read_text(encoding="utf-8-sig")


def test_audit_never_writes_over_the_store(tmp_path):
    book = tmp_path / "ronde.xlsx"
    shutil.copy(SAMPLE, book)
    cli("scenario", "save", book, "--name", "X", "--author", "An", env=ENV, check_exit=0)
    store = tmp_path / "ronde.scenarios.sqlite"
    before = store.read_bytes()
    for out in (store, tmp_path / "ronde.scenarios.sqlite-wal", book):
        proc = cli("audit", book, "--format", "csv", "--out", out, "--force", env=ENV, check_exit=2)
        assert "invoer" in proc.stderr
    assert store.read_bytes() == before
    elsewhere = tmp_path / "ander.sqlite"
    proc = cli(
        "audit", book, "--store", elsewhere, "--format", "csv", "--out", elsewhere, check_exit=2
    )
    assert "invoer" in proc.stderr


def test_audit_verify_finds_the_removal_of_the_last_entries(tmp_path):
    """A report printed the chain's head; someone with file access later deletes the last
    saves (dropping the append-only triggers first): `audit verify --head` says so, exit 2."""
    import sqlite3

    book = tmp_path / "ronde.xlsx"
    shutil.copy(SAMPLE, book)
    env = {"PRIORITISATION_STORE": ""}
    cli("scenario", "save", book, "--name", "Basis", "--author", "An", env=env, check_exit=0)
    cli("scenario", "save", book, "--name", "Later", "--author", "Bart", env=env, check_exit=0)
    head = json.loads(cli("audit", "verify", book, "--format", "json", env=env,
                          check_exit=0).stdout)["head"]  # fmt: skip
    db = sqlite3.connect(tmp_path / "ronde.scenarios.sqlite")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    first = db.execute("SELECT MIN(seq) FROM scenarios WHERE name = 'Later'").fetchone()[0]
    db.execute("DELETE FROM scenarios WHERE seq >= ?", (first,))
    db.execute("DELETE FROM audit_log WHERE seq >= ?", (first,))
    db.commit()
    db.close()
    cli("audit", "verify", book, env=env, check_exit=0)  # without the head the rest looks whole
    proc = cli("--lang", "en", "audit", "verify", book, "--head", head, env=env, check_exit=2)
    assert "no longer in the chain" in proc.stdout
