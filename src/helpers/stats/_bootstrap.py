"""Row-index bootstrap shared by the estimators (private)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from scipy import stats

CIMethod = Literal["auto", "BCa", "percentile", "basic"]

# BCa needs a jackknife (n extra evaluations, O(n^2) work for rank statistics),
# so "auto" switches to percentile above this n where the two agree closely anyway.
BCA_MAX_N = 2000
# Caps the (resamples x n) index block held in memory per batch.
_MAX_CELLS = 4_000_000


def bootstrap_ci(
    statistic: Callable[..., np.ndarray | float],
    n: int,
    *,
    n_boot: int,
    ci: float,
    seed: int | None,
    vectorized: bool,
    method: CIMethod = "auto",
) -> tuple[Any, Any, str]:
    """CI of statistic(idx) over bootstrap resamples of row indices 0..n-1; returns (low, high, method used).

    low and high are floats for a scalar statistic and arrays for a vector-valued one.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    if n_boot <= 0 or n < 3:
        return float("nan"), float("nan"), "none"
    batch = max(1, _MAX_CELLS // n) if vectorized else None

    def run(chosen: str) -> tuple[Any, Any]:
        """One scipy.stats.bootstrap call by the chosen method, with degenerate-data warnings silenced."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=stats.DegenerateDataWarning)
            warnings.simplefilter("ignore", category=RuntimeWarning)
            res = stats.bootstrap(
                (np.arange(n),),
                statistic,
                n_resamples=n_boot,
                vectorized=vectorized,
                confidence_level=ci,
                method=chosen,
                batch=batch,
                rng=np.random.default_rng(seed),
            )
        return _plain(res.confidence_interval.low), _plain(res.confidence_interval.high)

    chosen = ("BCa" if n <= BCA_MAX_N else "percentile") if method == "auto" else method
    low, high = run(chosen)
    if chosen == "BCa" and not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        # BCa is undefined when the jackknife is degenerate (e.g. heavy ties); percentile still works.
        chosen = "percentile"
        low, high = run(chosen)
    return low, high, chosen


def _plain(value: Any) -> Any:
    """Python float for 0-d results, ndarray otherwise."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr
