"""What the scoring notebook shows of a scored dataset: the bins pooled and per account, the model beside the
published rule sets, how stable the NQI ranking is, and the planted truth on simulated data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.dataset import Dataset, load
from helpers.quality.bins import ALL_BINS, BINS, UNKNOWN
from helpers.quality.score import ScoreOptions, score_dataset

KEYS = ["account_id", "follower_id"]
RULES = ["rule_camisani", "rule_stateofsearch", "rule_socialbakers"]
MODEL_FLAG = "model (P(fake) >= threshold)"


def scored(dataset: str | Path, interests: str | Path | None, options: ScoreOptions,
           rescore: bool = True) -> tuple[Dataset, list[str]]:
    """The dataset with its quality tables (scored again when rescore) and the scoring's notes; bins ordered."""
    notes = score_dataset(dataset, interests, options).notes if rescore else []
    ds = load(dataset, require=["follower_quality", "account_quality"])
    fq = ds.follower_quality
    fq["bin"] = pd.Categorical(fq["bin"].astype(str), categories=ALL_BINS)
    return ds, notes


def focal_ids(accounts: pd.DataFrame) -> set[str]:
    """The ids of the focal accounts (none in a cohort without one)."""
    return set(accounts.loc[accounts["is_focal"].fillna(False).astype(bool), "account_id"])


def pooled_shares(follower_quality: pd.DataFrame) -> pd.Series:
    """Each judged bin's share of the followers that could be judged, and `unknown`'s share of all followers,
    weighted by sample_weight (a sampled follower stands for several), as account_quality has them."""
    weights = follower_quality.groupby("bin", observed=False)["sample_weight"].sum().reindex(ALL_BINS, fill_value=0)
    judged = weights[BINS].sum()
    shares = weights[BINS] / judged if judged > 0 else weights[BINS] * np.nan
    unknown = pd.Series({UNKNOWN: weights[UNKNOWN] / weights.sum() if weights.sum() > 0 else np.nan})
    return pd.concat([shares, unknown]).rename("share of judged followers (weighted; unknown: of all)")


def bin_overview(pooled: pd.Series, account_quality: pd.DataFrame) -> pd.DataFrame:
    """The pooled shares beside the median account's share of each bin."""
    per_account = account_quality[[f"share_{b}" for b in ALL_BINS]].median().rename(
        lambda c: c.removeprefix("share_"))
    return pd.concat([pooled, per_account.rename("median account's share")], axis=1)


def shown_accounts(account_quality: pd.DataFrame, focal: set[str]) -> pd.DataFrame:
    """The accounts whose bins are drawn: the focal ones, else the one with the most followers scored."""
    if focal:
        return account_quality[account_quality["account_id"].isin(focal)]
    return account_quality.nlargest(1, "followers_scored")


def account_bin_table(row: dict) -> pd.DataFrame:
    """One account's share of each bin with its 95 % interval, from its account_quality row."""
    return pd.DataFrame({"bin": BINS, "share": [row[f"share_{b}"] for b in BINS],
                         "low": [row[f"share_{b}_ci_low"] for b in BINS],
                         "high": [row[f"share_{b}_ci_high"] for b in BINS]})


def rule_agreement(follower_quality: pd.DataFrame) -> pd.DataFrame:
    """Share of followers each of the model and the three rule sets flags, and how many of those the model flags."""
    flags = pd.DataFrame({MODEL_FLAG: follower_quality["bin"] == "likely_fake",
                          **{name.removeprefix("rule_"): follower_quality[name].fillna(False).astype(bool)
                             for name in RULES}})
    also = flags.apply(lambda c: (c & flags.iloc[:, 0]).sum() / max(c.sum(), 1))
    return pd.DataFrame({"share flagged": flags.mean(), "also flagged by the model": also})


def sensitivity_text(sensitivity: pd.DataFrame, taus: np.ndarray, n_accounts: int) -> str:
    """Markdown: how far random bin values move the NQI ranking (Kendall tau, spread of ranks)."""
    spread = (sensitivity["rank_p95"] - sensitivity["rank_p05"]) / n_accounts
    return (f"Kendall's tau between the default ranking and a random draw's: median **{np.median(taus):.3f}** "
            f"(5th percentile {np.quantile(taus, 0.05):.3f}). The middle 90 % of an account's ranks spans "
            f"a median **{spread.median():.1%}** of the ranking.")


def with_truth(follower_quality: pd.DataFrame, followers: pd.DataFrame) -> pd.DataFrame:
    """The scored followers with their planted type (simulated data)."""
    return follower_quality.merge(followers[[*KEYS, "true_type"]], on=KEYS)


def truth_table(truth: pd.DataFrame) -> pd.DataFrame:
    """Share of each planted type placed in each bin."""
    return pd.crosstab(truth["true_type"], truth["bin"], normalize="index")


def planted_type_rates(truth: pd.DataFrame) -> tuple[float, float]:
    """Share of planted fakes binned likely fake, and share of the other followers binned so."""
    fake = truth["true_type"] == "fake"
    flagged = truth["bin"] == "likely_fake"
    return float(flagged[fake].mean()), float(flagged[~fake].mean())


def planted_shares(account_quality: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Each account's planted fake share beside its binned and corrected ones (accounts with all three)."""
    return account_quality.merge(accounts[["account_id", "true_fake_share"]], on="account_id").dropna()


def planted_text(planted: pd.DataFrame) -> str:
    """Markdown: how the binned fake share follows the planted one across accounts."""
    r = np.corrcoef(planted["true_fake_share"], planted["share_likely_fake"])[0, 1]
    return (f"Across accounts, the share binned likely fake correlates **{r:.2f}** with the planted fake "
            f"share; mean planted {planted['true_fake_share'].mean():.1%}, binned "
            f"{planted['share_likely_fake'].mean():.1%}, corrected "
            f"{planted['share_fake_corrected'].mean():.1%}.")
