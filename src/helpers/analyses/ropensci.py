"""The rOpenSci case study (40): find the real export, ingest it, and say in words what the monthly followers and
link clicks show. The statistics are in followers_clicks; this module holds the case and its sentences."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from helpers import paths, stats
from helpers.analyses.followers_clicks import is_ropensci, month_changes, monthly_table, trend
from helpers.data.dataset import Dataset, load
from helpers.ingest.pipeline import ingest

HYPOTHESIS_ID = "H11_ropensci_followers_clicks"
QUESTION = "Did rOpenSci's link clicks per tweet grow with its followers (2016–2021)?"
CASE = "rOpenSci X Analytics exports, Dec 2016 – Dec 2021 (github.com/ropensci-org/ropensci-tweets)"
MIN_MONTHS = 12  # months with both tweets and a follower count needed for the correlations
MEASURE = ("Spearman ρ of month-to-month changes: change in log month-end followers vs change in log url clicks per "
           "tweet (first differences, since both series trend with time; rOpenSci, real data)")


def export_folder(export_path: str | None) -> Path:
    """The folder of the rOpenSci export: the one given, else the real-data folder beside the project."""
    return Path(export_path) if export_path else paths.REALDATA / "x-analytics-ropensci"


def case_dataset(run_ds: Dataset, export: Path, case_out: str | None) -> tuple[Dataset | None, str]:
    """The case's dataset (the run's own when it is the rOpenSci export, else the export ingested; None when the
    export is absent) and the case_data label to record ("" when the run's dataset is the case itself)."""
    if is_ropensci(run_ds.accounts, run_ds.posts):
        return run_ds, ""
    if not export.is_dir():
        return None, CASE
    if case_out:
        return load(ingest([export], case_out, progress=False)[0]), CASE
    with tempfile.TemporaryDirectory(prefix="qvq-ropensci-") as tmp:  # load reads every table before it is removed
        return load(ingest([export], Path(tmp) / "ropensci", progress=False)[0]), CASE


def other_dataset_text(name: str, simulated: bool) -> str:
    """Says the report's run dataset (name already escaped) is not the one this case study uses."""
    return (f"This report was run for dataset **{name}**" + (" (SIMULATED DATA)" if simulated else "")
            + ", which this case study does not use: every number below comes from the real rOpenSci "
            "export described next.")


def absent_text(where: str) -> str:
    """Says the export is absent (where: its folder, already escaped as code) and how to get it."""
    return (f"**The rOpenSci export is not at {where}, so nothing below can be computed.** To get it, download the "
            "`tweet_activity_metrics_rOpenSci_*.csv` files and `twitter_metrics_monthly_rOpenSci.csv` from the public "
            "repository https://github.com/ropensci-org/ropensci-tweets into one folder and run this notebook with "
            "`-p export_path <folder>` (or ingest it: `python -m helpers ingest <folder> --dataset ropensci`, then "
            "`python -m helpers analyses --dataset ropensci`). The hypothesis is recorded as not estimable.")


def case_months(case_ds: Dataset | None, run_ds: Dataset, min_tweets: int) -> pd.DataFrame:
    """The case's monthly table; an empty one, shaped alike, when the export is absent."""
    if case_ds is None:
        return monthly_table(run_ds.accounts.iloc[:0], run_ds.posts.iloc[:0], run_ds.follower_counts.iloc[:0])
    return monthly_table(case_ds.accounts, case_ds.posts, case_ds.follower_counts, min_tweets=min_tweets)


def months_text(monthly: pd.DataFrame, min_tweets: int) -> str:
    """How many months have enough tweets, and how many of them a logged follower count."""
    return (f"**{len(monthly)}** months with at least {min_tweets} tweets; "
            f"**{int(monthly['followers'].notna().sum())}** of them have a logged month-end follower count.")


def too_few_text(months: int) -> str:
    """Says too few months have both tweets and a follower count."""
    return (f"**Only {months} months have both tweets and a follower count; at least {MIN_MONTHS} are "
            "needed.** The sections below are left empty and the hypothesis is recorded as not estimable.")


def series_text(monthly: pd.DataFrame, follower_counts: pd.DataFrame) -> str:
    """The follower log's first and last counts, and clicks per tweet at the start and end of the months."""
    log = follower_counts.dropna(subset=["followers_count"]).sort_values("date")
    clicks = monthly["clicks_per_tweet"]
    return (f"The log starts at **{int(log['followers_count'].iloc[0]):,}** followers ({log['date'].iloc[0]:%Y-%m-%d}) "
            f"and ends at **{int(log['followers_count'].iloc[-1]):,}** ({log['date'].iloc[-1]:%Y-%m-%d}). Over the "
            f"months analysed, link clicks per tweet went from **{clicks.iloc[0]:.1f}** ({monthly.index[0]}) to "
            f"**{clicks.iloc[-1]:.1f}** ({monthly.index[-1]}); the first and last twelve months average "
            f"{clicks.iloc[:12].mean():.1f} and {clicks.iloc[-12:].mean():.1f}. Monthly table:")


def trend_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each series' trend in % per year: followers, clicks per tweet, clicks per 1,000 impressions."""
    trends = [trend(monthly, c) for c in ["followers", "clicks_per_tweet", "clicks_per_1k_impressions"]]
    return stats.estimates_frame(trends)[["name", "estimate", "ci_low", "ci_high", "p", "n", "ar1_rho"]]


def correlation_table(corr: dict[str, stats.Estimate]) -> pd.DataFrame:
    """The Spearman correlations side by side: changes first (the headline), then levels and time-controlled."""
    order = ["month_changes", "per_impression_changes", "controlling_for_time", "per_tweet", "per_impression",
             "per_tweet_top_decile", "followers_with_time"]
    table = stats.estimates_frame([corr[k] for k in order])[["name", "estimate", "ci_low", "ci_high", "p", "n"]]
    reading = {"month_changes": "headline (first differences)", "per_impression_changes": "first differences",
               "controlling_for_time": "partial, time held fixed", "per_tweet": "levels: both trend with time",
               "per_impression": "levels: both trend with time", "per_tweet_top_decile": "levels, top decile",
               "followers_with_time": "how closely followers track time"}
    return table.assign(reading=[reading[k] for k in order])


def levels_text(corr: dict[str, stats.Estimate]) -> str:
    """The level correlations as context: followers track time, so they are time's correlation with clicks."""
    main, top, per_imp = corr["per_tweet"], corr["per_tweet_top_decile"], corr["per_impression"]
    clock, timed = corr["followers_with_time"], corr["controlling_for_time"]
    return (f"**Both trend with time.** Followers rose month after month (Spearman ρ with time "
            f"{clock.estimate:.3f}), so in levels any series that drifts over the five years correlates with "
            f"followers exactly as much as with the calendar. In levels ρ(followers, clicks per tweet) = "
            f"{main.estimate:.2f} (95% CI {main.ci_low:.2f} to {main.ci_high:.2f}, n = {main.n} months), per 1,000 "
            f"impressions {per_imp.estimate:.2f} ({per_imp.ci_low:.2f} to {per_imp.ci_high:.2f}); within the top "
            f"decile of months by followers (n = {top.n}) {top.estimate:.2f}. Holding a linear time trend fixed "
            f"(Pearson partial correlation of the logs) it is **{timed.estimate:.2f}** (95% CI {timed.ci_low:.2f} to "
            f"{timed.ci_high:.2f}, p = {timed.p:.2f}, n = {timed.n}): "
            + ("the level correlation does not survive taking time out." if timed.ci_low <= 0 <= timed.ci_high
               or timed.estimate * main.estimate < 0
               else "some of the level correlation remains with time held fixed."))


def changes_text(corr: dict[str, stats.Estimate]) -> str:
    """The correlation of month-to-month changes: the estimate this case headlines."""
    changes, per_imp = corr["month_changes"], corr["per_impression_changes"]
    return (f"Spearman ρ between the monthly change in log followers and the change in log clicks per tweet: "
            f"**{changes.estimate:.2f}** (95% CI {changes.ci_low:.2f} to {changes.ci_high:.2f}, p = {changes.p:.2f}, "
            f"n = {changes.n} pairs of consecutive months); per 1,000 impressions {per_imp.estimate:.2f} "
            f"({per_imp.ci_low:.2f} to {per_imp.ci_high:.2f}, p = {per_imp.p:.2f}, n = {per_imp.n}). First "
            "differences remove the shared trend, so this asks the question the levels cannot: were months of faster "
            "follower growth months of more clicks?")


def level_elasticity(with_followers: pd.DataFrame) -> stats.Estimate:
    """The log-log slope of clicks per tweet on followers in levels: context for the figure (both trend with time)."""
    return stats.elasticity(with_followers, "followers", "clicks_per_tweet")


def elasticity(monthly: pd.DataFrame) -> stats.Estimate:
    """The elasticity of clicks per tweet with respect to followers on month-to-month changes (first differences)."""
    changes = month_changes(monthly).dropna(subset=["dlog_followers", "dlog_clicks_per_tweet"])
    fit = stats.ols_hc3(changes, "dlog_clicks_per_tweet ~ dlog_followers")
    row = fit.table.set_index("term").loc["dlog_followers"]
    return stats.Estimate("elasticity of clicks per tweet on followers, month-to-month changes", float(row["estimate"]),
                          float(row["ci_low"]), float(row["ci_high"]), float(row["p"]), len(changes),
                          "OLS of change in log clicks per tweet on change in log followers, HC3")


def elasticity_text(el: stats.Estimate) -> str:
    """The differenced elasticity in words, with what 10 % more follower growth went with."""
    return (f"On month-to-month changes the elasticity is **{el.estimate:.2f}** (95% CI {el.ci_low:.2f} to "
            f"{el.ci_high:.2f}, p = {el.p:.2f}, n = {el.n} pairs of months; HC3 errors): a month in which followers "
            f"grew one percentage point faster went with about {100 * (1.01 ** el.estimate - 1):+.0f} % clicks per "
            "tweet, an interval wide enough to hold no effect and large effects either way. The figure "
            "shows the levels, one dot per month: both trend with time, so their slope is the calendar's.")


def h11_parts(corr: dict[str, stats.Estimate] | None, verdict: str, case_found: bool, export: Path,
              months: int) -> tuple[stats.Estimate, str]:
    """H11's estimate (first differences) and finding; not estimable with the reason when the export is absent or
    too short."""
    if corr is None:
        reason = ("the rOpenSci export was not found at " + str(export) if not case_found
                  else f"only {months} months have tweets and a follower count ({MIN_MONTHS} needed)")
        return stats.not_estimable("Spearman ρ, monthly changes in followers vs clicks per tweet", reason,
                                   n=months), ""
    changes, main, timed = corr["month_changes"], corr["per_tweet"], corr["controlling_for_time"]
    return changes, (f"month-to-month changes ρ {changes.estimate:.2f} (95% CI {changes.ci_low:.2f} to "
                     f"{changes.ci_high:.2f}, p = {changes.p:.2f}, n = {changes.n}): {verdict}; in levels "
                     f"ρ {main.estimate:.2f}, but both trend with time (controlling for time ρ {timed.estimate:.2f})")
