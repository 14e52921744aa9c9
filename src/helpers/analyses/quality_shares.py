"""Follower-quality shares per account as measured by the scorer, their sampling error, and regression
calibration: the expected true share of each account given what was measured on its sampled followers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers import stats
from helpers.quality.bins import RELEVANCE_THRESHOLD
from helpers.stats import NotEstimable

FLAGS = ["relevant", "engaged", "fake", "inactive"]
SHARES = [f"{f}_share" for f in FLAGS]
CALIBRATED = ["relevant_share", "fake_share"]  # the shares corrected for sampling error (the models' quality block)
MIN_RELIABILITY = 0.2  # below this a measured share is mostly sampling noise: it is not calibrated


def follower_flags(follower_quality: pd.DataFrame, relevance_threshold: float = RELEVANCE_THRESHOLD) -> pd.DataFrame:
    """0/1 flags of each judged follower (bin not 'unknown'): relevant, engaged, fake, inactive; and its weight.

    relevant means a relevant profile (relevance >= threshold), active and not likely fake, whatever its
    interactions. The bins put 'engaged' before 'relevant'; counting engaged followers as quality would make
    the measure partly a count of the very engagement it is meant to explain.
    """
    fq = follower_quality[follower_quality["bin"].astype(str) != "unknown"]
    fake = fq["bin"].astype(str).eq("likely_fake").to_numpy()
    inactive = fq["inactive"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~fake
    relevant = (fq["relevance"].astype(float) >= relevance_threshold).to_numpy() & ~fake & ~inactive
    engaged = fq["engaged"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    weight = pd.to_numeric(fq["sample_weight"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    return pd.DataFrame({"account_id": fq["account_id"].astype(str).to_numpy(),
                         "follower_id": fq["follower_id"].astype(str).to_numpy(), "relevant": relevant.astype(float),
                         "engaged": engaged, "fake": fake.astype(float), "inactive": inactive.astype(float),
                         "weight": weight})


def _weighted_moments(flags: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per account: weighted shares of flags a and b and the linearised sampling covariance of the two."""
    d = flags.dropna(subset=[a, b])
    w = d["weight"]
    parts = pd.DataFrame({"account_id": d["account_id"], "n": 1.0, "w": w, "w2": w**2, "wa": w * d[a],
                          "wb": w * d[b], "w2a": w**2 * d[a], "w2b": w**2 * d[b], "w2ab": w**2 * d[a] * d[b]})
    s = parts.groupby("account_id").sum()
    pa, pb = s["wa"] / s["w"], s["wb"] / s["w"]
    centred = s["w2ab"] - pb * s["w2a"] - pa * s["w2b"] + pa * pb * s["w2"]
    cov = centred / s["w"] ** 2 * s["n"] / (s["n"] - 1).where(s["n"] > 1)
    return pd.DataFrame({"pa": pa, "pb": pb, "cov": cov, "n": s["n"], "n_eff": s["w"] ** 2 / s["w2"]})


def cov_column(a: str, b: str) -> str:
    """The column holding the sampling covariance of two shares (the variance when a == b)."""
    return f"var_{a}" if a == b else f"cov_{'_'.join(sorted([a, b]))}"


COVARIANCES = [cov_column(a, b) for i, a in enumerate(CALIBRATED) for b in CALIBRATED[i:]]


def account_shares(flags: pd.DataFrame) -> pd.DataFrame:
    """Per account: followers judged, Kish effective n, each weighted share, and the sampling (co)variances of
    the calibrated shares (linearisation: Σw²(x-p)(y-q)/(Σw)² · n/(n-1))."""
    base = _weighted_moments(flags, "relevant", "relevant")
    out = pd.DataFrame({"followers_judged": base["n"].astype(int), "n_eff": base["n_eff"]})
    for flag in FLAGS:
        out[f"{flag}_share"] = _weighted_moments(flags, flag, flag)["pa"].reindex(out.index)
    for i, a in enumerate(CALIBRATED):
        for b in CALIBRATED[i:]:
            moments = _weighted_moments(flags, a.removesuffix("_share"), b.removesuffix("_share"))
            out[cov_column(a, b)] = moments["cov"].reindex(out.index)
    out.index.name = "account_id"
    return out.reset_index()


def error_covariances(frame: pd.DataFrame, shares: list[str] = CALIBRATED) -> np.ndarray:
    """(accounts × k × k) sampling covariance of each account's measured shares.

    The per-follower covariance is averaged over accounts and divided by each account's effective n: a single
    account's own estimate is too noisy (and zero when a share is 0 or 1) to calibrate it alone.
    """
    k = len(shares)
    per_follower = np.empty((len(frame), k, k))
    for i, a in enumerate(shares):
        for j, b in enumerate(shares):
            per_follower[:, i, j] = frame[cov_column(a, b)].to_numpy(float) * frame["n_eff"].to_numpy(float)
    mean = np.nanmean(per_follower, axis=0)
    return mean[None, :, :] / frame["n_eff"].to_numpy(float)[:, None, None]


