"""What one member's session holds: the loaded workbook, its resolved run, the weights.

No widgets here. The workbook is read and resolved once (:meth:`AppState.load`, through
:func:`~prioritisation.engine.run.resolve_run`, the set-up path the CLI and the report use:
the same method, aggregation, budget, funding rule and sampling); a weight change only swaps
the run's weights (:meth:`~prioritisation.engine.run.Run.with_weights`, scores kept) and calls
:func:`~prioritisation.engine.scoring.rank_prepared`, the fast path (~ms). Every tab computes
from :meth:`AppState.run`.

>>> from prioritisation.data.sample import sample_path
>>> state = AppState.load(sample_path())
>>> run = state.run()
>>> run.method, run.budget.total, run.sampling.samples, round(run.sampling.spread, 2)
('wsm', 1500000.0, 10000, 0.07)
>>> state.ranking().table.index[0]
'ELOKET'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core import parse
from prioritisation.core.errors import Problem, UsageError
from prioritisation.core.i18n import get_language
from prioritisation.core.model import Workbook
from prioritisation.data.cache import checked_workbook
from prioritisation.engine.run import Run, resolve_run
from prioritisation.engine.scoring import Prepared, Ranking, rank_prepared
from prioritisation.engine.weights import normalise_weights

SLIDER_TOTAL = 100  # the workbook's weights are shown as slider positions summing to this
VIEWS = ("scores", "weights")  # the two views of the members' disagreement, always shown together


@dataclass(eq=False)
class AppState:
    """A member's session: workbook, the resolved run, slider positions and choices."""

    path: str
    wb: Workbook | None = None
    problems: list[Problem] = field(default_factory=list)
    base: Run | None = None  # the workbook's run as resolved at load (the defaults in force)
    positions: dict[str, int] = field(default_factory=dict)  # criterion → slider position
    exact: pd.Series | None = None  # shares applied from a scenario or AHP, until a slider moves
    opened: object | None = None  # the stored scenario last opened (scenarios.scenario.Scenario)
    opened_store: str = ""  # the URL of the store it came from
    budget_total: float | None = None  # the member's total budget; None = the run's
    budget_per_year: dict[int, float] | None = None  # the member's yearly budgets; None = the run's
    theme: str | None = None  # ranking filter; None = all
    selected: str | None = None  # idea in the detail tab
    _cache: tuple | None = field(default=None, repr=False)
    _runs: tuple | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path) -> AppState:
        """Read and resolve the workbook once; on problems keep them (and no workbook)."""
        wb, problems = checked_workbook(path)  # read once per server (see data.cache)
        state = cls(path=str(path), wb=wb, problems=problems)
        if wb is not None:
            try:
                state.base = resolve_run(wb)
            except UsageError as error:  # a bad setting in the workbook: said like a problem
                state.wb = None
                state.problems = [Problem("settings", None, None, error.code, error.params)]
                return state
            state.prepared  # noqa: B018 - prepare the scores now, not on the first slider move
            state.positions = state.default_positions()
            state.selected = wb.idea_ids[0] if wb.idea_ids else None
        return state

    @property
    def ok(self) -> bool:
        return self.wb is not None

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def prepared(self) -> Prepared:
        return self.base.prepared

    @property
    def method(self) -> str:
        return self.base.method

    # ------------------------------------------------------------------ weights

    def default_positions(self) -> dict[str, int]:
        """The run's weights as whole slider positions summing to about 100."""
        return {c: int(round(SLIDER_TOTAL * float(s))) for c, s in self.base.weights.items()}

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

    def open_scenario(self, scenario, store: str = "") -> None:
        """Use a stored scenario's weights and remember it: the PDF's decision record names it."""
        self.apply_weights(scenario.weights)
        self.opened, self.opened_store = scenario, store

    def opened_as_is(self) -> bool:
        """True while the run in force is the opened scenario's: its weights (exactly, not
        as rounded slider positions), method, aggregation and budget; False after any change
        (or when none was opened).

        >>> from prioritisation.data.sample import sample_path
        >>> from prioritisation.scenarios.scenario import make_scenario
        >>> state = AppState.load(sample_path())
        >>> state.open_scenario(make_scenario(state.wb, "Basis", "An", weights="equal"))
        >>> state.opened_as_is()
        True
        >>> state.set_position("innovation", 40)
        >>> state.opened_as_is()
        False
        """
        sc, run = self.opened, self.run()
        if sc is None or run is None or self.exact is None:
            return False
        shares = pd.Series(sc.weights, dtype=float).reindex(run.weights.index).fillna(0.0)
        budget = sc.budget or {}
        per_year = {str(y): float(v) for y, v in (budget.get("per_year") or {}).items()}
        return (
            bool(np.allclose(shares.to_numpy(), run.weights.to_numpy(), rtol=0, atol=1e-9))
            and (sc.method, sc.aggregate) == (run.method, run.aggregate)
            and budget.get("total") == run.budget.total
            and per_year == {str(y): float(v) for y, v in (run.budget.per_year or {}).items()}
        )

    def reset(self) -> None:
        self.exact = None
        self.positions = self.default_positions()

    # ------------------------------------------------------------------ the run

    def run(self) -> Run | None:
        """The run in force: the workbook's, with the weights and the budget (total, yearly)
        the member set (None when every weight is 0). Every tab computes from it."""
        weights = self.weights()
        if weights is None:
            return None
        years = None if self.budget_per_year is None else tuple(self.budget_per_year.items())
        key = (tuple(weights.round(12)), self.budget_total, years)
        if self._runs is None or self._runs[0] != key:
            run = self.base.with_weights(weights)
            if self.budget_total is not None or years is not None:
                total = run.budget.total if self.budget_total is None else float(self.budget_total)
                per_year = run.budget.per_year if years is None else dict(years)
                run = replace(run, budget=parse.Budget(total, per_year))
            self._runs = (key, run)
        return self._runs[1]

    # ------------------------------------------------------------------ rankings

    def ranking(self, lang: str | None = None) -> Ranking | None:
        """The group ranking of the run in force (cached per weights and language)."""
        run = self.run()
        if run is None:
            return None
        lang = get_language(lang)
        key = (tuple(run.weights.round(12)), lang)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, rank_prepared(run.prepared, run.weights, run.method, lang))
        return self._cache[1]

    def consensus(self, view: str):
        """The members' disagreement in one of the two :data:`VIEWS`:
        ``scores`` (each member's own scores, the weights in force) or ``weights`` (each
        member's own weights from their AHP judgments, the group's scores); None when every
        weight is 0. The ``basis`` of each member says which view their column shows."""
        from prioritisation.decisions.group import consensus_prepared

        run = self.run()
        if run is None:
            return None
        return consensus_prepared(run.prepared, run.weights, view)

    def smaa(self):
        """P(first), P(top 3) and the expected rank under the run's sampling (same draws,
        same seed as the CLI's ``sensitivity`` and the report)."""
        from prioritisation.decisions.linear import robust_methods
        from prioritisation.decisions.smaa import smaa_run

        run = self.run()
        if run is None or run.method not in robust_methods():
            return None
        return smaa_run(run)

    def themes(self) -> list[str]:
        themes = self.wb.ideas["theme"].fillna("").astype(str)
        return sorted(t for t in themes.unique() if t)
