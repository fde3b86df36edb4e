"""Portfolio, frontier, roadmap and explanations at scale (figures printed, not asserted).

- 1,000 ideas with dependencies: the selection (one budget) and the roadmap over 5 yearly
  budgets (5,000 start-year variables), each to proven optimality (HiGHS gap reported);
- the frontier of 50 budget levels for 200 ideas;
- select + explanations on the 26-idea sample (what a budget slider does), and P(funded);
- the ``portfolio`` command with its explanations (JSON, through the CLI's ``main(argv)``) on
  1,000 and 5,000 ideas with dependencies: exact answers for the ideas nearest the budget line,
  bounds for the rest; beside it what the previous version's one exact solve per unfunded idea
  would cost (three such solves timed, times the number of ideas).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.data.sample import sample_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio.probability import funding_probability
from prioritisation.decisions.portfolio.problem import Constraints
from prioritisation.decisions.portfolio.selection import select_portfolio, select_prepared
from prioritisation.decisions.roadmap.plan import plan_roadmap
from prioritisation.engine.scoring import prepare
from prioritisation.engine.weights import resolve_weights
from prioritisation.explain.funding import candidates, explain_portfolio


def synthetic(n: int, seed: int = 11, assessors: int = 3) -> Workbook:
    """``n`` ideas on the four default-like criteria, costs 20k–400k, durations 1–3, about
    a third with one or two prerequisites among the ideas before them, some groups."""
    rng = np.random.default_rng(seed)
    ids = [f"I{i:04d}" for i in range(n)]
    crit = ["innovation", "desirability", "viability", "feasibility"]
    criteria = pd.DataFrame(
        {"label": crit, "label_en": crit, "description": "", "direction": "benefit",
         "scale_min": 1.0, "scale_max": 5.0, "weight": [30.0, 30.0, 20.0, 20.0],
         "threshold": [2.0, np.nan, 2.0, np.nan]},
        index=pd.Index(crit, name="id"),
    )  # fmt: skip
    deps = []
    for i in range(n):
        k = rng.choice([0, 0, 1, 2]) if i > 5 else 0
        deps.append(tuple(sorted({ids[j] for j in rng.integers(0, i, k)})) if k else ())
    groups = [f"G{i // 2}" if rng.random() < 0.05 else "" for i in range(n)]
    ideas = pd.DataFrame(
        {"title": [f"Idea {i}" for i in ids], "theme": rng.choice(["UX", "READ", "EINC", "SUP"], n),
         "description": "", "cost": rng.integers(2, 41, n) * 10_000.0, "depends_on": deps,
         "owner": "", "duration": rng.choice([1, 1, 2, 3], n), "start_after": np.nan,
         "group": groups},
        index=pd.Index(ids, name="id"),
    )  # fmt: skip
    scores = np.clip(np.round(rng.normal(3.2, 0.9, (n, 4, assessors))), 1, 5)
    ii, jj, kk = np.meshgrid(np.arange(n), np.arange(4), np.arange(assessors), indexing="ij")
    frame = pd.DataFrame(
        {"idea_id": np.array(ids)[ii.ravel()], "criterion_id": np.array(crit)[jj.ravel()],
         "assessor": np.array([f"a{k}" for k in range(assessors)])[kk.ravel()],
         "score": scores.ravel(), "comment": ""}
    )  # fmt: skip
    return Workbook(criteria=criteria, ideas=ideas, scores=frame)


def timed(fn):
    """Result, wall time and CPU time of this process (the machine is shared: CPU time is
    what the solve itself costs; wall time includes waiting for a core)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def fmt(wall: float, cpu: float) -> str:
    return f"{wall:6.2f} s wall, {cpu:6.2f} s CPU"


