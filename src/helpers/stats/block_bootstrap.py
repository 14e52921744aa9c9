"""Moving-block bootstrap for time series: resample runs of consecutive rows so that autocorrelation survives."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np


def block_length(n: int) -> int:
    """The block length used: ceil(n^(1/3)), the usual rate for the moving-block bootstrap (at least 2)."""
    return max(2, math.ceil(n ** (1 / 3)))


def block_indices(n: int, n_boot: int, block: int | None = None, seed: int | None = 0) -> Iterator[np.ndarray]:
    """Row indices of n_boot moving-block resamples of 0..n-1 (blocks of `block` consecutive rows, cut to n)."""
    rng = np.random.default_rng(seed)
    size = block or block_length(n)
    starts_max = max(1, n - size + 1)
    k = math.ceil(n / size)
    for _ in range(n_boot):
        starts = rng.integers(0, starts_max, k)
        yield (starts[:, None] + np.arange(size)[None, :]).ravel()[:n]


def block_bootstrap(statistic: Callable[[np.ndarray], np.ndarray], n: int, n_boot: int, block: int | None = None,
                    seed: int | None = 0) -> np.ndarray:
    """statistic(indices) over moving-block resamples, one row per resample (NaN rows where it failed)."""
    rows = []
    for idx in block_indices(n, n_boot, block, seed):
        try:
            rows.append(np.atleast_1d(np.asarray(statistic(idx), dtype=float)))
        except (ValueError, np.linalg.LinAlgError):  # a degenerate resample (e.g. a constant column)
            rows.append(None)
    width = max((len(r) for r in rows if r is not None), default=1)
    if not rows:
        return np.empty((0, width))
    return np.vstack([r if r is not None else np.full(width, np.nan) for r in rows])


def percentile_ci(draws: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Percentile interval of finite draws (NaN, NaN when fewer than 20 are finite)."""
    finite = np.asarray(draws, dtype=float)
    finite = finite[np.isfinite(finite)]
    if len(finite) < 20:
        return math.nan, math.nan
    low, high = np.quantile(finite, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)
