"""Figures of the reciprocity and manageability report (25): per-account differences in engaged share, and the
weekly reply share around the day the follower count crossed the threshold."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.reports.safe import plot_text
from helpers.stats import Estimate


def difference_histogram(per_account: pd.DataFrame, pooled: Estimate) -> plt.Axes:
    """Per-account differences in engaged share (reciprocal minus other), with their mean over accounts."""
    shown = per_account.dropna(subset=["difference"])
    _, ax = plt.subplots()
    ax.hist(100 * shown["difference"], bins=30, color="#4c72b0")
    ax.axvline(100 * pooled.estimate, color="black", lw=2, label=f"mean over accounts: {100 * pooled.estimate:+.1f}")
    ax.axvline(0, color="grey", lw=1)
    ax.set(title="Engaged share, reciprocal minus other followers, per account",
           xlabel="difference in engaged share (percentage points)", ylabel="accounts")
    ax.legend()
    return ax


def reply_share_weeks(weekly: pd.DataFrame, periods: pd.DataFrame, follower_counts: pd.DataFrame, account: str,
                      crossing: pd.Timestamp, threshold: int, min_posts: int) -> plt.Axes:
    """Weekly reply share with each period's mean, the crossing day, and the account's follower count on a second
    axis."""
    counts = follower_counts[follower_counts["account_id"] == account].sort_values("date")
    _, ax = plt.subplots(figsize=(10, 4.5))
    shown = weekly[weekly["posts"] >= min_posts]
    ax.plot(shown["week_start"], 100 * shown["reply_share"], marker="o", ms=3, lw=1, label="weekly reply share")
    for _, row in periods.iterrows():
        side = shown[shown["after"] == (row["period"] == "after")]
        ax.hlines(100 * row["reply_share"], side["week_start"].min(), side["week_start"].max(), color="black",
                  lw=2, label=f"mean {row['period']}")
    ax.axvline(crossing, color="#c44e52", ls="--", label=f"{threshold:,} followers reached")
    ax.set(title=f"Share of the account's posts that are replies, by week ({plot_text(account)})",
           xlabel="week starting", ylabel="replies (% of own posts)")
    twin = ax.twinx()
    twin.plot(counts["date"], counts["followers_count"].astype(float), color="grey", alpha=0.5, label="followers")
    twin.set_ylabel("followers (count)")
    twin.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4)
    return ax
