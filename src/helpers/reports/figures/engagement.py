"""Figures of the engagement family (notebook 20): engagement rates by follower tier."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.reports.figures import interval_plot


def _tier_panel(ax: plt.Axes, measure: str, grp: pd.DataFrame) -> None:
    """One measure's median rates by tier with their intervals; an empty panel when no platform reports it."""
    grp = grp.dropna(subset=["median_pct"])
    if grp.empty:
        ax.set_axis_off()
        ax.set_title(f"{measure}: not reported by these platforms")
        return
    interval_plot(grp.assign(tier=grp["tier"].astype(str) + " (n=" + grp["n"].astype(str) + ")"),
                  "tier", "median_pct", "ci_low_pct", "ci_high_pct", ax=ax,
                  title=f"Median engagement rate {measure}", xlabel="engagements per 100 (%)")


def tier_rate_panels(rates: pd.DataFrame) -> plt.Figure:
    """Median engagement rate per follower and per impression by tier, side by side (engagement.tier_rates)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (measure, grp) in zip(axes, rates.groupby("measure", sort=False), strict=False):
        _tier_panel(ax, measure, grp)
    fig.tight_layout()
    return fig
