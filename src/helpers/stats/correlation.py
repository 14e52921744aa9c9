"""Rank correlations with bootstrap CIs: full sample, top decile (Cha et al. 2010) and partial."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Literal, TypedDict, Unpack

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats

from ._bootstrap import CIMethod, bootstrap_ci
from .result import Estimate

RankMethod = Literal["spearman", "kendall"]


def _clean_pairs(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray, int]:
    """Float arrays with every pair containing a NaN removed, plus the number removed."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D and equally long, got {xa.shape} and {ya.shape}")
    keep = ~(np.isnan(xa) | np.isnan(ya))
    return xa[keep], ya[keep], int((~keep).sum())


def _spearman_last_axis(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman rho along the last axis (average ranks for ties), for vectorised bootstrap."""
    rx = stats.rankdata(x, axis=-1)
    ry = stats.rankdata(y, axis=-1)
    rx -= rx.mean(axis=-1, keepdims=True)
    ry -= ry.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=-1) / np.sqrt((rx**2).sum(axis=-1) * (ry**2).sum(axis=-1))


def _point(method: RankMethod, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(statistic, p) from scipy; tau-b for Kendall so ties are corrected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=stats.ConstantInputWarning)
        if method == "spearman":
            res = stats.spearmanr(x, y)
        elif method == "kendall":
            res = stats.kendalltau(x, y, variant="b")
        else:
            raise ValueError(f"method must be 'spearman' or 'kendall', got {method!r}")
    return float(res.statistic), float(res.pvalue)


def _boot_statistic(method: RankMethod, x: np.ndarray, y: np.ndarray) -> tuple[Callable, bool]:
    """Bootstrap statistic over row indices and whether it is vectorised."""
    if method == "spearman":
        return (lambda idx, axis=-1: _spearman_last_axis(x[idx], y[idx])), True
    # scipy's kendalltau has no axis argument; one O(n log n) call per resample is still fast.
    return (lambda idx: stats.kendalltau(x[idx], y[idx], variant="b").statistic), False


def _name(prefix: str, x: object, y: object) -> str:
    """'prefix(x, y)' when the inputs carry names, else just prefix."""
    nx, ny = getattr(x, "name", None), getattr(y, "name", None)
    return f"{prefix}({nx}, {ny})" if nx is not None and ny is not None else prefix


def rank_correlation_ci(
    x: ArrayLike,
    y: ArrayLike,
    method: RankMethod = "spearman",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int | None = 0,
    ci_method: CIMethod = "auto",
    name: str | None = None,
) -> Estimate:
    """Spearman rho or Kendall tau-b with scipy's p-value, a paired bootstrap CI and the n used."""
    xa, ya, dropped = _clean_pairs(x, y)
    n = len(xa)
    extra = {"n_dropped_nan": dropped, "n_tied_x": n - len(np.unique(xa)), "n_tied_y": n - len(np.unique(ya))}
    label = name or _name(method, x, y)
    if n < 3 or np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Estimate(label, np.nan, np.nan, np.nan, np.nan, n, f"{method}; undefined", extra, ci)
    rho, p = _point(method, xa, ya)
    stat, vectorized = _boot_statistic(method, xa, ya)
    low, high, used = bootstrap_ci(stat, n, n_boot=n_boot, ci=ci, seed=seed, vectorized=vectorized, method=ci_method)
    label_method = f"{method}{'' if method == 'spearman' else ' tau-b'}; {used} bootstrap ({n_boot})"
    return Estimate(label, rho, low, high, p, n, label_method, extra, ci)


class RankOptions(TypedDict, total=False):
    """The options spearman_ci and kendall_ci pass on to rank_correlation_ci (same names, same defaults)."""

    n_boot: int
    ci: float
    seed: int | None
    ci_method: CIMethod
    name: str | None


def spearman_ci(x: ArrayLike, y: ArrayLike, **options: Unpack[RankOptions]) -> Estimate:
    """Spearman rho (average ranks for ties), scipy p-value, paired bootstrap CI (BCa up to n=2000)."""
    return rank_correlation_ci(x, y, "spearman", **options)


def kendall_ci(x: ArrayLike, y: ArrayLike, **options: Unpack[RankOptions]) -> Estimate:
    """Kendall tau-b (tie-corrected), scipy p-value, paired bootstrap CI (BCa up to n=2000)."""
    return rank_correlation_ci(x, y, "kendall", **options)


def top_share_threshold(values: pd.Series, q: float) -> tuple[float, int]:
    """Cut-off value and nominal size k of the top (1-q) share: the k-th largest value, k = ceil((1-q)·n)."""
    # round() first: (1 - 0.9) * 100 is 10.000000000000002 in floating point and would ceil to 11.
    k = max(1, math.ceil(round((1.0 - q) * len(values), 9)))
    return float(values.nlargest(k).iloc[-1]), k


def top_decile_correlation(
    df: pd.DataFrame,
    x: str,
    y: str,
    by: str | None = None,
    q: float = 0.9,
    method: RankMethod = "spearman",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int | None = 0,
) -> tuple[Estimate, Estimate]:
    """Correlation on the full sample and on the top (1-q) share ranked by `by` (default x), ties at the cut included.

    Restriction of range attenuates the top-share correlation, which is why the full-sample
    figure is always returned alongside it (Cha et al. 2010 report both).
    """
    if not 0 < q < 1:
        raise ValueError(f"q must be in (0, 1), got {q}")
    by = by or x
    data = df[list(dict.fromkeys([x, y, by]))].dropna()
    n_dropped = len(df) - len(data)
    full = rank_correlation_ci(data[x], data[y], method, n_boot, ci, seed, name=f"{method}({x}, {y}) full")
    full = _with_extra(full, {"n_dropped_nan": n_dropped})
    if data.empty:
        return full, full
    threshold, k = top_share_threshold(data[by], q)
    top = data[data[by] >= threshold]
    label = f"{method}({x}, {y}) top {100 * (1 - q):.0f}% by {by}"
    top_est = rank_correlation_ci(top[x], top[y], method, n_boot, ci, seed, name=label)
    ties = {
        "q": q,
        "by": by,
        "threshold": threshold,
        "n_nominal": k,
        "n_at_threshold": int((data[by] == threshold).sum()),
        "n_extra_ties": len(top) - k,
    }
    return full, _with_extra(top_est, ties)


def _with_extra(est: Estimate, more: dict) -> Estimate:
    """Copy of est with extra entries added."""
    return Estimate(est.name, est.estimate, est.ci_low, est.ci_high, est.p, est.n, est.method,
                    {**est.extra, **more}, est.ci_level)


def _partial_r(data: np.ndarray, ranks: bool) -> float:
    """Correlation of columns 0 and 1 after regressing both on the remaining columns (OLS)."""
    if ranks:
        data = stats.rankdata(data, axis=0)
    exog = sm.add_constant(data[:, 2:], has_constant="add")
    # One OLS call with a two-column endog residualises x and y together.
    resid = sm.OLS(data[:, :2], exog).fit().resid
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.corrcoef(resid, rowvar=False)[0, 1])


