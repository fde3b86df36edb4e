"""A method's ranking as a linear function of the weights: what stability and SMAA work on.

The weighted sum scores ``normalised @ w``; PROMETHEE II's net flow is ``φ = Σ_j w_j φ_j``
with the per-criterion net flows ``φ_j`` of the eligible ideas (a relative method: it
compares the eligible ideas only, as the ranking does); WPM ranks by ``Σ_j w_j log r_ij``
(the logarithm of its product). For these methods the ranking under *any* weights is the
ranking by ``values @ w`` for one fixed ideas × criteria matrix ``values`` (the method's
``linear`` form, :mod:`prioritisation.engine.methods`), so stability intervals are exact
line crossings and every SMAA draw is one matrix product and one sort — exactly the
ranking :func:`~prioritisation.engine.scoring.rank_prepared` gives at those weights.
TOPSIS is not linear in the weights (its distances are square roots of sums of squared
weighted scores): :func:`check_robust_method` refuses it with a message naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.engine.methods import METHODS
from prioritisation.engine.scoring import (
    Prepared,
    Ranking,
    check_method,
    method_input,
    rank_prepared,
)


def robust_methods() -> list[str]:
    """The methods whose ranking is linear in the weights (stability and SMAA are exact).

    >>> robust_methods()
    ['promethee', 'wpm', 'wsm']
    """
    return sorted(name for name, method in METHODS.items() if method.linear is not None)


def check_robust_method(method: str) -> str:
    """``method`` if stability and SMAA are exact for it, else a ``UsageError`` naming it.

    >>> check_robust_method("topsis")
    Traceback (most recent call last):
    prioritisation.core.errors.UsageError: ...topsis...
    """
    method = check_method(method)
    if METHODS[method].linear is None:
        raise UsageError("usage.robust_method", method=method, choices=", ".join(robust_methods()))
    return method


@dataclass(frozen=True, eq=False)
class LinearForm:
    """The ranking with the weights in force and its linear form.

    ``ids``: the eligible ideas in ranking order; ``values``: ``len(ids)`` × criteria, such
    that ranking by ``values @ w`` is the method's ranking for every ``w`` summing to 1.
    """

    ranking: Ranking
    ids: list[str]
    values: np.ndarray
    method: str


def linear_form(
    prepared: Prepared, weights: pd.Series, method: str = "wsm", lang: str | None = None
) -> LinearForm:
    """The linear form of ``method``'s ranking of the eligible ideas (see the module).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.scoring import prepare
    >>> from prioritisation.engine.weights import resolve_weights
    >>> wb = read_workbook(sample_path())
    >>> form = linear_form(prepare(wb), resolve_weights(wb), "promethee")
    >>> scores = form.values @ resolve_weights(wb).to_numpy()
    >>> bool(np.allclose(scores, form.ranking.ranked["score"]))
    True
    """
    method = check_robust_method(method)
    ranking = rank_prepared(prepared, weights, method, lang)
    ids = list(ranking.ranked.index)
    rows = prepared.wb.ideas.index.get_indexer(ids)
    values = np.asarray(METHODS[method].linear(method_input(prepared, weights, rows)), float)
    return LinearForm(ranking=ranking, ids=ids, values=values, method=method)
