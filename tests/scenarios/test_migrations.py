"""The store's schema versions: a store written by the version before the migrations opens
after the upgrade and verifies; the migrations build exactly the schema the code uses; a store
from a newer program or opened read-only is not touched
(prioritisation/scenarios/migrations/)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from prioritisation.core.errors import UsageError
from prioritisation.scenarios import migrations
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import verify
from prioritisation.scenarios.migrations.versions import v0001_baseline
from prioritisation.scenarios.scenario import make_scenario
from prioritisation.scenarios.schema import SCHEMA_VERSION, metadata

DATA = Path(__file__).parent / "data"
V1 = DATA / "v1.scenarios.sqlite"  # written by the code of schema version 1 (before migrations)
V1_VERSIONS = ["Leesklimaat eerst v1", "Leesklimaat eerst v2", "Basis v1"]


@pytest.fixture
def v1_copy(tmp_path):
    copy = tmp_path / "oud.scenarios.sqlite"
    shutil.copy(V1, copy)
    return copy


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _meta(store) -> tuple[str | None, str | None]:
    with store.engine.connect() as conn:
        return (migrations.current_revision(conn),
                conn.exec_driver_sql(
                    "SELECT value FROM store_meta WHERE key = 'schema_version'").scalar())  # fmt: skip


def test_the_test_store_is_of_schema_version_1():
    con = sqlite3.connect(f"file:{V1}?mode=ro&immutable=1", uri=True)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    columns = {r[1] for r in con.execute("PRAGMA table_info(scenarios)")}
    meta = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    con.close()
    assert tables == {"scenarios", "audit_log", "store_meta"} and meta == ("1",)
    assert "hash" not in columns


def test_a_version_1_store_opens_after_the_upgrade_and_verifies(wb, v1_copy):
    with open_store(url=str(v1_copy)) as store:
        assert _meta(store) == (migrations.head_revision(), str(SCHEMA_VERSION))
        assert [s.label for s in store.list()] == V1_VERSIONS
        assert store.get("Leesklimaat eerst", 1).note == "eerste voorstel"
        audit = store.audit()
        assert len(audit) == 40 and audit.iloc[-1]["actor"] == "Dirk"
        result = verify(store)
        assert result.ok and result.entries == 43 and result.head == store.head()
        with store.engine.connect() as conn:  # sealed in the order written: version, its audit
            first = conn.exec_driver_sql("SELECT name, version FROM scenarios WHERE seq = 1").one()
            carla = conn.exec_driver_sql("SELECT seq FROM audit_log WHERE actor = 'Carla'").scalar()
            basis = conn.exec_driver_sql("SELECT seq FROM scenarios WHERE name = 'Basis'").scalar()
        assert tuple(first) == ("Leesklimaat eerst", 1) and carla + 1 == basis
        saved = store.save(make_scenario(wb, "Basis", "Els"))
        assert saved.version == 2 and verify(store).ok
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM audit_log")
    with open_store(url=str(v1_copy)) as again:  # opening an up-to-date store changes nothing
        assert again.head() == saved_head(v1_copy)


def saved_head(path: Path) -> str:
    con = sqlite3.connect(path)
    head = max(
        con.execute("SELECT seq, hash FROM scenarios UNION ALL SELECT seq, hash FROM audit_log")
    )[1]
    con.close()
    return head


def test_a_version_1_store_opened_read_only_is_not_touched(v1_copy):
    before = _sha(v1_copy)
    with pytest.raises(UsageError) as info:
        open_store(url=str(v1_copy), readonly=True)
    assert info.value.code == "usage.store_needs_upgrade"
    assert "schrijfrechten" in info.value.lines("nl")[0]
    assert _sha(v1_copy) == before  # not migrated, not even switched or checkpointed


def test_a_store_of_a_newer_program_is_refused(v1_copy):
    with open_store(url=str(v1_copy)):
        pass
    con = sqlite3.connect(v1_copy)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(UsageError) as info:
        open_store(url=str(v1_copy))
    assert info.value.code == "usage.store_newer"


def _schema_differences(store) -> list:
    with store.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_the_migrations_build_the_schema_the_code_uses(store, v1_copy):
    assert _schema_differences(store) == []
    with open_store(url=str(v1_copy)) as upgraded:
        assert _schema_differences(upgraded) == []


@pytest.mark.postgres
def test_postgresql_schema_and_version_1_upgrade(wb, pg_db):
    """A version-1 store on PostgreSQL (the baseline's tables, the rows of the test store,
    no Alembic table) is stamped, sealed and guarded on opening."""
    engine = sa.create_engine(pg_db)
    with engine.begin() as conn:
        with Operations.context(MigrationContext.configure(conn)):
            v0001_baseline.upgrade()
        old = sqlite3.connect(f"file:{V1}?mode=ro&immutable=1", uri=True)
        old.row_factory = sqlite3.Row
        for table in ("scenarios", "audit_log"):
            rows = [dict(r) for r in old.execute(f"SELECT * FROM {table} ORDER BY id")]
            for row in rows:
                row.pop("id")
            conn.execute(sa.Table(table, sa.MetaData(), autoload_with=conn).insert(), rows)
        old.close()
    engine.dispose()
    with open_store(url=pg_db) as store:
        assert _meta(store) == (migrations.head_revision(), str(SCHEMA_VERSION))
        assert [s.label for s in store.list()] == V1_VERSIONS
        assert verify(store).ok and verify(store).entries == 43
        assert store.save(make_scenario(wb, "Basis", "Els")).version == 2
        assert verify(store).ok
        assert _schema_differences(store) == []


@pytest.mark.postgres
def test_postgresql_app_role_with_the_documented_grants(wb, pg_db):
    """The owner migrates; the app's role, with only the grants of
    :func:`~prioritisation.scenarios.migrations.postgres_grants`, reads and appends, and the
    database itself refuses it any change of history."""
    with open_store(url=pg_db) as owner:
        owner.save(make_scenario(wb, "A", "An"))
    database = pg_db.rsplit("/", 1)[1]
    role = f"app_{database}"
    engine = sa.create_engine(pg_db, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        for statement in migrations.postgres_grants(role, database).splitlines():
            conn.exec_driver_sql(statement)
    engine.dispose()
    app_url = pg_db.replace("postgres@", f"{role}@")
    with open_store(url=app_url) as app:
        assert app.save(make_scenario(wb, "A", "Bart")).version == 2
        app.log("Carla", "include", "ZOEK", False, True, scenario="A")
        assert verify(app).ok
        for statement in ("UPDATE scenarios SET author = 'Mallory'", "DELETE FROM audit_log",
                          "ALTER TABLE scenarios DISABLE TRIGGER USER"):  # fmt: skip
            with pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner"):
                with app.engine.begin() as conn:
                    conn.exec_driver_sql(statement)


def test_openers_racing_on_an_old_store_migrate_it_once(v1_copy):
    """The upgrade runs under the write lock (BEGIN IMMEDIATE), where Alembic re-reads the
    revision: one opener upgrades, the rest find it done (without the lock: "database is
    locked" or "duplicate column")."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_head(_):
        with open_store(url=str(v1_copy)) as store:
            return store.head()

    with ThreadPoolExecutor(6) as pool:
        heads = set(pool.map(open_and_head, range(6)))
    with open_store(url=str(v1_copy)) as store:
        assert heads == {store.head()} and verify(store).entries == 43 and verify(store).ok
