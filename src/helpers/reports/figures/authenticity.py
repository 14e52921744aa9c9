"""The training notebook's figure: how well the calibrated probabilities of fake hold on unseen collections."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def reliability_plot(rel: pd.DataFrame, raw_rel: pd.DataFrame, method: str, ece: dict[str, float]) -> plt.Axes:
    """Observed share of fakes against the predicted probability, calibrated (with 95 % CIs) and raw."""
    _, ax = plt.subplots(figsize=(6, 5.5))
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
    ax.errorbar(rel["mean_predicted"], rel["observed"],
                yerr=[rel["observed"] - rel["ci_low"], rel["ci_high"] - rel["observed"]],
                marker="o", capsize=3, label=f"calibrated ({method}), ECE {ece['calibrated']:.3f}")
    ax.plot(raw_rel["mean_predicted"], raw_rel["observed"], marker="s", ls=":",
            label=f"raw score, ECE {ece['uncalibrated']:.3f}")
    ax.set(title="Reliability on collections neither the model nor its calibration saw",
           xlabel="predicted probability of fake", ylabel="observed share of fakes (95 % CI)", xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    return ax
