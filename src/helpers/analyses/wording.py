"""Numbers in the analyses' sentences: shares as signed percentage points, and their intervals."""

from __future__ import annotations

from helpers.stats import Estimate


def points(share: float) -> str:
    """A difference of shares as signed percentage points with one decimal (0.052 -> '+5.2')."""
    return f"{100 * share:+.1f}"


def points_interval(est: Estimate) -> str:
    """An estimate's interval in signed percentage points ('+1.0 to +9.4')."""
    return f"{points(est.ci_low)} to {points(est.ci_high)}"
