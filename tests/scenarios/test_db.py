"""The scenario store: append-only versions, audit, concurrency (real processes), PostgreSQL
(prioritisation/scenarios/db.py)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from prioritisation.core.errors import UsageError
from prioritisation.scenarios.compare import compare
from prioritisation.scenarios.db import default_store_path, open_store, store_url
from prioritisation.scenarios.scenario import make_scenario
from tests.conftest import ROOT

WRITERS = 8
SAVES_EACH = 10


# --------------------------------------------------------------------------- basics


def test_default_store_is_sqlite_beside_the_workbook(tmp_path, monkeypatch):
    monkeypatch.delenv("PRIORITISATION_STORE", raising=False)
    book = tmp_path / "ronde.xlsx"
    assert default_store_path(book) == tmp_path / "ronde.scenarios.sqlite"
    assert store_url(book) == f"sqlite:///{(tmp_path / 'ronde.scenarios.sqlite').resolve()}"
    monkeypatch.setenv("PRIORITISATION_STORE", "postgresql://u@h/db")
    assert store_url(book) == "postgresql+psycopg://u@h/db"
    assert store_url(book, url="postgres://x@y/z") == "postgresql+psycopg://x@y/z"


def test_sqlite_store_uses_wal(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_saving_never_overwrites(wb, store):
    first = store.save(make_scenario(wb, "Leesklimaat", "An", weights="desirability=60"))
    second = store.save(make_scenario(wb, "Leesklimaat", "Bart", weights="equal", note="gelijk"))
    assert (first.version, second.version) == (1, 2)
    assert store.versions("Leesklimaat") == [1, 2]
    assert store.get("Leesklimaat", 1).weights == first.weights
    assert store.get("Leesklimaat", 1).author == "An"
    assert store.get("Leesklimaat").note == "gelijk"
    assert store.get("Leesklimaat").weights == pytest.approx({c: 0.25 for c in wb.criteria.index})
    assert [s.label for s in store.list()] == ["Leesklimaat v1", "Leesklimaat v2"]
    assert [s.version for s in store.list(latest=True)] == [2]
    saved = store.get("Leesklimaat", 2)
    assert saved.created == second.created and saved.created.tzinfo is not None


def test_scenario_holds_everything_it_needs(wb, store):
    sc = store.save(make_scenario(
        wb, "Streng", "An", method="wsm", aggregate="median", weights="innovation=3",
        thresholds="feasibility=3,innovation=none", budget="2027=500000,2028=400000",
        include="ZOEK", exclude="PERSO", note="strenger"))  # fmt: skip
    back = store.get("Streng")
    assert back == sc
    assert back.aggregate == "median" and back.workbook_sha256 == wb.sha256
    assert back.thresholds["feasibility"] == 3.0 and back.thresholds["innovation"] is None
    assert back.budget == {"total": 900000.0, "per_year": {"2027": 500000.0, "2028": 400000.0}}
    assert back.selection == {"include": ["ZOEK"], "exclude": ["PERSO"]}
    assert sum(back.weights.values()) == pytest.approx(1.0)


def test_yearly_budgets_with_a_colon_survive_a_save_and_reload(wb, store):
    """The known defect: yearly budgets written ``2027: 400000`` were silently lost."""
    book = dataclasses.replace(
        wb, settings={**wb.settings, "budget_per_year": "2027: 400000, 2028: 300000"}
    )
    store.save(make_scenario(book, "Jaren", "An"))
    store.save(make_scenario(wb, "Jaren", "Bart", budget="2027: 400000; 2028: 350.000"))
    assert store.get("Jaren", 1).budget == {
        "total": 1500000.0, "per_year": {"2027": 400000.0, "2028": 300000.0}}  # fmt: skip
    assert store.get("Jaren", 2).budget == {
        "total": 750000.0, "per_year": {"2027": 400000.0, "2028": 350000.0}}  # fmt: skip


def test_unknown_scenario_and_version(wb, store):
    store.save(make_scenario(wb, "A", "An"))
    with pytest.raises(UsageError) as info:
        store.get("B")
    assert info.value.code == "usage.scenario_unknown" and "A" in info.value.params["known"]
    with pytest.raises(UsageError) as info:
        store.get("A", 5)
    assert info.value.code == "usage.scenario_version"


def test_backup_is_a_readable_store(wb, store, tmp_path):
    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="equal"))
    copy = store.backup(tmp_path / "backup" / "kopie.sqlite")
    with open_store(url=f"sqlite:///{copy}") as restored:
        assert restored.list() == store.list()
        assert restored.audit().equals(store.audit())


# --------------------------------------------------------------------------- processes


def _writer(*args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.scenarios.store_writer", *map(str, args)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _concurrent_saves(url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_writer("save", url, "gedeeld", f"writer{k}", SAVES_EACH, go) for k in range(WRITERS)]
    for p in procs:  # every writer has opened the store before any starts saving
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert len(out.split()) == SAVES_EACH, (out, err)
    with open_store(url=url) as store:
        versions = store.versions("gedeeld")
        assert versions == list(range(1, WRITERS * SAVES_EACH + 1))  # nothing lost, no gaps
        saved = store.list("gedeeld")
        by_writer = pd.Series([s.author for s in saved]).value_counts()
        assert by_writer.to_dict() == {f"writer{k}": SAVES_EACH for k in range(WRITERS)}
        notes = {s.note for s in saved}
        assert notes == {f"writer{k}-{i}" for k in range(WRITERS) for i in range(SAVES_EACH)}
        audit = store.audit("gedeeld")
        assert sorted(audit.loc[audit["field"] == "version", "version"].tolist()) == versions


@pytest.mark.slow
def test_eight_processes_saving_at_once_lose_nothing_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.scenarios.sqlite'}"
    _concurrent_saves(url, tmp_path)
    con = sqlite3.connect(tmp_path / "shared.scenarios.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_killed_writer_mid_transaction_leaves_store_readable(wb, tmp_path):
    path = tmp_path / "k.scenarios.sqlite"
    url = f"sqlite:///{path}"
    with open_store(url=url) as store:
        store.save(make_scenario(wb, "A", "An"))
    proc = _writer("hold", url)
    try:
        assert proc.stdout.readline().strip() == "holding", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with open_store(url=url) as store:
        assert store.names() == ["A"]  # the half-written version is not there
        assert store.save(make_scenario(wb, "A", "Bart")).version == 2  # the lock was released
        assert store.versions("A") == [1, 2]


def test_writer_killed_while_saving_leaves_consistent_store(tmp_path):
    path = tmp_path / "loop.scenarios.sqlite"
    url = f"sqlite:///{path}"
    proc = _writer("loop", url, "lus")
    try:
        seen = [proc.stdout.readline().strip() for _ in range(5)]  # five saves confirmed
        assert seen == ["1", "2", "3", "4", "5"]
        time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    copy = tmp_path / "copy.sqlite"  # as a backup taken right after the crash would be
    shutil.copy(path, copy)
    if Path(f"{path}-wal").exists():
        shutil.copy(f"{path}-wal", f"{copy}-wal")
    for target in (url, f"sqlite:///{copy}"):
        with open_store(url=target) as store:
            versions = store.versions("lus")
            assert versions[:5] == [1, 2, 3, 4, 5] and versions == list(range(1, len(versions) + 1))
            audit = store.audit("lus")
            assert audit.loc[audit["field"] == "version", "version"].tolist() == versions
            assert store.save(store.get("lus")).version == len(versions) + 1


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_postgresql_round_trip(wb, pg_db):
    with open_store(url=pg_db) as store:
        assert store.dialect == "postgresql"
        first = store.save(make_scenario(wb, "PG", "An", weights="innovation=5",
                                         thresholds="feasibility=2.5", budget=1000000))  # fmt: skip
        second = store.save(make_scenario(wb, "PG", "Bart", note="tweede"))
        assert (first.version, second.version) == (1, 2)
        assert store.get("PG", 1) == first and store.get("PG") == second
        audit = store.audit("PG")
        assert set(audit["actor"]) == {"An", "Bart"}
        result = compare(wb, store.get("PG", 1), store.get("PG", 2))
        assert result.weights.loc["innovation", "a"] == pytest.approx(first.weights["innovation"])


@pytest.mark.postgres
@pytest.mark.slow
def test_eight_processes_saving_at_once_lose_nothing_postgresql(pg_db, tmp_path):
    _concurrent_saves(pg_db, tmp_path)


@pytest.mark.postgres
def test_postgresql_killed_writer_releases_the_save_lock(wb, pg_db):
    with open_store(url=pg_db) as store:
        before = len(store.list())
    proc = _writer("hold", pg_db)
    try:
        assert proc.stdout.readline().strip() == "holding", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with open_store(url=pg_db) as store:
        assert "half" not in store.names() and len(store.list()) == before
        saved = store.save(make_scenario(wb, "Na de crash", "An"))  # the lock was released
        assert saved.version == 1 and len(store.list()) == before + 1
