"""The cores this process may use: its affinity, not the machine's count."""

from __future__ import annotations

import os

import pytest

from prioritisation.core.cores import usable_cores


def test_the_affinity_counts_not_the_machine(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert usable_cores() == 1


@pytest.mark.parametrize("count", [None, 3])
def test_without_an_affinity_the_machines_count_at_least_one(monkeypatch, count):
    def refused(pid):
        raise OSError

    monkeypatch.setattr(os, "sched_getaffinity", refused, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: count)
    assert usable_cores() == (count or 1)