def cli_portfolio(n: int, tmp: Path) -> None:
    """``prioritisation portfolio`` (JSON) on ``n`` ideas, the workbook written beforehand."""
    from prioritisation.cli import main as cli
    from prioritisation.data.writer import write_workbook
    from prioritisation.decisions.portfolio.milp import solve

    wb = synthetic(n)
    path = write_workbook(wb, tmp / f"ideas{n}.xlsx")
    budget = str(int(0.3 * wb.ideas["cost"].sum()))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc, *t = timed(
            lambda: cli(["portfolio", str(path), "--budget", budget, "--format", "json"])
        )
    doc = json.loads(out.getvalue())
    exact = sum(1 for r in doc["ranking"] if r.get("exact") is True)
    bounds = sum(1 for r in doc["ranking"] if r.get("exact") is False)
    print(f"portfolio CLI {n} ideas, explanations : {fmt(*t)}  rc={rc} status={doc['status']} "
          f"gap={doc['gap'] or 0:.1e} funded={len(doc['selected'])} exact={exact} bounds={bounds}")  # fmt: skip
    p = select_portfolio(wb, float(budget))
    ideas = candidates(p)
    _, wall, cpu = timed(lambda: [solve(p.problem, p.values, force=[p.problem.index(i)])
                                  for i in ideas[:3]])  # fmt: skip
    print(f"  previous version (one exact solve per unfunded idea, {len(ideas)} ideas): "
          f"≈ {wall / 3 * len(ideas):.0f} s wall, {cpu / 3 * len(ideas):.0f} s CPU (3 timed)")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-portfolio-") as tmp:
        for n in (1000, 5000):
            cli_portfolio(n, Path(tmp))
    wb = synthetic(1000)
    total = wb.ideas["cost"].sum()
    budget = 0.3 * total
    p, *t = timed(lambda: select_portfolio(wb, budget))
    print(f"select 1000 ideas (deps, groups)      : {fmt(*t)}  status={p.status} "
          f"gap={p.gap:.1e} funded={len(p.selected)}")  # fmt: skip
    per_year = {
        2027 + k: float(b) for k, b in enumerate(np.array([0.09, 0.08, 0.07, 0.06, 0.05]) * total)
    }
    r, *t = timed(lambda: plan_roadmap(wb, per_year))
    print(f"roadmap 1000 ideas × 5 yearly budgets : {fmt(*t)}  status={r.status} "
          f"gap={r.gap:.1e} funded={len(r.selected)}")  # fmt: skip

    wb200 = synthetic(200, seed=5)
    p200 = select_portfolio(wb200, 0.3 * wb200.ideas["cost"].sum())
    f, *t = timed(lambda: budget_frontier(p200, levels=50))
    print(f"frontier 200 ideas × 50 budget levels : {fmt(*t)}  "
          f"all optimal={bool((f.points['status'] == 'optimal').all())}")  # fmt: skip

    sample = sample_workbook()
    prepared = prepare(sample)
    weights = resolve_weights(sample)
    select_prepared(prepared, weights, 1_500_000)  # warm up
    runs = []
    for budget in (900_000, 1_200_000, 1_500_000, 1_800_000, 2_100_000):
        sp, *a = timed(lambda b=budget: select_prepared(prepared, weights, b, Constraints()))
        _, *b = timed(lambda sp=sp: explain_portfolio(sp, hints=0))
        _, *c = timed(lambda sp=sp: explain_portfolio(sp, hints=3))
        runs.append((*a, *b, *c))
    med = np.median(np.array(runs), axis=0) * 1000
    print(f"sample (26 ideas), median over 5 budgets, ms wall/CPU: select {med[0]:.0f}/{med[1]:.0f}, "
          f"select+explanations {med[0] + med[2]:.0f}/{med[1] + med[3]:.0f}, explanations with 3 "
          f"weight hints {med[4]:.0f}/{med[5]:.0f}")  # fmt: skip
    sp = select_prepared(prepared, weights, 1_500_000)
    _, *t = timed(lambda: funding_probability(sp, samples=200))
    print(f"P(funded) on the sample, 200 weightings: {fmt(*t)}")


if __name__ == "__main__":
    main()
