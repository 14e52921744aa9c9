"""Figures of the collection notebooks (01, 02): rows kept and rejected per table, and a cohort's first look at
engagement against audience size."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def kept_and_rejected(per_table: pd.DataFrame) -> plt.Figure:
    """One bar per table: the rows kept, then the rows rejected stacked after them."""
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(per_table)))
    ax.barh(per_table.index, per_table["kept"], label="kept", color="#4c72b0")
    ax.barh(per_table.index, per_table["rejected"], left=per_table["kept"], label="rejected", color="#dd8452")
    ax.set_title("Rows per table: kept and rejected")
    ax.set_xlabel("rows (count)")
    ax.set_ylabel("table")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def likes_against_followers(per_account: pd.DataFrame, replay_demo: bool = False) -> plt.Figure:
    """Each account's median likes per original post against its followers + 1, on a log x axis."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(per_account["followers_count"].astype(float) + 1, per_account["median_likes"].astype(float))
    ax.set_xscale("log")
    ax.set_xlabel("followers + 1 (accounts, log scale)")
    ax.set_ylabel("median likes per original post (likes)")
    ax.set_title("Cohort accounts: audience size and engagement" + (" (replay demo)" if replay_demo else ""))
    return fig