def reliabilities(X: np.ndarray, D: np.ndarray) -> np.ndarray:
    """Share of each measured share's variance across accounts that is not sampling error."""
    return 1 - np.diagonal(D, axis1=1, axis2=2).mean(axis=0) / X.var(axis=0, ddof=1)


def calibrate_arrays(X: np.ndarray, Z: np.ndarray, D: np.ndarray) -> np.ndarray:
    """E[true X | measured X, Z] under X = T + U, U ~ (0, D_i) independent of (T, Z).

    Regression calibration (Carroll, Ruppert, Stefanski & Crainiceanu 2006, ch. 4) with known, account-specific
    error covariances D_i: the covariance of the true values is the observed one minus the mean error covariance.
    """
    k = X.shape[1]
    W = np.column_stack([X, Z])
    mu = W.mean(axis=0)
    star = np.atleast_2d(np.cov(W, rowvar=False))
    star[:k, :k] -= D.mean(axis=0)
    if np.any(np.linalg.eigvalsh(star) <= 0):
        raise NotEstimable("the measured shares vary across accounts hardly more than their sampling error; "
                           "more followers per account are needed")
    M = np.broadcast_to(star, (len(W), *star.shape)).copy()
    M[:, :k, :k] += D
    solved = np.linalg.solve(M, (W - mu)[:, :, None])[:, :, 0]
    return mu[:k] + solved @ star[:k, :].T


def calibrated(frame: pd.DataFrame, shares: list[str] = CALIBRATED,
               covariates: tuple[str, ...] = ("log_followers",)) -> tuple[pd.DataFrame, dict[str, float]]:
    """The frame with each share replaced by its calibrated value (the measured one kept as <share>_measured),
    and each share's reliability.

    A share whose reliability is below MIN_RELIABILITY is mostly sampling noise: it is left as measured (it then
    controls for less than it should) rather than inflated by a correction that would divide by almost nothing.
    """
    rel = reliabilities(frame[shares].to_numpy(float), error_covariances(frame, shares))
    keep = [s for s, r in zip(shares, rel, strict=True) if r >= MIN_RELIABILITY]
    out = frame.copy()
    for s in shares:
        out[f"{s}_measured"] = out[s]
    if keep:
        others = [*covariates, *(s for s in shares if s not in keep)]  # error-free, or treated so
        T = calibrate_arrays(frame[keep].to_numpy(float), frame[others].to_numpy(float),
                             error_covariances(frame, keep))
        for j, s in enumerate(keep):
            out[s] = T[:, j]
    return out, {s: round(float(r), 4) for s, r in zip(shares, rel, strict=True)}


def measurement_check(frame: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """On simulated data: how well each measured share tracks the planted true share (correlation, bias, slope,
    and the reliability the calibration assumed against the one realised)."""
    truth = {"relevant_share": "true_relevant_share", "fake_share": "true_fake_share"}
    merged = frame.merge(accounts[["account_id", *truth.values()]], on="account_id", how="inner").dropna(
        subset=[*truth, *truth.values()])
    _, assumed = calibrated(frame)
    rows = []
    for share, true_col in truth.items():
        m, t = merged[share].to_numpy(float), merged[true_col].to_numpy(float)
        r = sps.pearsonr(m, t)
        r_ci = r.confidence_interval()
        bias = sps.ttest_1samp(m - t, 0.0)
        bias_ci = bias.confidence_interval()
        slope = stats.ols_hc3(pd.DataFrame({"m": m, "t": t}), "m ~ t").table.set_index("term").loc["t"]
        rows.append({"share": share, "n": len(m), "correlation": r.statistic, "corr_ci_low": r_ci.low,
                     "corr_ci_high": r_ci.high, "mean_bias": float(np.mean(m - t)), "bias_ci_low": bias_ci.low,
                     "bias_ci_high": bias_ci.high, "slope_on_true": slope["estimate"],
                     "slope_ci_low": slope["ci_low"], "slope_ci_high": slope["ci_high"],
                     "reliability_assumed": assumed[share], "reliability_realised": float(r.statistic**2)})
    return pd.DataFrame(rows)


def reliability_table(reliability: dict[str, float], frame: pd.DataFrame) -> pd.DataFrame:
    """Each calibrated share's reliability, beside the median followers judged and the accounts behind it."""
    return pd.DataFrame({"share": list(reliability), "reliability": list(reliability.values()),
                         "median followers judged": frame["followers_judged"].median(), "accounts": len(frame)})


def unlisted_followers(follower_quality: pd.DataFrame | None, accounts: pd.DataFrame) -> pd.Series:
    """The account of each scored follower whose account the dataset has no profile or posts for.

    A users table's followers belong to a placeholder account with no profile or posts: scored, but not comparable.
    """
    if follower_quality is None:
        return pd.Series(dtype="string")
    return follower_quality.loc[~follower_quality["account_id"].isin(accounts["account_id"]), "account_id"]
