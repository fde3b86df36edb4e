"""Run the benchmarks of this tree and of an earlier commit side by side, in one run.

Usage: ``python benchmarks/compare.py REF [NAME ...]`` (``make bench BASE=REF``). REF is checked
out into a temporary git worktree; each benchmark runs there (with that commit's package and
benchmark file, so a benchmark that changed meaning is compared as it was) and here, one after
the other, so that both see the same machine load. Figures are printed, not asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _run(tree: Path, name: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
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
                    print(f"== {name}: new (no earlier version)\n{_run(ROOT, name)}\n", flush=True)
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
