"""SMAA: stochastic multicriteria acceptability analysis of a ranking.

Lahdelma, Hokkanen & Salminen (1998); SMAA-2, Lahdelma & Salminen (2001). Draw weights
(uniform on the simplex, or around the given weights with a chosen spread; seeded, so the
same seed gives the same draws) and, optionally, scores within the assessors' spread; per
eligible idea the **rank acceptability** (the share of draws in which it takes each rank),
P(top-k), the expected rank and the **central weights** (the mean weights of the draws in
which it is first), each share with its Monte Carlo **standard error**: the draws are
independent, so the number of draws in which an idea takes a place is binomial and a share
p of N draws has standard error √(p(1 − p)/N) (the expected rank: the standard deviation of
the rank / √N).

Methods: the weighted sum, PROMETHEE II and WPM, whose rankings are linear in the weights
(:mod:`prioritisation.decisions.linear`): every draw is ranked exactly as
:func:`~prioritisation.engine.scoring.rank_prepared` would rank it at those weights
(PROMETHEE on the eligible ideas' per-criterion net flows). Drawing the scores as well
(``vary_scores``) is for the weighted sum only (the other methods are not linear in the
scores). TOPSIS is refused with a message naming it.

The kernel (:func:`smaa_counts`) works chunk by chunk (memory stays bounded for any number
of draws), sorts in threads with BLAS held to one thread, and gives identical ideas their
shared competition rank (1, 2, 2, 4): ties are never split by storage order.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_percent
from prioritisation.core.model import Workbook
from prioritisation.decisions.linear import check_robust_method, linear_form
from prioritisation.decisions.stability import check_top_k
from prioritisation.engine.run import Run
from prioritisation.engine.sampling import weight_chunks
from prioritisation.engine.scoring import Prepared, json_number, prepare
from prioritisation.engine.weights import resolve_weights

TIE_DECIMALS = 12  # scores equal to 12 decimals tie (the matrix product's noise is ~1e-16)
# A drawn weight below this is 0: it moves no score by more than the tie tolerance, and
# Dirichlet draws around a weight of 0 give weights as small as 1e-300, which would
# otherwise let storage order split ideas that differ only on that criterion.
TINY_WEIGHT = 1e-12


@dataclass(frozen=True, eq=False)
class SMAAResult:
    """Acceptabilities of the eligible ideas (index in the current ranking's order).

    ``acceptability``: ideas × ranks (columns 1…n), the share of draws in which the idea
    takes that rank (each row sums to 1); ``p_top_k``: P(rank ≤ top_k); ``expected_rank``;
    ``central_weights``: ideas × criteria, mean weights of the draws in which the idea is
    first (NaN when it never is); ``current_rank``/``score``: the ranking by ``method``
    with the weights in force; ``spread``: ``None`` for uniform weights. The ``…_se``
    properties are the Monte Carlo standard errors (binomial: √(p(1 − p)/samples)).
    """

    acceptability: pd.DataFrame
    p_top_k: pd.Series
    expected_rank: pd.Series
    central_weights: pd.DataFrame
    current_rank: pd.Series
    score: pd.Series
    titles: pd.Series
    samples: int
    seed: int | None
    spread: float | None
    vary_scores: bool | str
    top_k: int
    method: str = "wsm"

    @property
    def p_first(self) -> pd.Series:
        return self.acceptability[1] if len(self.acceptability.columns) else self.p_top_k * 0

    @property
    def acceptability_se(self) -> pd.DataFrame:
        """The standard error of each rank acceptability."""
        return binomial_se(self.acceptability, self.samples)

    @property
    def p_first_se(self) -> pd.Series:
        return binomial_se(self.p_first, self.samples)

    @property
    def p_top_k_se(self) -> pd.Series:
        return binomial_se(self.p_top_k, self.samples)

    @property
    def expected_rank_se(self) -> pd.Series:
        """The standard deviation of the rank over the draws / √samples."""
        acc = self.acceptability.to_numpy()
        places = np.arange(1, acc.shape[1] + 1)
        variance = np.maximum(acc @ places**2 - self.expected_rank.to_numpy() ** 2, 0.0)
        return pd.Series(np.sqrt(variance / self.samples), index=self.acceptability.index)

    def records(self, decimals: int = 6, arrays: bool = False) -> list[dict]:
        """The JSON ``ranking`` records: ``rank_acceptability`` index 0 = first (a list; a
        numpy row with ``arrays=True``, for a serialiser that writes arrays directly), and
        the standard errors (``…_se``)."""
        acc = np.ascontiguousarray(np.round(self.acceptability.to_numpy(), decimals))
        se = np.ascontiguousarray(np.round(self.acceptability_se.to_numpy(), decimals))
        rows = list(acc) if arrays else acc.tolist()
        se_rows = list(se) if arrays else se.tolist()
        first = acc[:, 0].tolist() if acc.shape[1] else [0.0] * len(rows)
        first_se = se[:, 0].tolist() if se.shape[1] else [0.0] * len(rows)
        top_se = np.round(self.p_top_k_se.to_numpy(), decimals).tolist()
        rank_se = np.round(self.expected_rank_se.to_numpy(), 4).tolist()
        central = np.round(self.central_weights.to_numpy(), 6)
        never = np.isnan(central).any(axis=1).tolist()
        crits = list(self.central_weights.columns)
        ids = list(self.acceptability.index)
        columns = zip(ids, self.titles.reindex(ids).tolist(),
                      self.current_rank.reindex(ids).tolist(), self.score.reindex(ids).tolist(),
                      np.round(self.p_top_k.reindex(ids).to_numpy(), decimals).tolist(),
                      np.round(self.expected_rank.reindex(ids).to_numpy(), 4).tolist(),
                      strict=True)  # fmt: skip
        return [
            {"id": iid, "title": title, "rank": int(rank), "score": json_number(score), "p_first": first[i],
             "p_first_se": first_se[i], "p_top_k": top, "p_top_k_se": top_se[i],
             "expected_rank": expected, "expected_rank_se": rank_se[i],
             "rank_acceptability": rows[i], "rank_acceptability_se": se_rows[i],
             "central_weights": None if never[i] else dict(zip(crits, central[i].tolist(),
                                                                strict=True))}
            for i, (iid, title, rank, score, top, expected) in enumerate(columns)
        ]  # fmt: skip


def smaa_counts(values, chunks, score_sd=None, rng=None, progress=None, workers=1):
    """The SMAA kernel: rank counts, first counts and weight sums of the first.

    ``values``: ideas × criteria in [0, 1] (1 = best); ``chunks``: an iterable of weight
    arrays (draws × criteria, rows summing to 1). With ``score_sd`` (ideas × criteria, on
    the normalised scale) every draw also draws scores ``N(values, score_sd)`` clipped to
    [0, 1], from ``rng``. Returns ``(counts, first, first_weights)``: ``counts[i, r]`` the
    number of draws in which idea i has competition rank r + 1 (ties share the better
    rank); ``first[i]`` those in which it is first; ``first_weights[i]`` the sum of their
    weight vectors. ``workers`` > 1 sorts chunks in that many threads (numpy releases the
    GIL); results do not depend on it.

    The inner loop is one matrix product, one sort and one bincount per chunk. Identical
    ideas get consecutive column ids, so they are adjacent in every sort (their scores agree
    to the last bits, which the sort keys drop); their shared rank is recovered exactly
    afterwards (:func:`_share_ties`). Distinct ideas tie only on a set of weights of
    probability 0 when all weights are positive and drawn from a continuous distribution,
    so the fast path does not look for such ties; chunks with a weight of 0 (below
    ``TINY_WEIGHT``, which counts as 0; possible when sampling around weights with a 0)
    take a slower tie-aware path, since distinct ideas can then tie exactly.
    """
    values = np.asarray(values, dtype=float) + 0.0  # + 0.0 turns a −0.0 into +0.0 (sort keys)
    n, m = values.shape
    vary = score_sd is not None and bool(np.any(score_sd > 0))
    if vary:
        score_sd = np.asarray(score_sd, dtype=float)
    groups, inverse, mult = np.unique(values, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    duplicates = bool((mult > 1).any())
    if duplicates:  # columns in group order, so that copies have consecutive column ids
        columns = np.argsort(inverse, kind="stable")  # column k holds idea columns[k]
        column_group = inverse[columns]
    else:  # keep the ideas' own order: column k is idea k
        columns, column_group = np.arange(n), np.arange(n)
    # one column per idea (copies included): a contiguous product, no gather per chunk
    columns_t = np.ascontiguousarray(groups[column_group].T) if duplicates else values.T.copy()
    rank_offset = np.arange(n - 1, -1, -1) * n  # position p (ascending) is rank n − 1 − p
    ones = np.ones(n, np.int64)
    # Sort keys: a score's bits (a non-negative float64 orders like its bits as an integer)
    # with the lowest ones replaced by the column id. Sorting these integers is about twice
    # as fast as an argsort and gives the order directly; scores that agree in all but the
    # last `id_bits` bits (≈ 12 significant digits for 1,000 ideas) keep column order.
    id_bits = max(1, (n - 1).bit_length())
    id_mask = np.uint64((1 << id_bits) - 1)
    score_mask = ~id_mask
    column_ids = np.arange(n, dtype=np.uint64)

    def fast(w):  # column × rank counts and the winning column of every draw
        s = w @ columns_t
        keys = s.view(np.uint64)
        keys &= score_mask
        keys |= column_ids
        keys.sort(axis=1)
        keys &= id_mask
        order = keys.view(np.int64)  # column at each position, worst first
        order += rank_offset  # column + n × rank: one in-place add, no multiply
        counts = np.bincount(order.ravel(), minlength=n * n)  # rank-major
        return counts, order[:, -1].copy(), w  # rank 0 has offset 0: the winning column

    def exact(w):  # tie-aware: per idea, the number of ideas strictly above
        if vary:
            noise = rng.standard_normal((len(w), n, m))[:, columns]  # drawn in idea order
            draws = values[columns][None] + score_sd[columns][None] * noise
            s = np.einsum("cm,cnm->cn", w, np.clip(draws, 0.0, 1.0))
        else:
            s = w @ columns_t
        # equal up to floating-point noise is a tie, as in scoring.rank_positions
        s = np.round(s, TIE_DECIMALS)
        order = np.argsort(s, axis=1)
        above = _ideas_above(s, order, ones)
        counts = np.bincount((order * n + above).ravel(), minlength=n * n)
        rows, cols = np.nonzero(above == 0)
        return counts, (order[rows, cols], rows), w

    # separate tallies: only the fast path's copies of identical ideas need sharing
    tally = {path: [np.zeros(n * n, np.int64), np.zeros(n, np.int64), np.zeros((n, m))]
             for path in ("fast", "exact")}  # fmt: skip

    def work(w):
        tiny = w < TINY_WEIGHT
        if tiny.any():
            w = np.where(tiny, 0.0, w)
        use_exact = vary or bool(tiny.any())
        return use_exact, (exact if use_exact else fast)(w)

    def consume(use_exact, result):
        counts, winners, w = result
        total, first, first_weights = tally["exact" if use_exact else "fast"]
        np.add(total, counts, out=total)
        ideas, rows = winners if use_exact else (winners, slice(None))
        first += np.bincount(ideas, minlength=n)
        for j in range(m):
            first_weights[:, j] += np.bincount(ideas, weights=w[rows, j], minlength=n)
        if progress is not None:
            progress.update(len(w))

    with _single_threaded_blas():
        if workers > 1 and not vary:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                pending = []
                for w in chunks:
                    pending.append(pool.submit(work, w))
                    while len(pending) > workers:
                        consume(*pending.pop(0).result())
                for future in pending:
                    consume(*future.result())
        else:
            for w in chunks:
                consume(*work(w))
    counts, first, first_weights = tally["fast"]
    counts = np.ascontiguousarray(counts.reshape(n, n).T)  # rank-major → column × rank
    if duplicates:
        counts, first, first_weights = _share_ties(counts, first, first_weights, column_group, mult)
    exact_counts, exact_first, exact_weights = tally["exact"]
    counts = counts + exact_counts.reshape(n, n)
    first, first_weights = first + exact_first, first_weights + exact_weights
    if duplicates:  # back from columns to the ideas' own order
        back = np.empty(n, np.int64)
        back[columns] = np.arange(n)
        counts, first, first_weights = counts[back], first[back], first_weights[back]
    return counts, first, first_weights


def binomial_se(p, samples: int):
    """The Monte Carlo standard error of a share ``p`` of ``samples`` independent draws.

    >>> round(float(binomial_se(0.5, 10_000)), 4)
    0.005
    """
    return np.sqrt(np.clip(p * (1 - p), 0.0, None) / samples)


def fmt_estimate(p: float, se: float, lang: str | None = None) -> str:
    """A share with its standard error, as the tables and the report show it: the error
    rounded to one significant digit (at most two decimals of a percent), the share to as
    many decimals; a share without error (every draw agreed) alone.

    >>> fmt_estimate(0.5432, 0.011, "nl"), fmt_estimate(0.5432, 0.0022, "nl")
    ('54 % ± 1 %', '54,3 % ± 0,2 %')
    >>> fmt_estimate(0.5432, 0.0022, "en"), fmt_estimate(1.0, 0.0, "en")
    ('54.3% ± 0.2%', '100%')
    """
    if not se > 0:
        return fmt_percent(p, 0, lang)
    digits = 0 if se >= 0.0095 else 1 if se >= 0.00095 else 2
    return f"{fmt_percent(p, digits, lang)} ± {fmt_percent(se, digits, lang)}"


def _share_ties(counts, first, first_weights, inverse, mult):
    """Turn the fast path's counts of identical ideas into their shared competition rank.

    The k copies of one idea are adjacent in every sort, at ranks r, r+1, …, r+k−1, where
    r is the rank they share. Summed over the copies, the counts are the distribution T of
    r convolved with k ones: Z[r] = T[r] + … + T[r−k+1]; T is recovered exactly by
    T[r] = Z[r] − T[r−1] − … − T[r−k+1]. Being first (r = 0) is shared likewise.
    """
    counts, first, first_weights = counts.copy(), first.copy(), first_weights.copy()
    for g in np.flatnonzero(mult > 1):
        members = np.flatnonzero(inverse == g)
        k = len(members)
        z = counts[members].sum(axis=0)
        t = np.zeros_like(z)
        for r in range(len(z)):
            t[r] = z[r] - t[max(0, r - k + 1) : r].sum()
        counts[members] = t
        first[members] = first[members].sum()
        first_weights[members] = first_weights[members].sum(axis=0)
    return counts, first, first_weights


class _single_threaded_blas:
    """A matrix product with 4 columns is faster on one thread than with BLAS's pool (the
    pool's start-up dominates), and leaves the other core to a second sorting thread."""

    def __enter__(self):
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - optional speed-up
            self.limits = None
        else:
            self.limits = threadpool_limits(1, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self.limits is not None:
            self.limits.restore_original_limits()
        return False


def _ideas_above(s, order, mult):
    """Per sorted position, the number of ideas scoring strictly higher (tie-aware)."""
    c, u = s.shape
    sorted_s = np.take_along_axis(s, order, axis=1)
    cum = np.cumsum(mult[order], axis=1)
    is_end = np.ones((c, u), bool)
    is_end[:, :-1] = sorted_s[:, 1:] != sorted_s[:, :-1]
    end = np.where(is_end, np.arange(u), u)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    return cum[:, -1:] - np.take_along_axis(cum, end, axis=1)


def smaa_prepared(
    prepared: Prepared,
    weights: pd.Series,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    progress: bool | None = False,
    chunk: int | None = None,
    workers: int | None = None,
    method: str = "wsm",
) -> SMAAResult:
    """SMAA with resolved weights (see :func:`smaa`); ``workers`` sorting threads (default:
    2 when the machine has 2 or more cores); ``method``: ``wsm``, ``promethee`` or ``wpm``."""
    wb = prepared.wb
    check_robust_method(method)
    if vary_scores and method != "wsm":
        raise UsageError("usage.vary_scores_method", method=method)
    form = linear_form(prepared, weights, method)
    ranked = form.ranking.ranked
    ids = list(ranked.index)
    crits = list(wb.criteria.index)
    values = form.values
    if values.size and values.min() < 0:  # the kernel's sort keys need scores ≥ 0; a constant
        values = values - values.min(axis=0)  # per criterion moves every score alike (Σ w = 1)
    n, m = values.shape
    center = weights.reindex(crits).to_numpy(float)
    score_sd, rng = None, None
    if vary_scores:
        width = (wb.criteria["scale_max"] - wb.criteria["scale_min"]).to_numpy(float)
        sd = np.nan_to_num(prepared.spread.loc[ids, crits].to_numpy(float))
        if vary_scores != "sd":  # the standard error of the group's aggregate
            sd = sd / np.sqrt(np.maximum(prepared.counts.loc[ids, crits].to_numpy(float), 1.0))
        score_sd = sd / width
        rng = np.random.default_rng([0 if seed is None else seed, 1])
    if chunk is None:  # keep one chunk's scores near 2 million numbers: bounded memory
        per_draw = n * (m + 1) if vary_scores else max(n, 1)
        chunk = int(min(max(64, 2_000_000 // per_draw), 50_000))
    bar = _progress(samples, progress)
    try:
        chunks = weight_chunks(samples, m, seed, chunk, center if spread else None, spread)
        if n:
            if workers is None:
                workers = min(2, os.cpu_count() or 1)
            counts, first, first_weights = smaa_counts(values, chunks, score_sd, rng, bar, workers)
        else:
            counts, first, first_weights = np.zeros((0, 0)), np.zeros(0), np.zeros((0, m))
    finally:
        if bar is not None:
            bar.close()
    acceptability = counts / samples
    columns = list(range(1, n + 1))
    acc = pd.DataFrame(acceptability, index=pd.Index(ids, name="id"), columns=columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        central = first_weights / first[:, None]
    return SMAAResult(
        acceptability=acc,
        p_top_k=pd.Series(acceptability[:, :top_k].sum(axis=1), index=acc.index),
        expected_rank=pd.Series(acceptability @ np.arange(1, n + 1), index=acc.index),
        central_weights=pd.DataFrame(central, index=acc.index, columns=crits),
        current_rank=ranked["rank"].astype(int), score=ranked["score"], titles=ranked["title"],
        samples=samples, seed=seed, spread=spread, vary_scores=vary_scores, top_k=top_k,
        method=form.method,
    )  # fmt: skip


def smaa_run(
    run: Run,
    top_k: int = 3,
    vary_scores: bool | str = False,
    progress: bool | None = False,
    workers: int | None = None,
) -> SMAAResult:
    """SMAA of a resolved run: its method, weights and scores, drawing ``run.sampling``
    (its number of draws and seed, around the weights with its spread, or uniform): what
    the shells call.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.run import resolve_run
    >>> run = resolve_run(read_workbook(sample_path()), method="promethee", samples=1_000,
    ...                   seed=1, sampling="uniform")
    >>> result = smaa_run(run)
    >>> result.method, result.p_first.round(3).head(2).to_dict()
    ('promethee', {'ELOKET': 0.596, 'DIGIPUNT': 0.087})
    >>> result.p_first_se.round(4).head(2).to_dict()
    {'ELOKET': 0.0155, 'DIGIPUNT': 0.0089}
    """
    check_sampling(run.sampling.samples, run.sampling.spread, vary_scores)
    spread = None if run.sampling.mode == "uniform" else run.sampling.spread
    return smaa_prepared(run.prepared, run.weights, run.sampling.samples, run.sampling.seed,
                         spread, vary_scores, check_top_k(top_k), progress, workers=workers,
                         method=run.method)  # fmt: skip


def smaa(
    wb: Workbook,
    weights: str | Mapping | pd.Series | None = None,
    aggregate: str | None = None,
    samples: int = 10_000,
    seed: int | None = 0,
    spread: float | None = None,
    vary_scores: bool | str = False,
    top_k: int = 3,
    progress: bool | None = False,
    method: str | None = None,
) -> SMAAResult:
    """Stochastic multicriteria acceptability analysis of a ranking (validating wrapper).

    ``samples`` weight vectors are drawn with ``seed`` (reproducible): uniformly on the
    simplex (``spread=None``: "any weights at all"), or from a Dirichlet distribution
    around the weights in force with ``spread`` (concentration 1/spread: 0.05 is tight,
    1 is wide; see :mod:`prioritisation.engine.sampling`). With ``vary_scores`` every draw also
    draws each aggregated score from a normal distribution around it, clipped to the
    scale: ``True``/``"sem"`` with the standard error of the aggregate (the assessors'
    standard deviation / √(number who scored)), ``"sd"`` with the assessors' standard
    deviation itself (as uncertain as the members disagree). Memory stays bounded whatever
    ``samples`` (chunks); ``progress=None`` shows a progress bar on a terminal for runs
    longer than a second. ``method`` as for :func:`~prioritisation.engine.scoring.rank`
    (the workbook's setting, else ``wsm``): ``wsm``, ``promethee`` or ``wpm``.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> result = smaa(read_workbook(sample_path()), samples=1_000, seed=1)
    >>> result.p_first.round(3).head(3).to_dict()
    {'ELOKET': 0.55, 'DIGIPUNT': 0.086, 'ZOEK': 0.135}
    >>> result.expected_rank.round(2).head(3).to_dict()
    {'ELOKET': 2.25, 'DIGIPUNT': 4.04, 'ZOEK': 8.36}
    """
    check_sampling(samples, spread, vary_scores)
    top_k = check_top_k(top_k)
    method = check_robust_method(method or str(wb.settings.get("method") or "wsm"))
    return smaa_prepared(prepare(wb, aggregate), resolve_weights(wb, weights), int(samples),
                         seed, spread, vary_scores, top_k, progress, method=method)  # fmt: skip


def check_sampling(samples, spread, vary_scores) -> None:
    """The SMAA options as :func:`smaa` and :func:`robustness` take them (UsageError if bad)."""
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise UsageError("usage.samples", value=samples)
    if spread is not None and not (np.isfinite(spread) and spread > 0):
        raise UsageError("usage.spread", value=spread)
    if vary_scores not in (False, True, "sem", "sd"):
        raise UsageError("usage.vary_scores", value=vary_scores)


def _progress(total: int, progress: bool | None):
    if progress is False:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=" draws", file=sys.stderr, delay=1.0,
                disable=None if progress is None else not progress, leave=False)  # fmt: skip
