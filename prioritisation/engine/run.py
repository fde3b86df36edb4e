"""One resolved run: a workbook plus the user's options → every choice a computation needs.

The CLI, the app and the report all call :func:`resolve_run` with what the user asked for (a
command line, the widgets, a saved scenario) and pass the resulting :class:`Run` to the engine
and decision functions, so that the same question gets the same defaults, the same weights,
the same budget and the same random draws in every shell. Defaults, in order: the option
given, the workbook's ``settings`` sheet, the built-in default below.

- method (``wsm``) and aggregation (``mean``);
- weights: a spec (``innovation=3``), a scheme name (``roc``) or shares; default the
  workbook's ``weight`` column;
- budget: a total and/or yearly budgets (:class:`~prioritisation.core.parse.Budget`); each of
  the two defaults to the workbook's ``budget`` / ``budget_per_year`` setting on its own, and
  when both are there both bind;
- must / exclude (idea ids), theme minimum / maximum shares of the budget, mutually exclusive
  groups honoured or not;
- funding rule: ``priority`` (walk down the ranking and fund what fits) or ``best`` (the set
  with the largest total score); default the ``funding_rule`` setting, else ``priority``;
- sampling for robustness: how many draws, the seed, and the distribution: ``around`` the
  weights in force (Dirichlet, with a spread) or ``uniform`` over all weightings.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> run = resolve_run(wb, weights="innovation=2, feasibility=0, viability=1, desirability=1",
...                   budget="1.200.000")
>>> run.method, run.aggregate, run.budget.total, sorted(run.budget.per_year)
('wsm', 'mean', 1200000.0, [2027, 2028, 2029])
>>> round(float(run.weights["innovation"]), 3), run.funding_rule, run.sampling.samples
(0.5, 'priority', 10000)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from prioritisation.core import parse
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_number, tr
from prioritisation.core.model import Workbook
from prioritisation.engine.scoring import (
    Prepared,
    check_aggregate,
    check_method,
    prepare,
)
from prioritisation.engine.weights import resolve_weights

FUNDING_RULES = ("priority", "best")
SAMPLING_MODES = ("around", "uniform")
DEFAULT_METHOD = "wsm"
DEFAULT_AGGREGATE = "mean"
DEFAULT_FUNDING_RULE = "priority"
DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0
DEFAULT_SPREAD = (
    0.05  # Dirichlet spread around the weights when the members' own weights say nothing
)
MAX_SAMPLES = 5_000_000
SPREAD_SOURCES = {
    "members": N_("app.spread_members"), "setting": N_("app.spread_setting"),
    "option": N_("app.spread_option"), "default": N_("app.spread_default"),
}  # fmt: skip


@dataclass(frozen=True)
class Sampling:
    """How robustness draws weights: ``samples`` draws from a generator seeded with ``seed``,
    ``around`` the weights in force with ``spread`` (Dirichlet concentration 1/spread) or
    ``uniform`` on the simplex."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    mode: str = "around"
    spread: float = DEFAULT_SPREAD
    spread_source: str = (
        "default"  # "option", "setting", "members" (their own weights) or "default"
    )
    members: int = 0  # how many members' weight sets gave the spread

    def center(self, weights: pd.Series) -> np.ndarray | None:
        """The Dirichlet centre for these weights, or ``None`` for uniform draws."""
        return None if self.mode == "uniform" else weights.to_numpy(float)

    def text(self, lang: str | None = None) -> str:
        """How the weights are drawn, in words: the app, the CLI and the report say it alike.

        >>> Sampling(spread=0.05).text("nl")
        '10.000 trekkingen rond de huidige gewichten (spreiding 0,05; standaardwaarde), startgetal 0'
        >>> Sampling(samples=500, mode="uniform", seed=3).text("en")
        '500 draws spread evenly over all possible weights, seed 3'
        """
        n = fmt_number(self.samples, 0, lang)
        if self.mode == "uniform":
            return tr("app.sampling_uniform", lang, n=n, seed=self.seed)
        source = tr(SPREAD_SOURCES[self.spread_source], lang, n=self.members)
        return tr("app.sampling_around", lang, n=n, spread=fmt_number(self.spread, 2, lang),
                  source=source, seed=self.seed)  # fmt: skip

    def as_dict(self) -> dict:
        return {"samples": self.samples, "seed": self.seed, "mode": self.mode,
                "spread": None if self.mode == "uniform" else self.spread,
                "spread_source": self.spread_source, "members": self.members}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Run:
    """Everything one computation needs, resolved and checked (see the module's docstring)."""

    wb: Workbook
    aggregate: str
    method: str
    weights: pd.Series  # shares summing to 1, indexed by criterion id
    budget: parse.Budget = field(default_factory=parse.Budget)
    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    theme_min: Mapping[str, float] = field(default_factory=dict)
    theme_max: Mapping[str, float] = field(default_factory=dict)
    groups: bool = True
    funding_rule: str = DEFAULT_FUNDING_RULE
    sampling: Sampling = field(default_factory=Sampling)

    given: Prepared | None = field(default=None, repr=False)  # scores prepared already

    @property
    def prepared(self) -> Prepared:
        """The aggregated, normalised and gated scores (prepared on first use, then kept)."""
        if self.given is None:
            object.__setattr__(self, "given", prepare(self.wb, self.aggregate))
        return self.given

    def with_weights(self, weights) -> Run:
        """The same run under other weights (the fast path: scores are not prepared again)."""
        return replace(self, weights=resolve_weights(self.wb, weights))

    def with_options(self, **options) -> Run:
        """The same run with some options changed, resolved again (scores kept when the
        aggregation does not change)."""
        return resolve_run(self.wb, prepared=self.given, **{**self.options(), **options})

    def options(self) -> dict:
        """The run as options that :func:`resolve_run` takes back (a JSON-able record)."""
        return {
            "method": self.method, "aggregate": self.aggregate,
            "weights": {c: float(w) for c, w in self.weights.items()},
            "budget": self.budget.as_dict(), "must": list(self.must),
            "exclude": list(self.exclude), "theme_min": dict(self.theme_min),
            "theme_max": dict(self.theme_max), "groups": self.groups,
            "funding_rule": self.funding_rule, "samples": self.sampling.samples,
            "seed": self.sampling.seed, "sampling": self.sampling.mode,
            "spread": self.sampling.spread,
        }  # fmt: skip


