"""Figures of the network-to-blog traffic family (notebook 22): daily visits beside the audience, visits against
relevant followers, and visits by day of the week."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.reports.figures import interval_plot
from helpers.reports.safe import plot_text
from helpers.stats import Estimate


def daily_visits(frame: pd.DataFrame, network: str) -> plt.Figure:
    """Daily visits from the network (left axis) with relevant and all followers (right axis)."""
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(frame.index, frame["sessions"], color="tab:blue", lw=0.8,
            label=f"visits from {plot_text(network)} (left axis)")
    ax.set(title=f"Daily visits from {plot_text(network)} and relevant followers", xlabel="date",
           ylabel="sessions per day")
    ax2 = ax.twinx()
    ax2.plot(frame.index, frame["relevant"], color="tab:green", lw=2, label="relevant followers (right axis)")
    ax2.plot(frame.index, frame["followers"], color="grey", lw=1.5, ls="--", label="all followers (right axis)")
    ax2.set_ylabel("followers")
    ax2.grid(False)
    fig.legend(loc="upper left", bbox_to_anchor=(0.08, 0.88))
    return fig


def elasticity_scatter(free: pd.DataFrame, h03: Estimate, lag_days: int) -> plt.Axes:
    """Sessions against lagged relevant followers on link-free days (log scales), with the fitted elasticity."""
    _, ax = plt.subplots()
    ax.scatter(free["relevant_lagged"], free["sessions"], s=14, alpha=0.6, label="days without a link post")
    xs = np.geomspace(free["relevant_lagged"].min(), free["relevant_lagged"].max(), 50)
    # the line passes through the geometric means, so it shows the slope at the data's own level
    log_sessions, log_relevant = np.log(free["sessions"].clip(lower=0.5)), np.log(free["relevant_lagged"])
    scale = np.exp(log_sessions.mean() - h03.estimate * log_relevant.mean())
    ax.plot(xs, scale * xs**h03.estimate, color="black", lw=2,
            label=f"slope {h03.estimate:.2f} (relevant alone; both trend with time)")
    ax.set(xscale="log", yscale="log", title="Visits against relevant followers (log scales)",
           xlabel=f"relevant followers {lag_days} day(s) earlier (log scale)", ylabel="sessions that day (log scale)")
    ax.legend()
    return ax


def weekday_ratios(week: pd.DataFrame) -> plt.Axes:
    """Expected sessions on each day relative to Monday's (traffic.weekday_effects), with 1 marked."""
    shown = week.dropna(subset=["ci_low"]).reset_index()
    ax = interval_plot(shown, "day", "ratio_to_monday", "ci_low", "ci_high",
                       title="Visits on each day relative to Monday (same audience)",
                       xlabel="ratio of expected sessions to Monday's")
    ax.axvline(1, color="grey", lw=1)
    return ax
