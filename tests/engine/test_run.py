"""The run resolver: options, then the workbook's settings, then the defaults; one budget."""

from __future__ import annotations

from dataclasses import replace

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.core.parse import Budget
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.run import DEFAULT_SPREAD, resolve_run
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def wb():
    return read_workbook(SAMPLE)


def with_settings(wb, **settings):
    return replace(wb, settings={**wb.settings, **settings})


def test_defaults_come_from_the_workbook_settings(wb):
    run = resolve_run(wb)
    assert (run.method, run.aggregate, run.funding_rule) == ("wsm", "mean", "priority")
    assert run.budget == Budget(1_500_000.0, {2027: 700_000.0, 2028: 600_000.0, 2029: 500_000.0})
    assert run.weights.round(3).to_dict() == {
        "innovation": 0.3, "desirability": 0.3, "viability": 0.2, "feasibility": 0.2,
    }  # fmt: skip
    assert (run.sampling.samples, run.sampling.seed, run.sampling.mode) == (10_000, 0, "around")
    # the sample's seven members judged the criteria pairwise: their weights give the spread
    assert (run.sampling.spread_source, run.sampling.members) == ("members", 7)
    assert 0.01 < run.sampling.spread < 0.2


def test_without_member_weights_the_stated_default_spread(wb):
    run = resolve_run(replace(wb, pairwise=None))
    assert (run.sampling.spread, run.sampling.spread_source) == (DEFAULT_SPREAD, "default")
    assert resolve_run(wb, spread="0,1").sampling.spread_source == "option"


def test_the_members_spread_matches_their_variance():
    import numpy as np
    import pandas as pd

    from prioritisation.engine.run import members_spread

    rng = np.random.default_rng(1)
    draws = rng.dirichlet(np.array([0.4, 0.3, 0.2, 0.1]) / 0.05, size=4000)
    assert members_spread(pd.DataFrame(draws)) == pytest.approx(0.05, rel=0.1)
    assert members_spread(pd.DataFrame([[0.5, 0.5]])) is None


def test_options_override_the_settings_each_on_its_own(wb):
    run = resolve_run(wb, method="topsis", aggregate="median", budget="€ 1.200.000")
    assert (run.method, run.aggregate) == ("topsis", "median")
    assert run.budget.total == 1_200_000.0 and sorted(run.budget.per_year) == [2027, 2028, 2029]
    yearly = resolve_run(wb, budget="2027: 400000, 2028: 300.000")
    assert yearly.budget == Budget(1_500_000.0, {2027: 400_000.0, 2028: 300_000.0})


def test_settings_without_a_budget_leave_it_empty(wb):
    bare = with_settings(wb, budget=None, budget_per_year=None, method=None, aggregate=None)
    run = resolve_run(bare)
    assert run.budget.empty and run.method == "wsm" and run.aggregate == "mean"


def test_a_stored_budget_mapping_is_taken_as_it_is(wb):
    run = resolve_run(wb, budget={"total": None, "per_year": {"2027": 5}})
    assert run.budget == Budget(None, {2027: 5.0})


def test_same_aggregation_reuses_the_prepared_scores(wb):
    run = resolve_run(wb)
    assert resolve_run(wb, prepared=run.prepared, weights="roc").prepared is run.prepared
    assert resolve_run(wb, prepared=run.prepared, aggregate="median").prepared is not run.prepared
    assert run.with_weights("innovation=1").prepared is run.prepared


def test_options_round_trip(wb):
    run = resolve_run(wb, weights="roc", must="ZOEK", theme_max="e-inclusie=40%", seed=7)
    again = resolve_run(wb, **run.options())
    first, second = run.options(), again.options()
    assert second.pop("weights") == pytest.approx(first.pop("weights"), abs=1e-15)
    assert second == first
    assert again.theme_max == {"E-inclusie": 0.4} and again.must == ("ZOEK",)


@pytest.mark.parametrize(
    "options, message_id",
    [({"method": "9999=1"}, "usage.method"), ({"aggregate": "max"}, "usage.aggregate"),
     ({"budget": "veel"}, "usage.budget"), ({"budget": "2027=1; 2029=2"}, "usage.years_gap"),
     ({"must": "NOPE"}, "usage.selection_unknown"),
     ({"must": "ZOEK", "exclude": "ZOEK"}, "usage.must_exclude"),
     ({"theme_min": "Nergens=0.2"}, "usage.theme_unknown"),
     ({"theme_min": "E-inclusie=1.5"}, "usage.share"),
     ({"funding_rule": "lottery"}, "usage.funding_rule"), ({"samples": 0}, "usage.samples"),
     ({"sampling": "normal"}, "usage.sampling"), ({"spread": "-1"}, "usage.spread"),
     ({"seed": "abc"}, "usage.seed")],
)  # fmt: skip
def test_bad_options_are_usage_errors_that_quote_the_value(wb, options, message_id):
    with pytest.raises(UsageError) as info:
        resolve_run(wb, **options)
    assert info.value.code == message_id


def test_a_bad_budget_setting_is_not_silently_dropped(wb):
    with pytest.raises(UsageError) as info:
        resolve_run(with_settings(wb, budget_per_year="2027 = veel"))
    assert info.value.code == "usage.budget"
