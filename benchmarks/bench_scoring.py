"""Rank 10,000 ideas × 8 criteria × 50 assessors (4 million scores) with the weighted sum.

Measures the engine as the app and the CLI use it: ``prepare`` (aggregate assessors,
normalise, gates) and ``rank_prepared`` (weights → ranked, explained table), plus a
re-rank with new weights alone (what a slider does).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.engine.scoring import prepare, rank_prepared
from prioritisation.engine.weights import resolve_weights


def synthetic(n=10_000, m=8, a=50, seed=7) -> Workbook:
    rng = np.random.default_rng(seed)
    ideas_ids = [f"I{i:05d}" for i in range(n)]
    crit = [f"c{j}" for j in range(m)]
    criteria = pd.DataFrame(
        {"label": crit, "label_en": None, "description": "", "direction": ["benefit"] * (m - 1) + ["cost"],
         "scale_min": 1.0, "scale_max": 5.0, "weight": rng.integers(1, 10, m).astype(float),
         "threshold": [2.0] + [np.nan] * (m - 1)},
        index=pd.Index(crit, name="id"),
    )  # fmt: skip
    ideas = pd.DataFrame(
        {"title": ideas_ids, "theme": "T", "description": "", "cost": rng.integers(1, 100, n) * 1000.0,
         "depends_on": [()] * n, "owner": ""},
        index=pd.Index(ideas_ids, name="id"),
    )  # fmt: skip
    scores = rng.integers(1, 6, (n, m, a)).astype(float)
    scores[rng.random((n, m, a)) < 0.05] = np.nan
    ii, jj, kk = np.meshgrid(np.arange(n), np.arange(m), np.arange(a), indexing="ij")
    frame = pd.DataFrame(
        {"idea_id": np.array(ideas_ids)[ii.ravel()], "criterion_id": np.array(crit)[jj.ravel()],
         "assessor": np.array([f"a{k:02d}" for k in range(a)])[kk.ravel()], "score": scores.ravel(),
         "comment": ""}
    )  # fmt: skip
    return Workbook(criteria=criteria, ideas=ideas, scores=frame)


def main() -> None:
    t0 = time.perf_counter()
    wb = synthetic()
    t1 = time.perf_counter()
    prepared = prepare(wb)
    t2 = time.perf_counter()
    ranking = rank_prepared(prepared, resolve_weights(wb))
    t3 = time.perf_counter()
    rank_prepared(prepared, resolve_weights(wb, "equal"))
    t4 = time.perf_counter()
    n, m, a = len(wb.ideas), len(wb.criteria), len(wb.assessors)
    print(f"ideas={n} criteria={m} assessors={a} scores={len(wb.scores):,}")
    print(f"build synthetic workbook : {t1 - t0:7.2f} s (not part of ranking)")
    print(f"prepare (aggregate+gates): {t2 - t1:7.2f} s")
    print(f"rank with weights        : {t3 - t2:7.2f} s")
    print(f"total rank 10k×8×50      : {t3 - t1:7.2f} s")
    print(f"re-rank, new weights only: {t4 - t3:7.2f} s")
    print(f"winner={ranking.winner} eligible={int(ranking.table['eligible'].sum())}")


if __name__ == "__main__":
    main()
