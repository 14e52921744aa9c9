"""H03 in one model: do relevant followers bring visits beyond what all followers bring, and do all followers bring
visits beyond the relevant ones?

Daily sessions from the account's network on link-free days (no link post that day or the day before) are fitted
by one quasi-Poisson GLM (log link, Pearson chi2 scale) on log relevant followers and log total followers, both
`lag` days earlier, day of week and a linear time trend. Both contrasts come from the same regression (the
encompassing model of the two single-audience models):

- quality: the coefficient of log relevant followers with total followers held fixed (more of the same audience
  relevant); positive backs quality;
- quantity: the coefficient of log total followers with relevant followers held fixed (more followers who are not
  relevant).

Why detrend rather than difference: followers are cumulative counts that grow smoothly, so their day-to-day
changes are tiny next to the day-to-day noise in visits, and first differences leave almost no signal (on the
sample the relevant contrast's standard error is about five times larger differenced than detrended). The linear
trend in the model is, by Frisch-Waugh, the same as detrending every series first; it also absorbs anything else
that grows steadily over time (search ranking, the blog's own growth) that would otherwise be credited to
followers. ADF and KPSS are reported on the series in levels, detrended, and on the model's residuals (stationary
residuals mean the regression is not spurious).

The lag is the one with the lowest AIC of this model over 0..max_lag days, all lags fitted on the same days (ties
go to the shorter lag). Standard errors come from a moving-block bootstrap over the days in order (blocks of
ceil(sqrt(n)) days, helpers.stats.block_bootstrap), with Student-t critical values on (number of blocks - 1)
degrees of freedom for the intervals and p-values. Measured over 180 simulated worlds where visits follow total
followers with AR(1) noise (phi 0.5, the generator of tests/test_traffic_audience.py), the quality contrast
rejected a true null in 13 % of worlds with the quasi-Poisson Wald test (it ignores the day-to-day dependence),
14 % with percentile intervals of blocks of ceil(n^(1/3)) days, 10 % with their standard error and the t, and 6 %
with blocks of ceil(sqrt(n)) days and the t (what is used). The Wald p is kept in extra.

The exchange rate: at a relevant share s, +10 points of relevant followers with the total fixed raises log visits by
b_R·log(1 + 0.1/s); x % more followers at the same share raise it by (b_R + b_F)·log(1 + x/100). The exchange rate is
the x giving the same gain: 100·((1 + 0.1/s)^(b_R/(b_R + b_F)) − 1), undefined when b_R + b_F ≤ 0 (more followers
bring no visits, so no number of them matches the gain) or s + 0.1 > 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.diagnostic import acorr_ljungbox

from helpers.stats import Estimate, stationarity
from helpers.stats.block_bootstrap import block_bootstrap
from helpers.stats.unit_root import stationarity_report

MIN_DAYS = 30
RELEVANCE_POINTS = 0.10  # the +10 points of relevant followers the exchange rate prices
H03_NAME = "elasticity of daily sessions on relevant followers, total followers held fixed (quality contrast)"
QUALITY_MEASURE = ("elasticity of daily sessions from the network on relevant followers with total followers held "
                   "fixed (one quasi-Poisson model with both, day of week and a linear trend; link-free days)")
QUANTITY_MEASURE = ("elasticity of daily sessions from the network on total followers with relevant followers held "
                    "fixed (same model)")
EXCHANGE_MEASURE = ("% more followers (at the same relevant share) giving the same gain in visits as +10 points of "
                    "relevant followers with the total fixed")


def audience_rows(frame: pd.DataFrame, lag: int, max_lag: int | None = None) -> pd.DataFrame:
    """Link-free days with log relevant and log total followers `lag` days earlier, the share and time in years.

    With max_lag, the first max_lag days are dropped whatever the lag, so that every lag is fitted on the same days.
    """
    logs = {c: np.log(frame[c].where(frame[c] > 0)) for c in ("relevant", "followers")}
    data = frame.assign(log_relevant=logs["relevant"].shift(lag), log_followers=logs["followers"].shift(lag),
                        share=(frame["relevant"] / frame["followers"]).shift(lag),
                        years=np.arange(len(frame), dtype=float) / 365.25)
    if max_lag is not None:
        data = data.iloc[max_lag:]
    data = data.dropna(subset=["sessions", "links_0", "links_1", "log_relevant", "log_followers"])
    return data[(data["links_0"] == 0) & (data["links_1"] == 0)]


def _design(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Sessions and the regressors: constant, both log audiences, time, and the weekdays present (Monday base)."""
    dow = pd.get_dummies(data["dow"].astype(int), prefix="dow", drop_first=True, dtype=float)
    x = pd.concat([pd.Series(1.0, index=data.index, name="const"), data[["log_relevant", "log_followers", "years"]],
                   dow], axis=1)
    return data["sessions"].to_numpy(float), x.to_numpy(float), list(x.columns)


