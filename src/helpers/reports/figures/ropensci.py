"""Figures of the rOpenSci case study (40): the monthly series, and clicks per tweet against followers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.reports.figures import loglog_scatter
from helpers.stats import Estimate


def monthly_series(monthly: pd.DataFrame) -> plt.Figure:
    """Three panels by month: month-end followers, link clicks per tweet, link clicks per 1,000 impressions."""
    with_followers = monthly.dropna(subset=["followers"])
    fig, axes = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    x = monthly.index.to_timestamp()
    axes[0].plot(with_followers.index.to_timestamp(), with_followers["followers"] / 1000, "o-", ms=3)
    axes[0].set(title="Followers at the end of each month (hand-kept log; gaps where none was logged)",
                ylabel="followers (thousands)")
    axes[1].plot(x, monthly["clicks_per_tweet"], "o-", ms=3, color="#c2410c")
    axes[1].set(title="Link clicks per tweet, by month", ylabel="url clicks per tweet")
    axes[2].plot(x, monthly["clicks_per_1k_impressions"], "o-", ms=3, color="#15803d")
    axes[2].set(title="Link clicks per 1,000 impressions, by month", ylabel="url clicks per 1,000 impressions",
                xlabel="month")
    plt.tight_layout()
    return fig


def clicks_against_followers(with_followers: pd.DataFrame, el: Estimate) -> plt.Axes:
    """Clicks per tweet against month-end followers on log scales, one dot per month coloured by year, with the fit."""
    return loglog_scatter(with_followers.assign(year=with_followers.index.year.astype(str)), "followers",
                          "clicks_per_tweet", hue="year",
                          title="Link clicks per tweet against month-end followers (one dot per month)",
                          xlabel="followers (log scale)", ylabel="url clicks per tweet (log scale)",
                          slope=el.estimate, intercept=el.extra["intercept"])
