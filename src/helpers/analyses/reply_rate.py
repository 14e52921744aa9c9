"""Manageability: does an account reply less once it passes a follower threshold (10,000)? The reply share of its
own posts before and after the day its follower count first reached the threshold, and a segmented regression of
the weekly reply share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    test_proportions_2indep,
)

from helpers import stats
from helpers.analyses.wording import points, points_interval
from helpers.stats import NotEstimable

MIN_WEEK_POSTS = 3  # weeks with fewer posts give no weekly reply share
MIN_SIDE_POSTS = 10  # posts needed on each side of the crossing


def focal_account(accounts: pd.DataFrame) -> str | None:
    """The user's own account (is_focal), the first one when several are marked."""
    focal = accounts.loc[accounts["is_focal"].astype("boolean").fillna(False).to_numpy(bool), "account_id"]
    return str(focal.iloc[0]) if len(focal) else None


def crossing_date(follower_counts: pd.DataFrame, account_id: str, threshold: int = 10_000) -> pd.Timestamp:
    """First day the account's follower count reached the threshold, after a day observed below it (the reasons
    name no account id: they reach the reports, which show the user's account by its handle only)."""
    c = follower_counts[follower_counts["account_id"] == account_id].dropna(subset=["followers_count"])
    c = c.sort_values("date")
    above = (c["followers_count"].astype(float) >= threshold).to_numpy()
    if not len(c):
        raise NotEstimable("no follower counts for the studied account")
    if above[0]:
        raise NotEstimable(f"the studied account already had {threshold:,} followers on its first observed day "
                           f"({pd.Timestamp(c['date'].iloc[0]).date()}): no before period")
    if not above.any():
        raise NotEstimable(f"the studied account never reached {threshold:,} followers in the observed counts "
                           f"(highest {int(c['followers_count'].max()):,})")
    return pd.Timestamp(c["date"].iloc[int(np.argmax(above))])


