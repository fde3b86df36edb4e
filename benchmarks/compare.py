"""Run the benchmarks of this tree and of an earlier commit side by side, in one run.

Usage: ``python benchmarks/compare.py REF [NAME ...]`` (``make bench BASE=REF``). REF is checked
out into a temporary git worktree; each benchmark runs there (with that commit's package and
benchmark file, so a benchmark that changed meaning is compared as it was) and here, one after
the other, so that both see the same machine load. A benchmark the earlier commit does not have
runs once, from this tree, with ``BENCH_BASE`` naming the earlier worktree: one that can (e.g.
``bench_meeting``) measures that commit's package beside this tree's with the same client.
Figures are printed, not asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _run(tree: Path, name: str, base: Path | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if base is not None:  # a benchmark that can serve an earlier checkout beside this tree's
        env["BENCH_BASE"] = str(base)
    result = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / "run.py"), name],
        cwd=tree, env=env, capture_output=True, text=True,
    )  # fmt: skip
    return (result.stdout + (result.stderr if result.returncode else "")).strip()


def main(ref: str, names: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), ref], cwd=ROOT,
                       check=True)  # fmt: skip
        try:
            wanted = names or sorted(p.stem.removeprefix("bench_")
                                     for p in HERE.glob("bench_*.py"))  # fmt: skip
            for name in wanted:
                if not (base / "benchmarks" / f"bench_{name}.py").exists():
                    print(f"== {name}: new (no earlier version; BENCH_BASE={base})\n"
                          f"{_run(ROOT, name, base)}\n", flush=True)  # fmt: skip
                    continue
                before, after = _run(base, name), _run(ROOT, name)
                print(f"== {name} @ {ref}\n{before}\n-- {name} @ this tree\n{after}\n", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
