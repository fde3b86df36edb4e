"""What the report shows, computed once: the report notebook's first call.

:func:`build_context` opens the workbook (and, for a stored scenario, the scenario store),
ranks it with the run's settings and asks the decision engines for the funded set, the
budget frontier, the roadmap and robustness. The sections only read the
:class:`ReportContext` it returns; they never recompute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from prioritisation.core import parse
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, set_language, tr
from prioritisation.core.model import Workbook
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import Ranking, rank

# Sample counts and budget levels of the analyses in the report (fixed: a reproducible record).
FRONTIER_LEVELS = 30


@dataclass(frozen=True, eq=False)
class ReportContext:
    """Everything the sections show: the workbook, the ranking and the run's settings."""

    wb: Workbook
    ranking: Ranking
    lang: str
    title: str
    date: dt.date
    scenario: str | None = None
    scenario_version: str | None = None
    stored: object | None = None  # prioritisation.scenarios.scenario.Scenario
    weights_spec: str | None = None
    based_on: tuple | None = None  # (name, version, author) of the scenario the weights left
    budget: float | None = None
    portfolio: object | None = None  # prioritisation.decisions.portfolio.Portfolio
    explanation: object | None = None  # prioritisation.explain.funding.Explanation
    frontier: object | None = None  # prioritisation.decisions.frontier.Frontier
    roadmap: object | None = None  # prioritisation.decisions.roadmap.Roadmap
    robustness: object | None = None  # prioritisation.decisions.sensitivity.Robustness
    sampling: object | None = None  # prioritisation.engine.run.Sampling: the run's draws
    members: dict | None = None  # view → Consensus (prioritisation.decisions.group.member_views)
    versions: dict = field(default_factory=lambda: library_versions())
    chain_head: str | None = None  # the scenario store's audit chain head when the report was made
    group: object | None = None  # prioritisation.report.group.RoundRecord: a round's decision
    anonymise: bool = False  # a round's members named "lid 1, lid 2 …"

    @property
    def n_ideas(self) -> int:
        return len(self.ranking.table)

    @property
    def n_eligible(self) -> int:
        return int(self.ranking.table["eligible"].sum())


def library_versions() -> dict[str, str]:
    """The versions of what computed the numbers, for the decision record: the MILP solver
    (HiGHS, as bundled by SciPy, or the ``highspy`` package), numpy, pandas and SciPy. A
    solver or numpy upgrade can change a funded set; the record says which one made it.

    >>> v = library_versions()
    >>> sorted(v), v["solver"].startswith("HiGHS")
    (['numpy', 'pandas', 'scipy', 'solver'], True)
    """
    import numpy
    import pandas
    import scipy

    return {"solver": solver_version(scipy.__version__), "numpy": numpy.__version__,
            "pandas": pandas.__version__, "scipy": scipy.__version__}  # fmt: skip


def solver_version(scipy_version: str) -> str:
    """The solver's name and version: ``HiGHS 1.12.0 (SciPy 1.17.1)`` from SciPy's bundled
    HiGHS, else the ``highspy`` package's version, else ``HiGHS (SciPy x.y)``."""
    try:
        from scipy.optimize._highspy import _core

        found = ".".join(str(getattr(_core, f"HIGHS_VERSION_{part}"))
                         for part in ("MAJOR", "MINOR", "PATCH"))  # fmt: skip
        return f"HiGHS {found} (SciPy {scipy_version})"
    except (ImportError, AttributeError):
        pass
    try:
        from importlib.metadata import version

        return f"HiGHS {version('highspy')} (highspy)"
    except Exception:  # not installed: SciPy's own HiGHS, version unknown
        return f"HiGHS (SciPy {scipy_version})"


def total_budget(value) -> float | None:
    """The report's budget: one total amount (:func:`prioritisation.core.parse.budget`), or
    ``None`` when empty; yearly budgets come from the workbook, not from here.

    >>> total_budget("1.500.000"), total_budget(""), total_budget(None)
    (1500000.0, None, None)
    >>> total_budget("2027=5")
    Traceback (most recent call last):
    ...
    prioritisation.core.errors.UsageError: ...
    """
    found = parse.budget(value)
    if found.per_year:
        raise UsageError(N_("usage.budget"), value=str(value))
    return found.total


def yearly_spec(value) -> str:
    """Yearly budgets as the report's parameter: ``"2027=700000; 2028=400000"`` (one grammar,
    :func:`prioritisation.core.parse.budget_per_year`), ``""`` for the workbook's own.

    >>> yearly_spec({2028: 400000.0, 2027: 700000}), yearly_spec(None)
    ('2027=700000; 2028=400000', '')
    """
    if value is None or (isinstance(value, str | dict) and not value):
        return ""
    years = parse.budget_per_year(value)
    return "; ".join(f"{y}={v:.12g}" for y, v in sorted(years.items()))


def chain_head(wb: Workbook, store: str = "") -> str | None:
    """The head of the scenario store's hash chain (``prioritisation audit verify --head``
    checks later that nothing before it was changed or removed); ``None`` when the workbook has
    no store (none is created for asking)."""
    from prioritisation.core.errors import PrioritisationError
    from prioritisation.scenarios.db import default_store_path, open_store

    if not store and (not wb.source or not default_store_path(wb.source).exists()):
        return None
    try:
        with open_store(wb.source, url=store or None, readonly=True) as st:
            return st.head()
    except PrioritisationError:
        return None