def written_posts(posts: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """The account's own writing (posts, replies, quotes; not reposts), with its day and whether it is a reply."""
    p = posts[(posts["account_id"] == account_id) & posts["kind"].isin(["post", "reply", "quote"])]
    day = pd.to_datetime(p["created_at"], utc=True).dt.tz_localize(None).dt.normalize()
    return pd.DataFrame({"day": day.to_numpy(), "reply": p["kind"].eq("reply").to_numpy(float)})


def weekly_reply_share(written: pd.DataFrame, crossing: pd.Timestamp) -> pd.DataFrame:
    """Posts, replies and reply share per week, weeks counted from the crossing day (week 0 starts on it)."""
    week = np.floor((written["day"] - crossing) / pd.Timedelta(days=7)).astype(int)
    g = written.groupby(week)["reply"]
    out = pd.DataFrame({"posts": g.size(), "replies": g.sum()})
    out.index.name = "week"
    out["reply_share"] = out["replies"] / out["posts"]
    out["week_start"] = crossing + pd.to_timedelta(7 * out.index.to_numpy(), unit="D")
    out["after"] = out.index >= 0
    return out.reset_index()


def dispersion(weekly: pd.DataFrame) -> float:
    """Pearson χ²/df of weekly reply counts around each period's share (1 = binomial; above 1 = clustered)."""
    w = weekly[weekly["posts"] > 0]
    p = w.groupby("after")["replies"].transform("sum") / w.groupby("after")["posts"].transform("sum")
    var = w["posts"] * p * (1 - p)
    chi2 = float((((w["replies"] - w["posts"] * p) ** 2) / var.where(var > 0)).sum())
    dof = int((var > 0).sum()) - w["after"].nunique()
    return chi2 / dof if dof > 0 else np.nan


def reply_share_change(posts: pd.DataFrame, follower_counts: pd.DataFrame, account_id: str,
                       threshold: int = 10_000, ci: float = 0.95) -> tuple[stats.Estimate, pd.DataFrame]:
    """Reply share after minus before the crossing day, Newcombe CI widened by the week-to-week design effect.

    Returns the estimate and the before/after table (posts, replies, share with Wilson CI).
    """
    crossing = crossing_date(follower_counts, account_id, threshold)
    written = written_posts(posts, account_id)
    after = (written["day"] >= crossing).to_numpy()
    if min(after.sum(), (~after).sum()) < MIN_SIDE_POSTS:
        raise NotEstimable(f"{int((~after).sum())} post(s) before and {int(after.sum())} after the crossing on "
                           f"{crossing.date()}; at least {MIN_SIDE_POSTS} on each side are needed")
    weekly = weekly_reply_share(written, crossing)
    phi = dispersion(weekly)
    deff = max(1.0, phi) if np.isfinite(phi) else 1.0
    rows, counts = [], {}
    for label, side in (("before", ~after), ("after", after)):
        x = written.loc[side, "reply"].to_numpy(float)
        counts[label] = (x.sum() / deff, len(x) / deff)
        est = stats.proportion_ci(x.sum() / deff, len(x) / deff)
        rows.append({"period": label, "posts": len(x), "replies": int(x.sum()), "reply_share": x.mean(),
                     "ci_low": est.ci_low, "ci_high": est.ci_high})
    table = pd.DataFrame(rows)
    low, high = confint_proportions_2indep(*counts["after"], *counts["before"], method="newcomb", compare="diff",
                                           alpha=1 - ci)
    diff = table.loc[1, "reply_share"] - table.loc[0, "reply_share"]
    p = float(test_proportions_2indep(*counts["after"], *counts["before"], method="score", compare="diff").pvalue)
    extra = {"crossing": str(crossing.date()), "threshold": threshold, "design_effect": deff, "dispersion": phi,
             "posts_before": int(table.loc[0, "posts"]), "posts_after": int(table.loc[1, "posts"])}
    est = stats.Estimate(f"reply share after minus before reaching {threshold:,} followers", float(diff),
                         float(low), float(high), p, int(len(written)),
                         "difference of proportions, Newcombe CI with a week-to-week design effect", extra, ci)
    return est, table


def reply_segmented(weekly: pd.DataFrame, min_posts: int = MIN_WEEK_POSTS) -> tuple[stats.Estimate, stats.Estimate]:
    """Segmented regression of the weekly reply share: level and slope change at the crossing (AR(1) errors)."""
    w = weekly[weekly["posts"] >= min_posts]
    series = pd.Series(w["reply_share"].to_numpy(float), index=w["week"].to_numpy())
    try:
        return stats.segmented_regression(series, 0, errors="ar1")
    except ValueError as exc:
        raise NotEstimable(f"too few weeks with at least {min_posts} posts on one side of the crossing "
                           f"({exc})") from exc


def h10_change(posts: pd.DataFrame, follower_counts: pd.DataFrame, account_id: str | None,
               threshold: int = 10_000) -> tuple[stats.Estimate | None, pd.DataFrame | None, str | None]:
    """The reply share change and its before/after table; or the reason it cannot be estimated."""
    if account_id is None:
        return None, None, "no account is marked as the user's own (is_focal); pass `account`"
    try:
        change, periods = reply_share_change(posts, follower_counts, account_id, threshold)
    except NotEstimable as exc:
        return None, None, str(exc)
    return change, periods, None


def crossing_day(change: stats.Estimate) -> pd.Timestamp:
    """The day the follower count first reached the threshold, from the change's estimate."""
    return pd.Timestamp(change.extra["crossing"])


def weekly_of(posts: pd.DataFrame, account_id: str, change: stats.Estimate) -> pd.DataFrame:
    """The account's weekly reply share, weeks counted from the crossing day of the change."""
    return weekly_reply_share(written_posts(posts, account_id), crossing_day(change))


def crossing_text(change: stats.Estimate, threshold: int) -> str:
    """The crossing day and the posts written on each side of it."""
    return (f"The follower count first reached {threshold:,} on **{crossing_day(change).date()}**; "
            f"{change.extra['posts_before']:,} posts were written before and {change.extra['posts_after']:,} "
            "on or after that day.")


def no_crossing_text(reason: str) -> str:
    """Why there is no crossing to study (reason already escaped), and what data would give one."""
    return (f"**Not estimable: {reason}.** Daily (or at least repeated) follower counts spanning the "
            "crossing are needed, e.g. from a platform's analytics export or from repeated collection.")


def change_text(change: stats.Estimate, periods: pd.DataFrame) -> str:
    """The reply share before and after, and the change with its interval."""
    return (f"Replies made up **{100 * periods.loc[0, 'reply_share']:.1f}%** of the account's posts before and "
            f"**{100 * periods.loc[1, 'reply_share']:.1f}%** after: a change of "
            f"**{points(change.estimate)} points** (95% CI {points_interval(change)}, n = {change.n:,} posts; "
            f"week-to-week dispersion "
            f"{change.extra['dispersion']:.2f}, design effect {change.extra['design_effect']:.2f}).")


def segmented_check(weekly: pd.DataFrame) -> tuple[pd.DataFrame | None, stats.Estimate | None, str | None]:
    """The segmented regression's level and slope changes as a table, with the level estimate; or why not."""
    try:
        level, slope = reply_segmented(weekly)
    except NotEstimable as exc:
        return None, None, str(exc)
    table = pd.DataFrame([{"term": e.name, "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high,
                           "p": e.p, "n": e.n} for e in (level, slope)])
    return table, level, None


def segmented_text(level: stats.Estimate) -> str:
    """The pre-crossing slope and the level change at the crossing, in words."""
    return (f"Fitting a line to the weekly shares before the crossing (slope {100 * level.extra['pre_slope']:+.2f} "
            f"points a week) and letting both level and slope change at the crossing, the level drops by "
            f"**{100 * level.estimate:+.1f} points** (95% CI {100 * level.ci_low:+.1f} to {100 * level.ci_high:+.1f}, "
            f"{level.extra['n_pre']} weeks before, {level.extra['n_post']} after). With few weeks after the "
            "crossing this check is weak; it guards against mistaking a slow drift for a step.")


def h10_parts(change: stats.Estimate | None, reason: str | None, verdict: str) -> tuple[stats.Estimate, str]:
    """H10's estimate and finding; not estimable with the reason when there is one."""
    if reason is not None:
        return stats.not_estimable("reply share after minus before the crossing", reason), ""
    return change, (f"reply share {100 * change.estimate:+.1f} points after {change.extra['crossing']} (95% CI "
                    f"{100 * change.ci_low:+.1f} to {100 * change.ci_high:+.1f}): {verdict}")


def truth_text(truth: float, low: float, high: float) -> str:
    """The planted change and whether the interval covers it."""
    return (f"Simulated data: the planted change is **{truth:+.2f}**; the interval "
            f"{'covers' if low <= truth <= high else 'MISSES'} it.")
