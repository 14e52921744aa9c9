"""What notebooks 23-25 and 40 used to compute in their cells, now in analyses.growth, purge, reciprocity,
reply_rate and ropensci (and their figures in reports/figures): each recovers what a small world plants, says
why when it cannot, and the figures draw what they name."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from helpers.analyses import focal_audience, followers_clicks, growth, purge, reciprocity, reply_rate, ropensci
from helpers.data import dataset, schemas
from helpers.reports.figures import growth as growth_figures
from helpers.reports.figures import purge as purge_figures
from helpers.reports.figures import reciprocity as reciprocity_figures
from helpers.reports.figures import ropensci as ropensci_figures
from helpers.simulate import build_sample, load_config
from helpers.stats import Estimate

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The default sample and the focal account's planted truth."""
    ds = dataset.load(build_sample(load_config(), tmp_path_factory.mktemp("reports") / "sample"))
    return ds, json.loads((ds.path / "truth.json").read_text())


def _counts(gains: np.ndarray, start: str = "2025-01-01", account: str = "x:me") -> pd.DataFrame:
    """A follower_counts table of one account from daily gains."""
    days = pd.date_range(start, periods=len(gains), freq="D")
    return pd.DataFrame({"account_id": account, "date": days, "followers_count": 1000 + np.cumsum(gains),
                         "new_follows": np.nan, "unfollows": np.nan})


ACCOUNTS = pd.DataFrame([{"account_id": "x:me", "platform": "x", "handle": "me", "is_focal": True}])


# growth (23)

def test_the_timeline_finds_the_planted_growth_start_and_backtests_from_before_the_crossing():
    gains = np.where(np.arange(300) < 100, 2.0, 40.0) + np.tile([3.0, -3.0], 150)
    tl = growth.timeline(ACCOUNTS, _counts(gains), target=6_000, backtest_days=30)
    crossed = tl.series.index[np.argmax(tl.series.to_numpy() >= 6_000)]
    assert tl.enough and tl.mode == "backtest" and tl.crossed == crossed
    assert tl.cut == crossed - pd.Timedelta(days=30) and tl.start == tl.series.index[100]
    est = growth.project(tl, 6_000, take_out_purge=True)
    assert growth.projected(tl, est) and est.covers(30) and growth.days_actual(tl) == 30
    assert est.extra["drift_per_day"] == pytest.approx(40, abs=1)
    assert "so this is a backtest" in growth.intro_text(tl, "me", "X")
    assert growth.plot_horizon(tl, est) == int(max(est.ci_high, 30) * 1.2 + 10)
    assert "inside the interval" in growth.projection_text(tl, est, 6_000)
    assert growth.h05_finding(est, 6_000).startswith(f"6,000 followers in about {est.estimate:.0f} days")


def test_a_chosen_cutoff_and_start_are_used_as_given():
    tl = growth.timeline(ACCOUNTS, _counts(np.full(100, 10.0)), 10_000, 90, cutoff="2025-03-01",
                         start_on="2025-01-10")
    assert (tl.mode, tl.cut, tl.start, tl.crossed) == ("chosen", pd.Timestamp("2025-03-01"),
                                                       pd.Timestamp("2025-01-10"), None)
    assert "(chosen)." in growth.intro_text(tl, "me", "X")


def test_without_a_focal_account_or_enough_days_nothing_is_projected_and_the_text_says_why():
    none = growth.timeline(ACCOUNTS.assign(is_focal=False), _counts(np.ones(5)), 10_000, 90)
    assert none.account is None and not none.enough and none.account_id == ""
    assert growth.intro_text(none, "", "").startswith("**The dataset has no focal account**")
    short = growth.timeline(ACCOUNTS, _counts(np.ones(5)), 10_000, 90)
    est = growth.project(short, 10_000, True)
    assert not growth.projected(short, est) and "needs at least 28" in est.extra["reason"]
    assert "it has 5 daily follower count(s)" in growth.not_enough_text(short)
    assert growth.h05_finding(est, 10_000) == "10,000 not reached at this pace"
    assert growth.h05_truth("2025-06-01", est, 10_000, short) is None
    _, joined, h06 = growth.fast_slow(none, pd.DataFrame(), {}, 20)
    assert joined.empty and not focal_audience.estimated(h06)


