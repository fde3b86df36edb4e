"""Decision methods: one module each, registered by name.

A method is a pure *kernel* on numpy arrays (no validation, no pandas) wrapped in a
:class:`Method` record. :func:`prioritisation.engine.scoring.rank` is the one validating public
wrapper that prepares the inputs, calls the kernel and builds the explained result.

A kernel receives a :class:`MethodInput` and returns a :class:`MethodOutput`: one score per
idea (higher is better) and, for additive methods, the per-criterion contributions that sum
to the score. ``relative`` methods (TOPSIS, PROMETHEE) compare ideas with each other and are
run on the eligible ideas only. A method whose *ranking* is a linear function of the weights
has a ``linear`` function: given the same input it returns an ideas × criteria matrix ``L``
such that, for every weight vector ``w`` summing to 1, ranking by ``L @ w`` gives the
method's ranking (the weighted sum: the normalised scores; PROMETHEE II: the per-criterion
net flows; WPM: the logarithms of the ratios). Exact stability intervals and fast SMAA
(:mod:`prioritisation.decisions.stability`, :mod:`prioritisation.decisions.smaa`) work on
``L``. Modules in this package register themselves on import.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MethodInput:
    matrix: np.ndarray  # ideas × criteria, aggregated scores on each criterion's own scale
    normalised: np.ndarray  # the same on [0, 1] by the criterion's scale, 1 = best (cost reversed)
    weights: np.ndarray  # shares summing to 1
    benefit: np.ndarray  # bool per criterion: True = higher is better
    lower: np.ndarray  # scale_min per criterion
    upper: np.ndarray  # scale_max per criterion
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)  # for method parameters


@dataclass(frozen=True)
class MethodOutput:
    scores: np.ndarray
    contributions: np.ndarray | None = None  # ideas × criteria, rows sum to ``scores``


@dataclass(frozen=True)
class Method:
    name: str
    kernel: Callable[[MethodInput], MethodOutput]
    relative: bool = False
    additive: bool = False
    reference: str = ""
    linear: Callable[[MethodInput], np.ndarray] | None = None  # see the module's docstring


METHODS: dict[str, Method] = {}


def register_method(method: Method) -> Method:
    METHODS[method.name] = method
    return method


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_all()
