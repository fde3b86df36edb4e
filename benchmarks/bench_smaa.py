"""SMAA through the CLI against a bare numpy pass over the same data, in the same run.

Builds a workbook of 1,000 ideas × 4 criteria × 5 assessors (wide-form scores, as a user
would type them), then times

* ``python -m prioritisation sensitivity FILE --samples 50000 --seed 1 --sampling uniform
  --format json`` as a subprocess — start-up, reading and validating the workbook, stability intervals, SMAA
  (rank acceptabilities of every idea), consensus and writing the JSON included;
* a bare numpy pass over the same aggregated scores: 50,000 uniform weight vectors, a
  matrix product, an argsort per draw and a bincount of (idea, position) pairs — the
  minimum any SMAA must do — in-process (no start-up, no reading) — with numpy's defaults
  (BLAS threads, chunks of 10,000 draws) and in two tuned variants (one BLAS thread;
  chunks of 2,000 draws that fit the cache).

Prints wall-clock and CPU seconds and the ratios against each variant (the target is
≤ 1.5). Runs are interleaved and the best of five is kept, so that other load on the
machine hits both alike; CPU seconds are steadier on a busy machine (the CLI's count both
of its threads). Figures, not assertions.

Then SMAA by method on the same workbook, in-process (read once, scores prepared once):
``smaa_prepared`` with the weighted sum, PROMETHEE II (the eligible ideas' per-criterion net
flows, one sort per criterion, then the same kernel) and WPM (log-ratios), 50,000 uniform
draws each, interleaved, best of five; the target is PROMETHEE within 2 × the weighted sum.
``python benchmarks/bench_smaa.py methods`` runs that part only.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prioritisation.data.export import write_xlsx  # noqa: E402

N_IDEAS, N_CRIT, N_ASSESSORS, SAMPLES = 1_000, 4, 5, 50_000
CRITERIA = ["innovation", "desirability", "viability", "feasibility"]


def build(path: Path, seed: int = 3) -> np.ndarray:
    """Write the workbook; return its aggregated (mean) scores normalised to [0, 1]."""
    rng = np.random.default_rng(seed)
    ids = [f"I{i:04d}" for i in range(N_IDEAS)]
    profile = rng.uniform(1, 5, (N_IDEAS, N_CRIT, 1))
    scores = np.clip(np.round(profile + rng.normal(0, 0.8, (N_IDEAS, N_CRIT, N_ASSESSORS))), 1, 5)
    ideas = pd.DataFrame({"id": ids, "title": [f"Idee {i}" for i in range(N_IDEAS)],
                          "cost": rng.integers(10, 500, N_IDEAS) * 1000})  # fmt: skip
    rows = [{"idea_id": ids[i], "assessor": f"lid {k + 1}",
             **{CRITERIA[j]: scores[i, j, k] for j in range(N_CRIT)}}
            for i in range(N_IDEAS) for k in range(N_ASSESSORS)]  # fmt: skip
    write_xlsx({"ideas": ideas, "scores": pd.DataFrame(rows)}, path)
    return (scores.mean(axis=2) - 1.0) / 4.0


def bare_pass(
    values: np.ndarray, samples: int = SAMPLES, seed: int = 1, chunk: int = 10_000
) -> np.ndarray:
    n, m = values.shape
    rng = np.random.default_rng(seed)
    counts = np.zeros(n * n, np.int64)
    positions = np.arange(n)
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        w = -np.log(rng.random((size, m)))
        w /= w.sum(axis=1, keepdims=True)
        order = np.argsort(-(w @ values.T), axis=1)
        counts += np.bincount((order * n + positions).ravel(), minlength=n * n)
    return counts.reshape(n, n)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(path: Path) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (all threads) of the command, and the JSON's size."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "prioritisation", "sensitivity", str(path),
           "--samples", str(SAMPLES), "--seed", "1", "--sampling", "uniform",
           "--format", "json"]  # fmt: skip
    cpu0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=True)
    return time.perf_counter() - t0, children_cpu() - cpu0, len(proc.stdout)


def run_startup() -> float:
    """``python -m prioritisation --version``: the start-up every command pays."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "prioritisation", "--version"], capture_output=True,
                   env=env, check=True)  # fmt: skip
    return time.perf_counter() - t0


