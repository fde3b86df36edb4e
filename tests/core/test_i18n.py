"""Formatting for people (core/i18n.py): money with a no-break space, dates the Belgian way,
shares that add up to 100 %."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritisation.core import i18n
from prioritisation.core.i18n import fmt_date, fmt_money, fmt_shares, language_tag, percent_shares

NBSP = "\u00a0"


def test_formatting_nl_be_and_en():
    assert fmt_money(1234.56, lang="nl") == f"€{NBSP}1.235"
    assert fmt_money(1234.56, lang="nl", digits=2) == f"€{NBSP}1.234,56"
    assert fmt_money(1234.56, lang="en") == "€1,235"
    assert i18n.fmt_number(0.1234, 3, lang="nl") == "0,123"
    assert i18n.fmt_percent(0.256, lang="nl") == "26 %"


@pytest.mark.parametrize("value", [0, 5, 1_500_000, -40_000, 12.5])
@pytest.mark.parametrize("digits", [0, 2])
def test_no_ordinary_space_in_an_amount(value, digits):
    """A line may not break between € and the amount (nor inside it), in any language."""
    for lang in i18n.LANGUAGES:
        text = fmt_money(value, lang=lang, digits=digits)
        assert " " not in text, (lang, text)
    assert f"€{NBSP}" in fmt_money(value, lang="nl", digits=digits)


def test_dates_as_a_person_reads_them():
    day = dt.date(2026, 11, 27)
    assert fmt_date(day, "nl") == "27/11/2026"  # nl-BE short date
    assert fmt_date(dt.date(2026, 3, 7), "nl") == "7/03/2026"
    assert fmt_date(day, "en") == "27 Nov 2026"  # day month year, never ambiguous
    assert fmt_date("2026-11-27", "nl") == "27/11/2026"  # as the store keeps it
    saved = dt.datetime(2026, 11, 27, 17, 3, 9, tzinfo=dt.UTC)
    assert fmt_date(saved, "nl") == "27/11/2026"
    assert fmt_date(saved, "nl", time=True) == "27/11/2026 17:03 UTC"
    assert fmt_date(saved.isoformat(), "en", time=True) == "27 Nov 2026 17:03 UTC"
    brussels = dt.timezone(dt.timedelta(hours=1))
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=brussels)  # still 2026 in Brussels, 22:30 UTC
    assert fmt_date(late, "nl", time=True) == "31/12/2026 22:30 UTC"
    assert fmt_date(pd.Timestamp(saved), "nl", time=True) == "27/11/2026 17:03 UTC"
    for missing in (None, "", math.nan, pd.NaT):
        assert fmt_date(missing, "nl") == ""


def test_language_tags_name_the_formats():
    assert language_tag("nl") == "nl-BE" and language_tag("en") == "en-GB"


def test_shares_known_cases():
    assert percent_shares([0.3, 0.3, 0.2, 0.2]) == [30, 30, 20, 20]
    assert percent_shares([1, 1, 1]) == [34, 33, 33]  # not 33 + 33 + 33 = 99
    assert percent_shares([1, 1, 1], digits=1) == [33.4, 33.3, 33.3]
    assert percent_shares([0.125, 0.125, 0.75]) == [13, 12, 75]  # 12,5 + 12,5: one goes up
    assert percent_shares([0, 0]) == [0, 0]
    assert percent_shares([]) == []
    nan = percent_shares([1, math.nan, 1])
    assert nan[0] == nan[2] == 50 and math.isnan(nan[1])
    with pytest.raises(ValueError):
        percent_shares([0.5, -0.1])
    assert fmt_shares(pd.Series({"a": 1.0, "b": 1.0, "c": 1.0}), lang="nl") == {
        "a": "34 %", "b": "33 %", "c": "33 %"}  # fmt: skip
    assert fmt_shares({"a": 2, "b": 1}, 1, lang="en") == {"a": "66.7%", "b": "33.3%"}


shares_lists = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1, max_size=12,
).filter(lambda v: sum(v) > 0)  # fmt: skip


@given(shares_lists, st.sampled_from([0, 1, 2]))
def test_shown_shares_add_up_to_exactly_100(values, digits):
    rounded = percent_shares(values, digits)
    unit = 10**digits
    assert sum(round(p * unit) for p in rounded) == 100 * unit  # exactly, in whole units
    total = sum(values)
    for p, v in zip(rounded, values, strict=True):
        assert abs(p * unit - round(p * unit)) < 1e-6  # on the grid of `digits` decimals
        assert abs(p - 100 * v / total) < 1 / unit + 1e-9  # each within one unit of its share


@given(shares_lists)
def test_formatted_shares_add_up_to_100(values):
    texts = fmt_shares(dict(enumerate(values)), lang="nl")
    assert sum(int(t.removesuffix(" %").replace(".", "")) for t in texts.values()) == 100
