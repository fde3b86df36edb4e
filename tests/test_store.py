"""The scenario store: append-only versions, audit, concurrency (real processes), PostgreSQL."""

from __future__ import annotations

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
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import rank
from prioritisation.scenarios.store import (
    compare,
    default_store_path,
    make_scenario,
    open_store,
    scenario_ranking,
    store_url,
)
from tests.conftest import ROOT, SAMPLE
from tests.postgres import PostgresUnavailable, postgres_server

WRITERS = 8
SAVES_EACH = 10


@pytest.fixture(scope="module")
def wb():
    return read_workbook(SAMPLE)


@pytest.fixture
def store(tmp_path):
    with open_store(url=f"sqlite:///{tmp_path / 'store.sqlite'}") as s:
        yield s


@pytest.fixture(scope="module")
def pg_url():
    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


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


def test_budget_spellings():
    from prioritisation.scenarios.store import parse_budget

    assert parse_budget("1.500.000") == {"total": 1500000.0, "per_year": {}}
    assert parse_budget("€ 1 500 000")["total"] == 1500000.0
    assert parse_budget("2027=700.000; 2028=600000") == {
        "total": 1300000.0, "per_year": {"2027": 700000.0, "2028": 600000.0}}  # fmt: skip
    for bad in ("veel", "-5", "2027=", "x=1"):
        with pytest.raises(UsageError):
            parse_budget(bad)


def test_defaults_come_from_the_workbook(wb):
    sc = make_scenario(wb, "Basis", "An")
    assert sc.method == "wsm" and sc.aggregate == "mean"
    assert sc.weights == pytest.approx(wb.weights().to_dict())
    assert sc.thresholds == {"innovation": 2.0, "desirability": None, "viability": 2.0,
                             "feasibility": None}  # fmt: skip
    assert sc.budget["total"] == 1500000.0 and sc.budget["per_year"]["2029"] == 500000.0


@pytest.mark.parametrize(
    "kwargs, code",
    [({"name": " "}, "scenario_name"), ({"author": ""}, "scenario_author"),
     ({"thresholds": "innovation=9"}, "threshold_value"), ({"thresholds": "x=1"}, "threshold_unknown"),
     ({"budget": "veel"}, "budget_syntax"), ({"include": "NOPE"}, "selection_unknown"),
     ({"include": "ZOEK", "exclude": "ZOEK"}, "selection_both"), ({"weights": "x=1"}, "weights_unknown")],
)  # fmt: skip
def test_bad_scenario_settings_are_usage_errors(wb, kwargs, code):
    args = {"name": "S", "author": "An", **kwargs}
    with pytest.raises(UsageError) as info:
        make_scenario(wb, args.pop("name"), args.pop("author"), **args)
    assert info.value.code == f"usage.{code}"


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


def test_scenario_ranking_applies_weights_method_and_thresholds(wb, store):
    sc = make_scenario(wb, "Streng", "An", weights="innovation=3,desirability=1,viability=1,"
                       "feasibility=1", thresholds="feasibility=3.5")  # fmt: skip
    ranking = scenario_ranking(wb, sc)
    expected = rank(wb, weights="innovation=3,desirability=1,viability=1,feasibility=1")
    eligible = ranking.table["eligible"]
    assert ranking.weights.to_dict() == pytest.approx(sc.weights)
    pd.testing.assert_series_equal(ranking.table["score"].sort_index(),
                                   expected.table["score"].sort_index())  # fmt: skip
    # the stricter gate makes every idea with feasibility below 3.5 ineligible, and says why
    low = ranking.aggregated["feasibility"] < 3.5
    assert not eligible[low[low].index].any()
    assert all(any("3,50" in r for r in ranking.table.at[i, "reasons"]) for i in low[low].index)
    assert wb.criteria["threshold"].isna()["feasibility"]  # the workbook itself is untouched


def test_audit_records_who_changed_what(wb, store):
    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="innovation=60", thresholds="feasibility=3",
                             include="ZOEK"))  # fmt: skip
    store.log("Carla", "include", "LEESCLUB", False, True, scenario="A")
    audit = store.audit()
    assert list(audit.columns[:9]) == ["at", "actor", "action", "scenario", "version", "field",
                                       "item", "old", "new"]  # fmt: skip
    second = audit[audit["version"] == 2]
    assert second.iloc[0]["action"] == "save" and second.iloc[0]["actor"] == "Bart"
    changes = {
        (r.field, r.item): (r.old, r.new) for r in second.itertuples() if r.action == "change"
    }
    assert changes[("weight", "innovation")][0] == "0.3"
    assert float(changes[("weight", "innovation")][1]) == pytest.approx(60 / 130)
    assert changes[("threshold", "feasibility")] == (None, "3.0")
    assert changes[("include", "ZOEK")] == ("False", "True")
    assert ("method", None) not in changes  # unchanged settings are not logged
    last = audit.iloc[-1]
    assert (last["actor"], last["action"], last["item"]) == ("Carla", "log", "LEESCLUB")
    assert audit["at"].tolist() == sorted(audit["at"].tolist())


