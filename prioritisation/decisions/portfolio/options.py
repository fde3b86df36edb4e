"""The selection's options from user text (CLI, scenario) or lists and mappings (app), validated.

Values are read by :mod:`prioritisation.core.parse` (the one parser); this module checks them
against the workbook: every idea id must exist, every theme must exist (matched without regard
to case), a theme share lies between 0 and 1, and an idea cannot be both required and excluded.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> wb = read_workbook(sample_path())
>>> c = make_constraints(wb, must="ZOEK", theme_min="e-inclusie=20%")
>>> c.must, dict(c.theme_min)
(('ZOEK',), {'E-inclusie': 0.2})
>>> resolve_budget(wb), resolve_budget(wb, "€ 900.000")
(1500000.0, 900000.0)
"""

from __future__ import annotations

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_
from prioritisation.core.model import Workbook
from prioritisation.core.parse import amount, assignments, clean, id_list
from prioritisation.decisions.portfolio.problem import Constraints


def make_constraints(
    wb: Workbook,
    must=None,
    exclude=None,
    theme_min=None,
    theme_max=None,
    groups: bool = True,
) -> Constraints:
    """Validated :class:`~.problem.Constraints` from text (``"A,B"``, ``"E-inclusie=0.2"``,
    a repeated option as a list of such texts) or from lists and mappings."""
    c = Constraints(
        must=known_ideas(must, wb, "must"), exclude=known_ideas(exclude, wb, "exclude"),
        theme_min=theme_shares(theme_min, wb, "theme-min"),
        theme_max=theme_shares(theme_max, wb, "theme-max"), groups=groups,
    )  # fmt: skip
    both = set(c.must) & set(c.exclude)
    if both:
        raise UsageError(N_("usage.must_exclude"), id=sorted(both)[0])
    return c


def known_ideas(spec, wb: Workbook, option: str) -> tuple[str, ...]:
    """Idea ids (``"A,B"`` or a list) that must all be in the workbook."""
    ids = id_list(spec)
    for iid in ids:
        if iid not in wb.ideas.index:
            raise UsageError(N_("usage.unknown_idea"), id=iid, option=option,
                             known=", ".join(wb.ideas.index))  # fmt: skip
    return ids


def theme_shares(spec, wb: Workbook, option: str) -> dict[str, float]:
    """``"E-inclusie=0.2; Leesklimaat=10%"``, a list of such texts or a mapping →
    ``{theme: share}`` with the themes as the workbook writes them."""
    if spec is None:
        return {}
    if isinstance(spec, list | tuple):
        spec = "; ".join(str(part) for part in spec)
    themes = sorted({str(t) for t in wb.ideas["theme"]})
    lookup = {t.casefold(): t for t in themes}
    try:
        shares = assignments(spec, percent=True)
    except UsageError as error:  # the same mistake, with an example that shows a theme
        if error.code != "usage.assignment_syntax":
            raise
        raise UsageError(N_("usage.share_syntax"), spec=error.params["spec"]) from None
    out = {}
    for theme, share in shares.items():
        if str(theme).casefold() not in lookup:
            raise UsageError(
                N_("usage.unknown_theme"), theme=theme, option=option, known=", ".join(themes)
            )
        if not share <= 1:
            raise UsageError(N_("usage.share"), value=f"{share:g}", theme=theme)
        out[lookup[str(theme).casefold()]] = share
    return out


def resolve_budget(wb: Workbook, budget=None) -> float:
    """``budget`` as an amount (``"1.500.000"``), or the workbook's ``budget`` setting."""
    if clean(budget) is None:
        budget = wb.settings.get("budget")
        if clean(budget) is None:
            raise UsageError(N_("usage.no_budget"))
    return amount(budget)
