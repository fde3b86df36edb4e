"""The hash chain and append-only history: an edited or deleted row is found, a head from a
report shows the removal of the last entries, the database refuses UPDATE and DELETE
(prioritisation/scenarios/integrity.py, the triggers of migration 0002)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import ChainBroken, verify
from prioritisation.scenarios.scenario import make_scenario

SQLITE_TRIGGERS = ["scenarios_no_update", "scenarios_no_delete", "audit_log_no_update",
                   "audit_log_no_delete"]  # fmt: skip


def _fill(wb, store):
    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="innovation=60", thresholds="feasibility=3"))
    store.log("Carla", "include", "LEESCLUB", False, True, scenario="A")
    store.save(make_scenario(wb, "B", "Dirk", budget=900000))


def _attack(store, *statements):
    """Run SQL as someone with access to the database would: triggers dropped first."""
    if store.dialect == "sqlite":
        con = sqlite3.connect(sa.engine.make_url(store.url).database)
        for name in SQLITE_TRIGGERS:
            con.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            con.execute(statement)
        con.commit()
        con.close()
    else:
        with sa.create_engine(store.url).begin() as conn:
            for table in ("scenarios", "audit_log"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for statement in statements:
                conn.exec_driver_sql(statement)


def _ids(store, table):
    with store.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {table} ORDER BY seq")]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'chain.sqlite'}"
    else:
        url = request.getfixturevalue("pg_db")
    with open_store(url=url) as store:
        yield store


def test_an_intact_chain_verifies(wb, any_store):
    _fill(wb, any_store)
    result = verify(any_store)
    assert result.ok and result.problem is None
    assert result.entries == len(any_store.list()) + len(any_store.audit())
    assert result.head == any_store.head() and len(result.head) == 64
    assert "ongeschonden" in result.text("nl") and "intact" in result.text("en")


def test_an_empty_store_verifies(any_store):
    result = verify(any_store)
    assert (result.ok, result.entries, result.head) == (True, 0, None)
    assert any_store.head() is None


def test_a_single_edited_scenario_row_is_found(wb, any_store):
    _fill(wb, any_store)
    target = _ids(any_store, "scenarios")[1]
    _attack(any_store, f"UPDATE scenarios SET author = 'Mallory' WHERE id = {target}")
    assert any_store.get("A", 2).author == "Mallory"  # the forgery reads as real …
    result = verify(any_store)  # … but not to verify
    assert not result.ok
    assert (result.problem.code, result.problem.table, result.problem.id) == (
        "chain.edited", "scenarios", target)  # fmt: skip
    assert f"scenarioversie {target}" in result.text("nl")
    assert "changed after it was saved" in result.text("en")


def test_a_single_edited_audit_entry_is_found(wb, any_store):
    _fill(wb, any_store)
    target = _ids(any_store, "audit_log")[-1]
    _attack(any_store, f"UPDATE audit_log SET actor = 'Mallory' WHERE id = {target}")
    result = verify(any_store)
    assert not result.ok
    assert (result.problem.code, result.problem.table, result.problem.id) == (
        "chain.edited", "audit_log", target)  # fmt: skip


def test_a_single_deleted_row_is_found(wb, any_store):
    _fill(wb, any_store)
    with any_store.engine.connect() as conn:
        seq, target = conn.exec_driver_sql(
            "SELECT seq, id FROM audit_log WHERE actor = 'Carla'").one()  # fmt: skip
    _attack(any_store, f"DELETE FROM audit_log WHERE id = {target}")
    result = verify(any_store)
    assert not result.ok and result.problem.code == "chain.gap"
    assert result.problem.seq == seq + 1 and result.problem.params == {"missing": str(seq)}
    assert f"({seq})" in result.text("en") and "deleted" in result.text("en")


def test_a_deleted_row_with_the_rest_renumbered_is_found(wb, any_store):
    """Closing the gap by hand does not help: the next link names the removed one's hash."""
    _fill(wb, any_store)
    with any_store.engine.connect() as conn:
        seq = conn.exec_driver_sql("SELECT seq FROM audit_log WHERE actor = 'Carla'").scalar()
    _attack(any_store, f"DELETE FROM audit_log WHERE seq = {seq}",
            f"UPDATE scenarios SET seq = seq - 1 WHERE seq > {seq}",
            f"UPDATE audit_log SET seq = seq - 1 WHERE seq > {seq}")  # fmt: skip
    result = verify(any_store)
    assert not result.ok and result.problem.code == "chain.link" and result.problem.seq == seq


def test_removing_the_last_entries_is_found_with_the_head_of_a_report(wb, any_store):
    _fill(wb, any_store)
    head = any_store.head()  # as printed in a report's decision record
    later = any_store.save(make_scenario(wb, "C", "Els"))
    assert verify(any_store, head=head).after_head > 0
    _attack(any_store, f"DELETE FROM audit_log WHERE version = {later.version} AND scenario = 'C'",
            "DELETE FROM scenarios WHERE name = 'C'")  # fmt: skip
    assert verify(any_store, head=head).ok  # the report's head is still there: nothing lost
    _attack(any_store, "DELETE FROM scenarios WHERE name = 'B'",
            "DELETE FROM audit_log WHERE scenario = 'B'")  # fmt: skip
    assert verify(any_store).ok  # a shorter chain is consistent in itself …
    result = verify(any_store, head=head)  # … but the report's head is gone
    assert not result.ok and result.problem.code == "chain.head_missing"
    assert head in result.text("en") and "removed" in result.text("en")
    assert verify(any_store, head=head[:12]).problem.code == "chain.head_missing"


def test_a_short_head_is_accepted(wb, any_store):
    _fill(wb, any_store)
    head = any_store.head()
    assert verify(any_store, head=head[:12].upper()).after_head == 0
    assert not verify(any_store, head=head[:6]).ok  # too short to name one entry


def test_a_row_written_outside_the_program_is_found(wb, store):
    _fill(wb, store)
    _attack(store, "INSERT INTO audit_log (at, actor, action, field) "
                   "VALUES ('2026-01-01T00:00:00+00:00', 'Mallory', 'log', 'note')")  # fmt: skip
    result = verify(store)
    assert not result.ok and result.problem.code == "chain.unsealed"
    assert "buiten het programma" in result.text("nl")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE scenarios SET author = 'Mallory'", "DELETE FROM scenarios",
     "UPDATE audit_log SET actor = 'Mallory'", "DELETE FROM audit_log"],
)  # fmt: skip
def test_the_database_refuses_update_and_delete_on_history(wb, any_store, statement):
    _fill(wb, any_store)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with any_store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert verify(any_store).ok and len(any_store.list()) == 3


@pytest.mark.postgres
def test_postgresql_refuses_truncate(wb, pg_db):
    with open_store(url=pg_db) as store:
        _fill(wb, store)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.exec_driver_sql("TRUNCATE audit_log")
        assert verify(store).ok


def test_a_backup_verifies_before_it_is_written(wb, store, tmp_path):
    _fill(wb, store)
    good = store.backup(tmp_path / "good.sqlite")
    _attack(store, "UPDATE scenarios SET note = 'vervalst' WHERE name = 'B'")
    with pytest.raises(ChainBroken) as info:
        store.backup(good)  # the good backup is not overwritten by the forged store
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2
    assert "scenario version" in info.value.lines("en")[0]
    with open_store(url=f"sqlite:///{good}") as copy:
        assert copy.get("B").note == "" and verify(copy).ok
