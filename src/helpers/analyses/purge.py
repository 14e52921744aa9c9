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
from helpers.analyses.focal_audience import Labels, daily_counts, relevance_labels
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


def focal_series(posts: pd.DataFrame, follower_counts: pd.DataFrame,
                 account: pd.Series | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The focal account's daily follower counts and its daily engagement (empty when there is no focal account)."""
    if account is None:
        counts = pd.DataFrame(columns=["followers_count"])
        return counts, daily_engagement(posts.iloc[:0], counts, "")
    counts = daily_counts(follower_counts, account["account_id"])
    return counts, daily_engagement(posts, counts, account["account_id"])


def intro_text(account: pd.Series | None, counts: pd.DataFrame, daily: pd.DataFrame, purge: dict | None,
               handle: str, platform: str) -> str:
    """The opening sentence: the focal account (handle and platform already escaped), its days, the largest drop."""
    text = ("**The dataset has no focal account** (`accounts.is_focal`). " if account is None else
            f"Focal account **{handle}** on {platform}: {counts['followers_count'].notna().sum()} days with a "
            f"follower count, {len(daily)} days with original posts and a known follower count. ")
    return text + (f"Largest one-day drop: **{purge['drop']:,.0f}** followers on **{purge['date']:%d %b %Y}**."
                   if purge else "No one-day drop in the follower counts stands out as a purge.")


def purge_table(purge: dict) -> pd.DataFrame:
    """The detected purge as a one-row table."""
    return pd.DataFrame([purge]).rename(columns={"robust_z": "robust z (how unusual)"}).round(3)


def purge_text(purge: dict) -> str:
    """How much the purge removed, how unusual it was, and the rise expected if the removed never engaged."""
    return (f"On {purge['date']:%d %b %Y} the account lost **{100 * purge['share_removed']:.1f} %** of its followers "
            f"in a day, {purge['robust_z']:.0f} robust standard deviations below a usual day. If none of them ever "
            "engaged, engagement per follower should rise by removed / remaining = "
            f"**{100 * purge['drop'] / purge['followers_after']:.1f} %**.")


NO_PURGE_TEXT = ("No purge to study: the natural experiment needs a day when the follower count drops sharply "
                 "(at least 0.5 % of followers, far outside the usual daily changes).")


def effect_text(est: Estimate) -> str:
    """The jump at the purge, the rise expected, what the data can detect, and the verdict."""
    x = est.extra
    return (f"At the purge, engagement per post per follower changed by **{100 * est.estimate:+.1f} %** (95% CI "
            f"{100 * est.ci_low:+.1f} % to {100 * est.ci_high:+.1f} %, n = {est.n} days: {x['n_pre']} before, "
            f"{x['n_post']} after; AR(1) ρ = {x['ar1_rho']:.2f}). The rise expected if the removed accounts "
            f"never engaged is {100 * x['if_removed_never_engaged']:.1f} %; with this much day-to-day variation the "
            f"data can only detect changes of about **{100 * x['mde']:.0f} %** or more (80 % power). "
            f"Verdict: {purge_verdict(est)}.")


def counterfactuals(followers: pd.DataFrame, quality: pd.DataFrame | None, interactions: pd.DataFrame,
                    account_id: str, prefer: str = "auto") -> list[tuple[str, Estimate]]:
    """The fake-removal counterfactual with the labels asked for, and with the quality scores when those differ."""
    lab = relevance_labels(followers, account_id, quality, prefer=prefer)
    rows = [("labels used: " + lab.source, fake_removal(lab, interactions, account_id))]
    if quality is not None and lab.source != "quality scores":
        scored = relevance_labels(followers, account_id, quality, prefer="scores")
        rows.append(("quality scores", fake_removal(scored, interactions, account_id)))
    return rows


def counterfactual_table(rows: list[tuple[str, Estimate]]) -> pd.DataFrame:
    """One row per labelling: likely fakes, their shares, and the change per follower with its interval."""
    return pd.DataFrame([{"labels": name, "likely fake": e.extra["likely_fake"], "followers": e.n,
                          "share likely fake": e.extra["share_fake"],
                          "share of interactions by them": e.extra["share_of_interactions_by_fakes"],
                          "change per follower": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high}
                         for name, e in rows])


def counterfactual_text(e: Estimate) -> str:
    """How many followers are likely fake, their share of interactions, and the change removing them would make."""
    return (f"**{e.extra['likely_fake']:,}** of {e.n:,} followers ({100 * e.extra['share_fake']:.1f} %) are likely "
            f"fake and made {100 * e.extra['share_of_interactions_by_fakes']:.1f} % of the interactions with the "
            f"account's posts. Removing them would raise engagement per follower by **{100 * e.estimate:.1f} %** "
            f"(95% CI {100 * e.ci_low:.1f} % to {100 * e.ci_high:.1f} %) — a fixed arithmetic consequence, not an "
            "experiment: the count shrinks and the same people keep engaging.")


def same_purge(planted_date: object, purge: dict | None) -> bool:
    """Whether the purge found is the one the simulated sample planted."""
    return purge is not None and planted_date is not None and pd.Timestamp(planted_date) == purge["date"]


def h07_finding(est: Estimate, verdict: str) -> str:
    """H07's finding in words."""
    return (f"{100 * est.estimate:+.1f} % engagement per follower at the purge (95% CI {100 * est.ci_low:+.1f} % to "
            f"{100 * est.ci_high:+.1f} %): {verdict}")


def truth_text(truth: float, low: float, high: float) -> str:
    """The planted change and whether the interval covers it."""
    return (f"Simulated data: the planted change is **{100 * truth:+.1f} %** (the removed accounts never "
            f"engaged); the estimate's interval {'covers' if low <= truth <= high else 'MISSES'} it.")
