"""Builders shared by the portfolio, explanation, frontier and roadmap tests."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

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
