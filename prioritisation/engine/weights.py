"""Criterion weights: the workbook's own, a typed override, or a named scheme.

:func:`resolve_weights` is the one entry point; it returns shares (a Series over the
criteria, summing to 1). A spec is ``None`` (the workbook's weights), ``name=value`` pairs
(``"innovation=3; desirability=2,5"`` read by :func:`prioritisation.core.parse.assignments`,
or a mapping: given criteria overridden, the others keep the workbook's weight), or the
name of a scheme registered in ``SCHEMES``: ``equal``, ``workbook``, ``roc`` (rank-order
centroid), ``swing`` and ``ahp`` (principal eigenvector of the group's pairwise
comparisons; :func:`ahp` also gives every member's weights and the consistency ratios).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.model import Workbook
from prioritisation.core.parse import assignments

SCHEMES: dict[str, Callable[[Workbook], pd.Series]] = {
    "equal": lambda wb: pd.Series(1.0, index=wb.criteria.index),
    "workbook": lambda wb: wb.criteria["weight"].astype(float),
}


def normalise_weights(weights: pd.Series) -> pd.Series:
    """Weights as shares summing to 1 (``UsageError`` when they are all 0)."""
    total = float(weights.sum())
    if not math.isfinite(total) or total <= 0:
        raise UsageError("usage.weights_zero")
    return (weights / total).astype(float)


_SCHEME_NAME = re.compile(r"[A-Za-z_][\w-]*")


def resolve_weights(wb: Workbook, spec: str | Mapping | pd.Series | None = None) -> pd.Series:
    """The weights in force as shares summing to 1, indexed by criterion id.

    ``spec`` is ``None`` (the workbook's weights), a scheme name (a bare word), or
    ``name=value`` pairs (text read by :func:`prioritisation.core.parse.assignments`, a
    mapping or a Series): the criteria named get that weight, the others keep the workbook's.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> wb = read_workbook(sample_path())
    >>> resolve_weights(wb).to_dict()
    {'innovation': 0.3, 'desirability': 0.3, 'viability': 0.2, 'feasibility': 0.2}
    >>> resolve_weights(wb, "innovation=40; desirability=20").to_dict()
    {'innovation': 0.4, 'desirability': 0.2, 'viability': 0.2, 'feasibility': 0.2}
    >>> resolve_weights(wb, "equal").tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return normalise_weights(wb.criteria["weight"].astype(float))
    schemes = ", ".join(sorted(SCHEMES))
    if isinstance(spec, str) and _SCHEME_NAME.fullmatch(spec.strip()):
        name = spec.strip().lower()
        if name not in SCHEMES:
            raise UsageError("usage.weights_syntax", spec=spec.strip(), schemes=schemes)
        return normalise_weights(SCHEMES[name](wb).reindex(wb.criteria.index).astype(float))
    try:
        given = assignments(dict(spec) if isinstance(spec, pd.Series) else spec)
    except UsageError as error:
        if error.code == "usage.assignment_value":
            raise UsageError("usage.weights_value", id=error.params["name"],
                             value=error.params["value"]) from None  # fmt: skip
        raise UsageError("usage.weights_syntax", spec=str(spec).strip(), schemes=schemes) from None
    weights = wb.criteria["weight"].astype(float).copy()
    for key, value in given.items():
        if key not in weights.index:
            raise UsageError("usage.weights_unknown", id=key, known=", ".join(wb.criteria.index))
        weights[key] = value
    return normalise_weights(weights)


# --------------------------------------------------------------------------- rank-order centroid


RANK_COLUMNS = ("rank", "rang", "volgorde", "order")
SWING_COLUMNS = ("swing", "swing_points", "zwaai", "zwaaipunten")


def roc_weights(ranks) -> np.ndarray:
    """Rank-order centroid weights (Barron & Barrett 1996) for ranks 1 = most important.

    ``w_r = (1/m) Σ_{k=r}^{m} 1/k``; criteria that share a rank share the mean of the
    centroid weights of the positions they occupy, so the weights still sum to 1.
    """
    ranks = np.asarray(ranks, dtype=float)
    m = len(ranks)
    centroid = np.array([sum(1.0 / k for k in range(r, m + 1)) / m for r in range(1, m + 1)])
    order = np.argsort(ranks, kind="stable")
    out = np.empty(m)
    position = 0
    sorted_ranks = ranks[order]
    while position < m:
        end = position
        while end + 1 < m and sorted_ranks[end + 1] == sorted_ranks[position]:
            end += 1
        out[order[position : end + 1]] = centroid[position : end + 1].mean()
        position = end + 1
    return out


def criterion_ranks(wb: Workbook) -> pd.Series:
    """The criteria's importance ranks (1 = most important): a ``rank``/``rang`` column of the
    criteria sheet if there is one, else the order of the workbook's weights (ties share)."""
    for column in RANK_COLUMNS:
        if column in wb.criteria.columns:
            values = pd.to_numeric(wb.criteria[column], errors="coerce")
            for cid, v in values.items():
                if not (np.isfinite(v) and v >= 1):
                    raise UsageError("usage.rank_column", column=column, id=cid)
            return values.astype(float)
    return wb.criteria["weight"].astype(float).rank(ascending=False, method="min")


def roc_scheme(wb: Workbook) -> pd.Series:
    return pd.Series(roc_weights(criterion_ranks(wb).to_numpy()), index=wb.criteria.index)


def swing_scheme(wb: Workbook) -> pd.Series:
    """Swing weights (von Winterfeldt & Edwards 1986): the criterion whose swing from worst to
    best matters most gets 100 points, the others points relative to it; weights are the
    points as shares. Points from a ``swing`` column of the criteria sheet, else the
    workbook's weights are read as points."""
    for column in SWING_COLUMNS:
        if column in wb.criteria.columns:
            values = pd.to_numeric(wb.criteria[column], errors="coerce")
            for cid, v in values.items():
                if not (np.isfinite(v) and v >= 0):
                    raise UsageError("usage.swing_column", column=column, id=cid)
            return values.astype(float)
    return wb.criteria["weight"].astype(float)


# --------------------------------------------------------------------------- AHP

#: Saaty's random consistency index (Saaty 1980, *The Analytic Hierarchy Process*, Table 1.7),
#: by matrix size n. Beyond n = 10 the n = 10 value is used.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                9: 1.45, 10: 1.49}  # fmt: skip
RANDOM_INDEX_SOURCE = "Saaty (1980)"
CR_LIMIT = 0.1  # a consistency ratio above this is reported as inconsistent


def random_index(n: int) -> float:
    return RANDOM_INDEX.get(n, RANDOM_INDEX[10])


@dataclass(frozen=True)
class AHPResult:
    """Weights from one pairwise comparison matrix.

    ``matrix`` is the (completed) reciprocal matrix, NaN where a judgment is missing;
    ``weights`` the principal right eigenvector as shares; ``consistency_ratio`` =
    ``(λmax − n) / (n − 1) / RI(n)``; ``consistent`` is ``CR ≤ 0.1``. An incomplete matrix
    is solved with Harker's (1987) method (``complete`` is False; ``missing`` the pairs).
    """

    weights: pd.Series
    matrix: pd.DataFrame
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    complete: bool
    missing: list[tuple[str, str]]

    @property
    def consistent(self) -> bool:
        return bool(self.consistency_ratio <= CR_LIMIT + 1e-12)

    def to_dict(self) -> dict:
        return {
            "weights": {c: round(float(w), 10) for c, w in self.weights.items()},
            "consistency_ratio": round(float(self.consistency_ratio), 10),
            "consistent": self.consistent,
            "lambda_max": round(float(self.lambda_max), 10),
            "complete": self.complete,
            "missing": [list(p) for p in self.missing],
        }


@dataclass(frozen=True)
class AHPAnalysis:
    """AHP for a workbook: the group (geometric mean of the members' judgments) and each
    member. ``inconsistent`` lists the members whose CR exceeds 0.1."""

    group: AHPResult
    members: dict[str, AHPResult]
    random_index_table: dict[int, float] = field(default_factory=lambda: dict(RANDOM_INDEX))
    excluded: list[str] = field(default_factory=list)  # judgments do not connect all criteria

    @property
    def inconsistent(self) -> list[str]:
        return [name for name, r in self.members.items() if not r.consistent]

    def to_dict(self) -> dict:
        return {
            **self.group.to_dict(),
            "members": {name: r.to_dict() for name, r in self.members.items()},
            "inconsistent_members": self.inconsistent,
            "excluded_members": list(self.excluded),
            "random_index": {"source": RANDOM_INDEX_SOURCE,
                             "table": {str(k): v for k, v in self.random_index_table.items()}},
        }  # fmt: skip


def principal_eigenvector(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """The principal right eigenvector (as shares) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return vector / vector.sum(), float(values[k].real)


def ahp_kernel(matrix: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """Weights, λmax, CI and CR of a pairwise matrix (NaN = missing judgment, Harker 1987).

    Harker's method: a missing a_ij becomes 0 and the diagonal a_ii becomes 1 + the number
    of missing judgments in row i; the principal eigenvector of that matrix gives the
    weights. CI = (λmax − n) / (n − 1) — divided by n − 1, not 2 — and CR = CI / RI(n)
    (CR = 0 for n ≤ 2, where every matrix is consistent).

    Three criteria, the first 3 times as important as the second and 5 times the third:

    >>> import numpy as np
    >>> weights, lam, ci, cr = ahp_kernel(np.array([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]]))
    >>> weights.round(3).tolist(), round(lam, 3), round(cr, 4)
    ([0.648, 0.23, 0.122], 3.004, 0.0032)
    """
    a = np.array(matrix, dtype=float)
    n = a.shape[0]
    missing = np.isnan(a)
    if missing.any():
        a[missing] = 0.0
        a[np.diag_indices(n)] = 1.0 + missing.sum(axis=1)
    weights, lam = principal_eigenvector(a)
    if missing.any():
        # λmax of the matrix completed with the implied ratios w_i / w_j in the gaps.
        full = np.where(missing, weights[:, None] / weights[None, :], np.array(matrix, float))
        np.fill_diagonal(full, 1.0)
        lam = principal_eigenvector(full)[1]
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = random_index(n)
    cr = ci / ri if ri > 0 else 0.0
    return weights, lam, max(ci, 0.0), max(cr, 0.0)


def pairwise_matrix(judgments: pd.DataFrame, criteria: list[str]) -> np.ndarray:
    """The reciprocal matrix of one member's judgments (NaN where missing).

    A pair given twice (also as b–a) is combined by the geometric mean of a/b and 1/(b/a).
    """
    index = {c: i for i, c in enumerate(criteria)}
    n = len(criteria)
    logs = np.zeros((n, n))
    counts = np.zeros((n, n))
    for a, b, value in judgments[["criterion_a", "criterion_b", "value"]].itertuples(index=False):
        i, j = index[a], index[b]
        logs[i, j] += np.log(value)
        logs[j, i] -= np.log(value)
        counts[i, j] += 1
        counts[j, i] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(logs / counts)
    out[counts == 0] = np.nan
    np.fill_diagonal(out, 1.0)
    return out


def group_matrix(matrices: list[np.ndarray]) -> np.ndarray:
    """Element-wise geometric mean of the members' matrices (Aczél & Saaty 1983), over the
    members who judged each pair (NaN where nobody did)."""
    stack = np.log(np.stack(matrices))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a pair nobody judged stays NaN
        return np.exp(np.nanmean(stack, axis=0))


def _connected(matrix: np.ndarray) -> list[int]:
    """Indices of criteria not reachable from criterion 0 through given judgments."""
    n = matrix.shape[0]
    seen, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j in np.flatnonzero(~np.isnan(matrix[i])):
            if j not in seen:
                seen.add(int(j))
                todo.append(int(j))
    return [i for i in range(n) if i not in seen]


def _result(matrix: np.ndarray, criteria: list[str]) -> AHPResult:
    unreachable = _connected(matrix)
    if unreachable:
        raise UsageError("usage.ahp_unconnected", missing=", ".join(criteria[i] for i in unreachable),
                         first=criteria[0])  # fmt: skip
    weights, lam, ci, cr = ahp_kernel(matrix)
    n = len(criteria)
    missing = [(criteria[i], criteria[j]) for i in range(n) for j in range(i + 1, n)
               if np.isnan(matrix[i, j])]  # fmt: skip
    return AHPResult(
        weights=pd.Series(weights, index=criteria),
        matrix=pd.DataFrame(matrix, index=criteria, columns=criteria),
        lambda_max=lam, consistency_index=ci, consistency_ratio=cr,
        random_index=random_index(n), complete=not missing, missing=missing,
    )  # fmt: skip


def ahp(wb: Workbook) -> AHPAnalysis:
    """AHP weights and consistency for the group and each member of the ``pairwise`` sheet.

    Raises :class:`UsageError` when the workbook has no judgments, or when the group's
    judgments do not connect every criterion. A member whose own judgments do not connect
    every criterion is left out of ``members`` (their judgments still count for the group).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> result = ahp(read_workbook(sample_path()))
    >>> result.group.weights.round(3).to_dict()
    {'innovation': 0.278, 'desirability': 0.301, 'viability': 0.216, 'feasibility': 0.206}
    >>> result.group.consistent, result.inconsistent
    (True, ['Fien (Bib Gent)'])
    """
    if wb.pairwise is None or wb.pairwise.empty:
        raise UsageError("usage.ahp_missing")
    criteria = list(wb.criteria.index)
    matrices, members, excluded = [], {}, []
    for name, judgments in wb.pairwise.groupby("assessor", sort=True):
        matrix = pairwise_matrix(judgments, criteria)
        matrices.append(matrix)
        try:
            members[str(name)] = _result(matrix, criteria)
        except UsageError:
            excluded.append(str(name))
    return AHPAnalysis(group=_result(group_matrix(matrices), criteria), members=members,
                       excluded=excluded)  # fmt: skip


def ahp_scheme(wb: Workbook) -> pd.Series:
    return ahp(wb).group.weights


SCHEMES.update({"roc": roc_scheme, "swing": swing_scheme, "ahp": ahp_scheme})


def weights_report(wb: Workbook, spec: str | Mapping | pd.Series | None = None) -> dict:
    """Everything about the weights as plain data (what ``prioritisation weights`` prints).

    ``weights``: criterion → share in force (``spec`` as for :func:`resolve_weights`);
    ``schemes``: the shares under ``equal``, ``roc``, ``swing`` (and ``ahp`` when the
    workbook has judgments); ``ahp``: :meth:`AHPAnalysis.to_dict` or ``None``;
    ``consistency_ratio``: ``{"group": CR, "members": {name: CR}}`` or ``None``.
    """
    in_force = resolve_weights(wb, spec)
    schemes = {}
    for name in ("equal", "roc", "swing"):
        try:
            schemes[name] = _rounded(resolve_weights(wb, name))
        except UsageError:
            continue
    analysis = None
    if wb.pairwise is not None and not wb.pairwise.empty:
        analysis = ahp(wb)
        schemes["ahp"] = _rounded(analysis.group.weights)
    return {
        "weights": _rounded(in_force),
        "schemes": schemes,
        "ahp": analysis.to_dict() if analysis else None,
        "consistency_ratio": None if analysis is None else {
            "group": round(float(analysis.group.consistency_ratio), 10),
            "members": {k: round(float(r.consistency_ratio), 10)
                        for k, r in analysis.members.items()},
        },
    }  # fmt: skip


def _rounded(weights: pd.Series) -> dict[str, float]:
    return {str(c): round(float(w), 10) for c, w in weights.items()}
