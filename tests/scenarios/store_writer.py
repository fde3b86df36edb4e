"""A writer process for the store's concurrency tests (run as
``python -m tests.scenarios.store_writer``).

``save URL NAME WRITER COUNT GOFILE``: wait until GOFILE exists, then save COUNT versions of
NAME as author WRITER, one transaction each, and print each version saved.
``hold URL``: insert a version inside a write transaction, print ``holding`` and sleep (the
test kills it with SIGKILL while the transaction is open).
``loop URL NAME``: save versions until killed, printing each.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.scenario import Scenario
from prioritisation.scenarios.schema import scenarios_table

WEIGHTS = {"innovation": 0.25, "desirability": 0.25, "viability": 0.25, "feasibility": 0.25}


def scenario(name: str, author: str, note: str) -> Scenario:
    return Scenario(name=name, author=author, method="wsm", aggregate="mean", weights=WEIGHTS,
                    thresholds={"innovation": 2.0}, note=note)  # fmt: skip


def main(argv: list[str]) -> int:
    mode, url = argv[0], argv[1]
    store = open_store(url=url)
    if mode == "save":
        name, writer, count, go = argv[2], argv[3], int(argv[4]), Path(argv[5])
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.01)
        for i in range(count):
            saved = store.save(scenario(name, writer, f"{writer}-{i}"))
            print(saved.version, flush=True)
    elif mode == "hold":
        with store.transaction() as conn:
            conn.execute(scenarios_table.insert().values(
                name="half", version=1, author="killed", created="2026-01-01T00:00:00+00:00",
                method="wsm", aggregate="mean", weights="{}", thresholds="{}", budget="{}",
                selection="{}", note=""))  # fmt: skip
            print("holding", flush=True)
            time.sleep(600)
    elif mode == "loop":
        name = argv[2]
        i = 0
        while True:
            saved = store.save(scenario(name, "looper", f"loop-{i}"))
            print(saved.version, flush=True)
            i += 1
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
