"""Purges as natural experiments: when a platform removes spam accounts from the focal account's followers,
does engagement per follower change? And what would removing the likely-fake followers do?

Natural experiment (H07): daily engagement *counts* (likes + reposts + replies + quotes on the account's original
posts that day) in a window around the purge (the day with the largest drop in followers, when it stands out:
focal_audience.detect_purge), modelled by a Poisson GLM with log(posts) + log(followers) as the offset, a line in
time before, and a jump and a new line after the purge (an interrupted time series), Newey-West (HAC) errors for
overdispersion and day-to-day dependence. The follower count in the offset is the count *without the purge's cut*
(after the purge, the removed accounts are added back), so the jump is not the arithmetic of a smaller
denominator: a ratio of engagement to the followers left rises by removed / remaining even when nothing about
engagement changed (the old ratio estimate, `ratio_effect`, kept as context). H07 = exp(jump) - 1: 0 when the removed
accounts never engaged and nothing else changed, -share removed when they engaged like everyone else, above 0 when
engagement itself rose with a cleaner audience. `mde` says how large a change the data could reveal.

Counterfactual: removing today's likely-fake followers (from the quality scores) changes engagement per
follower by (1 - e) / (1 - p) - 1, with p their share of followers (Wilson CI) and e the share of the
account's interactions they made (taken as known: 0 when they made none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from helpers.analyses.engagement import original_posts
from helpers.analyses.focal_audience import Labels, daily_counts, relevance_labels
from helpers.stats import Estimate, newey_west_lags, proportion_ci, segmented_regression

H07_NAME = "relative change in engagement at the purge, follower count without the cut as offset"
MIN_SIDE_DAYS = 14  # days with posts needed on each side of the purge
POWER_Z = sps.norm.ppf(0.975) + sps.norm.ppf(0.80)  # two-sided 5 % test with 80 % power


def daily_engagement(posts: pd.DataFrame, counts: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """Per day with original posts: posts, mean engagement per post, followers, and per 1,000 followers."""
    own = original_posts(posts[posts["account_id"] == account_id])
    if own.empty or not len(counts):
        return pd.DataFrame(columns=["posts", "engagement_per_post", "engagement_total", "followers",
                                     "per_1000_followers", "log_rate"])
    day = own["created_at"].dt.tz_convert(None).dt.normalize()
    per = own.groupby(day)["engagement"].agg(["size", "mean", "sum"]).rename(
        columns={"size": "posts", "mean": "engagement_per_post", "sum": "engagement_total"})
    per.index.name = "date"
    per["engagement_per_post"] = per["engagement_per_post"].astype(float)
    per["engagement_total"] = per["engagement_total"].astype(float)
    per["followers"] = counts["followers_count"].reindex(per.index)
    per = per[per["followers"] > 0]
    per["per_1000_followers"] = 1000 * per["engagement_per_post"] / per["followers"]
    # log(1 + engagement) keeps days whose posts got no engagement at all
    per["log_rate"] = np.log1p(per["engagement_per_post"]) - np.log(per["followers"])
    return per


def _window(daily: pd.DataFrame, day: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """The days with posts within window_days of the purge day."""
    return daily[(daily.index >= day - pd.Timedelta(days=window_days)) &
                 (daily.index < day + pd.Timedelta(days=window_days))]


def _unavailable(purge: dict | None, near: pd.DataFrame, day: object, window_days: int) -> str:
    """Why the purge effect cannot be estimated ("" when it can)."""
    if purge is None:
        return "no purge in the follower counts (no one-day drop that stands out)"
    n_pre, n_post = int((near.index < day).sum()), int((near.index >= day).sum())
    if min(n_pre, n_post) < MIN_SIDE_DAYS:
        return (f"needs at least {MIN_SIDE_DAYS} days with posts on each side of the purge within {window_days} "
                f"days; found {n_pre} before and {n_post} after")
    return ""


def count_model(near: pd.DataFrame, day: pd.Timestamp, kept: float, ci: float = 0.95) -> dict:
    """Poisson GLM of daily engagement counts, offset log(posts) + log(followers without the purge's cut), segmented
    in time, HAC errors: the jump at the purge (log scale) with its CI, p, and the fitted coefficients."""
    t = np.asarray((near.index - day) / pd.Timedelta(days=1), dtype=float)
    after = (t >= 0).astype(float)
    uncut = near["followers"].to_numpy(float) / np.where(after > 0, kept, 1.0)
    exog = np.column_stack([np.ones_like(t), t, after, t * after])
    offset = np.log(near["posts"].to_numpy(float)) + np.log(uncut)
    res = sm.GLM(near["engagement_total"].to_numpy(float), exog, family=sm.families.Poisson(), offset=offset).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(t))})
    conf = np.asarray(res.conf_int(alpha=1 - ci))
    return {"jump": float(res.params[2]), "low": float(conf[2, 0]), "high": float(conf[2, 1]),
            "p": float(res.pvalues[2]), "se": float(res.bse[2]), "params": [float(v) for v in res.params],
            "dispersion": float(res.pearson_chi2 / res.df_resid)}


def purge_effect(daily: pd.DataFrame, purge: dict | None, window_days: int = 90, ci: float = 0.95) -> Estimate:
    """Relative jump in engagement at the purge, counts with the uncut follower count as offset (see the module)."""
    extra: dict = {"window_days": window_days}
    day = purge["date"] if purge else None
    near = _window(daily, day, window_days) if purge else daily.iloc[:0]
    reason = _unavailable(purge, near, day, window_days)
    if purge:
        extra.update({"purge_date": day, "removed": purge["drop"], "followers_before": purge["followers_before"],
                      "if_removed_never_engaged": purge["drop"] / (purge["followers_before"] - purge["drop"]),
                      "if_removed_engaged_like_others": -purge["drop"] / purge["followers_before"]})
    if reason:
        extra["reason"] = reason
        return Estimate(H07_NAME, np.nan, np.nan, np.nan, np.nan, len(near), "not estimable", extra, ci)
    kept = 1 - purge["drop"] / purge["followers_before"]
    fit = count_model(near, day, kept, ci)
    ratio = ratio_effect(near, day, ci)
    extra.update({"log_jump": fit["jump"], "n_pre": int((near.index < day).sum()),
                  "n_post": int((near.index >= day).sum()), "mde": float(np.expm1(POWER_Z * fit["se"])),
                  "dispersion": fit["dispersion"], "params": fit["params"], "kept_share": kept,
                  "ratio_estimate": ratio.estimate, "ratio_ci": [ratio.ci_low, ratio.ci_high], "ratio_p": ratio.p})
    return Estimate(H07_NAME, float(np.expm1(fit["jump"])), float(np.expm1(fit["low"])), float(np.expm1(fit["high"])),
                    fit["p"], len(near), "Poisson GLM of daily engagement counts, offset log(posts) + log(followers "
                    "without the purge's cut), segmented in time, Newey-West errors", extra, ci)


def ratio_effect(near: pd.DataFrame, day: pd.Timestamp, ci: float = 0.95) -> Estimate:
    """The old ratio estimate (context): jump in log engagement per post per follower left, AR(1) errors; it rises by
    removed / remaining when nothing about engagement changed."""
    level, _ = segmented_regression(near["log_rate"].dropna(), day, errors="ar1", ci=ci)
    return Estimate("relative change in engagement per post per follower left (ratio)", float(np.expm1(level.estimate)),
                    float(np.expm1(level.ci_low)), float(np.expm1(level.ci_high)), level.p, level.n,
                    "segmented regression of log engagement per post per follower, AR(1) errors", level.extra, ci)


def purge_verdict(est: Estimate) -> str:
    """Plain words for the natural experiment, saying when the change expected is below what it can detect."""
    if not np.isfinite(est.estimate):
        return "not estimable"
    if est.ci_low > 0:
        return "engagement rose at the purge, beyond the arithmetic of fewer followers"
    if est.ci_high < 0:
        return "engagement fell at the purge: the removed accounts took engagement with them"
    lost, mde = -est.extra["if_removed_engaged_like_others"], est.extra["mde"]
    if lost < mde:
        return (f"no change detectable: the {100 * lost:.1f} % fall expected if the removed accounts had engaged like "
                f"the others is below the {100 * mde:.0f} % these data can detect")
    return "no change in engagement at the purge: the removed accounts took no engagement with them"


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
    """The count model's fitted engagement per post per 1,000 followers left, before and after the purge."""
    day, w = est.extra["purge_date"], est.extra["window_days"]
    near = _window(daily, day, w)
    t = np.asarray((near.index - day) / pd.Timedelta(days=1), dtype=float)
    after = t >= 0
    b = est.extra["params"]
    log_fit = b[0] + b[1] * t + after * (b[2] + b[3] * t)
    # per uncut follower from the model; per follower left is that / kept share after the purge
    per_left = np.exp(log_fit) / np.where(after, est.extra["kept_share"], 1.0)
    return pd.DataFrame({"date": near.index, "fitted_per_1000": 1000 * per_left, "after": after})


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
    """The jump at the purge, the two benchmarks, the ratio's figure, what the data can detect, and the verdict."""
    x = est.extra
    return (f"At the purge, engagement changed by **{100 * est.estimate:+.1f} %** (95% CI {100 * est.ci_low:+.1f} % to "
            f"{100 * est.ci_high:+.1f} %, p = {est.p:.2f}, n = {est.n} days: {x['n_pre']} before, "
            f"{x['n_post']} after), counts with the follower count *without the purge's cut* as the offset. "
            "Benchmarks: 0 % if the removed accounts never engaged, "
            f"{100 * x['if_removed_engaged_like_others']:+.1f} % if they engaged like the others. "
            "Engagement per follower left — the ratio earlier versions reported — changed by "
            f"{100 * x['ratio_estimate']:+.1f} % ({100 * x['ratio_ci'][0]:+.1f} % to {100 * x['ratio_ci'][1]:+.1f} %), "
            f"which includes the arithmetic {100 * x['if_removed_never_engaged']:+.1f} % of a smaller denominator. "
            f"With this much day-to-day variation the data can only detect changes of about "
            f"**{100 * x['mde']:.0f} %** or more (80 % power). Verdict: {purge_verdict(est)}.")


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
    return (f"{100 * est.estimate:+.1f} % engagement at the purge, follower count without the cut as offset (95% CI "
            f"{100 * est.ci_low:+.1f} % to {100 * est.ci_high:+.1f} %): {verdict}")


def planted_change(truth: dict | None) -> float | None:
    """The simulated purge's planted change on H07's scale: the planted change per follower left, less the arithmetic
    of the smaller denominator (0 when the removed never engaged)."""
    if not truth or truth.get("engagement_per_follower_change") is None:
        return None
    kept = 1 - truth["removed"] / truth["followers_before"]
    return float((1 + truth["engagement_per_follower_change"]) * kept - 1)


def truth_text(truth: float, low: float, high: float) -> str:
    """The planted change and whether the interval covers it."""
    return (f"Simulated data: the planted change is **{100 * truth:+.1f} %** (the removed accounts' share of "
            f"engagement); the estimate's interval {'covers' if low <= truth <= high else 'MISSES'} it.")
