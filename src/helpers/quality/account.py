"""Per studied account: the share of followers in each bin with Wilson intervals that use sample_weight, the
reciprocity rate, and whether engagement was observed at all."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.quality.bins import ALL_BINS
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


def account_row(group: pd.DataFrame) -> dict:
    """The quality summary of one account's scored followers."""
    w = _weights(group)
    bins = group["bin"].astype(str).to_numpy()
    row: dict = {"followers_scored": int(len(group)), "followers_weighted": float(w.sum()),
                 "n_eff": float(w.sum() ** 2 / (w**2).sum())}
    for name in ALL_BINS:
        row.update(_share((bins == name).astype(float), w, f"share_{name}"))
    back = group["followed_back"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    row.update(_share(back, w, "reciprocity"))
    row["reciprocity_known"] = int((~np.isnan(back)).sum())
    row["engagement_observed"] = bool(group["interactions"].notna().any()) if "interactions" in group else False
    p_fake = group["p_fake"].to_numpy(dtype=float)
    judged = ~np.isnan(p_fake)
    row["mean_p_fake"] = float(np.average(p_fake[judged], weights=w[judged])) if judged.any() else np.nan
    return row


def account_quality(follower_quality: pd.DataFrame) -> pd.DataFrame:
    """One row per account: bin shares with CI bounds, reciprocity, followers scored."""
    rows = [{"account_id": aid, **account_row(g)} for aid, g in follower_quality.groupby("account_id", sort=True)]
    out = pd.DataFrame(rows)
    out["account_id"] = out["account_id"].astype("string")
    return out
