"""The two funding rules side by side: the walk's order and the sentence that says what the
other rule would fund instead (both languages, one minus sign)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from prioritisation.decisions.portfolio.rules import (
    MINUS,
    alternative,
    other_rule,
    rule_name,
    signed,
    walk_order,
)

IDS = ["A", "B", "C", "D"]
VALUES = np.array([0.9, 0.5, 0.4, 0.2])
COSTS = np.array([10.0, 20.0, 30.0, 40.0])


def alt(rule, x_alt, x_now, lang="nl"):
    return alternative(rule, IDS, np.array(x_alt, bool), np.array(x_now, bool), VALUES, COSTS, lang)


@pytest.mark.parametrize(
    ("rule", "x_alt", "x_now", "lang", "text"),
    [("priority", [1, 0, 0, 0], [0, 1, 1, 0], "nl",
      "In volgorde van prioriteit zou A gefinancierd worden, en vielen B, C af; de totale score "
      "blijft gelijk."),
     ("best", [0, 1, 1, 0], [1, 0, 0, 0], "nl",
      "Met de grootste totale score zouden B, C gefinancierd worden, en viel A af; de totale "
      "score blijft gelijk."),
     ("best", [1, 1, 0, 0], [1, 0, 0, 0], "nl",
      "Met de grootste totale score zou B bovendien gefinancierd worden; de totale score stijgt "
      "met 0,50."),
     ("priority", [1, 0, 0, 0], [1, 0, 0, 1], "nl",
      "In volgorde van prioriteit zou D afvallen; de totale score daalt met 0,20."),
     ("priority", [1, 0, 0, 0], [1, 0, 0, 0], "nl",
      "In volgorde van prioriteit worden dezelfde ideeën gefinancierd."),
     ("best", [0, 1, 1, 1], [1, 0, 0, 0], "en",
      "With the largest total score, B, C, D would be funded and A would drop out; the total "
      "score rises by 0.20."),
     ("priority", [1, 0, 0, 0], [1, 1, 1, 0], "en",
      "In order of priority, B, C would drop out; the total score falls by 0.90.")],
)  # fmt: skip
def test_the_sentence_names_what_differs_and_the_change_in_total_score(
    rule, x_alt, x_now, lang, text
):
    assert alt(rule, x_alt, x_now, lang).text == text


def test_gained_lost_and_value_change_follow_the_ranking():
    a = alt("best", [0, 1, 1, 1], [1, 0, 0, 0])
    assert (a.gained, a.lost, a.selected) == (("B", "C", "D"), ("A",), ("B", "C", "D"))
    assert a.value_change == pytest.approx(0.2) and a.total_cost == 90
    assert a.to_json()["value_change"] == pytest.approx(0.2)
    none = alternative(
        "best", IDS, None, np.ones(4, bool), VALUES, COSTS, "en", status="infeasible"
    )
    assert (
        none.selected == ()
        and "no selection" in none.text
        and none.to_json()["total_value"] is None
    )


def test_a_fall_is_said_in_words_and_a_negative_number_gets_a_minus_sign():
    a = alt("priority", [1, 0, 0, 0], [1, 1, 1, 0])
    assert a.value_change == pytest.approx(-0.9) and "daalt met 0,90" in a.text
    assert "-" not in a.text and MINUS not in a.text  # the words say the sign
    assert alt("best", [1, 0, 0, 1], [1, 0, 0, 0]).text.endswith("stijgt met 0,20.")
    assert signed(-0.475, 3, "nl") == MINUS + "0,475" and "-" not in signed(-2, 0, "en")
    assert signed(0.0, 2, "nl") == "0,00"


def test_walk_order_is_the_ranking_of_the_ideas_that_can_be_funded():
    p = SimpleNamespace(ids=("A", "B", "C", "D"), fundable=np.array([True, True, False, True]))
    assert walk_order(p, [0.5, 0.7, 0.9, 0.5]) == [1, 0, 3]  # ties by id; C cannot be funded
    assert walk_order(p, [np.nan, 0.1, 0.2, 0.3]) == [3, 1]
    assert (
        rule_name("priority") == "in volgorde van prioriteit" and other_rule("priority") == "best"
    )
