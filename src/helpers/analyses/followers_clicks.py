"""One account over time: monthly followers against link clicks per tweet and per impression.

Built for the rOpenSci case (legacy X Analytics exports plus a hand-kept monthly follower log), but it takes
any dataset whose focal account has posts with url_clicks and a follower_counts series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers import stats
from helpers.stats import Estimate

LATE_DAY = 21  # a count logged by this day of a month describes the end of the month before
CASE_HANDLE = "ropensci"


def is_ropensci(accounts: pd.DataFrame, posts: pd.DataFrame) -> bool:
    """Whether a dataset is the rOpenSci case itself: its focal account is @rOpenSci with url clicks reported."""
    account = case_account(accounts, posts)
    handles = accounts.loc[accounts["account_id"] == account, "handle"].dropna().astype(str).str.lower()
    return account is not None and CASE_HANDLE in set(handles)


def case_account(accounts: pd.DataFrame, posts: pd.DataFrame) -> str | None:
    """The focal account with the most posts reporting url_clicks (None when no post does)."""
    known = posts[posts["url_clicks"].notna()]
    focal = set(accounts.loc[accounts["is_focal"].fillna(False).astype(bool), "account_id"])
    known = known[known["account_id"].isin(focal)] if focal else known
    return None if known.empty else str(known["account_id"].value_counts().index[0])


def month_end_followers(follower_counts: pd.DataFrame, account_id: str) -> pd.Series:
    """Followers at the end of each month: a count logged early in a month is the previous month's end."""
    fc = follower_counts[(follower_counts["account_id"] == account_id) & follower_counts["followers_count"].notna()]
    if fc.empty:
        return pd.Series(dtype=float, name="followers", index=pd.PeriodIndex([], freq="M", name="month"))
    date = pd.to_datetime(fc["date"])
    early = date.dt.day <= LATE_DAY
    month = date.dt.to_period("M").where(~early, (date - pd.DateOffset(months=1)).dt.to_period("M"))
    # distance in days from the month's end boundary; the closest observation wins
    boundary = (month + 1).dt.to_timestamp()
    frame = pd.DataFrame({"month": month, "followers": fc["followers_count"].astype(float),
                          "distance": (date - boundary).abs().dt.days})
    best = frame.sort_values("distance").drop_duplicates("month").set_index("month").sort_index()
    return best["followers"]


