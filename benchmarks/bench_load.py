"""A member's page loading the workbook: read and validated (before) vs loaded from the
server's cache (:mod:`prioritisation.data.cache`, now).

Each figure comes from a fresh Python process (as each page's kernel is): wall time of the
load and the process's peak memory (max RSS) minus the same process without the load.
Workbooks: the sample, and a CSV folder of ``LOAD_BENCH_IDEAS`` (default 5,000) ideas ×
7 assessors × 4 criteria.

Run: ``python benchmarks/run.py load``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
import prioritisation.data.cache as c, prioritisation.data.workbook as w
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if sys.argv[2] == "read":
    wb, problems = w.check_workbook(sys.argv[1])
elif sys.argv[2] == "cached":
    wb, problems = c.checked_workbook(sys.argv[1])
else:
    wb, problems = None, []
dt = time.perf_counter() - t
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"s": dt, "mib": (after - before) / 1024, "ok": not problems}))
"""


def csv_folder(folder: Path, n: int) -> Path:
    rng = np.random.default_rng(5)
    folder.mkdir()
    ids = [f"I{i:05d}" for i in range(n)]
    pd.DataFrame({"id": ids, "title": [f"Idee {i}" for i in range(n)],
                  "cost": rng.integers(10, 500, n) * 1000}).to_csv(folder / "ideas.csv", index=False)  # fmt: skip
    crits = ["innovation", "desirability", "viability", "feasibility"]
    rows = [
        (i, c, f"Lid {a}", int(rng.integers(1, 6))) for a in range(7) for i in ids for c in crits
    ]
    pd.DataFrame(rows, columns=["idea_id", "criterion_id", "assessor", "score"]).to_csv(
        folder / "scores.csv", index=False
    )
    return folder


def measure(path: Path, how: str, cache: Path) -> dict:
    env = {**os.environ, "PRIORITISATION_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), how], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout)


def main() -> None:
    n = int(os.environ.get("LOAD_BENCH_IDEAS", "5000"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        books = {"sample": ROOT / "data" / "sample.xlsx",
                 f"{n} ideas (CSV)": csv_folder(tmp / "big", n)}  # fmt: skip
        print(f"{'workbook':<20} {'read per page':>22} {'from the cache':>22}")
        for label, path in books.items():
            cache = tmp / f"cache-{len(label)}"
            measure(path, "cached", cache)  # the server fills the cache at start-up
            read = measure(path, "read", cache)
            cached = measure(path, "cached", cache)
            assert read["ok"] and cached["ok"]
            print(f"{label:<20} {read['s']:>8.2f} s {read['mib']:>7.0f} MiB "
                  f"{cached['s']:>8.2f} s {cached['mib']:>7.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