def test_fast_slow_recovers_the_planted_difference_and_checks_it_with_the_scores(sample):
    ds, truth = sample
    planted = truth["focal"]["growth_quality"]
    tl = growth.timeline(ds.accounts, ds.follower_counts, 10_000, 90)
    labels, joined, est = growth.fast_slow(tl, ds.followers, ds.tables, planted["fast_day_min_new_follows"],
                                           prefer="true_type")  # the method, judged on the planted types
    assert labels.source == "true type (simulated)" and est.covers(planted["difference"])
    unscored = growth.fast_slow(tl, ds.followers, ds.tables, planted["fast_day_min_new_follows"])
    assert unscored[0].source == "none"  # an analysis never falls back on planted labels
    speed = growth.speed_table(joined)
    assert "labels: true type" in growth.speed_text(speed, est, 20, labels.source)
    assert growth.scores_check(tl, ds.followers, {}, labels, est, 20) is None  # no scores to check with
    quality = {"follower_quality": ds.followers.assign(bin="relevant", relevance=1.0)}
    assert focal_audience.estimated(growth.scores_check(tl, ds.followers, quality, labels, est, 20)) is False
    assert growth.h05_truth(truth["focal"]["date_reached_10000"], growth.project(tl, 10_000, True), 10_000, tl) == 90


def test_the_growth_figures_draw_the_curve_the_band_and_the_groups():
    tl = growth.timeline(ACCOUNTS, _counts(np.full(120, 50.0)), 10_000, 90)
    est = growth.project(tl, 10_000, True)
    ax = growth_figures.follower_curve(tl.series, tl.start, tl.cut, 10_000, {"date": tl.cut, "drop": 40.0})
    assert ax.get_title() == "Daily follower count" and "purge (40 removed)" in ax.get_legend_handles_labels()[1]
    ax = growth_figures.projection(tl.series, growth.projection_band(est, 60), est, 10_000, tl.cut)
    assert ax.get_title() == "Projection to 10,000 followers"
    groups = pd.Index(["fast-growth days", "slow-growth days"], name="group")
    speed = pd.DataFrame({"followers": [5, 6], "share_relevant": [0.5, 0.2], "ci_low": [0.3, 0.1],
                          "ci_high": [0.7, 0.4]}, index=groups)
    ax = growth_figures.relevance_by_speed(speed)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["fast-growth days (n=5)", "slow-growth days (n=6)"]
    matplotlib.pyplot.close("all")


# purge (24)

def test_the_focal_series_and_counterfactual_recover_the_planted_purge(sample):
    ds, truth = sample
    account = focal_audience.focal_account(ds.accounts)
    counts, daily = purge.focal_series(ds.posts, ds.follower_counts, account)
    event = focal_audience.detect_purge(counts)
    assert purge.same_purge(truth["focal"]["purge"]["date"], event) and not purge.same_purge(None, event)
    est = purge.purge_effect(daily, event)
    assert est.covers(purge.planted_change(truth["focal"]["purge"]))
    assert purge.h07_finding(est, "v") == (f"{100 * est.estimate:+.1f} % engagement at the purge, follower count "
                                           f"without the cut as offset (95% CI {100 * est.ci_low:+.1f} % to "
                                           f"{100 * est.ci_high:+.1f} %): v")
    assert f"**{event['drop']:,.0f}** followers" in purge.intro_text(account, counts, daily, event, "me", "X")
    fake = np.arange(len(ds.followers)) % 4 == 0  # a quarter of the followers scored likely fake
    quality = ds.followers.assign(bin=np.where(fake, "likely_fake", "relevant"), relevance=0.0)
    rows = purge.counterfactuals(ds.followers, quality, ds.interactions, account["account_id"], prefer="true_type")
    assert [name for name, _ in rows] == ["labels used: true type (simulated)", "quality scores"]
    assert [n for n, _ in purge.counterfactuals(ds.followers, quality, ds.interactions, account["account_id"])] == [
        "labels used: quality scores"]  # by default an analysis sees the scores only
    table = purge.counterfactual_table(rows)
    assert table.loc[1, "share likely fake"] == pytest.approx(0.25, abs=0.01)
    assert table.loc[0, "likely fake"] == rows[0][1].extra["likely_fake"]


def test_without_a_focal_account_the_purge_series_are_empty():
    counts, daily = purge.focal_series(pd.DataFrame(columns=schemas.COLUMNS["posts"]), pd.DataFrame(), None)
    assert counts.empty and daily.empty and list(counts.columns) == ["followers_count"]
    assert purge.intro_text(None, counts, daily, None, "", "").endswith("stands out as a purge.")


