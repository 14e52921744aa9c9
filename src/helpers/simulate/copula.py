"""A Gaussian copula of profile variables: fitted as marginal quantiles and a normal-scores correlation matrix,
sampled by drawing correlated normals and reading each variable off its quantiles. Only these parameters are
kept (never the rows they came from)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

PROBS = np.linspace(0.005, 0.995, 100)  # marginal quantiles; no single extreme account is kept
MIN_EIGENVALUE = 1e-6


def normal_scores(values: pd.Series) -> pd.Series:
    """Van der Waerden scores of a column (NaN where the value is missing)."""
    ranks = values.rank(method="average")
    return pd.Series(sps.norm.ppf((ranks - 0.5) / values.notna().sum()), index=values.index)


def nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    """A pairwise-complete correlation matrix made positive definite (eigenvalues clipped, unit diagonal)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    fixed = vectors @ np.diag(np.clip(values, MIN_EIGENVALUE, None)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def fit(frame: pd.DataFrame) -> dict:
    """Marginal quantiles of each column and the correlation of their normal scores (pairwise complete)."""
    scores = frame.apply(normal_scores)
    corr = nearest_correlation(scores.corr(min_periods=30).fillna(0.0).to_numpy())
    return {
        "variables": list(frame.columns),
        "probabilities": np.round(PROBS, 4).tolist(),
        "n": {c: int(frame[c].notna().sum()) for c in frame.columns},
        "quantiles": {c: np.round(np.quantile(frame[c].dropna(), PROBS), 4).tolist() for c in frame.columns},
        "correlation": np.round(corr, 4).tolist(),
    }


def sample(rng: np.random.Generator, params: dict, n: int) -> pd.DataFrame:
    """n draws from a fitted copula, one column per variable."""
    corr = nearest_correlation(np.asarray(params["correlation"], dtype=float))  # rounding may leave it semi-definite
    z = rng.standard_normal((n, len(corr))) @ np.linalg.cholesky(corr).T
    u = sps.norm.cdf(z)
    probs = np.asarray(params["probabilities"], dtype=float)
    return pd.DataFrame({v: np.interp(u[:, j], probs, params["quantiles"][v])
                         for j, v in enumerate(params["variables"])})
