"""Workbooks and method inputs built in code, shared by the engine, decisions and explain
tests (not a test module)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.engine.methods import MethodInput


def method_input(matrix, weights, benefit=None, criteria=None, lower=None, upper=None):
    """A kernel input straight from a published matrix (no workbook, no scale)."""
    matrix = np.asarray(matrix, dtype=float)
    m = matrix.shape[1]
    benefit = np.asarray(benefit if benefit is not None else [True] * m, dtype=bool)
    lower = np.asarray(lower if lower is not None else matrix.min(axis=0), dtype=float)
    upper = np.asarray(upper if upper is not None else matrix.max(axis=0), dtype=float)
    span = np.where(upper > lower, upper - lower, 1.0)
    normalised = np.where(benefit, (matrix - lower) / span, (upper - matrix) / span)
    return MethodInput(
        matrix=matrix, normalised=normalised, weights=np.asarray(weights, dtype=float),
        benefit=benefit, lower=lower, upper=upper,
        criteria=criteria if criteria is not None else pd.DataFrame(),
    )  # fmt: skip


def make_wb(
    cube, *, directions=None, weights=None, lower=1.0, upper=5.0, thresholds=None, ids=None
):
    """A workbook from an ideas × criteria × assessors array (NaN = empty cell)."""
    cube = np.asarray(cube, dtype=float)
    n, m, a = cube.shape
    ids = ids or [f"I{i:03d}" for i in range(n)]
    crit = [f"c{j}" for j in range(m)]
    criteria = pd.DataFrame({
        "label": [f"Crit {j}" for j in range(m)], "label_en": None, "description": "",
        "direction": directions or ["benefit"] * m,
        "scale_min": np.broadcast_to(lower, m).astype(float), "scale_max": np.broadcast_to(upper, m).astype(float),
        "weight": weights if weights is not None else [1.0] * m,
        "threshold": thresholds if thresholds is not None else [np.nan] * m,
    }, index=pd.Index(crit, name="id"))  # fmt: skip
    ideas = pd.DataFrame({"title": [f"Idea {i}" for i in ids], "theme": "T", "description": "",
                          "cost": 1.0, "depends_on": [()] * n, "owner": ""},
                         index=pd.Index(ids, name="id"))  # fmt: skip
    rows = [{"idea_id": ids[i], "criterion_id": crit[j], "assessor": f"as{k}", "score": cube[i, j, k],
             "comment": ""} for i in range(n) for j in range(m) for k in range(a)]  # fmt: skip
    return Workbook(criteria=criteria, ideas=ideas, scores=pd.DataFrame(rows))


def with_pairwise(wb: Workbook, rows) -> Workbook:
    """``wb`` with a pairwise sheet of ``(assessor, criterion_a, criterion_b, value)`` rows."""
    frame = pd.DataFrame(rows, columns=["assessor", "criterion_a", "criterion_b", "value"])
    frame["row"] = range(2, len(frame) + 2)
    return Workbook(criteria=wb.criteria, ideas=wb.ideas, scores=wb.scores, pairwise=frame)
