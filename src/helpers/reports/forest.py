"""A forest plot of hypotheses on different scales: one small panel per hypothesis, each with its own axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

COLOURS = {"quantity": "#1d4ed8", "quality": "#c2410c", "": "#4b5563"}


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
    colour = COLOURS[""] if case else COLOURS.get(row["supports"], COLOURS[""])
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
    for ax, (_, row) in zip(axes[1:, 0], rows.iterrows()):
        _panel(ax, row, alpha)
    legend = [Line2D([], [], color=COLOURS["quantity"], marker="o", ls="", label="backs quantity when > 0"),
              Line2D([], [], color=COLOURS["quality"], marker="o", ls="", label="backs quality when > 0"),
              Line2D([], [], color="grey", marker="o", mfc="white", ls="", label=f"not significant (q ≥ {alpha:g})"),
              Line2D([], [], color="black", marker="x", ls="", label="planted truth (simulated data)"),
              Line2D([], [], color="black", ls="--", label="no effect (0)")]
    axes[0, 0].set_axis_off()
    axes[0, 0].legend(handles=legend, loc="center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Estimates with 95% confidence intervals (each panel on its own scale)",
                 fontweight="bold")
    return fig
