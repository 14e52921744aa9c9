"""Figures of the quality family (notebook 21): measured against planted shares, partial correlations,
standardised coefficients (overall and within size strata), the exchange rates and the dominance split."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.analyses.quality_engagement import LABELS
from helpers.reports.figures import interval_plot


def measured_vs_planted(frame: pd.DataFrame, accounts: pd.DataFrame) -> plt.Axes:
    """Measured against planted relevant-follower share, one dot per account, with the line measured = true."""
    merged = frame.merge(accounts[["account_id", "true_relevant_share"]], on="account_id").dropna(
        subset=["true_relevant_share"])
    _, ax = plt.subplots()
    ax.scatter(100 * merged["true_relevant_share"], 100 * merged["relevant_share"], s=15, alpha=0.6)
    ax.plot([0, 100], [0, 100], color="black", lw=1, label="measured = true")
    ax.set(title="Measured against planted relevant-follower share (one dot per account)",
           xlabel="planted share of relevant followers (%)", ylabel="measured share (%)")
    ax.legend()
    return ax


def partial_correlations(partial: pd.DataFrame) -> plt.Axes:
    """Partial Spearman of each share with engagement per post (quality_engagement.partial_spearman), zero marked."""
    ax = interval_plot(partial.assign(share=partial["share"].map(LABELS)), "share", "estimate", "ci_low", "ci_high",
                       title="Partial Spearman with engagement per post, controlling log followers",
                       xlabel="partial rank correlation (95% CI)")
    ax.axvline(0, color="grey", lw=1)
    return ax


def standardised_coefficients(table: pd.DataFrame) -> plt.Axes:
    """The models' standardised coefficients with HC3 intervals (quality_engagement.model_table), zero marked."""
    coefs = table[table["term"] != "Intercept"].assign(label=lambda t: t["term"].map(LABELS) + ", " + t["shares"])
    ax = interval_plot(coefs, "label", "beta", "beta_ci_low", "beta_ci_high",
                       title="Standardised coefficients (OLS, HC3 95% CI)",
                       xlabel="change in log engagement per post, in SDs, per SD of the predictor")
    ax.axvline(0, color="grey", lw=1)
    return ax


def dominance(dom_table: pd.DataFrame) -> plt.Axes:
    """General dominance weights in percentage points of R², with bootstrap intervals."""
    shown = dom_table.assign(estimate=100 * dom_table["estimate"], ci_low=100 * dom_table["ci_low"],
                             ci_high=100 * dom_table["ci_high"],
                             name=dom_table["name"].str.removeprefix("dominance ").map(LABELS))
    return interval_plot(shown, "name", "estimate", "ci_low", "ci_high",
                         title="General dominance: share of variance each predictor accounts for",
                         xlabel="percentage points of R² (95% bootstrap CI)")


def exchange_rates(rates: dict) -> plt.Axes:
    """The exchange rates (% more followers worth +10 points of relevant or real followers) with their intervals;
    an unbounded upper end is drawn to the plot's edge and marked."""
    shown = pd.DataFrame([{"label": f"+10 points of {kind} followers", "estimate": 100 * r.estimate,
                           "ci_low": 100 * r.ci_low, "ci_high": 100 * r.ci_high} for kind, r in rates.items()])
    finite = shown[["estimate", "ci_low", "ci_high"]].replace([np.inf, -np.inf], np.nan)
    edge = float(np.nanmax(finite.to_numpy())) * 1.5 if np.isfinite(finite.to_numpy()).any() else 100.0
    unbounded = ~np.isfinite(shown["ci_high"])
    shown = shown.assign(ci_high=shown["ci_high"].where(~unbounded, edge), estimate=shown["estimate"].fillna(edge))
    ax = interval_plot(shown, "label", "estimate", "ci_low", "ci_high",
                       title="Exchange rate: % more followers giving the same engagement gain (95% CI)",
                       xlabel="% more followers (a bar reaching the right edge is unbounded)")
    ax.axvline(0, color="grey", lw=1)
    return ax


def strata_effects(strata: pd.DataFrame) -> plt.Axes:
    """Standardised effects of follower count and the relevant share within follower-count strata, zero marked."""
    shown = strata.assign(label=strata["term"].map(LABELS) + ", " + strata["stratum"])
    ax = interval_plot(shown, "label", "beta", "beta_ci_low", "beta_ci_high",
                       title="Standardised effects within follower-count strata (OLS, HC3 95% CI)",
                       xlabel="change in log engagement per post, in SDs, per SD of the predictor within the stratum")
    ax.axvline(0, color="grey", lw=1)
    return ax
