"""Pure statistical helpers on DataFrames and arrays (statsmodels/scipy based); imports nothing else from helpers."""

from .correlation import (
    kendall_ci,
    partial_correlation,
    rank_correlation_ci,
    spearman_ci,
    top_decile_correlation,
    top_share_threshold,
)
from .decomposition import delta_r2, dominance_analysis, general_dominance, subset_r2
from .events import newey_west_lags, segmented_regression
from .multiple import benjamini_hochberg
from .projection import growth_projection
from .proportions import kish_effective_n, proportion_ci
from .regression import elasticity, negbin_glm, ols_hc3, tidy_coefficients
from .result import Estimate, ModelFit, NotEstimable, estimates_frame, not_estimable
from .timeseries import (
    GrangerResult,
    Stationarised,
    Stationarity,
    granger,
    lagged_xcorr,
    make_stationary,
    stationarity,
)

__all__ = [
    "Estimate",
    "GrangerResult",
    "ModelFit",
    "NotEstimable",
    "Stationarised",
    "Stationarity",
    "benjamini_hochberg",
    "delta_r2",
    "dominance_analysis",
    "elasticity",
    "estimates_frame",
    "general_dominance",
    "granger",
    "growth_projection",
    "kendall_ci",
    "kish_effective_n",
    "lagged_xcorr",
    "make_stationary",
    "negbin_glm",
    "newey_west_lags",
    "not_estimable",
    "ols_hc3",
    "partial_correlation",
    "proportion_ci",
    "rank_correlation_ci",
    "segmented_regression",
    "spearman_ci",
    "stationarity",
    "subset_r2",
    "tidy_coefficients",
    "top_decile_correlation",
    "top_share_threshold",
]
