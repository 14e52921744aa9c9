"""Plot helpers: one look for every report (titles, labelled axes with units)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from helpers.reports.safe import plot_text


def style() -> None:
    """The suite's plot style."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.figsize": (8, 4.5), "figure.dpi": 100, "axes.titleweight": "bold"})


def loglog_scatter(df: pd.DataFrame, x: str, y: str, *, hue: str | None = None, title: str, xlabel: str,
                   ylabel: str, slope: float | None = None, intercept: float | None = None) -> plt.Axes:
    """A log-log scatter, with the fitted power law when slope and intercept are given."""
    fig, ax = plt.subplots()
    if hue is not None and not pd.api.types.is_numeric_dtype(df[hue]):  # legend text from data: never mathtext
        df = df.assign(**{hue: df[hue].map(plot_text, na_action="ignore")})
    sns.scatterplot(data=df, x=x, y=y, hue=hue, ax=ax, s=25, alpha=0.7)
    ax.set(xscale="log", yscale="log", title=title, xlabel=xlabel, ylabel=ylabel)
    if slope is not None and intercept is not None:
        xs = np.geomspace(df[x].min(), df[x].max(), 50)
        ax.plot(xs, np.exp(intercept) * xs**slope, color="black", lw=2, label=f"fit: slope {slope:.2f}")
        ax.legend()
    return ax


def interval_plot(df: pd.DataFrame, label: str, estimate: str, low: str, high: str, *, title: str,
                  xlabel: str, ax: plt.Axes | None = None) -> plt.Axes:
    """Point estimates with horizontal confidence intervals, one row per label."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(df) + 1.5))
    ys = np.arange(len(df))
    ax.errorbar(df[estimate], ys, xerr=[df[estimate] - df[low], df[high] - df[estimate]], fmt="o", capsize=4)
    ax.set_yticks(ys, [plot_text(v) for v in df[label]])
    ax.set(title=title, xlabel=xlabel)
    return ax
