"""Purges as natural experiments: when a platform removes spam accounts from the focal account's followers,
does engagement per follower change? And what would removing the likely-fake followers do?

Natural experiment (H07): daily engagement per post per follower (likes + reposts + replies + quotes on the
account's original posts, over followers that day), on the log scale, in a window around the purge
(the day with the largest drop in followers, when it stands out: focal_audience.detect_purge). An
interrupted time series (helpers.stats.segmented_regression, AR(1) errors) gives the jump at the purge; the
relative change is exp(jump) - 1. If the removed accounts never engaged, engagement stays where it was and
engagement per follower rises by removed / remaining; `mde` says how large a change the data could reveal.

Counterfactual: removing today's likely-fake followers (from the quality scores) changes engagement per
follower by (1 - e) / (1 - p) - 1, with p their share of followers (Wilson CI) and e the share of the
account's interactions they made (taken as known: 0 when they made none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.analyses.engagement import original_posts
from helpers.analyses.focal_audience import Labels
from helpers.stats import Estimate, proportion_ci, segmented_regression

H07_NAME = "relative change in engagement per follower at the purge"
MIN_SIDE_DAYS = 14  # days with posts needed on each side of the purge
POWER_Z = sps.norm.ppf(0.975) + sps.norm.ppf(0.80)  # two-sided 5 % test with 80 % power


def daily_engagement(posts: pd.DataFrame, counts: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """Per day with original posts: posts, mean engagement per post, followers, and per 1,000 followers."""
    own = original_posts(posts[posts["account_id"] == account_id])
    if own.empty or not len(counts):
        return pd.DataFrame(columns=["posts", "engagement_per_post", "followers", "per_1000_followers", "log_rate"])
    day = own["created_at"].dt.tz_convert(None).dt.normalize()
    per = own.groupby(day)["engagement"].agg(["size", "mean"]).rename(columns={"size": "posts",
                                                                              "mean": "engagement_per_post"})
    per.index.name = "date"
    per["engagement_per_post"] = per["engagement_per_post"].astype(float)
    per["followers"] = counts["followers_count"].reindex(per.index)
    per = per[per["followers"] > 0]
    per["per_1000_followers"] = 1000 * per["engagement_per_post"] / per["followers"]
    # log(1 + engagement) keeps days whose posts got no engagement at all
    per["log_rate"] = np.log1p(per["engagement_per_post"]) - np.log(per["followers"])
    return per


def purge_effect(daily: pd.DataFrame, purge: dict | None, window_days: int = 90, ci: float = 0.95) -> Estimate:
    """Relative jump in engagement per post per follower at the purge (segmented regression, AR(1) errors)."""
    extra: dict = {"window_days": window_days}
    if purge is None:
        extra["reason"] = "no purge in the follower counts (no one-day drop that stands out)"
        return Estimate(H07_NAME, np.nan, np.nan, np.nan, np.nan, 0, "not estimable", extra, ci)
    day = purge["date"]
    extra.update({"purge_date": day, "removed": purge["drop"], "followers_before": purge["followers_before"],
                  "if_removed_never_engaged": purge["drop"] / (purge["followers_before"] - purge["drop"])})
    near = daily[(daily.index >= day - pd.Timedelta(days=window_days)) &
                 (daily.index < day + pd.Timedelta(days=window_days))]["log_rate"].dropna()
    n_pre, n_post = int((near.index < day).sum()), int((near.index >= day).sum())
    if min(n_pre, n_post) < MIN_SIDE_DAYS:
        extra["reason"] = (f"needs at least {MIN_SIDE_DAYS} days with posts on each side of the purge within "
                           f"{window_days} days; found {n_pre} before and {n_post} after")
        return Estimate(H07_NAME, np.nan, np.nan, np.nan, np.nan, len(near), "not estimable", extra, ci)
    # equally spaced days for the AR(1) errors: days without posts are left out (a small irregularity)
    level, slope = segmented_regression(near, day, errors="ar1", ci=ci)
    se = (level.ci_high - level.ci_low) / (2 * sps.norm.ppf(0.5 + ci / 2))
    extra.update({"log_jump": level.estimate, "slope_change_per_day": slope.estimate, "n_pre": n_pre,
                  "n_post": n_post, "mde": float(np.expm1(POWER_Z * se)), "ar1_rho": level.extra.get("ar1_rho"),
                  "pre_slope": level.extra["pre_slope"], "pre_level_at_event": level.extra["pre_level_at_event"]})
    return Estimate(H07_NAME, float(np.expm1(level.estimate)), float(np.expm1(level.ci_low)),
                    float(np.expm1(level.ci_high)), level.p, level.n,
                    "segmented regression of log engagement per post per follower, AR(1) errors", extra, ci)


def purge_verdict(est: Estimate) -> str:
    """Plain words for the natural experiment, saying when the change expected is below what it can detect."""
    if not np.isfinite(est.estimate):
        return "not estimable"
    if est.ci_low > 0:
        return "engagement per follower rose after the purge"
    if est.ci_high < 0:
        return "engagement per follower fell after the purge"
    expected, mde = est.extra["if_removed_never_engaged"], est.extra["mde"]
    if expected < mde:
        return (f"no change detectable: the {100 * expected:.1f} % rise expected if the removed accounts never "
                f"engaged is below the {100 * mde:.0f} % these data can detect")
    return "no change in engagement per follower at the purge"


def fake_removal(labels: Labels, interactions: pd.DataFrame, account_id: str, ci: float = 0.95) -> Estimate:
    """Counterfactual change in engagement per follower if today's likely-fake followers were removed."""
    fake = labels.frame["fake"].dropna().astype(bool)
    name = "relative change in engagement per follower if likely-fake followers were removed"
    extra = {"labels": labels.source}
    if fake.empty:
        extra["reason"] = "no likely-fake labels: score the followers first (python -m helpers score)"
        return Estimate(name, np.nan, np.nan, np.nan, np.nan, 0, "not estimable", extra, ci)
    share = proportion_ci(int(fake.sum()), len(fake), ci=ci)
    fake_ids = set(labels.frame.loc[fake[fake].index, "follower_id"])
    acts = interactions[interactions["account_id"] == account_id]
    e = float(acts["actor_id"].isin(fake_ids).mean()) if len(acts) else 0.0
    extra.update({"likely_fake": int(fake.sum()), "followers_judged": len(fake), "share_fake": share.estimate,
                  "share_of_interactions_by_fakes": e, "interactions": len(acts)})

    def change(p: float) -> float:
        return (1 - e) / (1 - p) - 1

    return Estimate(name, change(share.estimate), change(share.ci_low), change(share.ci_high), np.nan, len(fake),
                    "accounting: (1 - share of interactions by likely fakes) / (1 - their share of followers) - 1, "
                    "Wilson CI on the share", extra, ci)


def fitted_lines(daily: pd.DataFrame, est: Estimate) -> pd.DataFrame:
    """The segmented model's fitted engagement per post per 1,000 followers, before and after the purge."""
    day, w = est.extra["purge_date"], est.extra["window_days"]
    dates = daily.index[(daily.index >= day - pd.Timedelta(days=w)) & (daily.index < day + pd.Timedelta(days=w))]
    t = np.asarray((dates - day) / pd.Timedelta(days=1), dtype=float)
    after = t >= 0
    log_fit = (est.extra["pre_level_at_event"] + est.extra["pre_slope"] * t
               + after * (est.extra["log_jump"] + est.extra["slope_change_per_day"] * t))
    return pd.DataFrame({"date": dates, "fitted_per_1000": 1000 * np.exp(log_fit), "after": after})
