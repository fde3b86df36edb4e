"""Analyst views over a workbook: the assessors' scores, completeness, methods compared.

Used by ``notebooks/analysis.ipynb`` and ``notebooks/assessors.ipynb``; each function
returns a frame, nothing is printed or displayed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from prioritisation.core.model import Workbook
from prioritisation.engine.methods import METHODS
from prioritisation.engine.run import resolve_run
from prioritisation.engine.scoring import rank_prepared


def score_overview(wb: Workbook) -> pd.DataFrame:
    """Per idea and criterion: number of scores, empty cells, mean, spread (sd), min and max."""
    s = wb.scores
    grouped = s.groupby(["idea_id", "criterion_id"], sort=False)["score"]
    out = pd.DataFrame(
        {
            "n": grouped.count(),
            "empty": grouped.apply(lambda x: int(x.isna().sum())),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=0),
            "min": grouped.min(),
            "max": grouped.max(),
        }
    )
    out.index.names = ["idea", "criterion"]
    return out


def assessor_completeness(wb: Workbook) -> pd.DataFrame:
    """Per assessor: cells expected (ideas × criteria), scored, empty or absent, share complete."""
    expected = len(wb.ideas) * len(wb.criteria)
    scored = wb.scores.dropna(subset=["score"]).groupby("assessor").size()
    scored = scored.reindex(wb.assessors, fill_value=0)
    out = pd.DataFrame({"expected": expected, "scored": scored, "missing": expected - scored})
    out["complete"] = out["scored"] / expected
    out.index.name = "assessor"
    return out.sort_values(["complete", "assessor"])


def compare_methods(
    wb: Workbook, methods: list[str] | None = None, weights=None, aggregate: str | None = None
) -> pd.DataFrame:
    """Rank of every idea under each method (ideas × methods; NaN when not eligible)."""
    methods = methods or sorted(METHODS)
    run = resolve_run(wb, weights=weights, aggregate=aggregate)
    ranks = {m: rank_prepared(run.prepared, run.weights, m).table["rank"] for m in methods}
    out = pd.DataFrame(ranks).reindex(wb.ideas.index)
    out.index.name = "idea"
    return out


def rank_correlation(ranks: pd.DataFrame) -> pd.DataFrame:
    """Kendall's tau-b between the columns of a rank table (ideas ranked by all of them)."""
    complete = ranks.dropna()
    cols = list(ranks.columns)
    out = pd.DataFrame(np.eye(len(cols)), index=cols, columns=cols)
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            tau = kendalltau(complete[a], complete[b]).statistic if len(complete) > 1 else np.nan
            out.loc[a, b] = out.loc[b, a] = tau
    return out


def needs_discussion(
    wb: Workbook, top: int = 8, weights=None, aggregate: str | None = None
) -> pd.DataFrame:
    """The ideas most worth discussing in the group: where members' rankings differ most, or
    where the assessors' scores on one criterion are furthest apart.

    Per eligible idea: the group's rank, the lowest and highest rank a member's own view
    gives (see :func:`prioritisation.decisions.group.consensus`), the largest standard
    deviation of the scores on one criterion and which criterion that is; sorted by rank
    range, then by that spread.
    """
    from prioritisation.decisions.group import consensus

    result = consensus(wb, weights=weights, aggregate=aggregate)
    spread = result.spread.drop(columns="mean", errors="ignore")
    labels = wb.criterion_labels()
    out = result.changes[["group_rank", "min_rank", "max_rank", "range"]].copy()
    out["largest_sd"] = spread.max(axis=1).reindex(out.index)
    out["on_criterion"] = spread.idxmax(axis=1).reindex(out.index).map(labels)
    out.insert(0, "title", wb.ideas["title"].reindex(out.index))
    out = out.sort_values(["range", "largest_sd"], ascending=False)
    return out.head(top)
