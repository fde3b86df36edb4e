"""What one member's session holds: the loaded workbook, its prepared scores, the weights.

No widgets here. The workbook is read and prepared once (:meth:`AppState.load`); a weight
change only calls :func:`~prioritisation.engine.scoring.rank_prepared`, the fast path (~ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from prioritisation.core.errors import Problem
from prioritisation.core.i18n import get_language
from prioritisation.core.model import Workbook
from prioritisation.data.workbook import check_workbook
from prioritisation.engine.scoring import Prepared, Ranking, prepare, rank_prepared
from prioritisation.engine.weights import normalise_weights, resolve_weights

SLIDER_TOTAL = 100  # the workbook's weights are shown as slider positions summing to this


@dataclass(eq=False)
class AppState:
    """A member's session: workbook, prepared scores, slider positions and choices."""

    path: str
    wb: Workbook | None = None
    problems: list[Problem] = field(default_factory=list)
    prepared: Prepared | None = None
    method: str = "wsm"
    positions: dict[str, int] = field(default_factory=dict)  # criterion → slider position
    exact: pd.Series | None = None  # shares applied from a scenario or AHP, until a slider moves
    theme: str | None = None  # ranking filter; None = all
    selected: str | None = None  # idea in the detail tab
    _member_prepared: dict[str, Prepared] = field(default_factory=dict, repr=False)
    _cache: tuple | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path) -> AppState:
        """Read and prepare the workbook once; on problems keep them (and no workbook)."""
        wb, problems = check_workbook(path)
        state = cls(path=str(path), wb=wb, problems=problems)
        if wb is not None:
            state.method = str(wb.settings.get("method") or "wsm")
            state.prepared = prepare(wb)
            state.positions = state.default_positions()
            state.selected = wb.idea_ids[0] if wb.idea_ids else None
        return state

    @property
    def ok(self) -> bool:
        return self.wb is not None

    @property
    def name(self) -> str:
        return Path(self.path).name

    # ------------------------------------------------------------------ weights

    def default_positions(self) -> dict[str, int]:
        """The workbook's weights as whole slider positions summing to about 100."""
        shares = resolve_weights(self.wb)
        return {c: int(round(SLIDER_TOTAL * float(s))) for c, s in shares.items()}

    def weights(self) -> pd.Series | None:
        """The shares in force (summing to 1), or None when every slider is at 0."""
        if self.exact is not None:
            return self.exact
        raw = pd.Series(self.positions, dtype=float).reindex(self.wb.criteria.index).fillna(0.0)
        if raw.sum() <= 0:
            return None
        return normalise_weights(raw)

    def set_position(self, criterion: str, value: int) -> None:
        if self.positions.get(criterion) != int(value):
            self.exact = None  # the member took over: the sliders rule again
        self.positions[criterion] = int(value)

    def apply_weights(self, shares) -> None:
        """Use these exact shares (a scenario's, AHP's); the sliders show them rounded."""
        shares = normalise_weights(
            pd.Series(shares, dtype=float).reindex(self.wb.criteria.index).fillna(0.0)
        )
        self.exact = shares
        self.positions = {c: int(round(SLIDER_TOTAL * float(v))) for c, v in shares.items()}

    def reset(self) -> None:
        self.exact = None
        self.positions = self.default_positions()

    # ------------------------------------------------------------------ rankings

    def ranking(self, lang: str | None = None) -> Ranking | None:
        """The group ranking with the current weights (cached per weights and language)."""
        weights = self.weights()
        if weights is None:
            return None
        lang = get_language(lang)
        key = (tuple(weights.round(12)), self.method, lang)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, rank_prepared(self.prepared, weights, self.method, lang))
        return self._cache[1]

    def member_ranks(self) -> tuple[pd.DataFrame, float | None]:
        """Ideas × members: the rank each member's own scores give with the current weights,
        and Kendall's W (agreement) when the group engine is there."""
        weights = self.weights()
        if weights is None:
            return pd.DataFrame(), None
        try:
            from prioritisation.decisions.group import consensus_prepared
        except ImportError:
            ranks = {m: r.table["rank"] for m, r in self.member_rankings().items()}
            return pd.DataFrame(ranks), None
        c = consensus_prepared(self.prepared, weights, view="scores")
        return c.member_ranks, float(c.kendall_w)

    def member_rankings(self, lang: str | None = None) -> dict[str, Ranking]:
        """Each assessor's own ranking: only their scores, the current weights."""
        weights = self.weights()
        if weights is None:
            return {}
        out = {}
        for assessor in self.wb.assessors:
            if assessor not in self._member_prepared:
                scores = self.wb.scores[self.wb.scores["assessor"] == assessor]
                own = Workbook(criteria=self.wb.criteria, ideas=self.wb.ideas, scores=scores,
                               settings=self.wb.settings)  # fmt: skip
                self._member_prepared[assessor] = prepare(own, self.prepared.aggregate)
            out[assessor] = rank_prepared(
                self._member_prepared[assessor], weights, self.method, lang
            )
        return out

    def themes(self) -> list[str]:
        themes = self.wb.ideas["theme"].fillna("").astype(str)
        return sorted(t for t in themes.unique() if t)
