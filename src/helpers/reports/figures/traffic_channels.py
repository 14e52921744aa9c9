"""Figures of the blog-traffic notebook (05): sessions per channel over time, channel shares per report, and the
social share of sessions with its interval (from the frames of helpers.analyses.channel_mix)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.reports.figures import interval_plot


def _labelled(frame: pd.DataFrame, width: int) -> pd.DataFrame:
    """The frame with a "site — report" label, the report cut to width characters."""
    return frame.assign(label=frame["site"] + " — " + frame["report"].str.slice(0, width))


def sessions_over_time(over_time: pd.DataFrame, freq: str) -> list[plt.Figure]:
    """One stacked bar chart of sessions per channel and period for each site (channel_mix.mix_over_time)."""
    figs = []
    for name, part in (over_time.groupby("site") if not over_time.empty else []):
        wide = part.pivot_table(index="period", columns="channel", values="sessions", aggfunc="sum").fillna(0)
        ax = wide.plot(kind="bar", stacked=True, figsize=(9, 4.5))
        ax.set(title=f"Sessions by channel — {name}", xlabel=f"period ({freq})", ylabel="sessions (count)")
        ax.set_xticklabels([d.strftime("%Y-%m-%d") for d in wide.index], rotation=45, ha="right")
        ax.figure.tight_layout()
        figs.append(ax.figure)
    return figs


def channel_shares(by_report: pd.DataFrame) -> plt.Figure:
    """Each site's and report's sessions split by channel, as stacked shares (channel_mix.mix_by_report)."""
    shares = _labelled(by_report, 30).pivot_table(index="label", columns="channel", values="share", aggfunc="sum")
    ax = shares.fillna(0).plot(kind="barh", stacked=True, figsize=(12, 0.6 * len(shares) + 2.5))
    ax.set(title="Share of sessions by channel", xlabel="share of the report's sessions (0–1)", ylabel="site, report")
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left")
    ax.figure.tight_layout()
    return ax.figure


def social_share_intervals(social: pd.DataFrame) -> plt.Figure | None:
    """The social share of each report with a Wilson interval (channel_mix.social_share); None when none has one."""
    with_ci = social.dropna(subset=["ci_low"]) if not social.empty else social
    if with_ci.empty:
        return None
    ax = interval_plot(_labelled(with_ci, 40), "label", "share", "ci_low", "ci_high",
                       title="Share of sessions from social networks (95% Wilson interval)",
                       xlabel="share of sessions (0–1)")
    ax.figure.tight_layout()
    return ax.figure