def test_the_purge_figures_draw_the_drop_and_the_fitted_lines(sample):
    ds, _ = sample
    account = focal_audience.focal_account(ds.accounts)
    counts, daily = purge.focal_series(ds.posts, ds.follower_counts, account)
    event = focal_audience.detect_purge(counts)
    ax = purge_figures.followers_around(counts, event, 30)
    assert ax.get_title() == "Followers around the purge" and len(ax.get_lines()[0].get_xdata()) == 61
    est = purge.purge_effect(daily, event)
    ax = purge_figures.engagement_around(daily, purge.fitted_lines(daily, est), est)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 3  # before, after, the purge day
    matplotlib.pyplot.close("all")


# reciprocity and reply rate (25)

def _flags(difference: float, accounts: int = 40, per: int = 200, seed: int = 4) -> pd.DataFrame:
    """Followers of many accounts; reciprocal ones engage `difference` more often."""
    rng = np.random.default_rng(seed)
    back = rng.integers(0, 2, accounts * per)
    engaged = (rng.random(accounts * per) < 0.2 + difference * back).astype(float)
    return pd.DataFrame({"account_id": np.repeat([f"a{i}" for i in range(accounts)], per), "followed_back":
                         back.astype(float), "engaged": engaged, "weight": 1.0, "relevant": np.nan})


def test_compare_recovers_a_planted_reciprocity_difference():
    per_account, pooled, reason = reciprocity.compare(_flags(0.15))
    assert reason is None and pooled.covers(0.15) and pooled.ci_low > 0.1
    est, finding, measure = reciprocity.h09_parts(pooled, None, "more engaged", n=8000)
    assert est is pooled and finding.endswith(": more engaged") and measure.endswith("(t interval)")
    assert reciprocity.per_account_text(per_account).startswith("Per account, ")
    table = reciprocity.pooled_table(pooled, reciprocity.ties_difference(_flags(0.15), n_boot=50))
    assert list(table["unit"]) == ["accounts", "accounts (bootstrap)"]


def test_compare_says_why_when_nothing_can_be_compared():
    assert reciprocity.compare(_flags(0.1).iloc[:0]) == (None, None, reciprocity.NO_FLAGS)
    _, pooled, reason = reciprocity.compare(_flags(0.1, accounts=1, per=4))
    assert pooled is None and reason.startswith("no account has at least 5 reciprocal")
    est, finding, _ = reciprocity.h09_parts(None, reason, "", n=4)
    assert not focal_audience.estimated(est) and est.extra["reason"] == reason and est.n == 4 and finding == ""


