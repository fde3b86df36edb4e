"""Selecting the portfolio under either funding rule: the sample, the other rule beside it,
groups, must, exclude and theme shares, and both rules against brute force."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.conftest import SAMPLE
from tests.decisions.portfolio_helpers import brute_force, idea_wb


def test_sample_portfolio_fits_and_is_proven_optimal_and_explains_everyone():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, funding_rule="best", lang="en")
    assert p.optimal and p.budget == 1_500_000
    assert p.total_cost <= p.budget
    t = p.table
    assert set(p.selected) == set(t.index[t["funded"]])
    assert (t["status"].isin(["funded", "not funded"])).all()
    assert t.loc[~t["funded"], "reason"].str.len().gt(0).all(), "every idea not funded has a reason"
    assert t.loc["CRM", "reason_kind"] == "not_eligible"
    assert (
        "Financial viability 1.86 below the threshold 2.00 (0.14 short)" in t.loc["CRM", "reason"]
    )
    assert t.loc["PERSO", "reason_kind"] == "prereq_blocked" and "CRM" in t.loc["PERSO", "reason"]
    # the score column is exactly what rank prints
    from prioritisation.engine.scoring import rank

    r = rank(wb)
    assert t["score"].to_dict() == pytest.approx(r.table["score"].to_dict())
    assert not set(p.selected) & set(r.table.index[~r.table["eligible"]])


def test_groups_must_exclude_and_theme_shares():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 40, "group": "G", "theme": "X"},
             {"id": "B", "scores": (4, 4), "cost": 40, "group": "G", "theme": "X"},
             {"id": "C", "scores": (3, 3), "cost": 40, "theme": "Y"},
             {"id": "D", "scores": (2, 2), "cost": 40, "theme": "Y"}]  # fmt: skip
    wb = idea_wb(ideas)
    for rule in ("best", "priority"):  # on this instance both rules choose the same sets
        p = select_portfolio(wb, 120, funding_rule=rule, lang="en")
        assert p.selected == ["A", "C", "D"]
        assert p.table.loc["B", "reason_kind"] == "group" and "A" in p.table.loc["B", "reason"]
        assert select_portfolio(wb, 120, groups=False, funding_rule=rule).selected == [
            "A",
            "B",
            "C",
        ]
        assert select_portfolio(wb, 120, must="B", funding_rule=rule).selected == ["B", "C", "D"]
        assert select_portfolio(wb, 120, exclude=["A"], funding_rule=rule).selected == [
            "B",
            "C",
            "D",
        ]
        q = select_portfolio(wb, 120, groups=False, theme_max="X=0.34", funding_rule=rule,
                             lang="en")  # fmt: skip
        assert q.selected == ["A", "C", "D"]
        assert q.table.loc["B", "reason_kind"] == "theme_max"
        bad = select_portfolio(wb, 120, theme_min={"Y": 0.6}, exclude="D", funding_rule=rule)
        assert bad.status == "infeasible" and bad.selected == [] and bad.conflicts


def test_a_theme_minimum_the_walk_does_not_reach_is_said_in_words():
    ideas = [{"id": "A", "scores": (5, 5), "cost": 60, "theme": "X"},
             {"id": "B", "scores": (2, 2), "cost": 40, "theme": "Y"},
             {"id": "C", "scores": (1, 1), "cost": 50, "theme": "Y"}]  # fmt: skip
    p = select_portfolio(idea_wb(ideas), 100, theme_min="Y=0.5", lang="en")
    assert p.rule == "priority" and p.status == "complete" and p.selected == ["A", "B"]
    assert p.shortfalls == ("The minimum for theme Y (50% of the budget, €50) is not reached in "
                            "order of priority: €40 goes to it.",)  # fmt: skip
    assert p.alternative.selected == ("B", "C")  # the exact rule meets the minimum
    assert p.to_json()["shortfalls"] == list(p.shortfalls)


def test_sample_at_one_and_a_half_million_under_either_rule():
    """The decision of the steering group: in order of priority ZOEK (rank 3, € 420.000) is
    funded and the websites that need it are judged at their turn; the largest total score
    funds 14 cheaper ideas instead, proven optimal, and each rule shows the other."""
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb, "1.500.000")
    assert p.rule == "priority" and p.status == "complete" and not p.optimal
    t = p.table
    assert t.loc["ZOEK", "rank"] == 3 and t.loc["ZOEK", "cost"] == 420_000
    assert (
        "ZOEK" in p.selected
        and t.loc["ZOEK", "reason"] == "gefinancierd in volgorde van prioriteit"
    )
    assert p.selected == ["ELOKET", "DIGIPUNT", "ZOEK", "DIGICOACH", "LEESCLUB", "PODIUM",
                          "LEESPROMO", "TOEGANK", "UX", "FUSIE", "OPLEID"]  # fmt: skip
    assert p.total_cost == 1_495_000 and p.total_cost <= p.budget
    for site in ("LEESTIP", "LIJST", "OPEN", "TICKET"):  # they need ZOEK: judged at their turn
        assert "ZOEK" in wb.ideas.loc[site, "depends_on"]
        assert t.loc[site, "reason"] == (f"aan de beurt van {site} was er nog €\u00a05.000 over, "
                                         f"{site} kost {_money(t.loc[site, 'cost'])}")  # fmt: skip
    alt = p.alternative
    assert alt.rule == "best" and alt.status == "optimal" and len(alt.selected) == 14
    assert alt.gained == ("DATA", "ERFGOED", "LAPTOP", "SCHOOL", "REGIO")
    assert alt.lost == ("ZOEK", "PODIUM")
    assert alt.value_change == pytest.approx(1.6357142857, abs=1e-9)
    assert alt.text == ("Met de grootste totale score zouden DATA, ERFGOED, LAPTOP, SCHOOL, REGIO "
                        "gefinancierd worden, en vielen ZOEK, PODIUM af; de totale score stijgt "
                        "met 1,64.")  # fmt: skip

    b = select_portfolio(wb, "1.500.000", funding_rule="best")
    assert b.rule == "best" and b.status == "optimal" and b.gap == pytest.approx(0, abs=1e-9)
    assert len(b.selected) == 14 and "ZOEK" not in b.selected and b.total_cost == 1_500_000
    assert b.total_value == pytest.approx(alt.total_value)
    assert b.alternative.text == (
        "In volgorde van prioriteit zouden ZOEK, PODIUM gefinancierd worden, en vielen DATA, "
        "ERFGOED, LAPTOP, SCHOOL, REGIO af; de totale score daalt met 1,64.")  # fmt: skip
    doc = b.to_json()
    assert doc["rule"] == "best" and doc["optimal"] is True
    assert doc["alternative"]["rule"] == "priority"
    assert set(doc["alternative"]) == {"rule", "selected", "total_value", "total_cost", "gained",
                                       "lost", "value_change", "status", "text"}  # fmt: skip
    assert doc["alternative"]["value_change"] == pytest.approx(-1.6357142857, abs=1e-9)


def _money(v):
    from prioritisation.core.i18n import fmt_money

    return fmt_money(v, "EUR", "nl")


@st.composite
def small_workbooks(draw):
    n = draw(st.integers(1, 7))
    ideas = []
    for k in range(n):
        idea = {"id": f"I{k}", "scores": (draw(st.integers(1, 5)), draw(st.integers(1, 5))),
                "cost": draw(st.integers(1, 20)), "group": draw(st.sampled_from(["", "", "G"]))}  # fmt: skip
        if k and draw(st.booleans()):
            idea["depends_on"] = (f"I{draw(st.integers(0, k - 1))}",)
        ideas.append(idea)
    budget = draw(st.integers(0, sum(i["cost"] for i in ideas)))
    return ideas, budget


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_workbooks())
def test_priority_is_feasible_and_maximal_and_best_is_optimal(case):
    ideas, budget = case
    wb = idea_wb(ideas)
    ids = [i["id"] for i in ideas]
    costs = [i["cost"] for i in ideas]
    requires = [(k, ids.index(d)) for k, i in enumerate(ideas) for d in i.get("depends_on", ())]
    groups = [[k for k, i in enumerate(ideas) if i["group"] == "G"]]

    def fits(chosen):
        return (sum(costs[k] for k in chosen) <= budget + 1e-9
                and all(j in chosen for i, j in requires if i in chosen)
                and sum(1 for k in groups[0] if k in chosen) <= 1)  # fmt: skip

    def closure(k):
        out, stack = {k}, [k]
        while stack:
            i = stack.pop()
            for a, b in requires:
                if a == i and b not in out:
                    out.add(b)
                    stack.append(b)
        return out

    walk = select_portfolio(wb, budget)
    chosen = {ids.index(i) for i in walk.selected}
    assert walk.rule == "priority" and fits(chosen)
    for k in set(range(len(ids))) - chosen:  # maximal: nothing passed can still be added
        assert not fits(chosen | closure(k))
    best = select_portfolio(wb, budget, funding_rule="best")
    values = best.values.tolist()
    expected = brute_force(values, costs, budget, requires, groups)
    assert best.total_value == pytest.approx(expected[0], abs=1e-6)
    assert best.total_value >= walk.total_value - 1e-9
    assert walk.alternative.total_value == pytest.approx(best.total_value)
    assert best.alternative.selected == tuple(walk.selected)
    assert walk.alternative.value_change == pytest.approx(best.total_value - walk.total_value)
