"""Every figure of the reports: one look (titles, labelled axes with units), scatters, intervals, the forest plot;
the figures of each notebook family in a module of their own beside this one."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D

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

SIDE_COLOURS = {"quantity": "#1d4ed8", "quality": "#c2410c", "": "#4b5563"}


def _limits(row: pd.Series) -> tuple[float, float]:
    """An x range holding the interval, the estimate, zero and any planted truth, with a margin."""
    values = [row["ci_low"], row["ci_high"], row["estimate"], 0.0, row.get("truth", np.nan)]
    finite = [v for v in values if np.isfinite(v)]
    lo, hi = min(finite), max(finite)
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _panel(ax: plt.Axes, row: pd.Series, alpha: float) -> None:
    """One hypothesis: estimate, 95% interval, zero line, planted truth; filled when significant."""
    case = bool(row.get("case_data"))  # a case study on other data is shown grey: it does not count here
    colour = SIDE_COLOURS[""] if case else SIDE_COLOURS.get(row["supports"], SIDE_COLOURS[""])
    significant = bool(row["q"] < alpha)
    low = row["estimate"] - row["ci_low"] if np.isfinite(row["ci_low"]) else 0
    high = row["ci_high"] - row["estimate"] if np.isfinite(row["ci_high"]) else 0
    ax.axvline(0, color="black", lw=1, ls="--")
    ax.errorbar([row["estimate"]], [0], xerr=[[low], [high]], fmt="o", ms=8, capsize=5, color=colour,
                mfc=colour if significant else "white", mew=2, lw=2)
    if np.isfinite(row.get("truth", np.nan)):
        ax.plot([row["truth"]], [0], marker="x", color="black", ms=10, mew=2)
    ax.set_xlim(*_limits(row))
    ax.set_yticks([])
    q = f"q = {row['q']:.2g}" if np.isfinite(row["q"]) else "no p-value"
    side = (row["supports"] or "no side") + ("; case study on other data, not counted" if case else "")
    ax.set_title(f"{row['id']} ({side}; {q})", loc="left", fontsize=10, fontweight="bold")
    ax.set_xlabel(row["measure"] or "estimate", fontsize=9)


def forest_plot(table: pd.DataFrame, alpha: float = 0.05) -> plt.Figure | None:
    """Small multiples of every hypothesis with a finite estimate (None when there is none)."""
    rows = table[np.isfinite(table["estimate"])]
    if rows.empty:
        return None
    height = [0.7] + [1.0] * len(rows)  # a first, empty row holds the legend
    fig, axes = plt.subplots(len(rows) + 1, 1, figsize=(9, 1.3 * len(rows) + 1.4), squeeze=False,
                             height_ratios=height, layout="constrained")
    for ax, (_, row) in zip(axes[1:, 0], rows.iterrows(), strict=True):
        _panel(ax, row, alpha)
    legend = [Line2D([], [], color=SIDE_COLOURS["quantity"], marker="o", ls="", label="backs quantity when > 0"),
              Line2D([], [], color=SIDE_COLOURS["quality"], marker="o", ls="", label="backs quality when > 0"),
              Line2D([], [], color="grey", marker="o", mfc="white", ls="", label=f"not significant (q ≥ {alpha:g})"),
              Line2D([], [], color="black", marker="x", ls="", label="planted truth (simulated data)"),
              Line2D([], [], color="black", ls="--", label="no effect (0)")]
    axes[0, 0].set_axis_off()
    axes[0, 0].legend(handles=legend, loc="center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Estimates with 95% confidence intervals (each panel on its own scale)",
                 fontweight="bold")
    return fig
