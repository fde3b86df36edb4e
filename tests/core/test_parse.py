"""The one parser of user values: numbers as spreadsheets and Belgian users write them."""

from __future__ import annotations

import pytest

from prioritisation.core.parse import number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3,5", 3.5), ("3.5", 3.5), ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("€ 12 500", 12500.0),
     (" 7 ", 7.0), (4, 4.0), (None, None), ("", None)],
)  # fmt: skip
def test_number(text, expected):
    assert number(text) == expected


@pytest.mark.parametrize("text", ["abc", "3,5,x", "1/2", True, float("inf")])
def test_number_rejects(text):
    with pytest.raises(ValueError):
        number(text)
