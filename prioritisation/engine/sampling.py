"""Random weight vectors for robustness analysis (SMAA, P(funded)), reproducible by seed.

Uniform on the simplex is Dirichlet(1, …, 1); "around the given weights" is
Dirichlet(concentration × weights): the larger the concentration, the tighter the spread
(concentration = 1 / spread). Sampling is chunked so that memory stays bounded for any N.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def sample_weights(
    n: int, m: int, rng: np.random.Generator, center=None, spread: float | None = None
) -> np.ndarray:
    """``n`` weight vectors over ``m`` criteria, each summing to 1 (rows)."""
    if center is None or spread is None or spread <= 0:
        draws = -np.log(rng.random((n, m)))  # exponential(1) = Dirichlet(1) after normalising
    else:
        center = np.asarray(center, dtype=float)
        alpha = np.maximum(center / center.sum() / spread, 1e-3)
        draws = rng.gamma(alpha, 1.0, size=(n, m))
    return draws / draws.sum(axis=1, keepdims=True)


def weight_chunks(
    n: int,
    m: int,
    seed: int | None = 0,
    chunk: int = 10_000,
    center=None,
    spread: float | None = None,
) -> Iterator[np.ndarray]:
    """Yield ``n`` samples in chunks of at most ``chunk`` rows, from one seeded generator."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < n:
        size = min(chunk, n - done)
        yield sample_weights(size, m, rng, center, spread)
        done += size