def _fit(y: np.ndarray, x: np.ndarray) -> object:
    """Quasi-Poisson GLM (Pearson chi2 scale for overdispersion)."""
    return sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")


def _aic(res: object) -> float:
    """AIC of the plain Poisson likelihood at the fitted means (quasi-likelihood has none), to compare lags."""
    llf = sm.families.Poisson().loglike(np.asarray(res.model.endog), np.asarray(res.fittedvalues))
    return float(-2 * llf + 2 * len(res.params))


def lag_table(frame: pd.DataFrame, max_lag: int = 7) -> pd.DataFrame:
    """The one model at each lag 0..max_lag on the same days: both contrasts and the AIC (the rule picks the lowest)."""
    rows = []
    for lag in range(max_lag + 1):
        data = audience_rows(frame, lag, max_lag)
        if len(data) < MIN_DAYS:
            continue
        res = _fit(*_design(data)[:2])
        rows.append({"lag_days": lag, "quality (relevant | total)": float(res.params[1]),
                     "quantity (total | relevant)": float(res.params[2]), "n_days": int(res.nobs), "aic": _aic(res)})
    return pd.DataFrame(rows, columns=["lag_days", "quality (relevant | total)", "quantity (total | relevant)",
                                       "n_days", "aic"])


def choose_lag(frame: pd.DataFrame, max_lag: int = 7) -> int | None:
    """The lag with the lowest AIC over 0..max_lag (the shorter on a tie); None when no lag has enough days."""
    table = lag_table(frame, max_lag)
    return None if table.empty else int(table.sort_values(["aic", "lag_days"]).iloc[0]["lag_days"])


def block_days(n: int) -> int:
    """Rows per bootstrap block: ceil(sqrt(n)), longer than the usual n^(1/3) because the audience regressors are
    persistent (blocks of n^(1/3) understated the variance in simulated worlds)."""
    return max(2, math.ceil(math.sqrt(n)))


def exchange_rate(b_relevant: float, b_total: float, share: float, points: float = RELEVANCE_POINTS) -> float:
    """% more followers giving the gain of +points of relevant share at a fixed total (NaN when undefined)."""
    if not (math.isfinite(b_relevant) and math.isfinite(b_total)) or b_relevant + b_total <= 0 or share + points > 1:
        return math.nan
    return float(100 * ((1 + points / share) ** (b_relevant / (b_relevant + b_total)) - 1))


def _draws(data: pd.DataFrame, n_boot: int, seed: int | None) -> np.ndarray:
    """Block-bootstrap draws of (quality, quantity, exchange rate); an undefined rate with a positive quality
    contrast is +inf (no number of followers gives that gain)."""
    y, x, _ = _design(data)
    share = data["share"].to_numpy(float)
    if n_boot <= 0:
        return np.empty((0, 3))

    def stat(idx: np.ndarray) -> np.ndarray:
        params = sm.GLM(y[idx], x[idx], family=sm.families.Poisson()).fit().params
        rate = exchange_rate(params[1], params[2], float(share[idx].mean()))
        return np.array([params[1], params[2], math.inf if math.isnan(rate) and params[1] > 0 else rate])

    return block_bootstrap(stat, len(y), n_boot, block=block_days(len(y)), seed=seed)


def block_t(estimate: float, draws: np.ndarray, n: int, ci: float) -> tuple[float, float, float]:
    """(low, high, p) from the block-bootstrap standard error with Student-t critical values on (blocks - 1) degrees
    of freedom: the error is estimated from only about n / block independent blocks, as a cluster-robust error is
    from its clusters (NaNs when fewer than 20 draws are finite)."""
    finite = draws[np.isfinite(draws)]
    if len(finite) < 20:
        return math.nan, math.nan, math.nan
    se, df = float(np.std(finite, ddof=1)), max(1, math.ceil(n / block_days(n)) - 1)
    crit = float(sps.t.ppf(0.5 + ci / 2, df))
    return estimate - crit * se, estimate + crit * se, float(2 * sps.t.sf(abs(estimate) / se, df)) if se > 0 else 0.0


