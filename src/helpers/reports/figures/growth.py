"""Figures of the growth-pace report (23): the follower curve with its growth period, the projection to the
target, and the share of relevant followers by the pace on their follow day."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.reports.figures import interval_plot
from helpers.stats import Estimate


def follower_curve(series: pd.Series, start: pd.Timestamp, cut: pd.Timestamp, target: float,
                   purge: dict | None) -> plt.Axes:
    """The daily follower count, the growth period used for the fit, the target and a purge taken out."""
    _, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(series.index, series, color="tab:blue", lw=1.5, label="followers")
    ax.axvspan(start, cut, color="tab:green", alpha=0.12, label="growth period used for the fit")
    ax.axhline(target, color="black", ls=":", lw=1, label=f"target {target:,}")
    if purge:
        ax.axvline(purge["date"], color="tab:red", ls="--", lw=1, label=f"purge ({purge['drop']:,.0f} removed)")
    ax.set(title="Daily follower count", xlabel="date", ylabel="followers")
    ax.legend(loc="upper left")
    return ax


def projection(series: pd.Series, band: pd.DataFrame, est: Estimate, target: float, cut: pd.Timestamp) -> plt.Axes:
    """The observed count, the projection from the cut-off with its band, and the interval for the date."""
    _, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(series.index, series, color="tab:blue", lw=1.5, label="observed followers")
    ax.plot(band["date"], band["expected"], color="tab:orange", lw=2, label="projection from the cut-off")
    ax.fill_between(band["date"], band["low"], band["high"], color="tab:orange", alpha=0.2,
                    label="95% prediction band (count)")
    ax.axhline(target, color="black", ls=":", lw=1)
    ax.axvline(cut, color="grey", lw=1)
    if pd.notna(est.extra["date_low"]) and pd.notna(est.extra["date_high"]):
        ax.axvspan(est.extra["date_low"], est.extra["date_high"], ymin=0.0, ymax=0.04, color="black", alpha=0.6,
                   label="95% interval for the date the target is reached")
    ax.set(title=f"Projection to {target:,} followers", xlabel="date", ylabel="followers")
    ax.legend(loc="upper left")
    return ax


def relevance_by_speed(speed: pd.DataFrame) -> plt.Axes:
    """The share of relevant followers on fast- and slow-growth days, with Wilson intervals."""
    rows = speed.reset_index().assign(group=lambda d: d["group"] + " (n=" + d["followers"].astype(str) + ")")
    return interval_plot(rows, "group", "share_relevant", "ci_low", "ci_high",
                         title="Share of relevant followers by the pace on their follow day",
                         xlabel="share of today's followers who are relevant (95% CI)")
