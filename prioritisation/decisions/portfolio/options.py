"""The selection's constraints and budget from a resolved run.

The options themselves (idea ids that must be funded or are excluded, theme shares, the
budget) are read and checked once, by :func:`prioritisation.engine.run.resolve_run` through
:mod:`prioritisation.core.parse`; this module only turns a run into what the solver needs.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.engine.run import resolve_run
>>> run = resolve_run(read_workbook(sample_path()), must="ZOEK", theme_min="e-inclusie=20%")
>>> c = constraints_of(run)
>>> c.must, dict(c.theme_min), total_budget(run)
(('ZOEK',), {'E-inclusie': 0.2}, 1500000.0)
"""

from __future__ import annotations

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_
from prioritisation.decisions.portfolio.problem import Constraints
from prioritisation.engine.run import Run


def constraints_of(run: Run) -> Constraints:
    """The run's must / exclude ideas, theme shares and groups as solver constraints."""
    return Constraints(must=run.must, exclude=run.exclude, theme_min=dict(run.theme_min),
                       theme_max=dict(run.theme_max), groups=run.groups)  # fmt: skip


def total_budget(run: Run) -> float:
    """The budget the selection must keep to: the run's total, else the sum of its yearly
    budgets; a :class:`~prioritisation.core.errors.UsageError` when it has neither."""
    if run.budget.total is not None:
        return float(run.budget.total)
    if run.budget.per_year:
        return float(sum(run.budget.per_year.values()))
    raise UsageError(N_("usage.no_budget"))
