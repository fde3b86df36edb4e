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
import tempfile
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


# --------------------------------------------------------------------------- limits


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    else:
        url = request.getfixturevalue("pg_db")
    with open_store(url=url) as s:
        yield s


@pytest.mark.parametrize(
    "change, code",
    [({"name": "N" * 300}, "usage.name_too_long"), ({"author": "A" * 201}, "usage.author_too_long"),
     ({"note": "x" * 5001}, "usage.note_too_long"), ({"name": "Basis\x1b[2J"}, "usage.name_control"),
     ({"author": "An\u202e"}, "usage.author_control")],
)  # fmt: skip
def test_limits_are_the_same_on_sqlite_and_postgresql(wb, any_store, change, code):
    """Checked before the INSERT: PostgreSQL used to answer a 300-character name with a
    DataError and its SQL; SQLite stored it."""
    scenario = dataclasses.replace(make_scenario(wb, "Basis", "An"), **change)
    with pytest.raises(UsageError) as info:
        any_store.save(scenario)
    assert info.value.code == code
    assert any_store.list() == [] and any_store.audit().empty


def test_the_longest_allowed_texts_are_kept(wb, any_store):
    longest = make_scenario(wb, "N" * 200, "A" * 200, note="x\n" * 2500)
    saved = any_store.save(longest)
    assert any_store.get("N" * 200) == saved and len(saved.note) == 5000


def test_a_logged_change_keeps_the_same_limits(any_store):
    with pytest.raises(UsageError) as info:
        any_store.log("A" * 201, "include", "ZOEK", False, True)
    assert info.value.code == "usage.author_too_long"
    with pytest.raises(UsageError) as info:
        any_store.log("An", "include", "ZOEK", False, True, scenario="S" * 201)
    assert info.value.code == "usage.name_too_long"
    assert any_store.audit().empty


# --------------------------------------------------------------------------- read-only


def _as_reader(folder: Path, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` as a user who may read but not write ``folder`` and its files: ``nobody``
    when the tests run as root (root may write anything), else the folder made read-only."""
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot read as another user")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run([*prefix, sys.executable, "-c", code], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    finally:
        folder.chmod(0o755)


READER = """
from prioritisation.core.errors import UsageError
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import verify
try:
    with open_store(url="store.sqlite") as store:
        print("readonly", store.readonly)
        print("list", [s.label for s in store.list()])
        print("verify", verify(store).ok)
        store.save(store.get("A"))
except UsageError as exc:
    print("refused", exc.code)
"""


@pytest.fixture
def shared_folder():
    folder = Path(tempfile.mkdtemp(prefix="prio-ro-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("kind", ["store", "backup"])
def test_a_read_only_store_can_be_listed(wb, shared_folder, tmp_path, kind):
    """The known defect: listing a store one may not write failed (WAL switch, schema write).
    A live store is in WAL mode; a backup copy is not (and must not be switched to it)."""
    made = tmp_path / "made.sqlite" if kind == "backup" else shared_folder / "store.sqlite"
    with open_store(url=str(made)) as store:
        store.save(make_scenario(wb, "A", "An"))
        store.save(make_scenario(wb, "A", "Bart", weights="equal"))
        if kind == "backup":
            store.backup(shared_folder / "store.sqlite")
    before = (shared_folder / "store.sqlite").read_bytes()
    done = _as_reader(shared_folder, READER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == [
        "readonly True", "list ['A v1', 'A v2']", "verify True", "refused usage.store_read_only"]  # fmt: skip
    assert (shared_folder / "store.sqlite").read_bytes() == before


def test_an_old_read_only_store_asks_for_an_upgrade(shared_folder):
    shutil.copy(Path(__file__).parent / "data" / "v1.scenarios.sqlite",
                shared_folder / "store.sqlite")  # fmt: skip
    done = _as_reader(shared_folder, READER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused usage.store_needs_upgrade"
