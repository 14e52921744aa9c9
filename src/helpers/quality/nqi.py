"""The Network Quality Index (NQI), 0-100: what a follower is worth on average, by bin, plus reciprocity.

    NQI = 100 x [ (1 - r) x sum_b v_b x share_b + r x reciprocity ]

with bin values v = engaged 1.0, relevant 0.7, irrelevant 0.3, inactive 0.1, likely_fake 0.0, reciprocity
weight r = 0.1 (0 when reciprocity is unknown), and shares taken among the followers that could be judged
(the `unknown` bin left out), all weighted by sample_weight. Equivalently, NQI is the weighted mean of each
follower's value q_i = (1 - r) v_bin(i) + r x followed_back(i), which gives its CI (linearisation, normal).
The values are a judgement, not a measurement: rank_sensitivity() shows how much the ranking of accounts
moves when they change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers.quality.bins import BINS

BIN_VALUES = {"engaged": 1.0, "relevant": 0.7, "irrelevant": 0.3, "inactive": 0.1, "likely_fake": 0.0}
RECIPROCITY_WEIGHT = 0.1
LEVEL = 0.95


def nqi_from_shares(account_quality: pd.DataFrame, values: dict[str, float] = BIN_VALUES,
                    reciprocity_weight: float = RECIPROCITY_WEIGHT) -> pd.Series:
    """NQI of each account from its bin shares and reciprocity (the formula above)."""
    bins_part = sum(values[b] * account_quality[f"share_{b}"] for b in BINS)  # shares are over judged followers
    recip = account_quality["reciprocity"]
    r = np.where(recip.notna(), reciprocity_weight, 0.0)
    return 100 * ((1 - r) * bins_part + r * recip.fillna(0))


def follower_values(follower_quality: pd.DataFrame, values: dict[str, float] = BIN_VALUES,
                    reciprocity_weight: float = RECIPROCITY_WEIGHT) -> pd.Series:
    """q_i of each judged follower (NaN for the unknown bin); an unknown followed_back takes its account's rate."""
    v = follower_quality["bin"].astype(str).map(values).astype(float)
    back = follower_quality["followed_back"].astype("Float64").astype(float)
    w = follower_quality["sample_weight"].astype(float)
    known = back.notna()
    rate = (back.fillna(0) * w).groupby(follower_quality["account_id"]).transform("sum") / \
        (w * known).groupby(follower_quality["account_id"]).transform("sum")
    r = np.where(rate.notna(), reciprocity_weight, 0.0)
    return (1 - r) * v + r * back.fillna(rate).fillna(0)


def nqi_with_ci(follower_quality: pd.DataFrame, values: dict[str, float] = BIN_VALUES,
                reciprocity_weight: float = RECIPROCITY_WEIGHT, level: float = LEVEL) -> pd.DataFrame:
    """NQI per account with a linearisation CI of the weighted mean of q_i."""
    q = follower_values(follower_quality, values, reciprocity_weight)
    frame = pd.DataFrame({"account_id": follower_quality["account_id"], "q": q,
                          "w": follower_quality["sample_weight"].astype(float)}).dropna(subset=["q"])
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for account, g in frame.groupby("account_id", sort=True):
        w, qv = g["w"].to_numpy(), g["q"].to_numpy()
        mean = float(np.sum(w * qv) / np.sum(w))
        n = len(g)
        var = float(np.sum(w**2 * (qv - mean) ** 2) / np.sum(w) ** 2 * n / (n - 1)) if n > 1 else np.nan
        half = z * np.sqrt(var)
        rows.append({"account_id": account, "nqi": 100 * mean, "nqi_ci_low": 100 * max(0.0, mean - half),
                     "nqi_ci_high": 100 * min(1.0, mean + half)})
    return pd.DataFrame(rows, columns=["account_id", "nqi", "nqi_ci_low", "nqi_ci_high"])


def random_values(rng: np.random.Generator) -> tuple[dict[str, float], float]:
    """Bin values drawn at random but kept in the defaults' order (engaged >= ... >= inactive >= fake = 0),
    and a reciprocity weight in [0, 0.3]."""
    draws = np.sort(rng.random(4))[::-1]
    values = dict(zip(["engaged", "relevant", "irrelevant", "inactive"], draws / draws[0], strict=True))
    return {**values, "likely_fake": 0.0}, float(rng.uniform(0, 0.3))


def nqi_draws(account_quality: pd.DataFrame, n_draws: int = 1000, seed: int = 0) -> pd.DataFrame:
    """NQI of every account (columns) under n_draws random sets of bin values and reciprocity weights (rows)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_draws):
        values, r = random_values(rng)
        rows.append(nqi_from_shares(account_quality, values, r).to_numpy())
    return pd.DataFrame(np.vstack(rows) if rows else np.empty((0, len(account_quality))),
                        columns=account_quality["account_id"].to_numpy())


def rank_sensitivity(account_quality: pd.DataFrame, n_draws: int = 1000, seed: int = 0
                     ) -> tuple[pd.DataFrame, np.ndarray]:
    """How each account's rank (1 = best NQI) moves under random bin values; Kendall tau of each draw's
    ranking with the default one."""
    base = nqi_from_shares(account_quality).to_numpy()
    base_rank = pd.Series(base).rank(ascending=False, method="min").to_numpy()
    draws = nqi_draws(account_quality, n_draws, seed)
    ranks = draws.rank(axis=1, ascending=False, method="min").to_numpy()
    taus = np.array([stats.kendalltau(base, row).statistic if len(base) > 1 else np.nan
                     for row in draws.to_numpy()])
    summary = pd.DataFrame({
        "account_id": account_quality["account_id"].to_numpy(),
        "nqi": base,
        "nqi_p05": draws.quantile(0.05).to_numpy(),
        "nqi_p95": draws.quantile(0.95).to_numpy(),
        "rank": base_rank,
        "rank_median": np.median(ranks, axis=0),
        "rank_p05": np.quantile(ranks, 0.05, axis=0),
        "rank_p95": np.quantile(ranks, 0.95, axis=0),
        "max_shift": np.abs(ranks - base_rank).max(axis=0),
    })
    return summary, taus
