"""Run every ``benchmarks/bench_*.py`` (or those named) and print their figures.

Benchmarks print figures; they do not assert timings (shared machines are noisy).
Usage: ``python benchmarks/run.py [NAME ...]`` — e.g. ``python benchmarks/run.py scoring``.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(names: list[str]) -> int:
    files = sorted(HERE.glob("bench_*.py"))
    if names:
        files = [f for f in files if f.stem.removeprefix("bench_") in names]
    for path in files:
        print(f"== {path.stem}", flush=True)
        runpy.run_path(str(path), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
