"""Builders shared by the portfolio, explanation, frontier and roadmap tests."""

from __future__ import annotations

import ctypes
import itertools
import sys

import numpy as np
import pandas as pd
import pytest

from prioritisation.core.model import Workbook


def idea_wb(ideas, weights=(1.0, 1.0), thresholds=None, settings=None) -> Workbook:
    """A workbook from idea dicts: ``id``, ``scores`` (one per criterion, 1–5), ``cost`` and
    optional ``depends_on`` (tuple), ``theme``, ``group``, ``duration``, ``start_after``."""
    m = len(weights)
    crit = [f"c{j}" for j in range(m)]
    criteria = pd.DataFrame(
        {"label": [f"Crit {j}" for j in range(m)], "label_en": None, "description": "",
         "direction": "benefit", "scale_min": 1.0, "scale_max": 5.0, "weight": list(weights),
         "threshold": list(thresholds) if thresholds is not None else [np.nan] * m},
        index=pd.Index(crit, name="id"),
    )  # fmt: skip
    ids = [i["id"] for i in ideas]
    frame = pd.DataFrame(
        {"title": [f"Idea {i}" for i in ids], "theme": [i.get("theme", "T") for i in ideas],
         "description": "", "cost": [float(i["cost"]) for i in ideas],
         "depends_on": [tuple(i.get("depends_on", ())) for i in ideas], "owner": "",
         "duration": [int(i.get("duration", 1)) for i in ideas],
         "start_after": [float(i.get("start_after", np.nan)) for i in ideas],
         "group": [i.get("group", "") for i in ideas]},
        index=pd.Index(ids, name="id"),
    )  # fmt: skip
    rows = [{"idea_id": i["id"], "criterion_id": crit[j], "assessor": "a", "score": float(s),
             "comment": ""} for i in ideas for j, s in enumerate(i["scores"])]  # fmt: skip
    return Workbook(criteria=criteria, ideas=frame, scores=pd.DataFrame(rows),
                    settings=dict(settings or {}))  # fmt: skip


def brute_force(values, costs, budget, requires=(), groups=(), allowed=None, must=()):
    """Best value over every subset (exhaustive), or None when no subset is feasible."""
    n = len(values)
    allowed = [True] * n if allowed is None else allowed
    best = None
    for bits in itertools.product((0, 1), repeat=n):
        if any(b and not a for b, a in zip(bits, allowed, strict=True)):
            continue
        if any(not bits[i] for i in must):
            continue
        if sum(c for c, b in zip(costs, bits, strict=True) if b) > budget + 1e-9:
            continue
        if any(bits[i] and not bits[j] for i, j in requires):
            continue
        if any(sum(bits[k] for k in g) > 1 for g in groups):
            continue
        value = sum(v for v, b in zip(values, bits, strict=True) if b)
        if best is None or value > best[0] + 1e-12:
            best = (value, bits)
    return best


def check_plan(roadmap, wb, per_year):
    """Every year within budget, prerequisites finished before a start, within the horizon."""
    t = roadmap.table
    years = list(per_year)
    spend = dict.fromkeys(years, 0.0)
    for iid, row in t[t["funded"]].iterrows():
        d = int(row["duration"])
        assert row["end"] == row["start"] + d - 1 <= years[-1]
        start_after = wb.ideas.loc[iid, "start_after"]
        assert np.isnan(start_after) or row["start"] >= start_after
        for y in range(row["start"], row["start"] + d):
            spend[y] += row["cost"] / d
        for dep in wb.ideas.loc[iid, "depends_on"]:
            assert t.loc[dep, "funded"], (iid, dep)
            assert t.loc[dep, "end"] < row["start"], (iid, dep)
    for y in years:
        assert spend[y] <= per_year[y] + 1e-6
        assert roadmap.years.loc[y, "spend"] == pytest.approx(spend[y])


def best_plan_value(wb, per_year):
    years = list(per_year)
    ids = list(wb.ideas.index)
    from prioritisation.engine.scoring import rank

    score = rank(wb).table["score"]
    best = 0.0
    options = [None, *years]
    for starts in itertools.product(options, repeat=len(ids)):
        spend = dict.fromkeys(years, 0.0)
        ok = True
        for iid, s in zip(ids, starts, strict=True):
            if s is None:
                continue
            row = wb.ideas.loc[iid]
            d = int(row["duration"])
            if s + d - 1 > years[-1] or (
                not np.isnan(row["start_after"]) and s < row["start_after"]
            ):
                ok = False
                break
            for dep in row["depends_on"]:
                ds = starts[ids.index(dep)]
                if ds is None or ds + int(wb.ideas.loc[dep, "duration"]) > s:
                    ok = False
            for y in range(s, s + d):
                spend[y] += row["cost"] / d
        if ok and all(spend[y] <= per_year[y] + 1e-9 for y in years):
            best = max(
                best, sum(score[i] for i, s in zip(ids, starts, strict=True) if s is not None)
            )
    return best


def random_workbook(seed: int) -> Workbook:
    """A small random workbook (3–8 ideas, about 40 % with a prerequisite, a group, a gate,
    now and then an idea without a cost) with a ``budget`` and yearly budgets: the kind of
    problem on which HiGHS prints its diagnostics."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    ideas = []
    for k in range(n):
        idea = {"id": f"I{k}", "scores": tuple(int(s) for s in rng.integers(1, 6, 3)),
                "cost": float(rng.integers(1, 30) * 10), "theme": str(rng.choice(["X", "Y"])),
                "group": str(rng.choice(["", "", "G"])), "duration": int(rng.integers(1, 3))}  # fmt: skip
        if k and rng.random() < 0.4:
            idea["depends_on"] = (f"I{int(rng.integers(0, k))}",)
        if rng.random() < 0.1:
            idea["cost"] = np.nan
        ideas.append(idea)
    budget = int(rng.integers(20, 150) * 10)
    settings = {"budget": budget, "budget_per_year": f"2027={budget // 2}; 2028={budget // 3}"}
    return idea_wb(ideas, weights=(1.0, 2.0, 1.0), thresholds=[2.0, np.nan, np.nan],
                   settings=settings)  # fmt: skip


def run_in_process(capfd, *args) -> tuple[int, str, str]:
    """``prioritisation ARGS`` in this process with file descriptors 1 and 2 captured: the
    exit code, stdout and stderr. C's stdio buffers are flushed before reading, as the end of
    the process would, so that what C code printed shows."""
    from prioritisation.cli import main

    code = main([str(a) for a in args])
    sys.stdout.flush()
    if sys.platform != "win32":
        ctypes.CDLL(None).fflush(None)
    out, err = capfd.readouterr()
    return code, out, err