def _replies(drop: float, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A focal account's posts over 400 days, its reply share falling by `drop` when it passes 10,000 followers."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=400, freq="D")
    counts = pd.DataFrame({"account_id": "x:me", "date": days, "followers_count": 9_000 + 5 * np.arange(400)})
    created = np.repeat(days, 4)
    after = created >= days[200]
    reply = rng.random(len(created)) < np.where(after, 0.4 - drop, 0.4)
    posts = pd.DataFrame({"account_id": "x:me", "created_at": created.tz_localize("UTC"),
                          "kind": np.where(reply, "reply", "post")})
    return posts, counts


def test_the_reply_share_change_recovers_a_planted_drop_at_the_crossing():
    posts, counts = _replies(0.15)
    change, periods, reason = reply_rate.h10_change(posts, counts, "x:me")
    assert reason is None and change.covers(-0.15) and change.ci_high < 0
    assert reply_rate.crossing_day(change) == pd.Timestamp("2024-07-19")
    weekly = reply_rate.weekly_of(posts, "x:me", change)
    assert weekly.loc[weekly["week"] == 0, "week_start"].iloc[0] == pd.Timestamp("2024-07-19")
    table, level, why = reply_rate.segmented_check(weekly)
    assert why is None and list(table["term"]) == [level.name, table["term"].iloc[1]] and level.covers(-0.15)
    assert "first reached 10,000 on **2024-07-19**" in reply_rate.crossing_text(change, 10_000)
    assert reply_rate.h10_parts(change, None, "less")[1].endswith("after 2024-07-19 (95% CI "
                                                                  f"{100 * change.ci_low:+.1f} to "
                                                                  f"{100 * change.ci_high:+.1f}): less")


def test_the_reply_share_change_says_why_without_an_account_or_a_crossing():
    posts, counts = _replies(0.1)
    assert reply_rate.h10_change(posts, counts, None)[2].startswith("no account is marked")
    _, _, reason = reply_rate.h10_change(posts, counts.assign(followers_count=500), "x:me")
    assert reason.startswith("the studied account never reached 10,000") and "x:me" not in reason
    est, finding = reply_rate.h10_parts(None, reason, "")
    assert est.extra["reason"] == reason and finding == "" and est.n == 0


def test_the_reciprocity_figures_draw_the_histogram_and_the_weekly_shares():
    per_account, pooled, _ = reciprocity.compare(_flags(0.15))
    ax = reciprocity_figures.difference_histogram(per_account, pooled)
    assert ax.get_legend_handles_labels()[1] == [f"mean over accounts: {100 * pooled.estimate:+.1f}"]
    posts, counts = _replies(0.15)
    change, periods, _ = reply_rate.h10_change(posts, counts, "x:me")
    ax = reciprocity_figures.reply_share_weeks(reply_rate.weekly_of(posts, "x:me", change), periods, counts,
                                               "x:me", reply_rate.crossing_day(change), 10_000, 3)
    assert ax.get_title() == "Share of the account's posts that are replies, by week (x:me)"
    assert "10,000 followers reached" in ax.get_legend_handles_labels()[1]
    matplotlib.pyplot.close("all")


# the rOpenSci case (40)

def test_an_absent_export_gives_no_case_and_says_so(sample, tmp_path):
    ds, _ = sample
    assert ropensci.export_folder(None).name == "x-analytics-ropensci"
    case, label = ropensci.case_dataset(ds, tmp_path / "nowhere", None)
    assert case is None and label == ropensci.CASE
    months = ropensci.case_months(None, ds, 5)
    assert months.empty and "followers" in months and "0** of them" in ropensci.months_text(months, 5)
    est, finding = ropensci.h11_parts(None, "", False, tmp_path / "nowhere", 0)
    assert est.extra["reason"] == f"the rOpenSci export was not found at {tmp_path / 'nowhere'}" and finding == ""
    est, _ = ropensci.h11_parts(None, "", True, tmp_path, 7)
    assert est.extra["reason"] == "only 7 months have tweets and a follower count (12 needed)" and est.n == 7


def _monthly(slope: float, months: int = 36, seed: int = 3) -> pd.DataFrame:
    """A monthly table whose clicks per tweet follow followers with a planted log-log slope."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("2018-01", periods=months, freq="M")
    followers = 10_000 * np.exp(np.cumsum(rng.normal(1 / 35, 0.02, months)))  # growth that varies month to month
    clicks = 20 * (followers / 10_000) ** slope * np.exp(rng.normal(0, 0.005, months))
    return pd.DataFrame({"tweets": 30, "link_tweets": 20, "url_clicks": clicks * 30, "impressions": 30_000.0,
                         "clicks_per_tweet": clicks, "clicks_per_1k_impressions": clicks, "followers": followers,
                         "years": np.arange(months) / 12}, index=index)


def test_the_case_statistics_recover_a_planted_slope_and_word_it():
    monthly = _monthly(-0.8)
    el = ropensci.elasticity(monthly)  # on month-to-month changes
    assert el.covers(-0.8) and el.n == 35 and "about -1 % clicks per tweet" in ropensci.elasticity_text(el)
    trends = ropensci.trend_table(monthly).set_index("name")["estimate"]
    assert trends["trend of followers (% per year)"] > 0
    corr = followers_clicks.correlations(monthly, n_boot=200)
    assert corr["month_changes"].ci_high < 0 and "**-" in ropensci.changes_text(corr)
    assert len(ropensci.correlation_table(corr)) == 7 and "Both trend with time" in ropensci.levels_text(corr)
    est, finding = ropensci.h11_parts(corr, "fell", True, ropensci.export_folder(None), 36)
    assert est is corr["month_changes"] and finding.startswith(f"month-to-month changes ρ {est.estimate:.2f}")
    assert ": fell; in levels" in finding


def test_the_case_figures_draw_three_panels_and_the_fit():
    monthly = _monthly(-0.8)
    fig = ropensci_figures.monthly_series(monthly)
    assert [a.get_title() for a in fig.axes][1] == "Link clicks per tweet, by month"
    el = Estimate("e", -0.8, -0.9, -0.7, 0.0, 36, "m", {"intercept": 3.0})
    ax = ropensci_figures.clicks_against_followers(monthly, el)
    assert ax.get_xscale() == "log" and "fit: slope -0.80" in ax.get_legend_handles_labels()[1]
    matplotlib.pyplot.close("all")


def test_focal_names_and_result_columns():
    assert focal_audience.focal_names(None) == ("", "")
    assert focal_audience.focal_names(ACCOUNTS.iloc[0]) == ("me", "X")
    est = Estimate("e", 1.0, 0.0, 2.0, 0.1, 3, "m")
    assert focal_audience.estimated(est) and not focal_audience.estimated(Estimate("e", np.nan, 0, 0, 0, 0, "m"))