def test_compare_two_scenarios(wb, store):
    a = store.save(make_scenario(wb, "A", "An"))
    b = store.save(make_scenario(wb, "B", "Bart", weights="innovation=100,desirability=0,"
                                 "viability=0,feasibility=0"))  # fmt: skip
    result = compare(wb, a, b)
    assert result.weights.loc["innovation", "difference"] == pytest.approx(1.0 - 0.3)
    ranking = result.ranking
    assert set(ranking.columns) >= {"title", "rank_a", "rank_b", "moved", "score_a", "score_b"}
    assert set(ranking.index) == set(wb.ideas.index)
    assert result.moved and set(result.moved) <= set(wb.ideas.index)
    for iid in result.moved:
        row = ranking.loc[iid]
        assert row["rank_a"] != row["rank_b"] or row["eligible_a"] != row["eligible_b"]
    moved = ranking["moved"].dropna()
    assert (moved == ranking.loc[moved.index, "rank_a"] - ranking.loc[moved.index, "rank_b"]).all()
    assert compare(wb, a, a).moved == []


def test_compare_funded_sets(wb, store):
    a = store.save(make_scenario(wb, "A", "An", budget=1500000))
    b = store.save(make_scenario(wb, "B", "Bart", weights="desirability=90", budget=900000,
                                 exclude="ZOEK"))  # fmt: skip
    result = compare(wb, a, b)
    funded = result.funded
    assert set(funded.index) == set(wb.ideas.index)
    for side, budget in (("a", 1500000), ("b", 900000)):
        chosen = funded.index[funded[f"funded_{side}"]]
        assert 0 < wb.ideas.loc[chosen, "cost"].sum() <= budget
    assert not funded.loc["ZOEK", "funded_b"]
    assert result.funded_changed == [
        i for i in funded.index if funded.at[i, "funded_a"] != funded.at[i, "funded_b"]
    ]
    assert result.funded_changed  # a smaller budget funds fewer ideas
    assert list(result.portfolio_a.selected) == list(funded.index[funded["funded_a"]]) or set(
        result.portfolio_a.selected) == set(funded.index[funded["funded_a"]])  # fmt: skip
    no_budget = make_scenario(wb, "C", "Carla", budget={"total": None, "per_year": {}})
    assert compare(wb, a, no_budget).funded is None  # no budget: no funded set is invented


def test_audit_and_settings_in_plain_words(wb, store):
    from prioritisation.scenarios.store import describe_change

    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="innovation=60", thresholds="feasibility=3",
                             budget=900000, include="ZOEK"))  # fmt: skip
    labels = wb.criterion_labels()
    texts = [describe_change(e, labels=labels) for e in store.audit().to_dict("records")]
    assert texts[0] == "aangemaakt"
    assert "gewicht Innovatiewaarde: 30,0 % → 46,2 %" in texts
    assert "drempel Technische haalbaarheid: — → 3,00" in texts
    assert "budget: € 1.500.000 → € 900.000" in texts
    assert "verplicht opgenomen ZOEK: nee → ja" in texts
    english = [describe_change(e, "en", labels=wb.criterion_labels("en"))
               for e in store.audit().to_dict("records")]  # fmt: skip
    assert "weight Innovation value: 30.0 % → 46.2 %" in english
    settings = compare(wb, store.get("A", 1), store.get("A"), lang="en").settings.set_index(
        "setting"
    )
    assert settings.loc["threshold feasibility", "label"] == "threshold Technical feasibility"
    assert settings.loc["threshold feasibility", "changed"]
    assert not settings.loc["method", "changed"]


# --------------------------------------------------------------------------- processes


def _writer(*args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.store_writer", *map(str, args)],
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
def test_postgresql_round_trip(wb, pg_url):
    with open_store(url=pg_url) as store:
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
def test_eight_processes_saving_at_once_lose_nothing_postgresql(pg_url, tmp_path):
    _concurrent_saves(pg_url, tmp_path)


@pytest.mark.postgres
def test_postgresql_killed_writer_releases_the_save_lock(wb, pg_url):
    with open_store(url=pg_url) as store:
        before = store.count()
    proc = _writer("hold", pg_url)
    try:
        assert proc.stdout.readline().strip() == "holding", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with open_store(url=pg_url) as store:
        assert "half" not in store.names() and store.count() == before
        saved = store.save(make_scenario(wb, "Na de crash", "An"))  # the lock was released
        assert saved.version == 1 and store.count() == before + 1
