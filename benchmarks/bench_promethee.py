"""PROMETHEE II: the sort-based flows against the pairwise (n × n) definition.

Prints, without asserting: the kernel at 5,000 ideas × 8 criteria (sort-based, goal
≤ 50 ms, and dense), both with their peak memory; 100,000 × 8 through the API
(``prepare`` + ``rank_prepared``); and, when ``pymcdm`` is installed, its values and time.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.engine.methods import MethodInput
from prioritisation.engine.methods.promethee import (
    _dense_criterion_flows,
    criterion_flows,
    criterion_parameters,
    promethee_kernel,
)
from prioritisation.engine.scoring import prepare, rank_prepared
from prioritisation.engine.weights import resolve_weights

KINDS = ["usual", "linear", "level", "vshape", "ushape", "usual", "linear", "level"]


def kernel_input(n: int, m: int = 8, seed: int = 5) -> MethodInput:
    """Averages of three assessors' 1–5 scores (many ties), a mix of preference functions."""
    rng = np.random.default_rng(seed)
    matrix = rng.integers(1, 6, (n, m, 3)).mean(axis=2)
    kinds = (KINDS * m)[:m]
    criteria = pd.DataFrame({"preference": kinds, "q": [0.5] * m, "p": [2.0] * m})
    weights = rng.integers(1, 10, m).astype(float)
    return MethodInput(
        matrix=matrix, normalised=(matrix - 1) / 4, weights=weights / weights.sum(),
        benefit=np.arange(m) < m - 1, lower=np.ones(m), upper=np.full(m, 5.0), criteria=criteria,
    )  # fmt: skip


def timed(fn, repeat: int = 5):
    """(result, best wall time in s, peak traced memory in bytes of one more run)."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return out, best, peak


def workbook(n: int, m: int = 8, seed: int = 7) -> Workbook:
    """One assessor's 1–5 scores for n ideas × m criteria."""
    rng = np.random.default_rng(seed)
    ids = [f"I{i:06d}" for i in range(n)]
    crit = [f"c{j}" for j in range(m)]
    criteria = pd.DataFrame(
        {"label": crit, "label_en": None, "description": "", "direction": ["benefit"] * (m - 1) + ["cost"],
         "scale_min": 1.0, "scale_max": 5.0, "weight": rng.integers(1, 10, m).astype(float),
         "threshold": np.nan, "preference": (KINDS * m)[:m], "q": 0.5, "p": 2.0},
        index=pd.Index(crit, name="id"),
    )  # fmt: skip
    ideas = pd.DataFrame(
        {"title": ids, "theme": "T", "description": "", "cost": rng.integers(1, 100, n) * 1000.0,
         "depends_on": [()] * n, "owner": ""},
        index=pd.Index(ids, name="id"),
    )  # fmt: skip
    scores = pd.DataFrame(
        {"idea_id": np.repeat(ids, m), "criterion_id": np.tile(crit, n), "assessor": "a1",
         "score": rng.integers(1, 6, n * m).astype(float), "comment": ""}
    )  # fmt: skip
    return Workbook(criteria=criteria, ideas=ideas, scores=scores)


def bench_kernel(n: int = 5_000) -> None:
    data = kernel_input(n)
    prefs = criterion_parameters(data)
    fast, t_fast, mem_fast = timed(lambda: promethee_kernel(data).scores)
    dense, t_dense, mem_dense = timed(
        lambda: _dense_criterion_flows(data.matrix, prefs, data.benefit) @ data.weights, repeat=2
    )
    print(
        f"kernel {n:,} × 8, sort-based : {t_fast * 1e3:8.1f} ms  peak {mem_fast / 1e6:8.1f} MB  (goal ≤ 50 ms)"
    )
    print(f"kernel {n:,} × 8, dense      : {t_dense * 1e3:8.1f} ms  peak {mem_dense / 1e6:8.1f} MB")
    print(f"max |sort-based − dense|     : {np.abs(fast - dense).max():.2e}")


def bench_api(n: int = 100_000) -> None:
    wb = workbook(n)
    weights = resolve_weights(wb)
    t0 = time.perf_counter()
    prepared = prepare(wb)
    t1 = time.perf_counter()
    ranking, t_rank, mem_rank = timed(
        lambda: rank_prepared(prepared, weights, "promethee"), repeat=2
    )
    _, t_wsm, _ = timed(lambda: rank_prepared(prepared, weights, "wsm"), repeat=2)
    data = kernel_input(n)
    prefs = criterion_parameters(data)
    flows, t_flows, _ = timed(lambda: criterion_flows(data.matrix, prefs, data.benefit))
    print(f"API {n:,} × 8: prepare       : {t1 - t0:8.2f} s")
    print(
        f"API {n:,} × 8: rank promethee: {t_rank:8.2f} s  peak {mem_rank / 1e6:8.1f} MB  winner={ranking.winner}"
    )
    print(f"API {n:,} × 8: rank wsm      : {t_wsm:8.2f} s  (the ranking table around any kernel)")
    print(f"criterion_flows {n:,} × 8     : {t_flows * 1e3:8.1f} ms (n × m = {flows.shape})")


def bench_pymcdm(n: int = 2_000) -> None:
    try:
        from pymcdm.methods import PROMETHEE_II
    except ImportError:
        print("pymcdm not installed: comparison skipped")
        return
    rng = np.random.default_rng(9)
    matrix = rng.integers(1, 6, (n, 8, 3)).mean(axis=2)
    weights = np.full(8, 1 / 8)
    types = np.where(np.arange(8) < 7, 1, -1)
    m = matrix.shape[1]
    for kind, theirs in [("usual", "usual"), ("linear", "vshape_2"), ("level", "level")]:
        prefs = [(kind, 0.5, 2.0)] * m
        ours, t_ours, _ = timed(
            lambda prefs=prefs: criterion_flows(matrix, prefs, types > 0) @ weights
        )

        def run(theirs=theirs):  # pymcdm's preference functions are a one-use generator
            return PROMETHEE_II(theirs, p=[2.0] * m, q=[0.5] * m)(
                matrix, weights, types, validation=False
            )

        ref, t_ref, _ = timed(run, repeat=1)
        print(f"pymcdm {n:,} × 8 {kind:7s}: ours {t_ours * 1e3:7.1f} ms, pymcdm {t_ref * 1e3:8.1f} ms, "
              f"max |Δ| {np.abs(ours - ref).max():.2e}")  # fmt: skip


def main() -> None:
    bench_kernel()
    bench_api()
    bench_pymcdm()


if __name__ == "__main__":
    main()
