"""The app's fixtures: the sample in an app, scenarios saved to a scratch store."""

from __future__ import annotations

import re

import pytest

from prioritisation.app import build_app
from tests.appserver import AppServer, browser
from tests.conftest import SAMPLE


def first_ids(html: str, n: int = 5) -> list[str]:
    """The ids of the first ``n`` rows of a ranking table's HTML."""
    return re.findall(r'<tr class="pw-(?:in|out)" data-id="([^"]+)"', html)[:n]


@pytest.fixture(autouse=True)
def _scratch_store(tmp_path, monkeypatch):
    """Scenarios saved by a test go to a scratch store, never beside the sample."""
    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))


@pytest.fixture
def app():
    return build_app(SAMPLE)


@pytest.fixture(scope="module")
def server():
    """The sample served by ``prioritisation app`` (one preheated kernel), for a module's
    browser tests; started only when a test asks for it."""
    with AppServer(SAMPLE, pool_size=1) as s:
        yield s


@pytest.fixture(scope="module")
def context():
    """A headless Chromium context for a module's browser tests."""
    with browser() as c:
        yield c
