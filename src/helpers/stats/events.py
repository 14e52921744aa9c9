"""Interrupted time series: level and slope change at an event, Newey-West (HAC) or AR(1) errors."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .result import Estimate

MIN_SIDE = 3


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule-of-thumb bandwidth floor(4·(n/100)^(2/9))."""
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def _time_axis(index: pd.Index, event: object) -> tuple[np.ndarray, float, str]:
    """Numeric time (days for datetimes), the event on that axis, and the unit name."""
    if isinstance(index, pd.DatetimeIndex):
        start = index[0]
        days = (index - start) / pd.Timedelta(days=1)
        return np.asarray(days, dtype=float), (pd.Timestamp(event) - start) / pd.Timedelta(days=1), "day"
    return np.asarray(index, dtype=float), float(event), "period"


def segmented_regression(
    series: pd.Series,
    event_date: object,
    hac_maxlags: int | None = None,
    ci: float = 0.95,
    errors: Literal["hac", "ar1"] = "hac",
) -> tuple[Estimate, Estimate]:
    """Fit y = b0 + b1·t + b2·post + b3·(t − t_event)·post; returns (level change b2, slope change b3).

    errors="hac": OLS with Newey-West SEs (default). With trending regressors and persistent
    noise HAC intervals run narrow (about 83% coverage at nominal 95%, ~15% false positives at
    nominal 5%, for AR(1) noise with phi=0.5, n=200, in this package's tests); errors="ar1" uses
    feasible GLS with AR(1) errors (statsmodels GLSAR, equally spaced observations assumed),
    which covers close to nominal (~91% level, ~95% slope) when that error model fits.
    Time is in days for a DatetimeIndex (slope change per day), otherwise in index units;
    observations on the event date count as post-event.
    """
    s = series.dropna().astype(float).sort_index()
    t, t0, unit = _time_axis(s.index, event_date)
    post = (t >= t0).astype(float)
    n_pre, n_post = int((post == 0).sum()), int(post.sum())
    if min(n_pre, n_post) < MIN_SIDE:
        raise ValueError(f"need >= {MIN_SIDE} observations each side of the event, got {n_pre} and {n_post}")
    exog = np.column_stack([np.ones_like(t), t, post, (t - t0) * post])
    res, method, extra = _fit(s.to_numpy(), exog, errors, hac_maxlags)
    conf = np.asarray(res.conf_int(alpha=1 - ci))
    extra.update({"event": event_date, "n_pre": n_pre, "n_post": n_post, "pre_slope": float(res.params[1]),
                  "pre_level_at_event": float(res.params[0] + res.params[1] * t0)})

    def est(name: str, j: int) -> Estimate:
        return Estimate(name, float(res.params[j]), float(conf[j, 0]), float(conf[j, 1]), float(res.pvalues[j]),
                        len(s), method, extra, ci)

    return est(f"level change at {event_date}", 2), est(f"slope change per {unit} at {event_date}", 3)


def _fit(y: np.ndarray, exog: np.ndarray, errors: str, hac_maxlags: int | None) -> tuple[object, str, dict]:
    """Segmented model fitted with the requested error structure: (results, method label, extra)."""
    if errors == "hac":
        lags = newey_west_lags(len(y)) if hac_maxlags is None else hac_maxlags
        res = sm.OLS(y, exog).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        return res, f"segmented OLS, Newey-West HAC SEs (maxlags={lags})", {"hac_maxlags": lags}
    if errors == "ar1":
        res = sm.GLSAR(y, exog, rho=1).iterative_fit(maxiter=20)
        return res, "segmented GLSAR, AR(1) errors", {"ar1_rho": float(res.model.rho[0])}
    raise ValueError(f"errors must be 'hac' or 'ar1', got {errors!r}")