def main(repeat: int = 5) -> None:
    from threadpoolctl import threadpool_limits

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "smaa_1000x4x5.xlsx"
        values = build(path)
        variants = {"numpy defaults (BLAS threads), chunks of 10,000": (None, 10_000),
                    "tuned: one BLAS thread, chunks of 10,000": (1, 10_000),
                    "tuned: one BLAS thread, chunks of 2,000": (1, 2_000)}  # fmt: skip
        wall: dict[str, list[float]] = {name: [] for name in variants}
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        cli_wall, cli_cpu, startup = [], [], []
        for _ in range(repeat):  # interleaved, so that load on the machine hits both alike
            for name, (threads, chunk) in variants.items():
                with threadpool_limits(threads, user_api="blas"):
                    cpu0, t0 = time.process_time(), time.perf_counter()
                    bare_pass(values, chunk=chunk)
                    wall[name].append(time.perf_counter() - t0)
                    cpu[name].append(time.process_time() - cpu0)
            seconds, used, size = run_cli(path)
            cli_wall.append(seconds)
            cli_cpu.append(used)
            startup.append(run_startup())
        cli, cli_c, start = min(cli_wall), min(cli_cpu), min(startup)
        print(f"ideas={N_IDEAS} criteria={N_CRIT} assessors={N_ASSESSORS} samples={SAMPLES:,}; "
              f"best of {repeat} interleaved runs; load {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"CLI sensitivity --format json (start-up incl., {size / 1e6:.1f} MB JSON): "
              f"{cli:5.2f} s wall, {cli_c:5.2f} s CPU; start-up alone {start:5.2f} s")  # fmt: skip
        print("bare numpy pass (matmul + argsort + bincount)        wall   ratio    CPU   ratio")
        for name in variants:
            w, c = min(wall[name]), min(cpu[name])
            print(f"    {name:48s} {w:5.2f} s {cli / w:5.2f}  {c:5.2f} s {cli_c / c:5.2f}")
        print("target: CLI ≤ 1.5 × bare pass; all CLI runs (wall): "
              + ", ".join(f"{t:.2f}" for t in cli_wall))  # fmt: skip


def methods(repeat: int = 5, path: Path | None = None) -> None:
    """SMAA with each linear method on the same 1,000 ideas, 50,000 uniform draws."""
    from prioritisation.data.workbook import read_workbook
    from prioritisation.decisions.smaa import smaa_prepared
    from prioritisation.engine.scoring import prepare
    from prioritisation.engine.weights import resolve_weights

    with tempfile.TemporaryDirectory() as tmp:
        if path is None:
            path = Path(tmp) / "smaa_1000x4x5.xlsx"
            build(path)
        wb = read_workbook(path)
    prepared, weights = prepare(wb), resolve_weights(wb)
    names = ("wsm", "promethee", "wpm")
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    p_first: dict[str, float] = {}
    for _ in range(repeat):
        for name in names:
            cpu0, t0 = time.process_time(), time.perf_counter()
            result = smaa_prepared(prepared, weights, SAMPLES, seed=1, method=name)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - cpu0)
            p_first[name] = float(result.p_first.iloc[0])
            se = float(result.p_first_se.iloc[0])
    print(f"SMAA by method, in-process: {int(prepared.eligible.sum()):,} eligible ideas × "
          f"{N_CRIT} criteria × {SAMPLES:,} uniform draws; best of {repeat} interleaved; "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("    method        wall    CPU   × wsm (wall)  P(first) of the number one")
    base = min(wall["wsm"])
    for name in names:
        w, c = min(wall[name]), min(cpu[name])
        print(f"    {name:10s} {w:6.2f} s {c:5.2f} s  {w / base:6.2f}        {p_first[name]:.3f}")
    print(f"target: promethee ≤ 2 × wsm; standard error of a P(first) ≈ {se:.4f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["methods"]:
        methods()
    else:
        main()
        methods()
