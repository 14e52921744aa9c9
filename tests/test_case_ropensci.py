"""The rOpenSci case (followers against link clicks by month) and the template's link example, on small worlds."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import followers_clicks as fcl
from helpers.analyses import links
from helpers.data import dataset, schemas
from helpers.ingest.pipeline import ingest


def follower_log(rows: list[tuple[str, int | None]], account: str = "acct") -> pd.DataFrame:
    """A follower_counts table from (date, count) pairs."""
    return schemas.conform("follower_counts", pd.DataFrame(
        {"account_id": account, "date": pd.to_datetime([d for d, _ in rows]),
         "followers_count": pd.array([c for _, c in rows], dtype="Int64"), "source": "log"}))


def posts_frame(created: list[str], clicks: list[int | None], account: str = "acct", **more) -> pd.DataFrame:
    """A posts table of one account with url clicks and 1,000 impressions each."""
    n = len(created)
    return schemas.conform("posts", pd.DataFrame({
        "post_id": [f"p{i}" for i in range(n)], "account_id": account, "platform": "x",
        "created_at": pd.to_datetime(created, utc=True), "kind": "post", "has_link": True,
        "url_clicks": pd.array(clicks, dtype="Int64"), "impressions": pd.array([1000] * n, dtype="Int64"), **more}))


def test_a_count_logged_early_in_a_month_is_the_end_of_the_month_before():
    log = follower_log([("2021-07-21", 100), ("2021-08-10", 110), ("2021-09-28", 130), ("2021-10-03", 131),
                        ("2021-11-02", None)])
    ends = fcl.month_end_followers(log, "acct")
    assert ends.to_dict() == {pd.Period("2021-06"): 100.0, pd.Period("2021-07"): 110.0,
                              pd.Period("2021-09"): 131.0}  # 10-03 is closer to September's end than 09-28


def test_months_with_too_few_tweets_are_left_out_and_rates_are_per_tweet_and_per_impression():
    posts = posts_frame(["2020-01-05", "2020-01-20", "2020-01-30", "2020-02-02"], [10, 20, None, 5])
    monthly = fcl.monthly_clicks(posts, "acct", min_tweets=2)
    assert list(monthly.index.astype(str)) == ["2020-01"]  # the post without url_clicks does not count
    row = monthly.iloc[0]
    assert row["tweets"] == 2 and row["clicks_per_tweet"] == 15 and row["clicks_per_1k_impressions"] == 15


def _world(slope: float, months: int = 48, seed: int = 1) -> pd.DataFrame:
    """A monthly table with followers growing 2% a month and log clicks per tweet = slope·log followers + noise."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("2017-01", periods=months, freq="M")
    followers = 10_000 * 1.02 ** np.arange(months)
    clicks = np.exp(slope * np.log(followers / 10_000) + 3 + rng.normal(0, 0.05, months))
    return pd.DataFrame({"followers": followers, "clicks_per_tweet": clicks, "clicks_per_1k_impressions": clicks / 5,
                         "years": np.arange(months) / 12}, index=index)


def test_a_planted_fall_of_clicks_with_followers_is_found_and_its_trend_measured():
    world = _world(slope=-1.0)
    corr = fcl.correlations(world, n_boot=300)
    assert corr["per_tweet"].ci_high < 0 and corr["per_impression"].ci_high < 0
    trend = fcl.trend(world, "clicks_per_tweet")
    planted = 100 * (1.02 ** (-12) - 1)  # clicks fall 2% a month when followers grow 2% and the slope is -1
    assert trend.ci_low <= planted <= trend.ci_high


def test_the_case_account_is_recognised_by_its_handle():
    accounts = schemas.conform("accounts", pd.DataFrame({"account_id": ["ropensci"], "platform": "x",
                                                         "handle": ["rOpenSci"], "is_focal": True}))
    posts = posts_frame(["2020-01-05"], [1], account="ropensci")
    assert fcl.is_ropensci(accounts, posts)
    assert not fcl.is_ropensci(accounts.assign(handle="someone"), posts)
    assert not fcl.is_ropensci(accounts, posts.assign(url_clicks=pd.array([None], dtype="Int64")))