def _setting(wb: Workbook, key: str):
    return parse.clean(wb.settings.get(key))


def resolve_budget(wb: Workbook, budget=None, budget_per_year=None) -> parse.Budget:
    """The budget in force: the options' total and yearly budgets, each defaulting to the
    workbook's ``budget`` / ``budget_per_year`` setting.

    A budget written with years (``"2027=700.000; 2028=600.000"``) sets the yearly budgets.
    """
    given = parse.budget(budget)
    if budget_per_year is not None and parse.clean(budget_per_year) is not None:
        given = parse.Budget(given.total, parse.budget_per_year(budget_per_year))
    total = given.total
    per_year = given.per_year
    if total is None and not (isinstance(budget, Mapping) and "total" in budget):
        setting = _setting(wb, "budget")
        total = None if setting is None else parse.amount(setting)
    if not per_year and not (isinstance(budget, Mapping) and "per_year" in budget):
        setting = _setting(wb, "budget_per_year")
        per_year = {} if setting is None else parse.budget_per_year(setting)
    return parse.Budget(total, per_year)


def _known_ids(wb: Workbook, ids: tuple[str, ...]) -> tuple[str, ...]:
    known = set(wb.ideas.index)
    for iid in ids:
        if iid not in known:
            raise UsageError("usage.selection_unknown", id=iid)
    return ids


def _themes(wb: Workbook, spec) -> dict[str, float]:
    """Theme → share of the budget from ``"E-inclusie=0.2; Leesklimaat=10%"``, a list of such
    texts (a repeated option) or a mapping; themes matched without regard to case."""
    if spec is None or (isinstance(spec, str | Mapping | list | tuple) and not spec):
        return {}
    if isinstance(spec, list | tuple):
        spec = "; ".join(str(part) for part in spec)
    themes = sorted({str(t) for t in wb.ideas["theme"]})
    lookup = {t.casefold(): t for t in themes}
    try:
        shares = parse.assignments(spec, percent=True)
    except UsageError as error:  # the same mistake, with an example that shows a theme
        if error.code != "usage.assignment_syntax":
            raise
        raise UsageError("usage.share_syntax", spec=error.params["spec"]) from None
    out = {}
    for theme, share in shares.items():
        if theme.casefold() not in lookup:
            raise UsageError("usage.theme_unknown", theme=theme, known=", ".join(themes))
        if share > 1:
            raise UsageError("usage.share", value=f"{share:g}", theme=theme)
        out[lookup[theme.casefold()]] = share
    return out


def member_weight_sets(wb: Workbook) -> pd.DataFrame:
    """Each member's own weights (rows: members, columns: criteria, shares), from their AHP
    judgments in the ``pairwise`` sheet; empty when the workbook has none."""
    from prioritisation.engine.weights import ahp

    if wb.pairwise is None or wb.pairwise.empty:
        return pd.DataFrame(columns=wb.criteria.index, dtype=float)
    try:
        members = ahp(wb).members
    except UsageError:
        return pd.DataFrame(columns=wb.criteria.index, dtype=float)
    return pd.DataFrame({name: r.weights for name, r in members.items()}).T.reindex(
        columns=wb.criteria.index
    )


