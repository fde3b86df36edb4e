"""How solid is the ranking? Stability, SMAA and consensus in one summary.

:func:`robustness` is what ``prioritisation sensitivity`` prints and the report shows: the
exact weight stability intervals (:mod:`prioritisation.decisions.stability`), the rank
acceptabilities (:mod:`prioritisation.decisions.smaa`) and the group's agreement
(:mod:`prioritisation.decisions.group`) of one weighted-sum ranking, with the ideas a gate
keeps out of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from prioritisation.core.model import Workbook
from prioritisation.decisions.group import Consensus, check_view, consensus_prepared
from prioritisation.decisions.smaa import SMAAResult, check_sampling, smaa_prepared
from prioritisation.decisions.stability import Stability, check_top_k, stability_prepared
from prioritisation.engine.scoring import json_number, prepare, rank_prepared
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

    def to_dict(self, arrays: bool = False) -> dict:
        """The ``sensitivity --format json`` document (``arrays``: see SMAAResult.records)."""
        sm = self.smaa
        return {
            "method": "wsm", "aggregate": self.aggregate,
            "weights": {c: json_number(w) for c, w in self.weights.items()},
            "samples": sm.samples, "seed": sm.seed, "spread": sm.spread,
            "vary_scores": sm.vary_scores, "top_k": sm.top_k,
            "winner": self.stability.winner, "top": self.stability.top,
            "stability": self.stability.to_dict(),
            "stability_top_k": self.stability.top_dict(),
            "stability_rivals": self.stability.rivals_dict(),
            "ranking": sm.records(arrays=arrays),
            "not_ranked": self.not_ranked,
            "consensus": self.consensus.to_dict(),
        }  # fmt: skip


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
) -> Robustness:
    """Stability intervals, SMAA and consensus in one call (validating wrapper)."""
    check_sampling(samples, spread, vary_scores)
    check_view(view)
    top_k = check_top_k(top_k)
    prepared = prepare(wb, aggregate)
    shares = resolve_weights(wb, weights)
    ranking = rank_prepared(prepared, shares, "wsm", lang)
    not_ranked = [{"id": i, "title": r["title"], "reasons": list(r["reasons"])}
                  for i, r in ranking.table[~ranking.table["eligible"]].iterrows()]  # fmt: skip
    return Robustness(
        stability=stability_prepared(prepared, shares, top_k),
        smaa=smaa_prepared(prepared, shares, int(samples), seed, spread, vary_scores, top_k,
                           progress),
        consensus=consensus_prepared(prepared, shares, view),
        weights=shares, aggregate=prepared.aggregate, labels=ranking.labels, not_ranked=not_ranked,
    )  # fmt: skip
