"""H07 on counts (helpers.analyses.purge): engagement counts with the uncut follower count as offset, not a ratio.

A simulated purge removes a fifth of the followers. With no quality effect the engagement count is unchanged, so the
ratio to the followers left jumps by removed / remaining; the offset model must not find an effect beyond its
nominal rate, and must recover a planted change in engagement itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analyses import purge

DAY = pd.Timestamp("2025-04-01")
REMOVED = 0.20


def daily(seed: int, change: float, days: int = 120) -> tuple[pd.DataFrame, dict]:
    """Days with posts around a purge of REMOVED of the followers; engagement counts jump by `change` at the purge."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(DAY - pd.Timedelta(days=days // 2), periods=days, freq="D")
    after = index >= DAY
    uncut = 5000 * np.exp(0.002 * np.arange(days))
    followers = np.round(uncut * np.where(after, 1 - REMOVED, 1.0))
    posts = rng.integers(1, 4, days)
    mu = posts * 0.004 * uncut * np.where(after, 1 + change, 1.0) * rng.gamma(50, 1 / 50, days)
    total = rng.poisson(mu).astype(float)
    frame = pd.DataFrame({"posts": posts, "engagement_total": total, "engagement_per_post": total / posts,
                          "followers": followers}, index=index)
    frame["per_1000_followers"] = 1000 * frame["engagement_per_post"] / frame["followers"]
    frame["log_rate"] = np.log1p(frame["engagement_per_post"]) - np.log(frame["followers"])
    before = float(followers[~after][-1])
    event = {"date": DAY, "drop": before - float(followers[after][0]), "followers_before": before}
    return frame, event


def test_with_no_quality_effect_the_count_model_keeps_its_size_while_the_ratio_finds_the_denominator():
    fits = [purge.purge_effect(*daily(seed, 0.0)) for seed in range(40)]
    count_rejects = np.mean([not f.ci_low <= 0 <= f.ci_high for f in fits])
    ratio_rejects = np.mean([f.extra["ratio_ci"][0] > 0 for f in fits])
    assert count_rejects <= 0.125, count_rejects  # nominal 5 %, binomial allowance for 40 purges
    assert ratio_rejects >= 0.8, ratio_rejects  # +25 % = removed / remaining, with nothing about engagement changed


def test_a_planted_change_in_engagement_itself_is_recovered():
    fits = [purge.purge_effect(*daily(100 + seed, 0.3)) for seed in range(20)]
    assert np.mean([f.ci_low <= 0.3 <= f.ci_high for f in fits]) >= 0.8
    assert abs(np.mean([f.estimate for f in fits]) - 0.3) < 0.06


def test_the_planted_change_on_h07s_scale_removes_the_arithmetic_of_the_denominator():
    truth = {"removed": 284, "followers_before": 7099, "engagement_per_follower_change": 284 / (7099 - 284)}
    assert abs(purge.planted_change(truth)) < 1e-12 and purge.planted_change(None) is None
