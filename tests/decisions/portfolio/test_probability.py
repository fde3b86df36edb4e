"""P(funded) under weight uncertainty: reproducible, and a coin toss where it should be."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.errors import UsageError
from prioritisation.decisions.portfolio.probability import funding_probability
from prioritisation.decisions.portfolio.selection import select_portfolio
from tests.decisions.portfolio_helpers import idea_wb


def test_funding_probability_is_reproducible_and_sensible():
    wb = idea_wb([{"id": "A", "scores": (5, 1), "cost": 50}, {"id": "B", "scores": (1, 5), "cost": 50},
                  {"id": "C", "scores": (5, 5), "cost": 50}, {"id": "D", "scores": (1, 1), "cost": 10},
                  {"id": "E", "scores": (5, 5), "cost": 500}])  # fmt: skip
    p = select_portfolio(wb, 110)
    one = funding_probability(p, samples=80, spread=None, seed=3)
    two = funding_probability(p, samples=80, spread=None, seed=3)
    assert one.table["p_funded"].equals(two.table["p_funded"])
    t = one.table
    assert t.loc["C", "p_funded"] == 1.0 and t.loc["C", "verdict_kind"] == "always"
    assert t.loc["A", "p_funded"] + t.loc["B", "p_funded"] == pytest.approx(1.0)
    assert 0.2 < t.loc["A", "p_funded"] < 0.8, "A or B: a coin toss over all weightings"
    assert t.loc["E", "p_funded"] == 0 and t.loc["E", "verdict_kind"] == "never"


def test_p_funded_carries_its_binomial_standard_error():
    wb = idea_wb([{"id": "A", "scores": (5, 1), "cost": 50}, {"id": "B", "scores": (1, 5), "cost": 50},
                  {"id": "C", "scores": (5, 5), "cost": 50}])  # fmt: skip
    t = funding_probability(select_portfolio(wb, 100), samples=80, spread=None, seed=3).table
    p = t["p_funded"]
    assert t["p_funded_se"].to_numpy() == pytest.approx(np.sqrt(p * (1 - p) / 80).to_numpy())
    assert t.loc["C", "p_funded_se"] == 0 and t.loc["A", "p_funded_se"] > 0


@pytest.mark.parametrize("samples", [0, -3, 2.5])
def test_the_number_of_samples_must_be_a_whole_number(samples):
    p = select_portfolio(idea_wb([{"id": "A", "scores": (5, 5), "cost": 10}]), 100)
    with pytest.raises(UsageError) as info:
        funding_probability(p, samples=samples)
    assert info.value.code == "usage.p_funded_samples"


def test_funding_probability_follows_the_funding_rule():
    wb = idea_wb([{"id": "A", "scores": (5, 1), "cost": 50}, {"id": "B", "scores": (1, 5), "cost": 50},
                  {"id": "C", "scores": (5, 5), "cost": 50}, {"id": "D", "scores": (1, 1), "cost": 10}])  # fmt: skip
    walk = funding_probability(select_portfolio(wb, 110), samples=40, spread=None, seed=1).table
    best = funding_probability(select_portfolio(wb, 110, funding_rule="best"), samples=40,
                               spread=None, seed=1).table  # fmt: skip
    # in order of priority D (score 0) still fits after C and A or B; the largest total score
    # never funds an idea that adds nothing
    assert walk.loc["D", "p_funded"] == 1.0 and best.loc["D", "p_funded"] == 0.0
    assert walk.loc["A", "p_funded"] + walk.loc["B", "p_funded"] == pytest.approx(1.0)
