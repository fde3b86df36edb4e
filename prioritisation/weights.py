"""Criterion weights: the workbook's own, a typed override, or a named scheme.

:func:`resolve_weights` is the one entry point; it returns shares (a Series over the
criteria, summing to 1). A spec is ``None`` (the workbook's weights), a mapping or text
``"innovation=3,desirability=2"`` (given criteria overridden, the others keep the
workbook's weight; ``;`` may separate too), or the name of a scheme registered in
``SCHEMES`` (``equal``; the methods issue adds ``roc``, ``swing`` and ``ahp``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import pandas as pd

from .errors import UsageError
from .i18n import register
from .model import Workbook

register(
    {
        "nl": {
            "usage.weights_syntax": "gewichten '{spec}' begrijp ik niet; schrijf bv. "
            "innovation=3,desirability=2 of een schema: {schemes}",
            "usage.weights_unknown": "onbekend criterium '{id}' in de gewichten (bekend: {known})",
            "usage.weights_value": "gewicht '{value}' voor '{id}' is geen getal ≥ 0",
            "usage.weights_zero": "alle gewichten zijn 0; minstens één criterium moet meetellen",
        },
        "en": {
            "usage.weights_syntax": "cannot understand the weights '{spec}'; write e.g. "
            "innovation=3,desirability=2 or a scheme: {schemes}",
            "usage.weights_unknown": "unknown criterion '{id}' in the weights (known: {known})",
            "usage.weights_value": "weight '{value}' for '{id}' is not a number ≥ 0",
            "usage.weights_zero": "all weights are 0; at least one criterion must count",
        },
    }
)

SCHEMES: dict[str, Callable[[Workbook], pd.Series]] = {
    "equal": lambda wb: pd.Series(1.0, index=wb.criteria.index),
    "workbook": lambda wb: wb.criteria["weight"].astype(float),
}


def parse_weight_spec(spec: str) -> dict[str, float] | str:
    """``"a=3,b=2.5"`` → ``{"a": 3.0, "b": 2.5}``; a bare word is returned as a scheme name."""
    text = spec.strip()
    if re.fullmatch(r"[A-Za-z_][\w-]*", text):
        return text.lower()
    out: dict[str, float | str] = {}
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        if "=" not in part:
            raise UsageError("weights_syntax", spec=spec, schemes=", ".join(sorted(SCHEMES)))
        key, value = (s.strip() for s in part.split("=", 1))
        out[key] = value
    if not out:
        raise UsageError("weights_syntax", spec=spec, schemes=", ".join(sorted(SCHEMES)))
    return out  # values still text; checked in resolve_weights


def normalise_weights(weights: pd.Series) -> pd.Series:
    total = float(weights.sum())
    if not math.isfinite(total) or total <= 0:
        raise UsageError("weights_zero")
    return (weights / total).astype(float)


def resolve_weights(wb: Workbook, spec: str | Mapping | pd.Series | None = None) -> pd.Series:
    """The weights in force as shares summing to 1, indexed by criterion id."""
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return normalise_weights(wb.criteria["weight"].astype(float))
    if isinstance(spec, str):
        spec = parse_weight_spec(spec)
        if isinstance(spec, str):
            if spec not in SCHEMES:
                raise UsageError("weights_syntax", spec=spec, schemes=", ".join(sorted(SCHEMES)))
            return normalise_weights(SCHEMES[spec](wb).reindex(wb.criteria.index).astype(float))
    weights = wb.criteria["weight"].astype(float).copy()
    known = ", ".join(wb.criteria.index)
    for key, value in dict(spec).items():
        if key not in weights.index:
            raise UsageError("weights_unknown", id=key, known=known)
        try:
            number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
        except ValueError:
            raise UsageError("weights_value", id=key, value=value) from None
        if not math.isfinite(number) or number < 0:
            raise UsageError("weights_value", id=key, value=value)
        weights[key] = number
    return normalise_weights(weights)
