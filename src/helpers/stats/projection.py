"""When will a cumulative count (e.g. followers) reach a target? Projection with a prediction interval.

Default model "rw_drift": the cumulative count is a random walk with drift, i.e. daily increments
are i.i.d. with mean mu (the drift) and variance sigma². mu and sigma² come from a WLS fit of the
increments (statsmodels; gaps of k days count as k daily steps). The first day the walk reaches
the target is then inverse-Gaussian (Brownian first passage), so the prediction interval for the
date is simulated from that law while also drawing mu and sigma² from their sampling
distributions (parameter uncertainty). A linear or log-linear trend fitted to the cumulative
counts ("linear", "loglinear") is offered for comparison, but its residuals are strongly
autocorrelated, so its prediction bands and hence its date interval are too narrow.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats

from .result import Estimate

GrowthModel = Literal["rw_drift", "linear", "loglinear"]


def growth_projection(
    dates: ArrayLike,
    counts: ArrayLike,
    target: float,
    horizon_days: int = 730,
    model: GrowthModel = "rw_drift",
    ci: float = 0.95,
    n_sim: int = 20_000,
    seed: int | None = 0,
) -> Estimate:
    """Days from the last observation until counts reach target, with a prediction interval; dates in extra.

    An infinite bound means "not reached" (drift not positive, or for trend models not within
    horizon_days); extra["p_within_horizon"] is the simulated chance of reaching it by then (rw_drift).
    """
    s = _clean(dates, counts)
    last_date, last = s.index[-1], float(s.iloc[-1])
    t = np.asarray((s.index - s.index[0]) / pd.Timedelta(days=1), dtype=float)
    if last >= target:
        days, low, high, extra = 0.0, 0.0, 0.0, {"already_reached": True}
    elif model == "rw_drift":
        days, low, high, extra = _rw_drift(t, s.to_numpy(), target - last, ci, n_sim, seed, horizon_days)
    elif model in ("linear", "loglinear"):
        days, low, high, extra = _trend(t, s.to_numpy(), target, ci, horizon_days, log=model == "loglinear")
    else:
        raise ValueError(f"model must be 'rw_drift', 'linear' or 'loglinear', got {model!r}")
    extra.update({"target": target, "last_date": last_date, "last_count": last, "horizon_days": horizon_days,
                  "date": _date(last_date, days), "date_low": _date(last_date, low),
                  "date_high": _date(last_date, high)})
    return Estimate(f"days to {target:g}", days, low, high, float("nan"), len(s), _METHODS[model], extra, ci)


_METHODS = {
    "rw_drift": "random walk with drift (WLS on increments), inverse-Gaussian first-passage simulation",
    "linear": "OLS linear trend, first crossing of prediction bands",
    "loglinear": "OLS log-linear trend, first crossing of prediction bands",
}


def _clean(dates: ArrayLike, counts: ArrayLike) -> pd.Series:
    """Counts indexed by date, NaNs dropped, sorted, one value per date (the last)."""
    s = pd.Series(np.asarray(counts, dtype=float), index=pd.DatetimeIndex(dates)).dropna().sort_index()
    s = s[~s.index.duplicated(keep="last")]
    if len(s) < 4:
        raise ValueError(f"need at least 4 dated observations, got {len(s)}")
    return s


def _date(start: pd.Timestamp, days: float) -> pd.Timestamp:
    """start + days rounded to the day, NaT when days is not finite."""
    return (start + pd.Timedelta(days=float(days))).round("D") if np.isfinite(days) else pd.NaT


def _rw_drift(
    t: np.ndarray, c: np.ndarray, remaining: float, ci: float, n_sim: int, seed: int | None, horizon: int
) -> tuple[float, float, float, dict[str, Any]]:
    """First-passage days for a random walk with drift, parameters drawn from their sampling distribution."""
    dt, dc = np.diff(t), np.diff(c)
    # WLS with weights 1/dt: drift = total change / total days, scale = per-day increment variance.
    res = sm.WLS(dc, dt, weights=1.0 / dt).fit()
    mu, sigma2, dof = float(res.params[0]), float(res.scale), int(res.df_resid)
    rng = np.random.default_rng(seed)
    sigma2_s = sigma2 * dof / rng.chisquare(dof, n_sim)
    mu_s = rng.normal(mu, np.sqrt(sigma2_s / dt.sum()))
    passage = np.full(n_sim, np.inf)
    up = mu_s > 0
    if sigma2 > 0:
        shape = remaining**2 / sigma2_s[up]
        passage[up] = stats.invgauss.rvs((remaining / mu_s[up]) / shape, scale=shape, random_state=rng)
    else:
        passage[up] = remaining / mu_s[up]
    # inverted_cdf avoids interpolating between a finite draw and inf.
    low, high = np.quantile(passage, [(1 - ci) / 2, (1 + ci) / 2], method="inverted_cdf")
    extra = {"already_reached": False, "drift_per_day": mu, "drift_se": float(res.bse[0]),
             "sigma_per_day": float(np.sqrt(sigma2)), "p_within_horizon": float(np.mean(passage <= horizon)),
             "p_drift_not_positive": float(np.mean(~up))}
    days = remaining / mu if mu > 0 else float("inf")
    return float(days), float(low), float(high), extra


def _trend(
    t: np.ndarray, c: np.ndarray, target: float, ci: float, horizon: int, log: bool
) -> tuple[float, float, float, dict[str, Any]]:
    """Crossing of the fitted trend and of its prediction bands, searched day by day up to horizon."""
    if log and (c <= 0).any():
        raise ValueError("loglinear needs positive counts")
    y, goal = (np.log(c), np.log(target)) if log else (c, target)
    res = sm.OLS(y, sm.add_constant(t)).fit()
    ahead = np.arange(0, horizon + 1, dtype=float)
    frame = res.get_prediction(sm.add_constant(t[-1] + ahead, has_constant="add")).summary_frame(alpha=1 - ci)
    b0, b1 = res.params
    days = max((goal - b0) / b1 - t[-1], 0.0) if b1 > 0 else float("inf")
    extra = {"already_reached": False, "slope_per_day": float(b1), "slope_se": float(res.bse[1]),
             "r2": float(res.rsquared)}
    earliest, latest = _first(ahead, frame["obs_ci_upper"] >= goal), _first(ahead, frame["obs_ci_lower"] >= goal)
    return float(days), earliest, latest, extra


def _first(ahead: np.ndarray, hit: pd.Series) -> float:
    """First day ahead where hit is True, inf if never."""
    hits = np.flatnonzero(hit.to_numpy())
    return float(ahead[hits[0]]) if len(hits) else float("inf")