def members_spread(sets: pd.DataFrame) -> float | None:
    """The Dirichlet spread (1/concentration) that matches how much the members' own weight
    sets vary (method of moments: Var wⱼ = w̄ⱼ(1 − w̄ⱼ)/(α + 1), pooled over criteria), or
    ``None`` with fewer than two members or no variation.

    >>> members_spread(pd.DataFrame([[0.5, 0.5], [0.3, 0.7], [0.4, 0.6]]))
    0.0434...
    """
    if len(sets) < 2:
        return None
    values = sets.to_numpy(float)
    mean = values.mean(axis=0)
    variance = values.var(axis=0, ddof=1).sum()
    if not np.isfinite(variance) or variance <= 1e-12:
        return None
    alpha = float((mean * (1 - mean)).sum() / variance) - 1.0
    return None if alpha <= 0 else 1.0 / alpha


def resolve_sampling(wb: Workbook, samples=None, seed=None, sampling=None, spread=None) -> Sampling:
    """The robustness draws: the options, else the workbook's settings (``samples``,
    ``seed``, ``sampling``, ``spread``), else 10.000 draws, seed 0, around the weights with
    the spread of the members' own weight sets (at least two), else spread 0,05."""

    def pick(value, key, default):
        value = parse.clean(value)
        return default if value is None and _setting(wb, key) is None else (
            value if value is not None else _setting(wb, key))  # fmt: skip

    try:
        n = int(parse.number(pick(samples, "samples", DEFAULT_SAMPLES)))
    except (TypeError, ValueError):
        n = -1
    if not 1 <= n <= MAX_SAMPLES:
        raise UsageError("usage.samples", value=samples, max=MAX_SAMPLES)
    try:
        s = int(parse.number(pick(seed, "seed", DEFAULT_SEED)))
    except (TypeError, ValueError):
        raise UsageError("usage.seed", value=seed) from None
    mode = str(pick(sampling, "sampling", "around")).strip().lower()
    if mode not in SAMPLING_MODES:
        raise UsageError("usage.sampling", value=mode, choices=", ".join(SAMPLING_MODES))
    source, count = "default", 0
    if parse.clean(spread) is not None:
        source = "option"
    elif _setting(wb, "spread") is not None:
        source = "setting"
    try:
        sd = float(parse.number(pick(spread, "spread", DEFAULT_SPREAD)))
    except (TypeError, ValueError):
        sd = -1.0
    if not 0 < sd <= 10:
        raise UsageError("usage.spread", value=spread)
    if source == "default":
        sets = member_weight_sets(wb)
        from_members = members_spread(sets)
        if from_members is not None:
            sd, source, count = min(from_members, 10.0), "members", len(sets)
    return Sampling(samples=n, seed=s, mode=mode, spread=sd, spread_source=source,
                    members=count)  # fmt: skip


def resolve_run(
    wb: Workbook,
    *,
    method: str | None = None,
    aggregate: str | None = None,
    weights=None,
    budget=None,
    budget_per_year=None,
    must=None,
    exclude=None,
    theme_min=None,
    theme_max=None,
    groups: bool = True,
    funding_rule: str | None = None,
    samples=None,
    seed=None,
    sampling: str | None = None,
    spread=None,
    prepared: Prepared | None = None,
) -> Run:
    """Resolve ``wb`` and the options into one :class:`Run` (checked; raises
    :class:`~prioritisation.core.errors.UsageError` quoting a bad value).

    ``prepared`` reuses scores already prepared for the same workbook and aggregation.
    """
    method = check_method(method or str(_setting(wb, "method") or DEFAULT_METHOD))
    aggregate = check_aggregate(aggregate or str(_setting(wb, "aggregate") or DEFAULT_AGGREGATE))
    if prepared is not None and (prepared.wb is not wb or prepared.aggregate != aggregate):
        prepared = None
    rule = str(funding_rule or _setting(wb, "funding_rule") or DEFAULT_FUNDING_RULE).lower()
    if rule not in FUNDING_RULES:
        raise UsageError("usage.funding_rule", value=rule, choices=", ".join(FUNDING_RULES))
    must_ids = _known_ids(wb, parse.id_list(must))
    exclude_ids = _known_ids(wb, parse.id_list(exclude))
    both = sorted(set(must_ids) & set(exclude_ids))
    if both:
        raise UsageError("usage.must_exclude", id=both[0])
    return Run(
        wb=wb, aggregate=aggregate, given=prepared, method=method,
        weights=resolve_weights(wb, weights),
        budget=resolve_budget(wb, budget, budget_per_year), must=must_ids, exclude=exclude_ids,
        theme_min=_themes(wb, theme_min), theme_max=_themes(wb, theme_max), groups=bool(groups),
        funding_rule=rule, sampling=resolve_sampling(wb, samples, seed, sampling, spread),
    )  # fmt: skip
