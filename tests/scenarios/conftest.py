"""Fixtures of the scenario tests: the sample workbook, an empty SQLite store, a PostgreSQL
server (one per session) and a fresh database on it per test."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from prioritisation.data.workbook import read_workbook
from prioritisation.scenarios.db import open_store
from tests.conftest import SAMPLE
from tests.scenarios.postgres import PostgresUnavailable, postgres_server

_databases = itertools.count(1)


@pytest.fixture(scope="module")
def wb():
    return read_workbook(SAMPLE)


@pytest.fixture
def store(tmp_path):
    with open_store(url=f"sqlite:///{tmp_path / 'store.sqlite'}") as s:
        yield s


@pytest.fixture(scope="session")
def pg_url():
    """The URL of a throwaway PostgreSQL server's ``postgres`` database (skip without one)."""
    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture
def pg_db(pg_url):
    """The URL of a new, empty database on the test server (one store per test)."""
    name = f"store_{next(_databases)}"
    engine = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    yield pg_url.rsplit("/", 1)[0] + f"/{name}"
