"""Explanations: exact answers where they matter, true bounds elsewhere, sentences a member
understands (what changes, one minus sign), the same ideas chosen in every shell."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.portfolio.selection import select_portfolio
from prioritisation.decisions.priority import priority_walk
from prioritisation.explain.funding import (
    Explainer,
    candidates,
    exact_ids,
    explain_idea,
    explain_portfolio,
)
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import idea_wb


def best_portfolio(*args, **kwargs):
    """These explanations are about the exact best set (the rule "grootste totale score")."""
    return select_portfolio(*args, funding_rule="best", **kwargs)


HYPHEN_NUMBER = re.compile(r"(?<![\w])-\d")  # a hyphen-minus in front of a number


def two_way():
    """A is best on c0, B on c1; room for one of them. Weights 60/40 fund A."""
    ideas = [{"id": "A", "scores": (5, 2), "cost": 50}, {"id": "B", "scores": (2, 5), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 20}]  # fmt: skip
    return idea_wb(ideas, weights=(60, 40))


def test_displacement_names_what_changes_with_one_minus_sign():
    p = best_portfolio(two_way(), 70, lang="en")
    assert p.selected == ["A", "C"]
    e = explain_portfolio(p, hints=0)
    d = e.displacements["B"]
    assert d.exact and d.feasible and d.dropped == ("A",) and d.added == ()
    # A = 0.6·1 + 0.4·0.25 = 0.7; B = 0.6·0.25 + 0.4·1 = 0.55
    assert d.value_change == pytest.approx(0.55 - 0.7)
    assert ("at this budget A would have to make room: the total score of the selection falls "
            "by 0.150") in e.why("B")  # fmt: skip
    nl = explain_portfolio(best_portfolio(two_way(), 70, lang="nl"), hints=0)
    assert (
        "binnen dit budget zouden A moeten wijken: de totale score van de selectie daalt met 0,150"
        in nl.why("B")
    )


def test_sample_sentences_in_nl_and_en_name_what_changes_and_use_one_minus_sign():
    wb = read_workbook(SAMPLE)
    for lang, says in (("nl", "de totale score van de selectie daalt met"),
                       ("en", "the total score of the selection falls by")):  # fmt: skip
        e = explain_portfolio(best_portfolio(wb, "1.800.000", lang=lang), hints=3)
        texts = [e.why(i) for i in e.table.index]
        assert any(says in t for t in texts)
        for text in texts:
            assert not HYPHEN_NUMBER.search(text), text
            assert "totale score -" not in text and "total score -" not in text
        assert any("−" in t for t in texts), "a weight change shows what falls with −"


def test_weight_change_is_verified_and_respects_the_floor():
    wb = two_way()
    p = best_portfolio(wb, 70, lang="en")
    e = explain_idea(p, "B")
    change = e.weight_change
    assert change is not None and change.found and change.verified
    # B beats A once w1 > w0: the smallest move from 60/40 is to 50/50 (+ margin) → 49/51
    assert change.points.to_dict() == {"c0": 49.0, "c1": 51.0}
    assert change.spec == "c0=49,c1=51"
    assert change.text == ("would be funded with +11 points on Crit 1, −11 points on Crit 0 "
                           "(weights Crit 0 49 % / Crit 1 51 %; no criterion below 50% of its "
                           "current weight)")  # fmt: skip
    rerun = best_portfolio(wb, 70, weights=change.spec)
    assert "B" in rerun.selected and list(change.selected) == sorted(rerun.selected)


def test_no_weight_change_within_the_floor_is_said_plainly():
    """B needs c1 to weigh more than c0 (and 5 to 1 beats 1 to 5 only past 50/50); with
    90/10 and half the weight as a floor c0 keeps at least 45 %: it cannot be done."""
    ideas = [{"id": "A", "scores": (5, 1), "cost": 50}, {"id": "B", "scores": (1, 4), "cost": 50}]
    p = best_portfolio(idea_wb(ideas, weights=(90, 10)), 60, lang="nl")
    e = explain_idea(p, "B")
    assert e.weight_change is not None and not e.weight_change.found
    assert e.weight_change.text == ("geen verschuiving gevonden die B financiert zonder een "
                                    "criterium onder 50 % van zijn huidige gewicht te brengen")  # fmt: skip
    loose = explain_idea(p, "B", floor=0.0).weight_change
    assert loose.found and loose.points["c1"] > 50


def test_sample_hints_are_verified_and_respect_the_floor():
    wb = read_workbook(SAMPLE)
    for budget in ("800.000", "1.800.000"):
        p = best_portfolio(wb, budget, lang="en")
        e = explain_portfolio(p, hints=3)
        found = {i: c for i, c in e.weight_changes.items() if c.found}
        assert found, budget
        for iid, change in found.items():
            assert iid in best_portfolio(wb, budget, weights=change.spec).selected, iid
            assert abs(sum(change.points) - 100) < 1e-9
            assert (change.points >= 50 * p.weights.to_numpy() - 1e-9).all()
        tried = [i for i in e.table.index if e.table.loc[i, "weight_change"]]
        assert len(tried) == 3


def test_exact_ideas_are_chosen_by_a_rule_of_the_portfolio_alone():
    wb = read_workbook(SAMPLE)
    p = best_portfolio(wb, "1.000.000")
    ids = exact_ids(p, exact=4, hints=3)
    assert ids == candidates(p)[:4]  # the highest-ranked unfunded ideas that could be funded
    again = best_portfolio(wb, "1.000.000")
    assert exact_ids(again, exact=4, hints=3) == ids
    seen = []
    quiet = explain_portfolio(p, exact=4)
    loud = explain_portfolio(
        again, exact=4, progress=lambda done, total: seen.append((done, total))
    )
    assert quiet.exact_ids == loud.exact_ids == tuple(ids)
    assert list(quiet.table["explanation"]) == list(loud.table["explanation"])
    total = seen[-1][1]
    assert seen[0] == (0, total) and seen[-1] == (total, total) and total == 4 + 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    for iid in candidates(p)[4:]:
        d = quiet.displacements[iid]
        assert not d.exact
        assert "not computed exactly" in quiet.why(iid) or "niet exact berekend" in quiet.why(iid)


def test_explain_idea_gives_the_exact_answer_for_an_idea_that_only_had_bounds():
    wb = read_workbook(SAMPLE)
    p = best_portfolio(wb, "1.000.000", lang="en")
    e = explain_portfolio(p, exact=1, hints=0)
    late = candidates(p)[-1]
    assert not e.displacements[late].exact
    one = explain_idea(p, late)
    assert one.displacement.exact
    bounds = e.displacements[late]
    assert bounds.low - 1e-9 <= one.displacement.value_change <= bounds.high + 1e-9
    assert one.text.startswith(str(p.table.loc[late, "reason"]))


def test_every_unfunded_idea_has_a_full_explanation_and_records_are_json_ready():
    wb = read_workbook(SAMPLE)
    e = explain_portfolio(best_portfolio(wb, 1_000_000), hints=1, exact=2)
    records = e.to_records()
    json.dumps(records)
    for record in records:
        if record["status"] == "not funded":
            assert record["reason"]
    zoek = next(r for r in records if r["id"] == "ZOEK")
    assert zoek["reason_kind"] == "budget" and zoek["extra_budget"] > 0
    assert zoek["displaces"] and zoek["exact"] is True
    rest = [r for r in records if r["exact"] is False]
    assert rest and all(len(r["value_change_bounds"]) == 2 for r in rest)


def test_no_weight_change_for_an_idea_too_expensive_for_the_budget():
    wb = idea_wb(
        [{"id": "A", "scores": (5, 5), "cost": 500}, {"id": "B", "scores": (1, 1), "cost": 10}]
    )
    e = explain_portfolio(best_portfolio(wb, 100, lang="en"))
    assert e.table.loc["A", "reason_kind"] == "too_expensive"
    assert "A" not in e.displacements and "A" not in e.weight_changes
    assert np.isnan(e.table.loc["A", "value_change"])


def test_priority_rule_explains_with_the_idea_first_in_line():
    """Under "in order of priority" the displacement is the walk with the idea first."""
    ideas = [{"id": "A", "scores": (5, 2), "cost": 60}, {"id": "B", "scores": (2, 5), "cost": 50},
             {"id": "C", "scores": (3, 3), "cost": 40}]  # fmt: skip
    wb = idea_wb(ideas, weights=(60, 40))
    best = best_portfolio(wb, 100, lang="en")
    problem = best.problem
    walk = priority_walk(problem, [problem.index(i) for i in best.table.index])
    selected = [i for i in best.table.index if walk.funded[problem.index(i)]]
    assert selected == ["A", "C"]
    p = replace(best, selected=selected)
    object.__setattr__(p, "rule", "priority")
    d = Explainer(p).displacement("B")
    assert d.exact and d.dropped == ("A",)
    assert "if it went first in line, A would no longer fit" in d.text
    change = explain_idea(p, "B").weight_change
    # B ranks above A once c1 weighs more than c0: 49/51, within half of 60/40
    assert change is not None and change.found and change.points.to_dict() == {"c0": 49, "c1": 51}


# ------------------------------------------------------------ bounds are true bounds


@st.composite
def instances(draw):
    n = draw(st.integers(4, 8))
    ideas = []
    for i in range(n):
        deps = ()
        if i > 1 and draw(st.booleans()) and draw(st.booleans()):
            deps = (f"I{draw(st.integers(0, i - 1))}",)
        ideas.append({"id": f"I{i}", "scores": (draw(st.integers(1, 5)), draw(st.integers(1, 5))),
                      "cost": draw(st.integers(1, 9)) * 10, "depends_on": deps,
                      "group": "G" if i in (1, 2) and draw(st.booleans()) else ""})  # fmt: skip
    budget = draw(st.integers(3, 25)) * 10
    return ideas, budget


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_bounds_bracket_the_exact_answer(case):
    ideas, budget = case
    p = best_portfolio(idea_wb(ideas, weights=(60, 40)), budget, lang="en")
    if p.status != "optimal":
        return
    context = Explainer(p)
    for iid in candidates(p):
        exact = context.displacement(iid)
        bounds = context.bounds(iid)
        if not exact.feasible:
            continue
        assert bounds.feasible
        assert bounds.high >= exact.value_change - 1e-9, iid
        if not np.isnan(bounds.low):
            assert bounds.low <= exact.value_change + 1e-9, iid
            x = bounds.x  # the repaired selection is feasible and includes the idea
            k = p.problem.index(iid)
            assert x[k] and p.problem.costs[x].sum() <= budget + 1e-9


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([(60, 40), (50, 50), (80, 20)]))
def test_weight_changes_respect_the_floor_and_fund_the_idea(case, weights):
    ideas, budget = case
    wb = idea_wb(ideas, weights=weights)
    p = best_portfolio(wb, budget, lang="en")
    if p.status != "optimal":
        return
    e = explain_portfolio(p, hints=2)
    for iid, change in e.weight_changes.items():
        if not change.found:
            assert "without taking a criterion below 50%" in change.text
            continue
        assert (change.points >= 50 * p.weights.to_numpy() - 1e-9).all(), change.points
        assert iid in best_portfolio(wb, budget, weights=change.spec).selected
