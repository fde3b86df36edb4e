"""One parser per kind of user value: numbers and amounts, budgets (total and per year), id
lists, and ``name=value`` assignments (weights, theme shares, thresholds).

The CLI, the app, the scenario store, the report and the workbook validator all read user
text through these functions, so one value means the same everywhere. A value that cannot be
read raises :class:`~prioritisation.core.errors.UsageError` whose message quotes it; the
workbook validator turns the same error into a located problem (sheet, row, column).

>>> amount("€ 1.500.000")
1500000.0
>>> budget("2027: 700.000; 2028=600.000")
Budget(total=None, per_year={2027: 700000.0, 2028: 600000.0})
>>> id_list("ZOEK; podium ,")
('ZOEK', 'podium')
>>> assignments("innovation=3, desirability=2,5")
{'innovation': 3.0, 'desirability': 2.5}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from prioritisation.core.errors import UsageError

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def clean(value):
    """A cell or option value with surrounding blanks removed; ``None`` for empty or NaN."""
    if isinstance(value, str):
        value = value.strip().replace("\xa0", " ")
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def number(value, decimal_comma: bool | None = None) -> float | None:
    """A cell or option value as a float; ``None`` when empty; ``ValueError`` if not a number.

    Text such as ``"3,5"``, ``"1.234,56"``, ``"€ 12.500"``, ``"12 500"`` and ``"1,234.5"`` is
    understood. A single ``.`` is a decimal point unless ``decimal_comma`` is set (a Dutch
    CSV, an amount) and exactly three digits follow (``12.500`` is twelve thousand five hundred).

    >>> number("3,5"), number("1.234,56"), number("12.500", decimal_comma=True), number(" ")
    (3.5, 1234.56, 12500.0, None)
    """
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | np.integer | np.floating):
        if not math.isfinite(float(value)):
            raise ValueError(value)
        return float(value)
    text = str(value).replace("€", "").replace("EUR", "").replace(" ", "").replace("'", "")
    text = text.replace("_", "")
    if "." in text and "," in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    elif decimal_comma and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", text):
        text = text.replace(".", "")
    if not _NUMBER.match(text):
        raise ValueError(value)
    return float(text)


def amount(value) -> float:
    """An amount of money ≥ 0: ``1500000``, ``"1.500.000"``, ``"€ 1 500 000"``, ``"1,5"``.

    >>> amount("1 500 000"), amount(2500)
    (1500000.0, 2500.0)
    >>> amount("veel")
    Traceback (most recent call last):
    ...
    prioritisation.core.errors.UsageError: ...
    """
    try:
        result = number(value, decimal_comma=True)
    except ValueError:
        result = None
    if result is None or not math.isfinite(result) or result < 0:
        raise UsageError("usage.budget", value=_show(value))
    return result


@dataclass(frozen=True)
class Budget:
    """A budget: a ``total`` (or ``None``) and yearly amounts (``{year: amount}``, the years
    following each other, or empty). Both bind when both are given."""

    total: float | None = None
    per_year: dict[int, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.total is None and not self.per_year

    def as_dict(self) -> dict:
        """The stored form: ``{"total": …, "per_year": {"2027": …}}`` (JSON keys are text)."""
        return {"total": self.total, "per_year": {str(y): v for y, v in self.per_year.items()}}


_YEAR_PAIR = re.compile(r"\s*(\d{4})\s*[=:]\s*(.+?)\s*")
# Pairs are separated by ";" or a new line, or by "," when a year follows (a "," inside an
# amount can be a decimal comma).
_PAIR_SEPARATOR = re.compile(r";|\n|,(?=\s*\d{4}\s*[=:])")


def budget_per_year(spec) -> dict[int, float]:
    """Yearly budgets: ``"2027=700.000; 2028=600.000"``, ``"2027: 400000, 2028: 350000"`` or a
    mapping → ``{year: amount}`` in year order. The years must follow each other.

    >>> budget_per_year({"2028": 5, 2027: "1.000"})
    {2027: 1000.0, 2028: 5.0}
    """
    if isinstance(spec, Mapping):
        pairs = list(spec.items())
    else:
        text = str(spec if spec is not None else "").strip()
        pairs = []
        for part in (p for p in _PAIR_SEPARATOR.split(text) if p.strip()):
            match = _YEAR_PAIR.fullmatch(part)
            if not match:
                raise UsageError("usage.budget_per_year", spec=text)
            pairs.append(match.groups())
    out: dict[int, float] = {}
    for year, value in pairs:
        try:
            year = int(str(year).strip())
        except ValueError:
            raise UsageError("usage.budget_per_year", spec=_show(spec)) from None
        if not 1900 <= year <= 2200 or year in out:
            raise UsageError("usage.budget_per_year", spec=_show(spec))
        out[year] = amount(value)
    if not out:
        raise UsageError("usage.budget_per_year", spec=_show(spec))
    years = sorted(out)
    if years != list(range(years[0], years[-1] + 1)):
        raise UsageError("usage.years_gap", years=", ".join(map(str, years)))
    return {y: out[y] for y in years}


def budget(spec=None, per_year=None) -> Budget:
    """A :class:`Budget` from one value (an amount, yearly pairs, a mapping with ``total`` and
    ``per_year``, a :class:`Budget`) and optionally yearly budgets given apart.

    >>> budget("1.500.000", "2027=700000")
    Budget(total=1500000.0, per_year={2027: 700000.0})
    >>> budget({"total": None, "per_year": {"2027": 1}})
    Budget(total=None, per_year={2027: 1.0})
    >>> budget(None).empty
    True
    """
    if isinstance(spec, Budget):
        result = spec
    elif isinstance(spec, Mapping) and ({"total", "per_year"} & set(spec)):
        total = clean(spec.get("total"))
        years = spec.get("per_year") or {}
        result = Budget(None if total is None else amount(total),
                        budget_per_year(years) if years else {})  # fmt: skip
    elif isinstance(spec, Mapping):
        result = Budget(None, budget_per_year(spec) if spec else {})
    elif clean(spec) is None:
        result = Budget()
    elif isinstance(spec, str) and re.search(r"\d{4}\s*[=:]", spec):
        result = Budget(None, budget_per_year(spec))
    else:
        result = Budget(amount(spec), {})
    if clean(per_year) is not None and not (isinstance(per_year, Mapping) and not per_year):
        result = Budget(result.total, budget_per_year(per_year))
    return result


def id_list(spec) -> tuple[str, ...]:
    """Ids from ``"A; B, C"`` or a list; blanks dropped, order kept, no duplicates.

    >>> id_list(["B", "A", "B"]), id_list(None)
    (('B', 'A'), ())
    """
    if spec is None:
        return ()
    parts = re.split(r"[;,\n]", spec) if isinstance(spec, str) else [str(s) for s in spec]
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def assignments(spec, *, percent: bool = False) -> dict[str, float]:
    """``"a=3, b=2,5"`` (or a mapping) → ``{"a": 3.0, "b": 2.5}``; numbers ≥ 0. With
    ``percent``, ``"20%"`` is 0.2. Names are kept as written (callers match them).

    >>> assignments("E-inclusie=20%; Leesklimaat=0,1", percent=True)
    {'E-inclusie': 0.2, 'Leesklimaat': 0.1}
    >>> assignments("a=2,5; b=1")
    {'a': 2.5, 'b': 1.0}
    """
    if isinstance(spec, Mapping):
        pairs = [(str(k), v) for k, v in spec.items()]
    else:
        text = str(spec or "")
        pairs = []
        for piece in re.split(r";|\n|,(?=[^=;\n]*=)", text):
            if not piece.strip():
                continue
            if "=" not in piece:
                raise UsageError("usage.assignment_syntax", spec=text.strip())
            name, value = (s.strip() for s in piece.rsplit("=", 1))
            pairs.append((name, value))
        if not pairs:
            raise UsageError("usage.assignment_syntax", spec=text.strip())
    out = {}
    for name, value in pairs:
        text = str(value).strip() if isinstance(value, str) else value
        scale = 1.0
        if percent and isinstance(text, str) and text.endswith("%"):
            text, scale = text.rstrip("% "), 0.01
        try:
            result = number(text)
        except ValueError:
            result = None
        if result is None or not math.isfinite(result) or result < 0:
            raise UsageError("usage.assignment_value", name=name, value=_show(value))
        out[name] = result * scale
    return out


def _show(value) -> str:
    """A value as quoted in a message: its text, cut to 80 characters."""
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"
