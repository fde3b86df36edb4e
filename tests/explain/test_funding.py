"""Explanations: displacement, and the weight change verified by re-running the selection."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.explain.funding import explain_portfolio, weight_change
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import idea_wb


def two_way():
    """A is best on c0, B on c1; room for one of them. Weights 60/40 fund A."""
    ideas = [{"id": "A", "scores": (5, 2), "cost": 50}, {"id": "B", "scores": (2, 5), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 20}]  # fmt: skip
    return idea_wb(ideas, weights=(60, 40))


def test_displacement_names_what_funding_it_would_push_out():
    p = select_portfolio(two_way(), 70, lang="en")
    assert p.selected == ["A", "C"]
    e = explain_portfolio(p, hints=0)
    d = e.displacements["B"]
    assert d.feasible and d.dropped == ("A",) and d.added == ()
    # A = 0.6·1 + 0.4·0.25 = 0.7; B = 0.6·0.25 + 0.4·1 = 0.55
    assert d.value_change == pytest.approx(0.55 - 0.7)
    assert "at this budget it would displace A (total score -0.150)" in e.why("B")


def test_weight_change_is_verified_by_rerunning_the_selection_with_the_suggested_weights():
    wb = two_way()
    p = select_portfolio(wb, 70, lang="en")
    change = weight_change(p, "B")
    assert change is not None and change.verified
    # B beats A once w1 > w0: the smallest move from 60/40 is to 50/50 (+ margin) → 49/51
    assert change.points.to_dict() == {"c0": 49.0, "c1": 51.0}
    assert change.spec == "c0=49,c1=51"
    assert change.text == ("would be funded with +11 points weight on Crit 1, −11 on Crit 0 "
                           "(weights Crit 0 49 % / Crit 1 51 %)")  # fmt: skip
    rerun = select_portfolio(wb, 70, weights=change.spec)
    assert "B" in rerun.selected and list(change.selected) == sorted(rerun.selected)


def test_sample_hints_are_verified_and_no_change_is_said_plainly():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, lang="en")
    e = explain_portfolio(p, hints=3)
    assert e.weight_changes, "at least one idea just below the line gets a weight change"
    for iid, change in e.weight_changes.items():
        rerun = select_portfolio(wb, weights=change.spec)
        assert iid in rerun.selected, iid
        assert abs(sum(change.points) - 100) < 1e-9
    tried = [i for i in e.table.index if e.table.loc[i, "weight_change"]]
    assert len(tried) == 3
    for iid in set(tried) - set(e.weight_changes):
        assert e.table.loc[iid, "weight_change"] == "no weight change found that funds it"


def test_every_unfunded_idea_has_a_full_explanation_and_records_are_json_ready():
    import json

    wb = read_workbook(SAMPLE)
    e = explain_portfolio(select_portfolio(wb, 1_000_000), hints=1)
    records = e.to_records()
    json.dumps(records)
    for record in records:
        if record["status"] == "not funded":
            assert record["reason"]
    zoek = next(r for r in records if r["id"] == "ZOEK")
    assert zoek["reason_kind"] == "budget" and zoek["extra_budget"] > 0
    assert zoek["displaces"]


def test_no_weight_change_for_non_additive_methods():
    p = select_portfolio(two_way(), 70)
    assert weight_change(p, "B") is not None
    # an idea that is too expensive for the budget gets no displacement or weight change
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": 500}, {"id": "B", "scores": (1, 1), "cost": 10}]
    )
    e = explain_portfolio(select_portfolio(wb, 100, lang="en"))
    assert e.table.loc["A", "reason_kind"] == "too_expensive"
    assert "A" not in e.displacements and "A" not in e.weight_changes
    assert np.isnan(e.table.loc["A", "value_change"])