def monthly_clicks(posts: pd.DataFrame, account_id: str, min_tweets: int = 5) -> pd.DataFrame:
    """Per calendar month: tweets, link tweets, url clicks, impressions and the rates (months with enough tweets)."""
    own = posts[(posts["account_id"] == account_id) & posts["url_clicks"].notna()].copy()
    own["month"] = own["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    g = own.groupby("month")
    out = pd.DataFrame({
        "tweets": g.size(),
        "link_tweets": g["has_link"].sum(),
        "url_clicks": g["url_clicks"].sum().astype(float),
        "impressions": g["impressions"].sum(min_count=1).astype(float),
    })
    out = out[out["tweets"] >= min_tweets]
    out["clicks_per_tweet"] = out["url_clicks"] / out["tweets"]
    out["clicks_per_1k_impressions"] = 1000 * out["url_clicks"] / out["impressions"]
    out["link_share"] = out["link_tweets"] / out["tweets"]
    return out


def monthly_table(accounts: pd.DataFrame, posts: pd.DataFrame, follower_counts: pd.DataFrame,
                  min_tweets: int = 5) -> pd.DataFrame:
    """Months with enough tweets, with the month-end follower count where one was logged (else NaN)."""
    account = case_account(accounts, posts)
    if account is None:
        return monthly_clicks(posts.iloc[:0], "", min_tweets).assign(followers=pd.Series(dtype=float))
    out = monthly_clicks(posts, account, min_tweets)
    out["followers"] = month_end_followers(follower_counts, account).reindex(out.index)
    out["years"] = np.asarray([(m.to_timestamp() - out.index[0].to_timestamp()).days / 365.25 for m in out.index])
    out.attrs["account_id"] = account
    return out


def month_changes(monthly: pd.DataFrame) -> pd.DataFrame:
    """Changes in log followers, log clicks per tweet and per impression between consecutive calendar months.

    Only pairs of months that are both present count (a gap is not a one-month change); a column's change is NaN
    where either month lacks it.
    """
    full = monthly.reindex(pd.period_range(monthly.index.min(), monthly.index.max(), freq="M"))
    columns = ["followers", "clicks_per_tweet", "clicks_per_1k_impressions"]
    logs = np.log(full[columns].where(full[columns] > 0))
    return logs.diff().dropna(subset=["followers"]).rename(columns=lambda c: f"dlog_{c}")


def _changes(changes: pd.DataFrame, outcome: str, n_boot: int, label: str) -> Estimate:
    """Spearman of the monthly change in log followers with the change in log outcome (the headline)."""
    pairs = changes[["dlog_followers", f"dlog_{outcome}"]].dropna()
    return stats.spearman_ci(pairs["dlog_followers"], pairs[f"dlog_{outcome}"], n_boot=n_boot,
                             name=f"spearman(monthly change in log followers, change in log {label})")


def time_partial(data: pd.DataFrame, n_boot: int) -> Estimate:
    """Pearson partial correlation of log followers and log clicks per tweet, a linear time trend held fixed.

    Pearson on logs, not Spearman: followers rise every month, so their ranks are the months' ranks and a rank
    partial on time is 0/0; the log levels still wander around a straight line, which this uses.
    """
    logs = np.log(data[["followers", "clicks_per_tweet"]].where(data[["followers", "clicks_per_tweet"]] > 0))
    return stats.partial_correlation(logs.assign(years=data["years"]), "followers", "clicks_per_tweet", ["years"],
                                     method="pearson", n_boot=n_boot)


def correlations(monthly: pd.DataFrame, n_boot: int = 2000) -> dict[str, Estimate]:
    """Followers against clicks per tweet and per impression: on month-to-month changes (the headline), in levels
    (context: both trend with time), controlling for time, and within the top decile of months by followers."""
    data = monthly.dropna(subset=["followers"])
    full, top = stats.top_decile_correlation(data, "followers", "clicks_per_tweet", n_boot=n_boot)
    per_imp = stats.spearman_ci(data["followers"], data["clicks_per_1k_impressions"], n_boot=n_boot,
                                name="spearman(followers, clicks per 1,000 impressions)")
    timed = time_partial(data, n_boot)
    time_rho = stats.spearman_ci(data["years"], data["followers"], n_boot=0, name="spearman(time, followers)")
    changes = month_changes(monthly)
    return {"month_changes": _changes(changes, "clicks_per_tweet", n_boot, "clicks per tweet"),
            "per_impression_changes": _changes(changes, "clicks_per_1k_impressions", n_boot,
                                               "clicks per 1,000 impressions"),
            "per_tweet": full, "per_tweet_top_decile": top, "per_impression": per_imp,
            "controlling_for_time": timed, "followers_with_time": time_rho}


def trend(monthly: pd.DataFrame, column: str, ci: float = 0.95) -> Estimate:
    """Percentage change per year of a positive monthly series: log-linear fit with AR(1) errors (GLSAR)."""
    data = monthly[[column, "years"]].dropna()
    data = data[data[column] > 0]
    name = f"trend of {column} (% per year)"
    if len(data) < 6:
        return Estimate(name, np.nan, np.nan, np.nan, np.nan, len(data), "log-linear GLSAR AR(1); undefined")
    res = sm.GLSAR(np.log(data[column].to_numpy()), sm.add_constant(data["years"].to_numpy()), rho=1).iterative_fit(
        maxiter=20)
    low, high = np.asarray(res.conf_int(alpha=1 - ci))[1]

    def pct(b: float) -> float:
        return float(100 * np.expm1(b))

    return Estimate(name, pct(res.params[1]), pct(low), pct(high), float(res.pvalues[1]), len(data),
                    "log-linear trend, GLSAR with AR(1) errors (gaps ignored)", {"ar1_rho": float(res.model.rho[0])},
                    ci)
