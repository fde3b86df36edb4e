"""The selection's options: read by core.parse, checked against the workbook."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.decisions.portfolio.options import constraints_of, total_budget
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.engine.run import resolve_run
from tests.decisions.portfolio_helpers import idea_wb


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"budget": "lots"}, "budget"), ({"budget": -5}, "budget"), ({"must": "NOPE"}, "selection_unknown"),
     ({"theme_min": "Nope=0.2"}, "theme_unknown"), ({"theme_max": "T=2"}, "share"),
     ({"theme_max": "T"}, "share_syntax"), ({"theme_max": "T=x"}, "assignment_value"), ({"must": "A", "exclude": "A"}, "must_exclude")],
)  # fmt: skip
def test_bad_options_are_usage_errors(kwargs, code):
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}])
    kwargs = {"budget": 100, **kwargs}
    with pytest.raises(UsageError) as info:
        select_portfolio(wb, **kwargs)
    assert info.value.code == f"usage.{code}"


def test_no_budget_anywhere_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        select_portfolio(idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}]))
    assert info.value.code == "usage.no_budget"


def test_the_budget_understands_belgian_amounts_and_falls_back_to_the_setting():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}], settings={"budget": "1.500.000"})
    assert total_budget(resolve_run(wb)) == 1_500_000
    assert total_budget(resolve_run(wb, budget="€ 1 500 000")) == 1_500_000
    assert total_budget(resolve_run(wb, budget=250000)) == 250_000
    assert total_budget(resolve_run(wb, budget=" ")) == 1_500_000


def test_yearly_budgets_alone_give_the_total():
    wb = idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}],
                 settings={"budget_per_year": "2027=700.000; 2028: 600000"})  # fmt: skip
    assert total_budget(resolve_run(wb)) == 1_300_000


def test_constraints_from_text_lists_and_mappings_are_the_same():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 10, "theme": "E-inclusie"},
             {"id": "B", "scores": (4, 4), "cost": 10, "theme": "Rijk leesklimaat"}]  # fmt: skip
    wb = idea_wb(ideas)

    def constraints(**options):
        return constraints_of(resolve_run(wb, budget=100, **options))

    text = constraints(must="A; B", theme_min="e-inclusie=20%; Rijk leesklimaat=0,1")
    listed = constraints(must=["A", "B"], theme_min=["E-inclusie=0.2", "rijk leesklimaat=10%"])
    mapped = constraints(must=("A", "B"), theme_min={"E-inclusie": 0.2, "Rijk leesklimaat": 0.1})
    assert text == listed == mapped
    assert dict(text.theme_min) == {"E-inclusie": 0.2, "Rijk leesklimaat": 0.1}