def _bounds(draws: np.ndarray, ci: float) -> tuple[float | None, float | None]:
    """Percentile bounds of exchange-rate draws; an infinite bound (some draws undefined) becomes None."""
    kept = draws[~np.isnan(draws)]
    if len(kept) < 20:
        return None, None
    low, high = np.quantile(kept, [(1 - ci) / 2, (1 + ci) / 2])
    return (float(low) if np.isfinite(low) else None), (float(high) if np.isfinite(high) else None)


def _residual_checks(res: object) -> dict:
    """Ljung-Box p (7 lags) and the ADF/KPSS decision on the Pearson residuals, in day order."""
    resid = np.asarray(res.resid_pearson, dtype=float)
    if len(resid) < 20:
        return {}
    test = stationarity(resid)
    return {"ljung_box_p": float(acorr_ljungbox(resid, lags=[7])["lb_pvalue"].iloc[0]),
            "residuals_adf_p": test.adf_p, "residuals_kpss_p": test.kpss_p, "residuals": test.decision}


def _missing(frame: pd.DataFrame) -> str:
    """Why a daily frame cannot be used at all, in plain words ("" when it can be tried)."""
    if frame.empty:
        return "the dataset has no dated web traffic"
    if frame["sessions"].sum() == 0:
        return "no visits from the account's network in the web traffic"
    if frame[["relevant", "followers"]].notna().all(axis=1).sum() == 0:
        return ("relevant and total followers per day cannot be rebuilt (needs follow dates, relevance labels and "
                "follower counts)")
    return ""


def _not_estimable(frame: pd.DataFrame, n: int, ci: float, reason: str) -> Estimate:
    """H03 not estimable, with the reason."""
    return Estimate(H03_NAME, math.nan, math.nan, math.nan, math.nan, n, "not estimable",
                    {"reason": reason, "days_available": len(frame)}, ci)


def contrasts(frame: pd.DataFrame, lag: int | None = None, max_lag: int = 7, n_boot: int = 499,
              seed: int | None = 0, ci: float = 0.95) -> Estimate:
    """H03: the quality contrast (estimate, block-bootstrap CI, Wald p, n), with the quantity contrast and the exchange
    rate from the same model in extra["primary"]; the lag chosen by AIC over 0..max_lag when not given."""
    missing = _missing(frame)
    if missing:
        return _not_estimable(frame, 0, ci, missing)
    chosen = choose_lag(frame, max_lag) if lag is None else lag
    data = audience_rows(frame, chosen if chosen is not None else 0)
    if chosen is None or len(data) < MIN_DAYS or data["log_relevant"].nunique() < 3:
        return _not_estimable(frame, len(data), ci, f"needs at least {MIN_DAYS} link-free days with visits and a "
                                                    f"known, varying audience; found {len(data)}")
    y, x, names = _design(data)
    res = _fit(y, x)
    draws = _draws(data, n_boot, seed)
    share = float(data["share"].mean())
    q_low, q_high, q_p = block_t(float(res.params[1]), draws[:, 0], len(y), ci)
    t_low, t_high, t_p = block_t(float(res.params[2]), draws[:, 1], len(y), ci)
    rate = exchange_rate(float(res.params[1]), float(res.params[2]), share)
    r_low, r_high = _bounds(draws[:, 2], ci)
    primary = {"outcome": "social visits",
               "quantity": {"estimate": float(res.params[2]), "ci_low": t_low, "ci_high": t_high,
                            "p": t_p if math.isfinite(t_p) else float(res.pvalues[2]), "n": int(res.nobs),
                            "measure": QUANTITY_MEASURE},
               "exchange_rate": None if math.isnan(rate) else {"estimate": rate, "ci_low": r_low, "ci_high": r_high,
                                                               "measure": EXCHANGE_MEASURE},
               # log-gain in visits per unit of each elasticity: +10 points of relevant share at a fixed total
               # multiplies relevant followers by 1 + 0.1 / share; quantity's move is doubling the total
               "scale": {"quality": math.log(1 + RELEVANCE_POINTS / share), "quantity": math.log(2)}}
    model_ci = np.asarray(res.conf_int(alpha=1 - ci))
    extra = {"primary": primary, "lag": int(chosen), "lag_rule": "lowest AIC over 0.." + str(max_lag) + " days"
             if lag is None else "given", "relevant_share": share, "n_boot": n_boot, "block_days": block_days(len(y)),
             "model_ci_quality": [float(v) for v in model_ci[1]], "wald_p_quality": float(res.pvalues[1]),
             "wald_p_quantity": float(res.pvalues[2]), "dispersion": float(res.scale),
             "trend_per_year": float(res.params[names.index("years")]), "first_day": str(data.index[0].date()),
             "last_day": str(data.index[-1].date()), "aic": _aic(res), **_residual_checks(res)}
    return Estimate(H03_NAME, float(res.params[1]), q_low, q_high, q_p if math.isfinite(q_p) else float(res.pvalues[1]),
                    int(res.nobs), "one quasi-Poisson GLM with relevant and total followers, day of week and a linear "
                    "trend (detrended), link-free days; moving-block bootstrap standard errors, t on blocks - 1 df",
                    extra, ci)


