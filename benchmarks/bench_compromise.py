"""The group round at scale (figures printed, not asserted): 200 ideas × 20 members with
dependencies (the portfolio benchmark's synthetic workbook: about a third of the ideas with
one or two prerequisites, some mutually exclusive groups, gates).

- the 20 members' own optima (one exact MILP each) and the compromise (the max-min MILP and
  its tie-break solve), at three budgets; status, gap, lowest satisfaction;
- the whole analysis (``analyse_group``: group weights, ranking, group set, own optima,
  satisfaction, core / contested / never, compromise);
- ``prioritisation group FILE --format json`` through the CLI's ``main(argv)``, the weights
  in the workbook's ``member_weights`` sheet.

The issue's target: the compromise for 200 ideas × 20 members with dependencies in ≤ 5 s.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_portfolio import fmt, synthetic, timed
from prioritisation.decisions.compromise import compromise, own_optima
from prioritisation.decisions.group_decision import analyse_group
from prioritisation.engine.run import resolve_run

IDEAS, MEMBERS = 200, 20


def member_sets(wb, members: int = MEMBERS, seed: int = 5) -> pd.DataFrame:
    """``members`` weight sets that differ: Dirichlet draws around a few different views."""
    rng = np.random.default_rng(seed)
    views = rng.dirichlet(np.ones(len(wb.criteria)), 4)
    rows = [rng.dirichlet(views[k % 4] * 8 + 0.2) for k in range(members)]
    return pd.DataFrame(
        rows, columns=wb.criteria.index, index=[f"M{k:02d}" for k in range(members)]
    )


def main() -> None:
    wb = synthetic(IDEAS)
    sets = member_sets(wb)
    total = float(wb.ideas["cost"].sum())
    deps = int(sum(1 for d in wb.ideas["depends_on"] if d))
    print(f"{IDEAS} ideas ({deps} with prerequisites), {MEMBERS} members, total cost "
          f"{total:,.0f}")  # fmt: skip
    for share in (0.1, 0.3, 0.6):
        run = resolve_run(wb, budget=share * total)
        run.prepared  # noqa: B018 - scores prepared once, outside the timings
        own, *t_own = timed(lambda run=run: own_optima(run, sets))
        result, *t_c = timed(lambda run=run, own=own: compromise(run, sets, own=own))
        print(f"budget {share:.0%}: own optima (20 MILPs) {fmt(*t_own)}; compromise "
              f"{fmt(*t_c)}  status={result.status} gap={result.gap:.1e} "
              f"funded={len(result.funded)} lowest satisfaction={result.min_satisfaction:.4f}")  # fmt: skip
        print(
            f"  own optima + compromise: {t_own[0] + t_c[0]:.2f} s wall, "
            f"{t_own[1] + t_c[1]:.2f} s CPU (target ≤ 5 s)"
        )
    run = resolve_run(wb, budget=0.3 * total)
    analysis, *t = timed(lambda: analyse_group(run, sets))
    print(f"analyse_group 30 %: {fmt(*t)}  core={len(analysis.split.core)} "
          f"contested={len(analysis.split.contested)} never={len(analysis.split.never)}")  # fmt: skip
    from prioritisation.cli import main as cli
    from prioritisation.data.writer import write_workbook

    long = sets.stack().rename("weight").reset_index()
    long.columns = ["member", "criterion", "weight"]
    long["row"] = range(2, len(long) + 2)
    with tempfile.TemporaryDirectory(prefix="bench-compromise-") as tmp:
        members = pd.DataFrame(
            {"name": sets.index, "role": "member", "row": 0},
            index=pd.Index([m.lower() for m in sets.index], name="login"),
        )
        path = write_workbook(replace(wb, member_weights=long, members=members),
                              Path(tmp) / "ronde.xlsx")  # fmt: skip
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc, *t = timed(lambda: cli(["group", str(path), "--budget", str(int(0.3 * total)),
                                        "--format", "json"]))  # fmt: skip
    doc = json.loads(out.getvalue())
    print(f"group CLI (json, workbook read): {fmt(*t)}  rc={rc} "
          f"lowest satisfaction={doc['compromise']['min_satisfaction']:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
