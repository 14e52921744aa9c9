"""The rOpenSci case study (40): find the real export, ingest it, and say in words what the monthly followers and
link clicks show. The statistics are in followers_clicks; this module holds the case and its sentences."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from helpers import paths, stats
from helpers.analyses.followers_clicks import is_ropensci, monthly_table, trend
from helpers.data.dataset import Dataset, load
from helpers.ingest.pipeline import ingest

HYPOTHESIS_ID = "H11_ropensci_followers_clicks"
QUESTION = "Did rOpenSci's link clicks per tweet grow with its followers (2016–2021)?"
CASE = "rOpenSci X Analytics exports, Dec 2016 – Dec 2021 (github.com/ropensci-org/ropensci-tweets)"
MIN_MONTHS = 12  # months with both tweets and a follower count needed for the correlations
MEASURE = "Spearman ρ over months, month-end followers vs url clicks per tweet (rOpenSci, real data)"


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
    """The Spearman correlations side by side."""
    return stats.estimates_frame(corr.values())[["name", "estimate", "ci_low", "ci_high", "p", "n"]]


def correlation_text(corr: dict[str, stats.Estimate]) -> str:
    """The main correlation, per impression, and within the top decile of months."""
    main, top, per_imp = corr["per_tweet"], corr["per_tweet_top_decile"], corr["per_impression"]
    return (f"Spearman ρ between followers and clicks per tweet: **{main.estimate:.2f}** (95% CI {main.ci_low:.2f} to "
            f"{main.ci_high:.2f}, n = {main.n} months); per 1,000 impressions **{per_imp.estimate:.2f}** "
            f"({per_imp.ci_low:.2f} to {per_imp.ci_high:.2f}). Within the top decile of months by followers "
            f"(n = {top.n}) ρ = {top.estimate:.2f}: too few months for an interval worth reading.")


def changes_text(changes: stats.Estimate) -> str:
    """The correlation of month-to-month changes, and why it is read beside the levels'."""
    return (f"Spearman ρ between the monthly change in log followers and the change in log clicks per tweet: "
            f"**{changes.estimate:.2f}** (95% CI {changes.ci_low:.2f} to {changes.ci_high:.2f}, n = {changes.n} pairs "
            "of consecutive months). Both levels trend over five years, one up and one down, so their levels "
            "correlate whatever the cause; the changes show whether months of faster follower growth were months of "
            "more clicks.")


def elasticity(with_followers: pd.DataFrame) -> stats.Estimate:
    """The log-log elasticity of clicks per tweet with respect to month-end followers."""
    return stats.elasticity(with_followers, "followers", "clicks_per_tweet")


def elasticity_text(el: stats.Estimate) -> str:
    """The elasticity in words, with what 10 % more followers went with."""
    return (f"Elasticity **{el.estimate:.2f}** (95% CI {el.ci_low:.2f} to {el.ci_high:.2f}, n = {el.n} months; HC3 "
            "errors, which ignore that neighbouring months are alike, so the interval is if anything too narrow): "
            f"10 % more followers went with about {100 * (1.1 ** el.estimate - 1):.0f} % more clicks per tweet.")


def h11_parts(corr: dict[str, stats.Estimate] | None, verdict: str, case_found: bool, export: Path,
              months: int) -> tuple[stats.Estimate, str]:
    """H11's estimate and finding; not estimable with the reason when the export is absent or too short."""
    if corr is None:
        reason = ("the rOpenSci export was not found at " + str(export) if not case_found
                  else f"only {months} months have tweets and a follower count ({MIN_MONTHS} needed)")
        return stats.not_estimable("Spearman ρ, followers vs clicks per tweet", reason, n=months), ""
    main, changes = corr["per_tweet"], corr["month_changes"]
    return main, (f"Spearman ρ {main.estimate:.2f} (95% CI {main.ci_low:.2f} to {main.ci_high:.2f}) over {main.n} "
                  f"months: {verdict}; month-to-month changes ρ {changes.estimate:.2f} ({changes.ci_low:.2f} to "
                  f"{changes.ci_high:.2f})")