def _csv_rows(path: Path) -> list[dict]:
    """Rows of a CSV export (UTF-8 with BOM)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_the_real_export_gives_the_monthly_table_counted_independently(realdata: Path, tmp_path: Path):
    folder = realdata / "x-analytics-ropensci"
    tweets = [r for p in sorted(folder.glob("tweet_activity_metrics_*.csv")) for r in _csv_rows(p)]
    by_month: dict[str, list[int]] = {}
    for r in {r["Tweet id"]: r for r in reversed(tweets)}.values():  # a tweet counted once
        by_month.setdefault(r["time"][:7], []).append(int(float(r["url clicks"])))
    log = [r for r in _csv_rows(folder / "twitter_metrics_monthly_rOpenSci.csv") if r["followers"] != "NA"]

    path, _ = ingest([folder], tmp_path / "ropensci", progress=False)
    ds = dataset.load(path)
    monthly = fcl.monthly_table(ds.accounts, ds.posts, ds.follower_counts)
    expected = {m for m, clicks in by_month.items() if len(clicks) >= 5}
    assert set(monthly.index.astype(str)) == expected
    for month, clicks in by_month.items():
        if month in expected:
            assert monthly.loc[pd.Period(month), "clicks_per_tweet"] == pytest.approx(sum(clicks) / len(clicks))
    dated = sorted((dt.date.fromisoformat(r["date"]), int(r["followers"])) for r in log)
    assert ds.follower_counts.dropna(subset=["followers_count"]).sort_values("date")["followers_count"].iloc[[0, -1]] \
        .tolist() == [dated[0][1], dated[-1][1]]
    assert fcl.is_ropensci(ds.accounts, ds.posts)


def _link_world(effect_pct: float, accounts: int = 30, posts: int = 60, seed: int = 2) -> pd.DataFrame:
    """Posts of many accounts of different sizes; link posts get effect_pct % more engagement in expectation."""
    rng = np.random.default_rng(seed)
    account = np.repeat([f"a{i}" for i in range(accounts)], posts)
    size = np.repeat(rng.lognormal(3, 1, accounts), posts)
    # bigger accounts post more links, so a comparison across accounts would be confounded
    has_link = rng.random(accounts * posts) < np.clip(size / size.max(), 0.1, 0.9)
    mean = size * np.where(has_link, 1 + effect_pct / 100, 1.0)
    likes = rng.poisson(mean * rng.gamma(20, 1 / 20, accounts * posts))
    return schemas.conform("posts", pd.DataFrame({
        "post_id": [f"p{i}" for i in range(accounts * posts)], "account_id": account, "platform": "x",
        "created_at": pd.Timestamp("2024-01-01", tz="UTC"), "kind": "post", "has_link": has_link,
        "likes": likes, "reposts": 0, "replies": 0, "quotes": 0}))


@pytest.mark.parametrize("effect", [0.0, 40.0])
def test_the_template_example_recovers_a_planted_link_effect_within_accounts(effect: float):
    est = links.link_effect(links.link_posts(_link_world(effect)))
    assert est.ci_low <= effect <= est.ci_high and est.extra["n_accounts"] == 30


def test_the_template_example_is_not_estimable_without_enough_link_posts():
    world = _link_world(0.0, accounts=1, posts=15)
    est = links.link_effect(links.link_posts(world.assign(has_link=[True] * 3 + [False] * 12)))
    assert np.isnan(est.estimate) and "at least 10" in est.extra["reason"]


def _time_world(effect: float, months: int = 60, seed: int = 4) -> pd.DataFrame:
    """Followers rise every month; clicks per tweet fall with time on their own and follow month-to-month follower
    growth with a planted elasticity `effect`."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("2017-01", periods=months, freq="M")
    growth = rng.uniform(0.002, 0.04, months)
    log_followers = np.log(10_000) + np.cumsum(growth)
    log_clicks = 3 - 0.02 * np.arange(months) + effect * (log_followers - np.log(10_000)) + rng.normal(0, 0.05, months)
    return pd.DataFrame({"followers": np.exp(log_followers), "clicks_per_tweet": np.exp(log_clicks),
                         "clicks_per_1k_impressions": np.exp(log_clicks) / 5, "years": np.arange(months) / 12},
                        index=index)


def test_a_time_trend_shows_in_levels_but_not_in_the_differenced_headline():
    nulls = [fcl.correlations(_time_world(0.0, seed=s), n_boot=0) for s in range(100)]
    assert np.mean([c["per_tweet"].estimate < 0 and c["per_tweet"].p < 0.05 for c in nulls]) >= 0.9  # time's
    assert np.mean([c["month_changes"].p < 0.05 for c in nulls]) <= 0.12  # nominal 5 %: P(> 12 of 100) < 0.3 %
    planted = fcl.correlations(_time_world(3.0, seed=1), n_boot=200)
    assert planted["month_changes"].ci_low > 0 and planted["followers_with_time"].estimate == 1.0


def test_h11_records_the_differenced_estimate():
    from helpers.analyses import ropensci
    corr = fcl.correlations(_time_world(0.0), n_boot=100)
    est, finding = ropensci.h11_parts(corr, "no clear link", True, Path("."), 60)
    assert est is corr["month_changes"] and finding.startswith("month-to-month changes ρ")
    assert "both trend with time" in finding
