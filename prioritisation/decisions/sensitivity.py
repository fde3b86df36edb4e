"""How solid is the ranking? Stability, SMAA and consensus in one summary.

:func:`robustness_run` is what ``prioritisation sensitivity`` prints and the report shows:
the exact weight stability intervals (:mod:`prioritisation.decisions.stability`) and the
rank acceptabilities with their standard errors (:mod:`prioritisation.decisions.smaa`) of
the run's ranking (weighted sum, PROMETHEE II or WPM, with the run's weights and draws),
the group's agreement (:mod:`prioritisation.decisions.group`, which compares the members'
weighted sums whatever the method), and the ideas a gate keeps out of the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.decisions.group import Consensus, check_view, consensus_prepared
from prioritisation.decisions.linear import check_robust_method
from prioritisation.decisions.smaa import SMAAResult, check_sampling, smaa_prepared
from prioritisation.decisions.stability import Stability, check_top_k, stability_prepared
from prioritisation.engine.run import Run
from prioritisation.engine.scoring import Prepared, json_number, prepare, rank_prepared
from prioritisation.engine.weights import resolve_weights


@dataclass(frozen=True, eq=False)
class Robustness:
    """Stability, SMAA and consensus of one ranking (what ``prioritisation sensitivity``
    prints; the report notebook shows the same)."""

    stability: Stability
    smaa: SMAAResult
    consensus: Consensus
    weights: pd.Series
    aggregate: str
    labels: dict[str, str]
    not_ranked: list[dict]
    method: str = "wsm"

    def to_dict(self, arrays: bool = False) -> dict:
        """The ``sensitivity --format json`` document (``arrays``: see SMAAResult.records)."""
        sm = self.smaa
        return {
            "method": self.method, "aggregate": self.aggregate,
            "weights": {c: json_number(w) for c, w in self.weights.items()},
            "samples": sm.samples, "seed": sm.seed,
            "sampling": "uniform" if sm.spread is None else "around", "spread": sm.spread,
            "vary_scores": sm.vary_scores, "top_k": sm.top_k,
            "winner": self.stability.winner, "top": self.stability.top,
            "stability": self.stability.to_dict(),
            "stability_top_k": self.stability.top_dict(),
            "stability_rivals": self.stability.rivals_dict(),
            "ranking": sm.records(arrays=arrays),
            "not_ranked": self.not_ranked,
            "consensus": self.consensus.to_dict(),
        }  # fmt: skip


def robustness_run(
    run: Run,
    top_k: int = 3,
    vary_scores: bool | str = False,
    view: str = "auto",
    progress: bool | None = False,
    lang: str | None = None,
) -> Robustness:
    """Stability intervals, SMAA and consensus of a resolved run (its method, weights,
    scores and ``sampling``): what the shells call.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.run import resolve_run
    >>> run = resolve_run(read_workbook(sample_path()), method="promethee", samples=500)
    >>> doc = robustness_run(run, lang="en").to_dict()
    >>> doc["method"], doc["sampling"], doc["winner"], doc["ranking"][0]["p_first_se"]
    ('promethee', 'around', 'ELOKET', 0.0...)
    """
    sampling = run.sampling
    spread = None if sampling.mode == "uniform" else sampling.spread
    check_sampling(sampling.samples, spread, vary_scores)
    return _robustness(run.prepared, run.weights, run.method, sampling.samples, sampling.seed,
                       spread, vary_scores, top_k, view, progress, lang)  # fmt: skip


def robustness(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    view: str = "auto",
    progress: bool | None = False,
    lang: str | None = None,
    method: str | None = None,
) -> Robustness:
    """Stability intervals, SMAA and consensus in one call (validating wrapper; ``method``
    the workbook's setting, else ``wsm``; ``spread=None`` draws weights uniformly)."""
    check_sampling(samples, spread, vary_scores)
    method = method or str(wb.settings.get("method") or "wsm")
    return _robustness(prepare(wb, aggregate), resolve_weights(wb, weights), method,
                       int(samples), seed, spread, vary_scores, top_k, view, progress, lang)  # fmt: skip


def _robustness(
    prepared: Prepared, shares: pd.Series, method: str, samples: int, seed, spread,
    vary_scores, top_k, view, progress, lang,
) -> Robustness:  # fmt: skip
    check_view(view)
    top_k = check_top_k(top_k)
    method = check_robust_method(method)
    ranking = rank_prepared(prepared, shares, method, lang)
    not_ranked = [{"id": i, "title": r["title"], "reasons": list(r["reasons"])}
                  for i, r in ranking.table[~ranking.table["eligible"]].iterrows()]  # fmt: skip
    sm = smaa_prepared(
        prepared, shares, samples, seed, spread, vary_scores, top_k, progress, method=method
    )  # first: it refuses drawing scores for another method
    return Robustness(
        stability=stability_prepared(prepared, shares, top_k, method), smaa=sm,
        consensus=consensus_prepared(prepared, shares, view),
        weights=shares, aggregate=prepared.aggregate, labels=ranking.labels,
        not_ranked=not_ranked, method=method,
    )  # fmt: skip
