"""What changes in the roadmap when the yearly budgets change: hand-checked small plans, the
sample, and a property over random pairs of plans."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.decisions.roadmap.plan import plan_roadmap
from prioritisation.explain.roadmap_text import (
    BudgetChange,
    budget_line,
    diff_lines,
    plan_diff,
)
from tests.decisions.portfolio_helpers import idea_wb

# A (best) and B cost 100, C costs 50; all last one year. In order of priority:
#   2027=200, 2028=200: A and B fill 2027, C goes to 2028.
#   2027=100, 2028=200: A fills 2027; B and C (150) go to 2028.
#   2027=100, 2028=100: A in 2027, B in 2028, no year has room left for C.
IDEAS = [{"id": "A", "scores": (5, 5), "cost": 100}, {"id": "B", "scores": (4, 4), "cost": 100},
         {"id": "C", "scores": (3, 3), "cost": 50}]  # fmt: skip


def plan(years):
    return plan_roadmap(idea_wb(IDEAS), years, lang="en")


def test_a_shrinking_first_year_moves_b_to_the_second():
    wide, narrow = plan({2027: 200, 2028: 200}), plan({2027: 100, 2028: 200})
    assert (wide.table["start"].tolist(), narrow.table["start"].tolist()) == (
        [2027, 2027, 2028], [2027, 2028, 2028])  # fmt: skip
    diff = plan_diff(wide, narrow)
    assert diff.budgets == [BudgetChange(2027, 200.0, 100.0)]
    assert [(c.id, c.kind, c.before, c.after) for c in diff.ideas] == [("B", "moved", 2027, 2028)]
    assert diff_lines(diff, "en") == [
        "Budget for 2027: €100 instead of €200 (€100 less).",
        "B · Idea B (€100) moves from 2027 to 2028.",
        "The plan now funds 3 ideas for €250; at the workbook's yearly budgets it funded 3 for €250.",
    ]


def test_when_both_years_shrink_c_drops_out_with_the_plans_reason():
    wide, narrow = plan({2027: 200, 2028: 200}), plan({2027: 100, 2028: 100})
    diff = plan_diff(wide, narrow)
    assert [(c.id, c.kind, c.before, c.after) for c in diff.ideas] == [
        ("C", "dropped", 2028, None), ("B", "moved", 2027, 2028)]  # fmt: skip
    dropped = diff.ideas[0]
    assert dropped.reason == narrow.table.at["C", "reason"] and "€50" in dropped.reason
    assert (diff.count, diff.cost) == ((3, 2), (250.0, 200.0))
    lines = diff_lines(diff, "nl")
    assert lines[:2] == ["Jaarbudget 2027: €\u00a0100 in plaats van €\u00a0200 (€\u00a0100 minder).",
                         "Jaarbudget 2028: €\u00a0100 in plaats van €\u00a0200 (€\u00a0100 minder)."]  # fmt: skip
    assert lines[2].startswith("C · Idea C (€\u00a050) valt weg: ")
    assert lines[3] == "B · Idea B (€\u00a0100) schuift op van 2027 naar 2028."
    assert lines[-1].startswith("Het plan financiert nu 2 ideeën voor €\u00a0200; ")


def test_growing_budgets_bring_ideas_in_and_earlier():
    diff = plan_diff(plan({2027: 100, 2028: 100}), plan({2027: 200, 2028: 200}))
    assert [(c.id, c.kind, c.before, c.after) for c in diff.ideas] == [
        ("B", "moved", 2028, 2027), ("C", "added", None, 2028)]  # fmt: skip
    lines = diff_lines(diff, "en")
    assert lines[2:4] == ["B · Idea B (€100) can start earlier: in 2027 instead of 2028.",
                          "C · Idea C (€50) comes in, starting in 2028."]  # fmt: skip


def test_same_budgets_and_an_unchanged_plan_are_said_so():
    base = plan({2027: 200, 2028: 200})
    assert diff_lines(plan_diff(base, base), "en") == [
        "These are the workbook's yearly budgets. Lower a year's budget to see which ideas move "
        "or drop out."]  # fmt: skip
    # 20 less in 2028 still holds C (50 of 180)
    lines = diff_lines(plan_diff(base, plan({2027: 200, 2028: 180})), "en")
    assert lines == ["Budget for 2028: €180 instead of €200 (€20 less).",
                     "The plan stays the same: the same ideas start in the same years."]  # fmt: skip


def test_a_multi_year_idea_names_its_yearly_cost():
    ideas = [*IDEAS[:2], {"id": "C", "scores": (3, 3), "cost": 120, "duration": 2}]
    wide = plan_roadmap(idea_wb(ideas), {2027: 200, 2028: 200, 2029: 200}, lang="nl")
    narrow = plan_roadmap(idea_wb(ideas), {2027: 100, 2028: 200, 2029: 200}, lang="nl")
    # wide: A, B in 2027, C 60 a year in 2028–2029; narrow: B to 2028, C still fits beside it
    lines = diff_lines(plan_diff(wide, narrow), "nl")
    assert "B · Idea B (€\u00a0100) schuift op van 2027 naar 2028." in lines
    narrow = plan_roadmap(idea_wb(ideas), {2027: 100, 2028: 100, 2029: 200}, lang="nl")
    lines = diff_lines(plan_diff(wide, narrow), "nl")
    assert any(line.startswith("C · Idea C (€\u00a0120; €\u00a060 per jaar, 2 jaar) valt weg: ")
               for line in lines), lines  # fmt: skip


def test_a_year_added_or_left_out():
    assert budget_line(BudgetChange(2030, None, 5000.0), "nl") == (
        "Het jaar 2030 komt erbij, met €\u00a05.000."
    )
    assert budget_line(BudgetChange(2027, 5000.0, None), "en") == (
        "The year 2027 (€5,000) is left out."
    )
    assert budget_line(BudgetChange(2027, 100.0, 250.0), "en") == (
        "Budget for 2027: €250 instead of €100 (€150 more)."
    )


def _plan(starts: list[int | None], budgets: list[float]):
    """A plan with only what the comparison reads: ideas I0… (cost 10·(k+1), 1 year)."""
    ids = [f"I{k}" for k in range(len(starts))]
    table = pd.DataFrame(
        {"title": ids, "cost": [10.0 * (k + 1) for k in range(len(ids))], "duration": 1,
         "funded": [s is not None for s in starts],
         "start": pd.array(starts, dtype="Int64"), "reason": "r"},
        index=ids,
    )  # fmt: skip
    years = pd.DataFrame({"budget": budgets}, index=[2027, 2028, 2029][: len(budgets)])
    return SimpleNamespace(table=table, years=years)


starts = st.lists(st.sampled_from([None, 2027, 2028, 2029]), min_size=1, max_size=8)


@given(st.data(), starts)
@settings(max_examples=200, deadline=None)
def test_every_idea_whose_place_differs_is_named_once_with_its_kind(data, before):
    after = data.draw(st.lists(st.sampled_from([None, 2027, 2028, 2029]), min_size=len(before),
                               max_size=len(before)))  # fmt: skip
    diff = plan_diff(_plan(before, [1, 2, 3]), _plan(after, [1, 2, 3]))
    named = {c.id: c for c in diff.ideas}
    assert len(named) == len(diff.ideas)
    for k, (s0, s1) in enumerate(zip(before, after, strict=True)):
        change = named.get(f"I{k}")
        if s0 == s1:
            assert change is None
        else:
            assert (change.before, change.after) == (s0, s1)
            assert change.kind == ("dropped" if s1 is None else "added" if s0 is None else "moved")
    kinds = [c.kind for c in diff.ideas]
    assert kinds == sorted(kinds, key=["dropped", "moved", "added"].index)
    assert diff.count == (sum(s is not None for s in before), sum(s is not None for s in after))
    assert diff.cost[1] == sum(10.0 * (k + 1) for k, s in enumerate(after) if s is not None)
    assert not diff.budgets
