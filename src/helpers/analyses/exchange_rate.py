"""The head-to-head of quality and quantity that does not depend on scale: the exchange rate, and standardised
effects within size strata.

In a model log(outcome) = a + b·ln(followers) + c·share + ..., +10 points of the share (Δshare = 0.1) add 0.1·c
to the log outcome, and (1 + x) times the followers add b·ln(1 + x). They match when ln(1 + x) = 0.1·c / b, so

    x = exp(0.1·c / b) − 1     (how many percent more followers give the same gain as +10 points).

x is a monotone function of the ratio ρ = c / b, so its interval is Fieller's interval for ρ (the set of ρ with
(ĉ − ρ·b̂)² ≤ z²·Var(ĉ − ρ·b̂)), mapped through x. When b's own interval includes 0 that set is unbounded: the
rate's upper end is +∞, "no number of extra followers matches it", and it is reported so.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers import stats

POINTS = 10  # the quality step the rate is quoted for: +10 percentage points of the share
MEASURE = ("exchange rate: the fraction more followers that gives the same gain in the outcome as +10 points of "
           "relevant followers, x = exp(0.1·c/b) − 1 (0.26 = 26 % more followers); Fieller interval for c/b")
MIN_STRATUM = 10  # accounts a stratum needs for its own regression


@dataclass
class Ratio:
    """Fieller's interval for c / b: a bounded interval, the outside of one (two rays), or the whole line."""

    estimate: float
    low: float
    high: float
    kind: str  # "bounded", "rays" (everything outside (low, high)) or "unbounded" (the whole line)


def fieller(b: float, c: float, cov: np.ndarray, ci: float = 0.95) -> Ratio:
    """Fieller's confidence set for c / b from the estimates and their 2×2 covariance (order b, c)."""
    z2 = sps.norm.ppf((1 + ci) / 2) ** 2
    v_bb, v_bc, v_cc = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    a2, b2, c2 = b * b - z2 * v_bb, b * c - z2 * v_bc, c * c - z2 * v_cc
    disc = b2 * b2 - a2 * c2
    point = c / b if b != 0 else math.copysign(math.inf, c) if c != 0 else math.nan
    if a2 > 0:  # b is significantly different from 0: a bounded interval
        root = math.sqrt(max(disc, 0.0))
        return Ratio(point, (b2 - root) / a2, (b2 + root) / a2, "bounded")
    if disc > 0 and a2 < 0:
        root = math.sqrt(disc)
        return Ratio(point, (b2 + root) / a2, (b2 - root) / a2, "rays")
    return Ratio(point, -math.inf, math.inf, "unbounded")


def _x(rho: float, points: float = POINTS) -> float:
    """The exchange rate for a ratio c / b: exp(points/100 · rho) − 1 (−1 and +∞ at the ends)."""
    if rho == math.inf:
        return math.inf
    if rho == -math.inf:
        return -1.0
    with np.errstate(over="ignore"):
        return float(np.expm1(points / 100 * rho))


@dataclass
class ExchangeRate:
    """The exchange rate with its interval (fractions: 0.26 = 26 % more followers) and its reading in words."""

    estimate: float
    ci_low: float
    ci_high: float
    measure: str
    words: str
    kind: str
    b: float
    c: float

    def as_dict(self) -> dict:
        """The primary-result convention's exchange_rate (estimate, ci_low, ci_high, measure) and the rest."""
        return asdict(self)


def _pct(x: float) -> str:
    """A fraction as a signed percentage, an unbounded end in words."""
    return "+∞" if x == math.inf else f"{100 * x:+.0f}%"


def _words(x: float, low: float, high: float, ratio: Ratio, b: float, label: str) -> str:
    """The rate as a marketer reads it, saying when it is unbounded or when follower count does not help."""
    if b <= 0:
        return ("follower count does not raise the outcome in this model (its coefficient is not positive), so no "
                f"number of extra followers matches +10 points of {label}")
    lead = f"+10 points of {label} give the same gain as {_pct(x)} followers"
    if ratio.kind == "bounded" and math.isfinite(high):
        return f"{lead} (95% CI {_pct(low)} to {_pct(high)})"
    if ratio.kind != "unbounded":  # two rays, or an upper end too large for a float
        return (f"{lead} (95% interval from {_pct(low)} upwards, unbounded: follower count's own effect may be zero, "
                "and then no number of extra followers matches it)")
    return (f"{lead}; the interval is unbounded: neither effect is estimated precisely enough to compare them, and "
            "at its upper end no number of extra followers matches it")


def _interval(ratio: Ratio, b: float, points: float) -> tuple[float, float]:
    """The reported interval of x: Fieller's set mapped through x, the piece holding the estimate when it is two."""
    if ratio.kind == "bounded":
        return (_x(ratio.low, points), _x(ratio.high, points)) if b > 0 else (math.nan, math.nan)
    if ratio.kind == "rays" and (b <= 0 or ratio.estimate >= ratio.high):
        return _x(ratio.high, points), math.inf  # b may be 0: at the upper end no number of followers matches it
    return -1.0, math.inf  # the whole range, or an estimate in the lower ray whose set still reaches +inf


def exchange_rate(b: float, c: float, cov: np.ndarray, points: float = POINTS, ci: float = 0.95,
                  label: str = "relevant followers") -> ExchangeRate:
    """How many percent more followers give the gain of +points of the share, with Fieller's interval mapped to x.

    b: coefficient of ln(followers); c: coefficient of the share (0-1), both on the log outcome; cov: their 2×2
    covariance (order b, c). When b is not positive the rate is not defined (estimate NaN): no number of extra
    followers matches the gain; the interval is then the part of Fieller's set where b may be positive.
    """
    ratio = fieller(b, c, cov, ci)
    x = _x(ratio.estimate, points) if b > 0 else math.nan
    low, high = _interval(ratio, b, points)
    measure = MEASURE.replace("relevant followers", label)
    return ExchangeRate(x, low, high, measure, _words(x, low, high, ratio, b, label), ratio.kind, b, c)


def strata(followers: pd.Series, groups: int = 3) -> pd.Series:
    """Follower-count strata (tertiles by default), labelled with their follower range."""
    codes = pd.qcut(followers.rank(method="first"), groups, labels=False)
    ranges = followers.groupby(codes).agg(["min", "max"])
    names = {k: f"{k + 1} of {groups}: {int(r['min']):,}–{int(r['max']):,} followers" for k, r in ranges.iterrows()}
    return codes.map(names)


def strata_effects(frame: pd.DataFrame, formula: str, terms: list[str], groups: int = 3,
                   followers: str = "followers_count") -> pd.DataFrame:
    """Within each follower-count stratum, the standardised coefficient (per SD, HC3 95% CI) of each term, with n.

    Within a stratum follower counts span a narrow range, so a standardised effect of a share no longer competes
    with the orders of magnitude that follower counts span across all accounts.
    """
    labels = strata(frame[followers], groups)
    rows = []
    for label in sorted(labels.dropna().unique()):
        part = frame[labels == label]
        fit = stats.ols_hc3(part, formula).table.set_index("term") if len(part) >= MIN_STRATUM else None
        for term in terms:
            row = fit.loc[term] if fit is not None else pd.Series(dtype=float)
            rows.append({"stratum": label, "term": term, "beta": row.get("beta", np.nan),
                         "beta_ci_low": row.get("beta_ci_low", np.nan), "beta_ci_high": row.get("beta_ci_high", np.nan),
                         "p": row.get("p", np.nan), "n": len(part)})
    return pd.DataFrame(rows)
