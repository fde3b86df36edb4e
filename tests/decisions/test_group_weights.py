"""The members' weight sets and the group's weights (prioritisation/decisions/group_weights.py):
mean of shares, median, geometric mean with a floor, the spread; sets from the
``member_weights`` sheet and from each member's AHP judgments; observers have no say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritisation.core.errors import UsageError
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.group_weights import as_shares, group_weights, member_weight_sets
from prioritisation.engine.weights import ahp
from tests.conftest import SAMPLE, xlsx


def test_mean_of_shares_not_of_raw_weights():
    # An types 1–10, Bo 0–100: as shares both count once. Raw means would be
    # (50.5, 50.5)/101 for b-heavy Bo … the shares' mean is ((.9 + .2)/2, (.1 + .8)/2).
    sets = pd.DataFrame({"a": [9.0, 20.0], "b": [1.0, 80.0]}, index=["An", "Bo"])
    weights, spread = group_weights(sets)
    assert weights.to_dict() == pytest.approx({"a": 0.55, "b": 0.45})
    assert spread.loc["a"].to_dict() == pytest.approx(
        {"min": 0.2, "max": 0.9, "range": 0.7, "std": 0.35}
    )


def test_median_and_geometric_mean_by_hand():
    sets = pd.DataFrame({"a": [0.5, 0.2, 0.0], "b": [0.5, 0.8, 1.0]})
    median, _ = group_weights(sets, "median")
    assert median.to_dict() == pytest.approx({"a": 0.2, "b": 0.8})
    geometric, _ = group_weights(sets, "geometric", floor=0.05)
    a = (0.5 * 0.2 * 0.05) ** (1 / 3)  # the 0 counts as the floor
    b = (0.5 * 0.8 * 1.0) ** (1 / 3)
    assert geometric.to_dict() == pytest.approx({"a": a / (a + b), "b": b / (a + b)})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3).filter(any), min_size=1,
                max_size=6), st.sampled_from(["mean", "median", "geometric"]))  # fmt: skip
def test_group_weights_are_shares_within_the_members_range(rows, how):
    sets = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=float)
    weights, spread = group_weights(sets, how)
    assert weights.sum() == pytest.approx(1.0) and (weights >= 0).all()
    if how == "mean":  # the mean of shares lies within the members' shares
        assert (weights >= spread["min"] - 1e-12).all() and (weights <= spread["max"] + 1e-12).all()
    if len(rows) == 1 and how != "geometric":
        assert np.allclose(weights.to_numpy(), as_shares(sets).iloc[0].to_numpy())


def test_bad_sets_and_options_are_refused():
    with pytest.raises(UsageError) as info:
        group_weights(pd.DataFrame({"a": [0.0], "b": [0.0]}, index=["An"]))
    assert info.value.code == "usage.member_weights_zero" and "An" in info.value.lines("nl")[0]
    with pytest.raises(UsageError) as info:
        group_weights(pd.DataFrame({"a": [1.0]}), "mode")
    assert info.value.code == "usage.group_how"
    with pytest.raises(UsageError) as info:
        group_weights(pd.DataFrame({"a": [1.0]}), "geometric", floor=0)
    assert info.value.code == "usage.group_floor"


def test_sets_from_the_pairwise_sheet_are_the_members_ahp_weights():
    wb = read_workbook(SAMPLE)
    sets = member_weight_sets(wb)
    members = ahp(wb).members
    assert list(sets.index) == sorted(members)
    for name, result in members.items():
        assert np.allclose(sets.loc[name].to_numpy(), result.weights.to_numpy())


def _sheets(member_weights, members=None):
    """Sheets for :func:`xlsx` (DataFrames) with a ``member_weights`` (and ``members``) sheet."""
    sheets = {
        "ideas": {"id": ["A"], "title": ["Alfa"], "cost": [10]},
        "scores": {"idea_id": ["A", "A"], "criterion_id": ["innovation", "desirability"],
                   "assessor": ["An", "Bo"], "score": [3, 4]},
        "member_weights": member_weights,
    }  # fmt: skip
    if members:
        sheets["members"] = members
    return {k: pd.DataFrame(v) for k, v in sheets.items()}


def test_sets_from_the_member_weights_sheet(tmp_path):
    path = xlsx(tmp_path, **_sheets({
        "member": ["An", "An", "Bo", "Bo"],
        "criterion": ["innovation", "desirability", "innovation", "viability"],
        "weight": [3, 1, 1, 1]}))  # fmt: skip
    wb = read_workbook(path)
    sets = member_weight_sets(wb)
    assert sets.loc["An"].to_dict() == {"innovation": 0.75, "desirability": 0.25,
                                        "viability": 0.0, "feasibility": 0.0}  # fmt: skip
    assert sets.loc["Bo", "viability"] == 0.5
    assert member_weight_sets(wb, "pairwise").empty  # no judgments in this workbook
    with pytest.raises(UsageError) as info:
        group_weights(member_weight_sets(wb, "pairwise"))
    assert info.value.code == "usage.no_member_weights"


def test_observers_have_no_say_and_logins_read_as_names(tmp_path):
    path = xlsx(tmp_path, **_sheets(
        {"member": ["an", "bo", "Bo (waarnemer)"],
         "criterion": ["innovation", "innovation", "desirability"],
         "weight": [1, 1, 1]},
        {"login": ["an", "bo"], "name": ["An", "Bo (waarnemer)"], "role": ["voorzitter", "waarnemer"]},
    ))  # fmt: skip
    wb = read_workbook(path)
    assert wb.member_weights["member"].tolist() == ["An", "Bo (waarnemer)", "Bo (waarnemer)"]
    assert list(member_weight_sets(wb).index) == ["An"]
