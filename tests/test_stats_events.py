"""Interrupted time series: planted level and slope changes under autocorrelated noise."""

import numpy as np
import pandas as pd
import pytest

from helpers.stats import newey_west_lags, segmented_regression


def _its(seed: int, level: float, slope: float, n: int = 200, event: int = 120, phi: float = 0.5) -> pd.Series:
    rng = np.random.default_rng(seed)
    e = np.zeros(n)
    shocks = rng.normal(size=n)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + shocks[t]
    t = np.arange(n)
    y = 10 + 0.05 * t + level * (t >= event) + slope * np.clip(t - event, 0, None) + e
    return pd.Series(y, index=pd.date_range("2024-01-01", periods=n, freq="D"))


EVENT = pd.Timestamp("2024-01-01") + pd.Timedelta(days=120)


def test_segmented_regression_recovers_planted_level_and_slope_change():
    s = _its(0, level=3.0, slope=0.03)
    s.iloc[5] = np.nan
    level, slope = segmented_regression(s, EVENT)
    assert level.covers(3.0) and slope.covers(0.03)
    assert level.p < 1e-4 and level.n == 199
    assert level.extra["n_pre"] == 119 and level.extra["n_post"] == 80
    assert level.extra["hac_maxlags"] == newey_west_lags(199)
    assert level.extra["pre_slope"] == pytest.approx(0.05, abs=0.02)


def _coverage(errors: str, reps: int = 150) -> tuple[float, float]:
    hits = np.array([[e.covers(v) for e, v in zip(segmented_regression(_its(100 + s, 3.0, 0.03), EVENT,
                                                                       errors=errors), (3.0, 0.03), strict=False)]
                     for s in range(reps)])
    return tuple(hits.mean(axis=0))


def test_segmented_regression_hac_coverage_is_known_to_run_narrow():
    # Newey-West with a trend and AR(1) phi=0.5 noise undercovers (~0.84 at nominal 0.95, see docstring);
    # this pins that documented behaviour so a regression below it is noticed.
    level_cov, slope_cov = _coverage("hac")
    assert level_cov >= 0.78 and slope_cov >= 0.8


def test_segmented_regression_ar1_errors_cover_near_nominal():
    level_cov, slope_cov = _coverage("ar1")
    assert level_cov >= 0.88 and slope_cov >= 0.9


def _null_rejection_rate(errors: str, reps: int = 150) -> float:
    return float(np.mean([segmented_regression(_its(500 + s, 0.0, 0.0), EVENT, errors=errors)[0].p < 0.05
                          for s in range(reps)]))


def test_segmented_regression_null_level_change_false_positive_rate():
    # Mirrors the coverage tests: HAC rejects a true null too often here (~0.15), AR(1) GLS much less.
    assert _null_rejection_rate("hac") <= 0.2
    assert _null_rejection_rate("ar1") <= 0.12


def test_segmented_regression_numeric_index_and_guard():
    s = _its(1, level=-2.0, slope=0.0).reset_index(drop=True)
    level, slope = segmented_regression(s, 120)
    assert level.covers(-2.0) and "period" in slope.name
    with pytest.raises(ValueError):
        segmented_regression(s, 198)
