"""Variance decomposition: incremental R² of predictor blocks and general dominance weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ._bootstrap import CIMethod, bootstrap_ci
from .result import Estimate

MAX_DOMINANCE_PREDICTORS = 10


def _ols(data: np.ndarray, cols: Sequence[int]):
    """OLS of column 0 on a constant plus the given columns."""
    return sm.OLS(data[:, 0], sm.add_constant(data[:, list(cols)], has_constant="add")).fit()


def _block_r2(data: np.ndarray, a: Sequence[int], b: Sequence[int]) -> np.ndarray:
    """R² of full, block-a-only, block-b-only models and the two increments."""
    full, only_a, only_b = (_ols(data, c).rsquared for c in ([*a, *b], a, b))
    return np.array([full, only_a, only_b, full - only_a, full - only_b])


def delta_r2(
    df: pd.DataFrame,
    y: str,
    quantity_vars: Sequence[str],
    quality_vars: Sequence[str],
    n_boot: int = 200,
    ci: float = 0.95,
    seed: int | None = 0,
    ci_method: CIMethod = "percentile",
) -> tuple[Estimate, Estimate, Estimate, Estimate, Estimate]:
    """R² of full/quantity/quality OLS models and each block's ΔR² over the other (nested F-test p).

    Returns (r2_full, r2_quantity, r2_quality, delta_quality_over_quantity, delta_quantity_over_quality).
    ΔR² is non-negative by construction, so its bootstrap CI never straddles 0: judge
    "adds nothing" by the F-test p, and read the CI as the size of the increment.
    """
    qn, ql = list(quantity_vars), list(quality_vars)
    data = df[[y, *qn, *ql]].dropna().to_numpy(dtype=float)
    n = len(data)
    a = list(range(1, 1 + len(qn)))
    b = list(range(1 + len(qn), 1 + len(qn) + len(ql)))
    full, only_a, only_b = _ols(data, a + b), _ols(data, a), _ols(data, b)
    point = [full.rsquared, only_a.rsquared, only_b.rsquared,
             full.rsquared - only_a.rsquared, full.rsquared - only_b.rsquared]
    pvals = [full.f_pvalue, only_a.f_pvalue, only_b.f_pvalue,
             full.compare_f_test(only_a)[1], full.compare_f_test(only_b)[1]]

    def stat(idx: np.ndarray) -> np.ndarray:
        return _block_r2(data[idx], a, b)

    low, high, used = bootstrap_ci(stat, n, n_boot=n_boot, ci=ci, seed=seed, vectorized=False, method=ci_method)
    low, high = np.broadcast_to(low, 5), np.broadcast_to(high, 5)
    names = ["R² full", "R² quantity only", "R² quality only", "ΔR² quality over quantity",
             "ΔR² quantity over quality"]
    extra = {"quantity_vars": tuple(qn), "quality_vars": tuple(ql), "n_dropped_nan": len(df) - n}
    method = f"OLS R²; F-test p; {used} bootstrap ({n_boot})"
    return tuple(Estimate(nm, float(pt), float(lo), float(hi), float(p), n, method, extra, ci)
                 for nm, pt, lo, hi, p in zip(names, point, low, high, pvals, strict=False))  # type: ignore[return-value]


def subset_r2(data: np.ndarray) -> np.ndarray:
    """R² of column 0 on every subset of the other columns, indexed by bitmask (bit j = column j+1)."""
    # All 2^p R² values come from one correlation matrix (R²_S = r_yS' R_SS⁻¹ r_yS, exact for OLS
    # with intercept); fitting 2^p OLS models per bootstrap resample would dominate the runtime.
    corr = np.corrcoef(data, rowvar=False)
    p = data.shape[1] - 1
    r2 = np.zeros(2**p)
    for mask in range(1, 2**p):
        cols = [j + 1 for j in range(p) if mask >> j & 1]
        r_ys = corr[0, cols]
        r2[mask] = r_ys @ np.linalg.lstsq(corr[np.ix_(cols, cols)], r_ys, rcond=None)[0]
    return r2


def general_dominance(r2: np.ndarray) -> np.ndarray:
    """General dominance weights from subset R²: per predictor, mean over subset sizes of mean increments."""
    p = int(np.log2(len(r2)))
    masks = np.arange(len(r2))
    sizes = np.array([bin(m).count("1") for m in masks])
    weights = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j & 1) == 0]
        gains = r2[without | (1 << j)] - r2[without]
        per_size = np.bincount(sizes[without], weights=gains) / np.bincount(sizes[without])
        weights[j] = per_size.mean()
    return weights


def dominance_analysis(
    df: pd.DataFrame,
    y: str,
    predictors: Sequence[str],
    n_boot: int = 200,
    ci: float = 0.95,
    seed: int | None = 0,
    ci_method: CIMethod = "percentile",
) -> tuple[Estimate, ...]:
    """General dominance weight of each predictor (they sum to the full-model R²) plus the total R², bootstrap CIs."""
    predictors = list(predictors)
    if not 1 <= len(predictors) <= MAX_DOMINANCE_PREDICTORS:
        raise ValueError(f"need 1..{MAX_DOMINANCE_PREDICTORS} predictors (2^p subsets), got {len(predictors)}")
    data = df[[y, *predictors]].dropna().to_numpy(dtype=float)
    n = len(data)

    def stat(idx: np.ndarray) -> np.ndarray:
        r2 = subset_r2(data[idx])
        return np.append(general_dominance(r2), r2[-1])

    point = stat(np.arange(n))
    low, high, used = bootstrap_ci(stat, n, n_boot=n_boot, ci=ci, seed=seed, vectorized=False, method=ci_method)
    low, high = np.broadcast_to(low, len(point)), np.broadcast_to(high, len(point))
    total = point[-1]
    ranks = pd.Series(-point[:-1]).rank(method="min").astype(int).to_numpy()
    method = f"general dominance (mean incremental R² over all subsets); {used} bootstrap ({n_boot})"
    out = [
        Estimate(f"dominance {name}", float(point[j]), float(low[j]), float(high[j]), float("nan"), n, method,
                 {"share_of_r2": float(point[j] / total) if total > 0 else float("nan"), "rank": int(ranks[j])}, ci)
        for j, name in enumerate(predictors)
    ]
    out.append(Estimate("R² total", float(total), float(low[-1]), float(high[-1]), float("nan"), n,
                        f"OLS R²; {used} bootstrap ({n_boot})", {"n_dropped_nan": len(df) - n}, ci))
    return tuple(out)
