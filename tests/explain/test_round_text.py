"""The words of a round: the satisfaction sentence, gains and losses, anonymous names."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from prioritisation.explain.round_text import (
    Change,
    anonymous_names,
    change_sentence,
    floor_percent,
    gains_and_losses,
    least_satisfied,
    satisfaction_sentence,
)

NAMES = ["An", "Bart", "Chris", "Dina"]


@given(st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_the_sentence_never_promises_more_than_the_lowest_member_gets(values):
    per = dict(zip(NAMES, values, strict=False))
    low, least = least_satisfied(per)
    assert low == min(values) and set(least) <= set(per)
    pct = int(floor_percent(low, "en").rstrip("%"))
    assert pct <= low * 100 + 1e-6 and pct > low * 100 - 1  # "at least": rounded down
    sentence = satisfaction_sentence(per, "nl")
    assert f"{pct} %" in sentence
    if len(least) < len(per):
        assert all(m in sentence for m in least)
        assert not any(m in sentence for m in per if m not in least)


def test_the_issues_example_and_a_blind_round():
    per = {"An": 0.95, "Bart": 0.8749, "Chris": 0.99}
    assert satisfaction_sentence(per, "nl") == (
        "Iedereen haalt minstens 87 % van zijn eigen beste selectie; Bart het minst."
    )
    assert "Bart" not in satisfaction_sentence(per, "nl", named=False)
    assert satisfaction_sentence({}, "nl") == ""
    low, least = least_satisfied({"An": math.nan})
    assert math.isnan(low) and least == ()


def test_gains_and_losses_are_the_differences_with_each_own_best():
    own = {"An": ["A", "B", "C"], "Bart": ["C", "D"]}
    changes = gains_and_losses(own, ["B", "C", "E"], {"An": 0.9, "Bart": 0.7})
    assert changes == [Change("An", 0.9, ("A",), ("E",)), Change("Bart", 0.7, ("D",), ("B", "E"))]
    text = change_sentence(changes[1], "nl", titles={"D": "Digipunt"})
    assert text == "Bart: 70 % van de eigen beste selectie; mist Digipunt, krijgt er B en E bij."


def test_anonymous_names_follow_the_order_given_and_the_language():
    assert anonymous_names(["Chris", "An", "Chris"], "nl") == {"Chris": "lid 1", "An": "lid 2"}
    assert list(anonymous_names(NAMES, "en").values())[-1] == "member 4"