def contrasts_table(est: Estimate) -> pd.DataFrame:
    """The two contrasts of the one model and the exchange rate, one row each."""
    q = est.extra["primary"]["quantity"]
    rate = est.extra["primary"]["exchange_rate"] or {}
    return pd.DataFrame([
        {"contrast": "quality: relevant followers, total held fixed", "estimate": est.estimate,
         "ci_low": est.ci_low, "ci_high": est.ci_high, "p": est.p, "n_days": est.n},
        {"contrast": "quantity: total followers, relevant held fixed", "estimate": q["estimate"],
         "ci_low": q["ci_low"], "ci_high": q["ci_high"], "p": q["p"], "n_days": q["n"]},
        {"contrast": "exchange rate: % more followers = +10 points relevant", "estimate": rate.get("estimate"),
         "ci_low": rate.get("ci_low"), "ci_high": rate.get("ci_high"), "p": None, "n_days": est.n}])


def series_stationarity(frame: pd.DataFrame) -> pd.DataFrame:
    """ADF and KPSS on log visits (weekday removed), log relevant and log total followers: levels and detrended."""
    visits = np.log1p(frame["sessions"])
    visits = visits - visits.groupby(frame["dow"]).transform("mean")
    series = {"log visits (weekday removed)": visits,
              "log relevant followers": np.log(frame["relevant"].where(frame["relevant"] > 0)),
              "log total followers": np.log(frame["followers"].where(frame["followers"] > 0))}
    return stationarity_report(series, "detrend")


def differenced_contrasts(frame: pd.DataFrame, lag: int, ci: float = 0.95) -> pd.DataFrame:
    """The same two contrasts on first differences (OLS of the change in log(1 + visits), Newey-West errors, all days
    with link posts as regressors): the alternative to detrending, shown for its much wider intervals."""
    logs = pd.DataFrame({"y": np.log1p(frame["sessions"]),
                         "log_relevant": np.log(frame["relevant"].where(frame["relevant"] > 0)).shift(lag),
                         "log_followers": np.log(frame["followers"].where(frame["followers"] > 0)).shift(lag),
                         "links_0": frame["links_0"], "links_1": frame["links_1"]}).diff()
    data = logs.assign(dow=frame["dow"]).dropna()
    if len(data) < MIN_DAYS:
        return pd.DataFrame(columns=["contrast", "estimate", "ci_low", "ci_high", "p", "n_days"])
    dow = pd.get_dummies(data["dow"].astype(int), prefix="dow", drop_first=True, dtype=float)
    x = sm.add_constant(pd.concat([data[["log_relevant", "log_followers", "links_0", "links_1"]], dow], axis=1))
    res = sm.OLS(data["y"], x).fit(cov_type="HAC", cov_kwds={"maxlags": 7})
    conf = res.conf_int(alpha=1 - ci)
    labels = {"log_relevant": "quality, differenced", "log_followers": "quantity, differenced"}
    return pd.DataFrame([{"contrast": label, "estimate": float(res.params[k]), "ci_low": float(conf.loc[k, 0]),
                          "ci_high": float(conf.loc[k, 1]), "p": float(res.pvalues[k]), "n_days": int(res.nobs)}
                         for k, label in labels.items()])
