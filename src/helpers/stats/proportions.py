"""Shares with Wilson intervals, optionally for weighted samples via Kish's effective n."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from statsmodels.stats.proportion import proportion_confint

from .result import Estimate


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish effective sample size (Σw)² / Σw²."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


def proportion_ci(
    successes: int | ArrayLike,
    n: int | None = None,
    weights: ArrayLike | None = None,
    ci: float = 0.95,
    name: str = "share",
) -> Estimate:
    """Share with a Wilson CI: pass (count, n), or per-unit 0/1 outcomes with optional weights (Kish-adjusted).

    With weights the share is Σw·x/Σw and the Wilson interval uses the Kish effective n,
    which widens it when a few units carry most of the weight.
    """
    if np.ndim(successes) == 0:
        if weights is not None or n is None:
            raise ValueError("a scalar count needs n and no weights; pass per-unit outcomes to use weights")
        count, nobs, n_raw, n_dropped = float(successes), float(n), int(n), 0
        if not 0 <= count <= nobs:
            raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
        extra = {"n_eff": nobs, "weighted": False}
    else:
        count, nobs, n_raw, n_dropped, extra = _from_units(successes, weights)
    if nobs <= 0:
        return Estimate(name, np.nan, np.nan, np.nan, np.nan, n_raw, "Wilson; no data", extra, ci)
    low, high = proportion_confint(count, nobs, alpha=1 - ci, method="wilson")
    extra["n_dropped_nan"] = n_dropped
    method = "Wilson, Kish effective n" if extra["weighted"] else "Wilson"
    return Estimate(name, count / nobs, float(low), float(high), float("nan"), n_raw, method, extra, ci)


def _from_units(successes: ArrayLike, weights: ArrayLike | None) -> tuple[float, float, int, int, dict]:
    """(effective count, effective n, raw n, n dropped, extra) from 0/1 outcomes and optional weights."""
    x = np.asarray(successes, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape:
        raise ValueError(f"weights shape {w.shape} != successes shape {x.shape}")
    keep = ~(np.isnan(x) | np.isnan(w))
    x, w = x[keep], w[keep]
    if not np.isin(x, (0.0, 1.0)).all() or (w < 0).any():
        raise ValueError("successes must be 0/1 (or bool) and weights non-negative")
    if w.sum() == 0:
        return 0.0, 0.0, len(x), int((~keep).sum()), {"n_eff": 0.0, "weighted": weights is not None}
    share = float((w * x).sum() / w.sum())
    n_eff = kish_effective_n(w) if weights is not None else float(len(x))
    return share * n_eff, n_eff, len(x), int((~keep).sum()), {"n_eff": n_eff, "weighted": weights is not None}
