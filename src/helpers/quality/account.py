"""Per studied account: the share of followers in each bin with Wilson intervals that use sample_weight, the
reciprocity rate, whether engagement was observed at all, and the share of fakes corrected for the likely-fake
call's measured error rates (Rogan-Gladen, quality/calibration.py).

The five judged bins' shares are taken over the followers that could be judged (`followers_judged`, bin not
`unknown`); `share_unknown` is over every follower scored. The corrected fake share is over the followers with a
p_fake (`fake_judged`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.quality.bins import BINS, UNKNOWN
from helpers.quality.calibration import ErrorRates, corrected_share
from helpers.stats import proportion_ci

LEVEL = 0.95


def _share(indicator: np.ndarray, weights: np.ndarray, prefix: str) -> dict:
    """share, ci_low, ci_high (Wilson with Kish effective n) of a 0/1 indicator, null when nothing is known."""
    known = ~np.isnan(indicator)
    if not known.any():
        return {prefix: np.nan, f"{prefix}_ci_low": np.nan, f"{prefix}_ci_high": np.nan}
    est = proportion_ci(indicator[known], weights=weights[known], ci=LEVEL)
    return {prefix: est.estimate, f"{prefix}_ci_low": est.ci_low, f"{prefix}_ci_high": est.ci_high}


def _weights(group: pd.DataFrame) -> np.ndarray:
    """sample_weight, 1.0 where the source does not say (a full list)."""
    if "sample_weight" not in group.columns:
        return np.ones(len(group))
    return pd.to_numeric(group["sample_weight"], errors="coerce").fillna(1.0).to_numpy(dtype=float)


def fake_correction(group: pd.DataFrame, w: np.ndarray, rates: ErrorRates | None, fake_threshold: float | None
                    ) -> dict:
    """The Rogan-Gladen corrected share of fakes among the followers with a p_fake, with its interval."""
    p_fake = group["p_fake"].to_numpy(dtype=float)
    judged = ~np.isnan(p_fake)
    out = {"fake_judged": int(judged.sum()), "share_fake_corrected": np.nan, "share_fake_corrected_ci_low": np.nan,
           "share_fake_corrected_ci_high": np.nan}
    # the error rates hold at the threshold they were measured at, and for nothing else
    if rates is None or not judged.any() or (fake_threshold is not None and fake_threshold != rates.threshold):
        return out
    flagged = np.where(judged, p_fake >= rates.threshold, np.nan)
    c = corrected_share(flagged, w, rates)
    out.update({"share_fake_corrected": c["corrected"], "share_fake_corrected_ci_low": c["ci_low"],
                "share_fake_corrected_ci_high": c["ci_high"]})
    return out


def account_row(group: pd.DataFrame, rates: ErrorRates | None = None, fake_threshold: float | None = None) -> dict:
    """The quality summary of one account's scored followers."""
    w = _weights(group)
    bins = group["bin"].astype(str).to_numpy()
    judged = bins != UNKNOWN
    row: dict = {"followers_scored": int(len(group)), "followers_judged": int(judged.sum()),
                 "followers_weighted": float(w.sum()), "n_eff": float(w.sum() ** 2 / (w**2).sum())}
    for name in BINS:
        row.update(_share(np.where(judged, bins == name, np.nan).astype(float), w, f"share_{name}"))
    row.update(_share((bins == UNKNOWN).astype(float), w, f"share_{UNKNOWN}"))
    back = group["followed_back"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    row.update(_share(back, w, "reciprocity"))
    row["reciprocity_known"] = int((~np.isnan(back)).sum())
    row["engagement_observed"] = bool(group["interactions"].notna().any()) if "interactions" in group else False
    p_fake = group["p_fake"].to_numpy(dtype=float)
    known = ~np.isnan(p_fake)
    row["mean_p_fake"] = float(np.average(p_fake[known], weights=w[known])) if known.any() else np.nan
    row.update(fake_correction(group, w, rates, fake_threshold))
    return row


def account_quality(follower_quality: pd.DataFrame, rates: ErrorRates | None = None,
                    fake_threshold: float | None = None) -> pd.DataFrame:
    """One row per account: bin shares with CI bounds (over the judged followers), reciprocity, followers scored
    and judged, and the fake share corrected for `rates` (none without them, or at another threshold)."""
    rows = [{"account_id": aid, **account_row(g, rates, fake_threshold)}
            for aid, g in follower_quality.groupby("account_id", sort=True)]
    out = pd.DataFrame(rows)
    out["account_id"] = out["account_id"].astype("string")
    return out
