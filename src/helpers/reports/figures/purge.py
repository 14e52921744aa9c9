"""Figures of the purge report (24): followers around the purge, and engagement per follower with the segmented
regression's fitted lines."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.stats import Estimate


def followers_around(counts: pd.DataFrame, purge: dict, window_days: int) -> plt.Axes:
    """The follower count within window_days of the purge, the purge day marked."""
    days = pd.Timedelta(days=window_days)
    near = counts.loc[purge["date"] - days:purge["date"] + days, "followers_count"]
    _, ax = plt.subplots()
    ax.plot(near.index, near, color="tab:blue")
    ax.axvline(purge["date"], color="tab:red", ls="--", label=f"purge: {purge['drop']:,.0f} followers removed")
    ax.set(title="Followers around the purge", xlabel="date", ylabel="followers")
    ax.legend()
    return ax


def engagement_around(daily: pd.DataFrame, lines: pd.DataFrame, est: Estimate) -> plt.Axes:
    """Daily engagement per post per 1,000 followers (log scale) with the fitted lines before and after the purge."""
    shown = daily.loc[lines["date"]]
    _, ax = plt.subplots(figsize=(10, 4.5))
    ax.scatter(shown.index, 1000 * np.exp(shown["log_rate"]), s=10, alpha=0.5, label="days (observed)")
    for after, part in lines.groupby("after"):
        ax.plot(part["date"], part["fitted_per_1000"], color="tab:red" if after else "black", lw=2,
                label="fitted after the purge" if after else "fitted before the purge")
    ax.axvline(est.extra["purge_date"], color="tab:red", ls="--", lw=1)
    ax.set(yscale="log", title="Engagement per post per 1,000 followers around the purge (log scale)",
           xlabel="date", ylabel="engagements per post\nper 1,000 followers")
    ax.legend()
    return ax
