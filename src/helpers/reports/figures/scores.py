"""The scoring notebook's figures: followers by bin, each account's bins, the raw scores, the NQI and how its
ranking moves under other bin values."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from helpers.quality.bins import BINS
from helpers.quality.overview import account_bin_table
from helpers.reports.figures import interval_plot
from helpers.reports.safe import plot_text

BIN_COLOURS = ["#2b8a3e", "#74b816", "#adb5bd", "#f59f00", "#e03131"]  # engaged ... likely fake, as BINS


def pooled_bins(pooled: pd.Series) -> plt.Axes:
    """Bar chart of the bins' shares of all followers, pooled over the accounts."""
    ax = pooled.loc[BINS].plot.bar(color=BIN_COLOURS, rot=0)
    ax.set(title="Followers by bin, all accounts pooled", xlabel="bin", ylabel="share of followers (weighted)")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return ax


def bin_share_boxplot(account_quality: pd.DataFrame) -> plt.Axes:
    """Box plots of each bin's share across the accounts."""
    _, ax = plt.subplots()
    ax.boxplot([account_quality[f"share_{b}"] for b in BINS], tick_labels=BINS)
    ax.set(title=f"Bin shares across the {len(account_quality)} accounts", xlabel="bin",
           ylabel="share of the account's followers")
    return ax


def account_bins(row: dict) -> plt.Axes:
    """One account's bin shares with their 95 % Wilson intervals."""
    return interval_plot(account_bin_table(row), "bin", "share", "low", "high",
                         xlabel="share of followers (95 % Wilson CI)",
                         title=f"Bins of {plot_text(row['account_id'])} ({row['followers_scored']:,} followers scored)")


def _relevance_panel(ax: plt.Axes, follower_quality: pd.DataFrame, relevance_threshold: float) -> None:
    """Histograms of relevance, one per bin that has any."""
    for name, g in follower_quality.groupby("bin", observed=True):
        if g["relevance"].notna().any():
            ax.hist(g["relevance"].dropna(), bins=30, alpha=0.5, label=name)
    ax.axvline(relevance_threshold, color="black", ls="--")
    ax.set(title="Relevance to the account", xlabel="relevance (0-1; dashed: threshold)", ylabel="followers")
    if follower_quality["relevance"].notna().any():
        ax.legend(fontsize=8)


def raw_scores(follower_quality: pd.DataFrame, fake_threshold: float, relevance_threshold: float,
               inactive_days: int) -> plt.Figure:
    """P(fake), relevance and days since the last post, each with its threshold dashed."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    follower_quality["p_fake"].dropna().plot.hist(bins=40, ax=axes[0])
    axes[0].axvline(fake_threshold, color="black", ls="--")
    axes[0].set(title="P(fake) from the profile", xlabel="P(fake) (dashed: threshold)", ylabel="followers")
    _relevance_panel(axes[1], follower_quality, relevance_threshold)
    days = follower_quality["days_since_last_post"].dropna()
    axes[2].hist(np.log10(days + 1), bins=40)
    axes[2].axvline(np.log10(inactive_days + 1), color="black", ls="--")
    axes[2].set(title="Time since the last post", xlabel="log10(days + 1) (dashed: inactive_days)",
                ylabel="followers")
    fig.tight_layout()
    return fig


def nqi_against_followers(account_quality: pd.DataFrame, accounts: pd.DataFrame) -> plt.Axes:
    """Each account's NQI against its follower count (log scale)."""
    sizes = account_quality.merge(accounts[["account_id", "followers_count"]], on="account_id", how="left")
    _, ax = plt.subplots()
    ax.scatter(sizes["followers_count"], sizes["nqi"], s=15, alpha=0.7)
    ax.set(xscale="log", title="Network quality against follower count", xlabel="followers (log scale)",
           ylabel="NQI (0-100)")
    return ax


def rank_sensitivity(sensitivity: pd.DataFrame, taus: np.ndarray) -> plt.Figure:
    """Kendall's tau of random draws with the default ranking, and each account's rank range under them."""
    fig, axes = plt.subplots(1, 2, figsize=(13, 4))
    axes[0].hist(taus, bins=30)
    axes[0].set(title="Agreement with the default ranking", xlabel="Kendall's tau", ylabel="random draws")
    order = sensitivity.sort_values("rank")
    axes[1].errorbar(order["rank"], order["rank_median"], yerr=[order["rank_median"] - order["rank_p05"],
                     order["rank_p95"] - order["rank_median"]], fmt=".", alpha=0.6)
    axes[1].set(title="Rank under random bin values (5-95 %)", xlabel="rank with the default values",
                ylabel="rank under random values")
    fig.tight_layout()
    return fig