def partial_correlation(
    df: pd.DataFrame,
    x: str,
    y: str,
    covars: Sequence[str],
    method: Literal["spearman", "pearson"] = "spearman",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int | None = 0,
    ci_method: CIMethod = "auto",
) -> Estimate:
    """Partial correlation of x and y given covars: OLS residualisation (on ranks for Spearman), bootstrap CI."""
    if method not in ("spearman", "pearson"):
        raise ValueError(f"method must be 'spearman' or 'pearson', got {method!r}")
    covars = list(covars)
    data = df[[x, y, *covars]].dropna().to_numpy(dtype=float)
    n, k = len(data), len(covars)
    ranks = method == "spearman"
    r = _partial_r(data, ranks) if n > k + 2 else float("nan")
    p = _partial_p(r, n - 2 - k)

    def stat(idx: np.ndarray) -> float:
        return _partial_r(data[idx], ranks)

    low, high, used = (bootstrap_ci(stat, n, n_boot=n_boot, ci=ci, seed=seed, vectorized=False, method=ci_method)
                       if np.isfinite(r) else (np.nan, np.nan, "none"))
    extra = {"covars": tuple(covars), "n_dropped_nan": len(df) - n, "df_resid": n - 2 - k}
    return Estimate(f"partial {method}({x}, {y} | {', '.join(covars)})", r, low, high, p, n,
                    f"partial {method} via OLS residuals; t-test p; {used} bootstrap ({n_boot})", extra, ci)


def _partial_p(r: float, dof: int) -> float:
    """Two-sided p for a partial correlation with dof = n - 2 - number of covariates."""
    if not np.isfinite(r) or dof < 1:
        return float("nan")
    t = r * math.sqrt(dof / max(1.0 - r * r, 1e-300))
    return float(2 * stats.t.sf(abs(t), dof))
