"""Engagement per post, per follower and per impression, by account and by follower tier."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = ["likes", "reposts", "replies", "quotes"]
TIERS = [0, 1_000, 10_000, 100_000, 1_000_000, np.inf]
TIER_LABELS = ["nano (<1k)", "micro (1k-10k)", "mid (10k-100k)", "macro (100k-1M)", "mega (1M+)"]


def post_engagement(posts: pd.DataFrame) -> pd.Series:
    """Likes + reposts + replies + quotes of each post; null when the platform gave none of them."""
    counts = posts[COUNTS].astype("Float64")
    total = counts.sum(axis=1, skipna=True)
    return total.where(counts.notna().any(axis=1))


def original_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts the account wrote itself (not replies or reposts), with a known engagement."""
    out = posts[posts["kind"].eq("post")].copy()
    out["engagement"] = post_engagement(out)
    return out[out["engagement"].notna()]


def account_engagement(accounts: pd.DataFrame, posts: pd.DataFrame, min_posts: int = 5) -> pd.DataFrame:
    """Per account: followers, posts used, mean engagement per post, per follower and per impression."""
    own = original_posts(posts)
    grouped = own.groupby("account_id")
    per = pd.DataFrame({
        "posts_used": grouped.size(),
        "engagement_per_post": grouped["engagement"].mean().astype(float),
        "median_engagement": grouped["engagement"].median().astype(float),
        "engagement_sum": grouped["engagement"].sum().astype(float),
        "impressions_sum": grouped["impressions"].sum(min_count=1).astype(float),
        "posts_with_impressions": grouped["impressions"].count(),
    })
    out = accounts[["account_id", "platform", "followers_count", "is_focal"]].merge(
        per, left_on="account_id", right_index=True, how="inner")
    out = out[(out["posts_used"] >= min_posts) & out["followers_count"].notna() & (out["followers_count"] > 0)]
    out["followers_count"] = out["followers_count"].astype(float)
    out["engagement_per_follower"] = out["engagement_per_post"] / out["followers_count"]
    # per impression only over posts that report impressions (X); other platforms give none
    with_imp = own[own["impressions"].notna()].groupby("account_id")["engagement"].sum().astype(float)
    out["engagement_per_impression"] = (out["account_id"].map(with_imp) / out["impressions_sum"]).where(
        out["posts_with_impressions"] > 0)
    out["tier"] = pd.cut(out["followers_count"], TIERS, labels=TIER_LABELS, right=False)
    return out.reset_index(drop=True)


def median_ci(values: pd.Series, n_boot: int = 2000, seed: int = 0) -> tuple[float, float, float, int]:
    """Median with a percentile-bootstrap 95% CI and n (NaN interval below 3 values)."""
    from scipy import stats

    v = pd.Series(values).dropna().to_numpy(dtype=float)
    if len(v) < 3:
        return (float(np.median(v)) if len(v) else np.nan), np.nan, np.nan, len(v)
    res = stats.bootstrap((v,), np.median, n_resamples=n_boot, method="percentile", random_state=seed)
    return float(np.median(v)), float(res.confidence_interval.low), float(res.confidence_interval.high), len(v)


def tier_rates(per_account: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Median engagement rate per follower and per impression (%) by tier, with bootstrap CIs and n."""
    rows = []
    for tier, grp in per_account.groupby("tier", observed=True):
        for measure in ["engagement_per_follower", "engagement_per_impression"]:
            med, lo, hi, n = median_ci(grp[measure], n_boot)
            rows.append({"tier": tier, "measure": measure.replace("engagement_per_", "per "), "median_pct": 100 * med,
                         "ci_low_pct": 100 * lo, "ci_high_pct": 100 * hi, "n": n})
    return pd.DataFrame(rows)


def denominator_artefact(per_account: pd.DataFrame, n_perm: int = 200, seed: int = 0) -> pd.DataFrame:
    """Spearman of engagement-per-follower on followers, observed and with engagement shuffled across accounts.

    Shuffling removes any real link between followers and engagement, yet the rate still falls with
    followers because followers sit in its denominator: the size of that fall is the artefact.
    """
    from scipy import stats

    rng = np.random.default_rng(seed)
    f = per_account["followers_count"].to_numpy(float)
    e = per_account["engagement_per_post"].to_numpy(float)
    observed = stats.spearmanr(f, e / f).statistic
    null = np.array([stats.spearmanr(f, rng.permutation(e) / f).statistic for _ in range(n_perm)])
    return pd.DataFrame({
        "design": ["observed", "engagement shuffled (no real link)"],
        "spearman_rate_vs_followers": [observed, float(np.mean(null))],
        "ci_low": [np.nan, float(np.quantile(null, 0.025))],
        "ci_high": [np.nan, float(np.quantile(null, 0.975))],
        "n": [len(f), len(f)],
    })