def build_context(
    workbook: str,
    lang: str = "nl",
    title: str = "",
    weights: str = "",
    method: str = "",
    aggregate: str = "",
    budget=None,
    budget_per_year: str = "",
    scenario: str = "",
    scenario_version=None,
    store: str = "",
    date: str = "",
    based_on: str = "",
    based_on_version=None,
    based_on_author: str = "",
    anonymise: bool = False,
) -> ReportContext:
    """Read the workbook and rank it with the run's settings (the notebook's first call).

    All arguments are JSON-simple (they come from papermill parameters); an empty
    ``workbook`` is the bundled sample, any other empty argument means "the workbook's own
    setting". With ``scenario`` (and ``scenario_version``, default the
    latest, from the store at ``store``, default the one beside the workbook) the stored
    scenario's weights, method, aggregation, thresholds, budget and selection apply.
    ``based_on`` (with ``based_on_version`` and ``based_on_author``): the stored scenario the
    weights were changed from in the app; the cover and the decision record say so.
    ``anonymise``: a round's members are "lid 1, lid 2 …" in the report.
    """
    set_language(lang)
    warm_up_charts()
    if not workbook:
        from prioritisation.data.sample import sample_path

        workbook = str(sample_path())
    wb = read_workbook(workbook)
    when = dt.date.fromisoformat(date) if date else dt.date.today()
    if scenario:
        ctx = _scenario_context(wb, scenario, scenario_version, store, lang, title, when)
        return replace(ctx, anonymise=bool(anonymise))
    ranking = rank(wb, method=method or None, weights=weights or None,
                   aggregate=aggregate or None, lang=lang)  # fmt: skip
    if budget is None or budget == "":
        budget = wb.settings.get("budget")
    ctx = ReportContext(
        wb=wb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=None, scenario_version=None, weights_spec=weights or None,
        based_on=(based_on, based_on_version, based_on_author) if based_on else None,
        budget=total_budget(budget), chain_head=chain_head(wb, store),
    )  # fmt: skip
    return with_engines(ctx, method=method or None, weights=weights or None,
                        aggregate=aggregate or None,
                        budget_per_year=yearly_spec(budget_per_year) or None)  # fmt: skip


def _scenario_context(wb, name, version, store, lang, title, when) -> ReportContext:
    from prioritisation.report.group import round_record
    from prioritisation.scenarios.compare import scenario_weights, scenario_workbook
    from prioritisation.scenarios.db import open_store

    with open_store(wb.source, url=store or None) as st:
        sc = st.get(name, None if version in (None, "") else int(version))
        group = round_record(wb, st, sc)  # the decision of a round: the group section
    swb = scenario_workbook(wb, sc)
    shares = scenario_weights(wb, sc)
    ranking = rank(swb, method=sc.method, weights=shares, aggregate=sc.aggregate, lang=lang)
    selection = sc.selection or {}
    ctx = ReportContext(
        wb=swb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=tr("rep.scenario_label", lang, name=sc.name, version=sc.version),
        scenario_version=str(sc.version), stored=sc,
        budget=total_budget(swb.settings.get("budget")), chain_head=chain_head(wb, store),
        group=group,
    )  # fmt: skip
    return with_engines(ctx, method=sc.method, weights=shares, aggregate=sc.aggregate,
                        must=list(selection.get("include") or []) or None,
                        exclude=list(selection.get("exclude") or []) or None)  # fmt: skip


def with_engines(
    ctx: ReportContext,
    method=None,
    weights=None,
    aggregate=None,
    must=None,
    exclude=None,
    budget_per_year=None,
) -> ReportContext:
    """Add what the decision engines say: the funded set and why not, the budget frontier,
    the roadmap (when the workbook has yearly budgets), the members' disagreement in both
    views and robustness (weighted sum); the run's sampling, named on the page.
    ``must``/``exclude``: ideas the group forces into or out of the funded set;
    ``budget_per_year``: the member's yearly budgets (the app), else the workbook's."""
    from prioritisation.decisions.frontier import budget_frontier
    from prioritisation.decisions.group import member_views
    from prioritisation.decisions.linear import robust_methods
    from prioritisation.decisions.portfolio.selection import select_run
    from prioritisation.decisions.roadmap.plan import plan_run
    from prioritisation.decisions.sensitivity import robustness_run
    from prioritisation.engine.run import resolve_run
    from prioritisation.explain.funding import explain_portfolio

    wb, found = ctx.wb, {}
    # One run for every number on the page, as the CLI and the app resolve it (same budget,
    # same funding rule, same robustness draws).
    run = resolve_run(wb, method=method, weights=weights, aggregate=aggregate,
                      budget=ctx.budget, budget_per_year=budget_per_year, must=must,
                      exclude=exclude)  # fmt: skip
    if ctx.budget is not None:
        p = select_run(run, lang=ctx.lang)
        found["portfolio"] = p
        found["explanation"] = explain_portfolio(p)
        if p.status != "infeasible":
            found["frontier"] = budget_frontier(p, levels=FRONTIER_LEVELS)
    if run.budget.per_year:
        found["roadmap"] = plan_run(run, lang=ctx.lang)
    found["sampling"] = run.sampling
    if ctx.n_eligible:
        found["members"] = member_views(run)
    if run.method in robust_methods() and ctx.n_eligible:
        found["robustness"] = robustness_run(run, lang=ctx.lang)
    return replace(ctx, **found)


def warm_up_charts() -> None:
    """Start vl-convert's JavaScript engine in the background (≈0,5–0,8 s, outside the GIL)
    while the workbook is read and the engines run."""
    import threading

    def work():
        try:
            import vl_convert as vlc

            vlc.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point",
                                 "encoding": {"x": {"field": "a", "type": "quantitative"}}})  # fmt: skip
        except Exception:  # pragma: no cover - the real chart reports any problem
            pass

    threading.Thread(target=work, name="vl-convert-warm-up", daemon=True).start()
