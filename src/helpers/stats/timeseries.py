"""Time-series checks and lead-lag tests: ADF/KPSS stationarity, differencing, cross-correlation, Granger."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import adfuller, ccf, grangercausalitytests, kpss

from .result import Estimate

# statsmodels' KPSS p-values are interpolated from a table and clipped to this range.
_KPSS_P_RANGE = (0.01, 0.10)


@dataclass(frozen=True)
class Stationarity:
    """ADF (H0: unit root) and KPSS (H0: level-stationary) results and their joint decision."""

    adf_stat: float
    adf_p: float
    kpss_stat: float
    kpss_p: float
    n: int
    alpha: float
    decision: Literal["stationary", "non-stationary", "inconclusive"]
    kpss_p_clipped: bool

    def as_dict(self) -> dict[str, Any]:
        """Fields as a flat dict."""
        return asdict(self)


@dataclass(frozen=True)
class Stationarised:
    """A series differenced until ADF and KPSS agree it is stationary (or max_diff was hit)."""

    series: pd.Series
    n_diff: int
    stationary: bool
    tests: tuple[Stationarity, ...]

    def as_dict(self) -> dict[str, Any]:
        """Summary without the series itself."""
        return {"n_diff": self.n_diff, "stationary": self.stationary, "n": len(self.series),
                "decisions": tuple(t.decision for t in self.tests)}


@dataclass(frozen=True)
class GrangerResult:
    """Per-lag Granger F-tests on stationary series and the lag chosen by an information criterion."""

    cause: str
    effect: str
    table: pd.DataFrame
    best_lag: int
    ic: str
    n_diff: int
    n: int
    stationary: bool

    @property
    def best(self) -> Estimate:
        """F-test at the selected lag (a test statistic: no CI, so ci_low/ci_high are NaN)."""
        row = self.table.loc[self.table["lag"] == self.best_lag].iloc[0]
        extra = {"lag": self.best_lag, "n_diff": self.n_diff, "df_num": int(row["df_num"]),
                 "df_denom": int(row["df_denom"]), "ic": self.ic}
        return Estimate(f"granger {self.cause} -> {self.effect}", float(row["F"]), np.nan, np.nan,
                        float(row["p"]), int(row["n"]), f"Granger SSR F-test, lag by {self.ic}", extra)

    def as_dict(self) -> dict[str, Any]:
        """Headline numbers as a flat dict."""
        return {"cause": self.cause, "effect": self.effect, "best_lag": self.best_lag, "ic": self.ic,
                "F": self.best.estimate, "p": self.best.p, "n": self.n, "n_diff": self.n_diff,
                "stationary": self.stationary}


def stationarity(series: ArrayLike, alpha: float = 0.05) -> Stationarity:
    """ADF and KPSS (constant only) on the non-NaN values; 'stationary' only when both agree."""
    x = pd.Series(series, dtype=float).dropna().to_numpy()
    adf = adfuller(x, autolag="AIC", result_object=True)
    with warnings.catch_warnings():
        # The clipping is recorded in kpss_p_clipped instead of a warning per call.
        warnings.simplefilter("ignore", category=InterpolationWarning)
        kp = kpss(x, regression="c", nlags="auto", result_object=True)
    adf_rejects, kpss_rejects = adf.pvalue < alpha, kp.pvalue < alpha
    if adf_rejects and not kpss_rejects:
        decision = "stationary"
    elif kpss_rejects and not adf_rejects:
        decision = "non-stationary"
    else:
        decision = "inconclusive"
    return Stationarity(float(adf.statistic), float(adf.pvalue), float(kp.statistic), float(kp.pvalue), len(x),
                        alpha, decision, bool(kp.pvalue in _KPSS_P_RANGE))


def make_stationary(series: ArrayLike, max_diff: int = 2, alpha: float = 0.05) -> Stationarised:
    """Difference until ADF and KPSS agree on stationarity, at most max_diff times; reports how many.

    Leading/trailing NaNs are trimmed; interior NaNs raise, since a difference across a gap is not a daily change.
    """
    s = _contiguous(pd.Series(series, dtype=float).to_frame()).iloc[:, 0]
    tests = []
    for d in range(max_diff + 1):
        tests.append(stationarity(s, alpha))
        if tests[-1].decision == "stationary" or d == max_diff:
            break
        s = s.diff().dropna()
    return Stationarised(s, d, tests[-1].decision == "stationary", tuple(tests))


def _contiguous(data: pd.DataFrame) -> pd.DataFrame:
    """Trim leading/trailing NaN rows; interior gaps would silently misalign lags, so they raise."""
    complete = data.notna().all(axis=1).to_numpy()
    if not complete.any():
        raise ValueError("no complete rows")
    first, last = np.argmax(complete), len(complete) - 1 - np.argmax(complete[::-1])
    core = data.iloc[first : last + 1]
    if core.isna().any().any():
        raise ValueError("interior NaNs: fill or resample the series before lag analysis")
    return core.astype(float)


def lagged_xcorr(x: ArrayLike, y: ArrayLike, max_lag: int, ci: float = 0.95) -> pd.DataFrame:
    """corr(x_t, y_{t+lag}) for lag in [-max_lag, max_lag] (positive lag: x leads y) with ±z/√n white-noise bands.

    The bands are only valid when at least one series is white noise; prewhiten or
    difference autocorrelated series first, or the bands are far too narrow.
    """
    data = _contiguous(pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}))
    n = len(data)
    if max_lag >= n:
        raise ValueError(f"max_lag={max_lag} needs more than {n} observations")
    xv, yv = data["x"].to_numpy(), data["y"].to_numpy()
    # statsmodels' ccf(a, b)[k] = corr(a_{t+k}, b_t) for k >= 0, so each side of zero is one call.
    leads = ccf(yv, xv, adjusted=False, nlags=max_lag + 1)
    lags = ccf(xv, yv, adjusted=False, nlags=max_lag + 1)
    r = np.concatenate([lags[1:][::-1], leads])
    band = stats.norm.ppf(0.5 + ci / 2) / np.sqrt(n)
    lag = np.arange(-max_lag, max_lag + 1)
    return pd.DataFrame({"lag": lag, "r": r, "band_low": -band, "band_high": band,
                         "n": n, "n_pairs": n - np.abs(lag), "outside_band": np.abs(r) > band})


def granger(
    df: pd.DataFrame,
    cause: str,
    effect: str,
    max_lag: int,
    max_diff: int = 2,
    ic: Literal["aic", "bic", "hqic", "fpe"] = "aic",
    alpha: float = 0.05,
) -> GrangerResult:
    """Does `cause` Granger-cause `effect`? SSR F-test per lag on jointly differenced (stationary) series.

    Both series get the larger of their individual differencing orders so they stay aligned and
    comparable. The best lag is chosen by `ic` from a VAR on a common sample, not by the smallest p.
    stationary=False in the result means max_diff differences did not satisfy both tests for both
    series, so the F-tests may be spurious.
    """
    data = _contiguous(df[[effect, cause]])
    orders = [make_stationary(data[c], max_diff, alpha) for c in (effect, cause)]
    n_diff = max(o.n_diff for o in orders)
    arr = np.diff(data.to_numpy(), n=n_diff, axis=0)
    res = grangercausalitytests(arr, maxlag=max_lag)
    rows = [{"lag": lag, "F": out[0]["ssr_ftest"][0], "p": out[0]["ssr_ftest"][1],
             "df_denom": int(out[0]["ssr_ftest"][2]), "df_num": int(out[0]["ssr_ftest"][3]),
             "n": int(out[0]["ssr_ftest"][2] + 2 * lag + 1)} for lag, out in sorted(res.items())]
    best = int(getattr(VAR(arr).select_order(max_lag), ic))
    stationary = all(o.stationary for o in orders)
    return GrangerResult(cause, effect, pd.DataFrame(rows), max(best, 1), ic, n_diff, len(arr), stationary)
