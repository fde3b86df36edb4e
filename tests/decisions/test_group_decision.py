"""A round's analysis in one call (prioritisation/decisions/group_decision.py): satisfaction
with each member's own optimum is 100 %, with the group set and the compromise as their
definitions say; the JSON round trip; the digest changes with every input that matters."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.compromise import member_values
from prioritisation.decisions.group_decision import GroupAnalysis, analyse_group, inputs_digest
from prioritisation.decisions.group_weights import member_weight_sets
from prioritisation.decisions.portfolio.options import total_budget
from prioritisation.decisions.portfolio.selection import select_run
from prioritisation.engine.run import resolve_run
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import idea_wb


@pytest.fixture(scope="module")
def wb():
    return read_workbook(SAMPLE)


@pytest.fixture(scope="module")
def analysis(wb):
    return analyse_group(resolve_run(wb, budget="600.000"), member_weight_sets(wb))


def test_satisfaction_follows_its_definition(wb, analysis):
    run = resolve_run(wb, budget="600.000")
    assert (analysis.satisfaction["own"] == 1.0).all()
    group_set = select_run(run.with_weights(analysis.group_weights)).selected
    assert set(analysis.group_set) == set(group_set)  # the run's rule under the group weights
    for member in analysis.members:
        values = pd.Series(member_values(run, analysis.weights.loc[member]), index=wb.ideas.index)
        best = analysis.own[member].total
        assert values[list(analysis.own[member].funded)].sum() == pytest.approx(best)
        assert analysis.satisfaction.loc[member, "group"] == pytest.approx(
            values[list(group_set)].sum() / best
        )
        assert analysis.satisfaction.loc[member, "compromise"] == pytest.approx(
            values[list(analysis.compromise.funded)].sum() / best)  # fmt: skip
    # the compromise lifts the least satisfied member at least as high as the group set does
    assert analysis.satisfaction["compromise"].min() >= analysis.satisfaction["group"].min()
    assert analysis.compromise.cost <= 600_000


def test_core_contested_never_partition_the_ideas(wb, analysis):
    split = analysis.split
    seen = [*split.core, *split.contested, *split.never]
    assert sorted(seen) == sorted(wb.ideas.index)
    for iid, (yes, no) in split.contested.items():
        assert yes and no and set(yes) | set(no) == set(analysis.members)
        assert all(iid in analysis.own[m].funded for m in yes)
        assert all(iid not in analysis.own[m].funded for m in no)


def test_json_round_trip(analysis):
    data = json.loads(json.dumps(analysis.to_dict()))
    again = GroupAnalysis.from_dict(data)
    assert again.to_dict() == analysis.to_dict()
    assert again.compromise.funded == analysis.compromise.funded
    assert list(again.ranking.index) == list(analysis.ranking.index)


def test_the_digest_changes_with_every_input_that_matters(wb):
    sets = member_weight_sets(wb)
    run = resolve_run(wb, budget="600.000")
    base = inputs_digest(run, sets)
    assert inputs_digest(resolve_run(wb, budget="600.000", samples=50), sets) == base
    assert inputs_digest(run, sets * 3) == base  # the same shares
    changed = sets.copy()
    changed.iloc[0, 0] += 0.1
    others = [inputs_digest(resolve_run(wb, budget="700.000"), sets),
              inputs_digest(run, changed), inputs_digest(run, sets, "median"),
              inputs_digest(run, sets, "geometric", 0.02),
              inputs_digest(resolve_run(wb, budget="600.000", must="ZOEK"), sets),
              inputs_digest(resolve_run(wb, budget="600.000", funding_rule="best"), sets)]  # fmt: skip
    assert len({base, *others}) == len(others) + 1


def test_another_method_ranks_but_satisfaction_stays_the_weighted_sum(wb):
    topsis = analyse_group(
        resolve_run(wb, budget="600.000", method="topsis"), member_weight_sets(wb)
    )
    wsm = analyse_group(resolve_run(wb, budget="600.000"), member_weight_sets(wb))
    assert topsis.weighted_sum_differs and not wsm.weighted_sum_differs
    assert topsis.compromise.funded == wsm.compromise.funded
    assert topsis.satisfaction["own"].eq(1.0).all()


def test_yearly_budgets_keep_to_their_total_and_say_so(wb):
    run = resolve_run(wb, budget="2027=300.000; 2028=300.000")  # the sample's total: 1.500.000
    result = analyse_group(run, member_weight_sets(wb))
    assert result.yearly_as_total and result.budget == total_budget(run) == 1_500_000
    ideas = [{"id": "A", "scores": (5, 1), "cost": 10}, {"id": "B", "scores": (1, 5), "cost": 10}]
    sets = pd.DataFrame({"c0": [1.0, 0.0], "c1": [0.0, 1.0]}, index=["An", "Bo"])
    without_years = analyse_group(resolve_run(idea_wb(ideas), budget=10), sets)
    assert not without_years.yearly_as_total and without_years.budget == 10
