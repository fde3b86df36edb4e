"""Fixtures of the scenario tests: the sample workbook and an empty SQLite store."""

from __future__ import annotations

import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.scenarios.db import open_store
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def wb():
    return read_workbook(SAMPLE)


@pytest.fixture
def store(tmp_path):
    with open_store(url=f"sqlite:///{tmp_path / 'store.sqlite'}") as s:
        yield s
