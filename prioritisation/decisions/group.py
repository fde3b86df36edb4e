"""Where the steering group agrees and where it does not: consensus across members.

:func:`consensus` returns, for the eligible ideas:

* **Kendall's W** (coefficient of concordance, with the correction for ties; Kendall &
  Babington Smith 1939) across the assessors: each assessor ranks the ideas by the weighted
  sum of *their own* scores with the group's weights (a cell they left empty takes the
  group's aggregate), so W measures agreement on the assessment, not on the weights.
  0 = no agreement, 1 = everyone ranks alike; a χ² test (n − 1 degrees of freedom) says
  whether the agreement could be chance. Also W per criterion (the assessors' scores on
  that criterion alone).
* per idea the **spread** of its scores (the assessors' standard deviation per criterion).
* the **ranking each member's own view gives** (no tool we know shows this), and the ideas
  whose rank changes most from member to member. What a member's view is (``view``):

  - ``"weights"``: the member's own AHP weights (from their pairwise judgments) on the
    group's aggregated scores — what their priorities would choose from the shared
    assessment;
  - ``"scores"``: the member's own scores with the group's weights;
  - ``"both"``: their own weights on their own scores;
  - ``"auto"`` (default): ``"weights"`` for a member with usable pairwise judgments,
    ``"scores"`` for the others (the choice per member is in ``Consensus.basis``).

Every shell (the app's members tab, ``prioritisation sensitivity``, the report) shows the
members' disagreement in the same two views, named with the same words (:data:`MEMBER_VIEWS`):
:func:`member_views` computes both from a resolved run, :func:`disagreement` orders one view's
ideas (most disagreement first) and :func:`disagreement_dict` is its JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.core.model import Workbook
from prioritisation.engine.run import Run, resolve_run
from prioritisation.engine.scoring import (
    Prepared,
    normalise_matrix,
    rank_positions,
    score_cube,
)
from prioritisation.engine.weights import ahp

VIEWS = ("auto", "weights", "scores", "both")

#: The two views of the members' disagreement every shell shows: (title, explanation).
#: "scores": each member's own scores, the weights in force ("verschil in beoordeling");
#: "weights": each member's own AHP weights on the group's scores ("verschil in prioriteiten").
MEMBER_VIEWS = {
    "scores": (N_("members.scores_title"), N_("members.scores_help")),
    "weights": (N_("members.weights_title"), N_("members.weights_help")),
}


def check_view(view: str) -> str:
    """``view`` if it is one of :data:`VIEWS` (``UsageError`` otherwise)."""
    if view not in VIEWS:
        raise UsageError("usage.view", name=view, choices=", ".join(VIEWS))
    return view


def agreement(w: float, lang: str | None = None) -> str:
    """Kendall's W in words: strong from 0.7, moderate from 0.3, weak below; a sentence
    saying it cannot be computed when W is NaN.

    >>> agreement(0.39, "en")
    'moderate agreement'
    """
    if w != w:  # NaN
        return tr("sens.w_none", lang)
    if w >= 0.7:
        return tr("sens.w_strong", lang)
    return tr("sens.w_moderate", lang) if w >= 0.3 else tr("sens.w_weak", lang)


@dataclass(frozen=True, eq=False)
class Consensus:
    """Agreement in the group (see the module text).

    ``kendall_w`` (NaN with fewer than 2 assessors or 2 ideas), ``chi2``, ``p_value``;
    ``per_criterion``: W per criterion; ``spread``: eligible ideas × criteria, the
    assessors' standard deviation, plus ``mean``; ``member_ranks``: eligible ideas ×
    members, the rank (1 = first, ties shared) each member's view gives; ``group_rank``:
    the group's rank; ``member_weights``: members × criteria, the weights each view used;
    ``basis``: member → ``weights``/``scores``/``both``; ``consistency``: member → AHP
    consistency ratio (NaN without judgments); ``changes``: per idea ``group_rank``,
    ``min_rank``, ``max_rank``, ``range``, ``std`` — sorted with the largest range first.
    """

    kendall_w: float
    chi2: float
    p_value: float
    assessors: list[str]
    per_criterion: pd.Series
    spread: pd.DataFrame
    member_ranks: pd.DataFrame
    group_rank: pd.Series
    member_weights: pd.DataFrame
    basis: pd.Series
    consistency: pd.Series
    changes: pd.DataFrame

    def most_changed(self, top: int = 5) -> pd.DataFrame:
        return self.changes[self.changes["range"] > 0].head(top)

    def to_dict(self, top: int = 10) -> dict:
        def num(v):
            return None if v is None or np.isnan(v) else round(float(v), 10)

        members = list(self.member_ranks.columns)
        spread_cols = ["mean", *[c for c in self.spread.columns if c != "mean"]]
        return {
            "kendall_w": num(self.kendall_w), "chi2": num(self.chi2), "p_value": num(self.p_value),
            "assessors": self.assessors,
            "per_criterion": {c: num(v) for c, v in self.per_criterion.items()},
            "members": {
                m: {"basis": self.basis[m], "consistency_ratio": num(self.consistency[m]),
                    "weights": {c: num(v) for c, v in self.member_weights.loc[m].items()}}
                for m in self.member_weights.index
            },
            "member_ranks": {i: dict(zip(members, row, strict=True)) for i, row in
                             zip(self.member_ranks.index, self.member_ranks.to_numpy().tolist(),
                                 strict=True)},
            "most_changed": [
                {"id": i, "group_rank": int(r["group_rank"]), "min_rank": int(r["min_rank"]),
                 "max_rank": int(r["max_rank"]), "range": int(r["range"]),
                 "ranks": {m: int(v) for m, v in self.member_ranks.loc[i].items()}}
                for i, r in self.most_changed(top).iterrows()
            ],
            "spread": {i: dict(zip(spread_cols, row, strict=True)) for i, row in zip(
                self.spread.index, np.round(self.spread[spread_cols].to_numpy(), 10).tolist(),
                strict=True)},
        }  # fmt: skip


def kendall_w(ranks: np.ndarray) -> tuple[float, float, float]:
    """Kendall's W of a raters × objects matrix of (mid-)ranks, corrected for ties.

    W = 12 S / (m²(n³ − n) − m Σ T), S = Σ (R_i − R̄)², T = Σ (t³ − t) over each rater's
    groups of tied ranks. Returns ``(W, χ², p)`` with χ² = m (n − 1) W.

    Three raters, four objects (Kendall & Babington Smith 1939): W = 7/9, χ² = 7.

    >>> w, chi2, p = kendall_w([[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4]])
    >>> round(w, 4), round(chi2, 4), round(p, 4)
    (0.7778, 7.0, 0.0719)
    """
    ranks = np.asarray(ranks, dtype=float)
    m, n = ranks.shape
    if m < 2 or n < 2:
        return np.nan, np.nan, np.nan
    totals = ranks.sum(axis=0)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for row in ranks:
        _, t = np.unique(row, return_counts=True)
        ties += float((t**3 - t).sum())
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        return np.nan, np.nan, np.nan
    w = 12.0 * s / denominator
    chi2 = m * (n - 1) * w
    return w, chi2, chi2_sf(chi2, n - 1)


def chi2_sf(x: float, df: int) -> float:
    """P(χ²_df > x): the regularised upper incomplete gamma Q(df/2, x/2) (series below
    a + 1, Lentz's continued fraction above; Press et al., *Numerical Recipes*, §6.2).
    Written out so that the command does not import scipy.stats (1 s at start-up)."""
    a, x = df / 2.0, x / 2.0
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_front) * h)


def midranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties get the mean of their ranks (one row per rater)."""
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    out = np.empty_like(scores)
    for k, row in enumerate(scores):
        order = np.argsort(-row, kind="stable")
        ordered = -row[order]
        start = np.r_[0, np.flatnonzero(np.diff(ordered) != 0) + 1]
        end = np.r_[start[1:], len(row)]
        ranks = np.repeat((start + end + 1) / 2.0, end - start)
        out[k, order] = ranks
    return out


def consensus_prepared(prepared: Prepared, weights: pd.Series, view: str = "auto") -> Consensus:
    """Consensus with resolved group weights (see :func:`consensus`)."""
    check_view(view)
    wb = prepared.wb
    crits = list(wb.criteria.index)
    c = wb.criteria
    lower, upper = c["scale_min"].to_numpy(float), c["scale_max"].to_numpy(float)
    benefit = (c["direction"] == "benefit").to_numpy()
    eligible = np.flatnonzero(prepared.eligible)
    ids = [wb.ideas.index[i] for i in eligible]
    w = weights.reindex(crits).to_numpy(float)
    group_norm = prepared.normalised.to_numpy(float)[eligible]
    cube, assessors = score_cube(wb)
    cube = cube[eligible]
    aggregated = prepared.aggregated.to_numpy(float)[eligible]
    own = np.where(np.isnan(cube), aggregated[:, :, None], cube)  # ideas × criteria × assessors
    own_norm = normalise_matrix(own, lower[:, None], upper[:, None], benefit[:, None])

    # Kendall's W: each assessor's own scores, group weights
    own_scores = np.einsum("icj,c->ji", own_norm, w)  # assessors × ideas
    kw, chi2, p = kendall_w(midranks(own_scores)) if len(ids) else (np.nan,) * 3
    per_criterion = pd.Series(
        [kendall_w(midranks(own_norm[:, j, :].T))[0] if len(ids) else np.nan
         for j in range(len(crits))], index=crits, dtype=float)  # fmt: skip

    # each member's view
    analysis = None
    if wb.pairwise is not None and not wb.pairwise.empty:
        try:
            analysis = ahp(wb)
        except UsageError:
            analysis = None
    ahp_members = analysis.members if analysis else {}
    members = sorted(set(assessors) | set(ahp_members))
    index_of = {a: k for k, a in enumerate(assessors)}
    ranks, used_weights, basis, consistency = {}, {}, {}, {}
    for member in members:
        has_w, has_s = member in ahp_members, member in index_of
        chosen = view
        if view == "auto":
            chosen = "weights" if has_w else "scores"
        if (chosen in ("weights", "both") and not has_w) or (
            chosen in ("scores", "both") and not has_s
        ):
            chosen = "scores" if has_s else "weights"
        mw = ahp_members[member].weights.reindex(crits).to_numpy(float) if chosen in (
            "weights", "both") else w  # fmt: skip
        values = own_norm[:, :, index_of[member]] if chosen in ("scores", "both") else group_norm
        score = values @ mw if len(ids) else np.zeros(0)
        r, _ = rank_positions(score, ids, np.ones(len(ids), bool))
        ranks[member] = r.astype(int)
        used_weights[member] = mw
        basis[member] = chosen
        consistency[member] = ahp_members[member].consistency_ratio if has_w else np.nan
    member_ranks = pd.DataFrame(ranks, index=pd.Index(ids, name="id"), columns=members)
    group_score = group_norm @ w if len(ids) else np.zeros(0)
    group_rank = pd.Series(rank_positions(group_score, ids, np.ones(len(ids), bool))[0],
                           index=member_ranks.index).astype(int)  # fmt: skip
    order = group_rank.sort_values(kind="stable").index
    member_ranks, group_rank = member_ranks.loc[order], group_rank.loc[order]
    if members:
        lo, hi = member_ranks.min(axis=1), member_ranks.max(axis=1)
        std = member_ranks.std(axis=1, ddof=0)
    else:
        lo = hi = group_rank
        std = group_rank * 0.0
    changes = pd.DataFrame({"group_rank": group_rank, "min_rank": lo, "max_rank": hi,
                            "range": hi - lo, "std": std})  # fmt: skip
    changes = changes.sort_values(["range", "std", "group_rank"], ascending=[False, False, True],
                                  kind="stable")  # fmt: skip
    spread = prepared.spread.iloc[eligible].loc[order].copy()
    spread["mean"] = spread[crits].mean(axis=1)
    return Consensus(
        kendall_w=kw, chi2=chi2, p_value=p, assessors=assessors, per_criterion=per_criterion,
        spread=spread, member_ranks=member_ranks, group_rank=group_rank,
        member_weights=pd.DataFrame(used_weights, index=crits).T.reindex(members),
        basis=pd.Series(basis, dtype=object), consistency=pd.Series(consistency, dtype=float),
        changes=changes,
    )  # fmt: skip


def consensus(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    view: str = "auto",
) -> Consensus:
    """Kendall's W, per-idea spread and each member's ranking (validating wrapper).

    ``weights``/``aggregate`` as for :func:`prioritisation.engine.scoring.rank` (the group's);
    ``view`` one of ``auto`` (default), ``weights``, ``scores``, ``both`` (module text).

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> result = consensus(read_workbook(sample_path()))
    >>> round(result.kendall_w, 3), bool(result.p_value < 0.001), agreement(result.kendall_w, "en")
    (0.392, True, 'moderate agreement')
    >>> result.basis.value_counts().to_dict()
    {'weights': 7}
    """
    check_view(view)
    run = resolve_run(wb, weights=weights, aggregate=aggregate)
    return consensus_prepared(run.prepared, run.weights, view)


def member_views(run: Run) -> dict[str, Consensus]:
    """The members' disagreement in both :data:`MEMBER_VIEWS` for a resolved run (its scores
    and the weights in force): what the app, the CLI and the report show.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> views = member_views(resolve_run(read_workbook(sample_path())))
    >>> {view: list(disagreement(c, view).index[:2]) for view, c in views.items()}
    {'scores': [...], 'weights': [...]}
    """
    return {view: consensus_prepared(run.prepared, run.weights, view) for view in MEMBER_VIEWS}


def disagreement(consensus: Consensus, view: str) -> pd.DataFrame:
    """Ideas × members in one view, the ideas the members disagree on most first.

    Only the members whose own ranking is of this ``view`` (their ``basis``): in the
    ``weights`` view a member without AHP judgments has no column. Ordered as
    :meth:`Consensus.most_changed` orders them (range of the ranks, then their spread, then
    the group's rank), with columns ``group`` (the group's rank) and ``range`` (highest minus
    lowest rank among these members).
    """
    members = [m for m in consensus.member_ranks.columns if consensus.basis.get(m) == view]
    ranks = consensus.member_ranks[members].astype(float)
    out = ranks.copy()
    out["group"] = consensus.group_rank.astype(float)
    out["range"] = (ranks.max(axis=1) - ranks.min(axis=1)) if members else 0.0
    out["_std"] = ranks.std(axis=1, ddof=0) if members else 0.0
    out = out.sort_values(["range", "_std", "group"], ascending=[False, False, True],
                          kind="stable")  # fmt: skip
    return out.drop(columns="_std")


def short_name(name: str) -> str:
    """A member's name for a narrow column heading: ``"An (Cultuurconnect)"`` → ``"An"``.

    >>> short_name("An (Cultuurconnect)"), short_name("(x)")
    ('An', '(x)')
    """
    short = str(name).split(" (")[0].strip()
    return short or str(name)


def view_members(table: pd.DataFrame) -> list[str]:
    """The members (columns) of a :func:`disagreement` table."""
    return [c for c in table.columns if c not in ("group", "range")]


def disagreement_dict(consensus: Consensus, view: str, lang: str | None = None) -> dict:
    """One view as JSON: its ``label`` (the words the app and the report show), the
    ``members`` in it and every eligible idea, most disagreement first, with the group's
    rank, each member's rank and the ``difference`` (highest minus lowest member rank).
    ``ideas`` is empty when fewer than two members have this view (``note`` says why)."""
    title_id, help_id = MEMBER_VIEWS[view]
    table = disagreement(consensus, view)
    members = view_members(table)
    doc = {"view": view, "label": tr(title_id, lang), "explanation": tr(help_id, lang),
           "members": members, "ideas": []}  # fmt: skip
    if len(members) < 2:
        doc["note"] = tr(N_("members.no_weights") if view == "weights" else N_("members.one"), lang)
        return doc
    ranks = table[members].to_numpy(int).tolist()
    doc["ideas"] = [
        {"id": iid, "group_rank": int(group), "difference": int(diff),
         "ranks": dict(zip(members, row, strict=True))}
        for iid, group, diff, row in zip(table.index, table["group"], table["range"], ranks,
                                         strict=True)
    ]  # fmt: skip
    return doc
