"""The meeting pool's reserve kernel (``commands._voila.MeetingPool``): it waits for the pages
that just opened, and for a busy machine, but not for ever."""

from __future__ import annotations

import asyncio
import logging

import pytest

from prioritisation.commands import _voila


class FakePool(_voila.MeetingPool):
    """The reserve's timing only: no Voila, no kernels."""

    def __init__(self, delay: float) -> None:
        self.reserve_delay = delay
        self.expected_members = 1
        self.log = logging.getLogger("test")
        self.progress: list[float] = []

    def pool_progress(self, notebook_name) -> None:
        self.progress.append(asyncio.get_event_loop().time())


def _run(pool: FakePool, seconds: float) -> None:
    async def go():
        pool.start_reserve_later("app.ipynb")
        pool.start_reserve_later("app.ipynb")  # asked twice: one timer
        await asyncio.sleep(seconds)

    asyncio.run(go())


def test_the_reserve_starts_after_the_delay_when_the_machine_is_free(monkeypatch):
    monkeypatch.setattr(_voila, "machine_busy", lambda: False)
    pool = FakePool(delay=0.3)
    seen = {}

    async def go():
        pool.start_reserve_later("app.ipynb")
        await asyncio.sleep(0.1)
        seen["early"] = (list(pool.progress), pool._reserve_due)
        await asyncio.sleep(0.4)

    asyncio.run(go())
    assert seen["early"] == ([], False)
    assert len(pool.progress) == 1 and pool._reserve_due


def test_a_busy_machine_puts_the_reserve_off_but_not_for_ever(monkeypatch):
    looks = []
    monkeypatch.setattr(_voila, "machine_busy", lambda: looks.append(1) or len(looks) < 3)
    monkeypatch.setattr(_voila, "RESERVE_RETRY", 0.05)
    pool = FakePool(delay=0.05)
    _run(pool, 0.4)
    assert len(looks) == 3 and len(pool.progress) == 1  # busy, busy, free: started
    monkeypatch.setattr(_voila, "machine_busy", lambda: True)
    monkeypatch.setattr(_voila, "RESERVE_MAX_WAIT", 0.2)
    pool = FakePool(delay=0.05)
    _run(pool, 0.5)
    assert len(pool.progress) == 1  # busy all along: started once the longest wait was over


@pytest.mark.parametrize(("load", "cores", "busy"), [(0.0, 2, False), (1.9, 2, False), (2.0, 2, True), (7.5, 8, False)])  # fmt: skip
def test_busy_means_every_core_taken(load, cores, busy):
    assert _voila.machine_busy(load=load, cores=cores) is busy
