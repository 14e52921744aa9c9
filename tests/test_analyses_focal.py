"""Focal-account time series (notebooks 22-24): each hypothesis recovers what the sample plants, says nothing
where nothing is planted, and is 'not estimable' on an export that lacks the data."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import focal_audience as fa
from helpers.analyses import growth as gr
from helpers.analyses import purge as pu
from helpers.analyses import traffic as tr
from helpers.data import dataset
from helpers.hypotheses import record
from helpers.simulate import build_sample, load_config
from helpers.simulate.focal import simulate_focal

# A tiny focal-only world for the false-positive check: 120 days, fewer followers, fewer link posts so that
# enough days are free of them.
TINY = {"days": 120, "focal": {"start_followers": 800, "curation_start_day": 10, "curation_end_day": 110,
                               "purge_day": 60, "link_share": 0.15}}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The default sample, its focal account and planted truth."""
    ds = dataset.load(build_sample(load_config(), tmp_path_factory.mktemp("focal") / "sample"))
    truth = json.loads((ds.path / "truth.json").read_text())["focal"]
    return ds, fa.focal_account(ds.accounts), truth


def _frame(tables: dict, account: pd.Series, prefer: str = "true_type", quality: pd.DataFrame | None = None):
    """The daily traffic frame with relevant followers labelled as asked (the planted types by default: these tests
    check the analysis itself, apart from the scorer's errors)."""
    labels = fa.relevance_labels(tables["followers"], account["account_id"], quality, prefer=prefer)
    return tr.traffic_frame(tables, account, labels)[0]


def _world(seed: int, overrides: dict | None = None, scenario: str | None = None) -> tuple[dict, dict]:
    """The focal account's tables and truth, simulated directly (no cohort, nothing written)."""
    cfg = load_config(seed=seed, overrides=overrides, scenario=scenario)
    return simulate_focal(np.random.default_rng(seed), cfg, pd.Timestamp(cfg["observed_at"]))


def test_h03_recovers_the_planted_elasticity_on_relevant_followers(sample):
    ds, account, truth = sample
    est = tr.audience_elasticity(_frame(ds.tables, account), "relevant", truth["blog"]["referral_lag_days"])
    assert est.covers(truth["blog"]["x_sessions_elasticity"]), est
    assert est.ci_low > 0 and est.p < 0.05
    assert record.verdict(est.ci_low, est.ci_high, "more", "fewer", "none") == "more"


def test_h03_relevant_followers_predict_visits_better_than_all_followers(sample):
    ds, account, _ = sample
    table = tr.quality_vs_quantity(_frame(ds.tables, account))
    aic = table.groupby("model")["aic"].first()
    assert aic["relevant followers only"] < aic["all followers only"] - 10
    other = table[(table["model"].str.startswith("relevant and other")) & (table["audience"] == "other")].iloc[0]
    assert other["ci_low"] <= 0 <= other["ci_high"], "followers who are not relevant bring no visits in the sample"


def test_h03_with_quality_scores_stays_close_to_the_planted_elasticity(sample):
    from helpers.quality.score import score_tables

    ds, account, truth = sample
    own = {k: v[v["account_id"] == account["account_id"]] if "account_id" in v.columns else v
           for k, v in ds.tables.items()}
    scores = score_tables(own).follower_quality
    est = tr.audience_elasticity(_frame(ds.tables, account, "scores", scores), "relevant", 1)
    # the scorer misses some relevant followers; an elasticity does not care as long as it misses them evenly
    assert abs(est.estimate - truth["blog"]["x_sessions_elasticity"]) < 0.15, est


def test_h03_finds_no_elasticity_in_a_world_where_visits_follow_no_followers(tmp_path):
    # "neither": visits follow neither the count nor the relevant share (in the no-quality world they still follow
    # the total count, and relevant followers, a part of it, then show an elasticity of their own)
    ds = dataset.load(build_sample(load_config(scenario="neither", overrides={"cohort": {"accounts": 20}}),
                                   tmp_path / "null"))
    account = fa.focal_account(ds.accounts)
    est = tr.audience_elasticity(_frame(ds.tables, account), "relevant", 1)
    blog = json.loads((ds.path / "truth.json").read_text())["focal"]["blog"]
    assert blog["x_sessions_elasticity"] == 0 and blog["x_sessions_relevant_elasticity"] == 0
    assert est.ci_low <= 0 <= est.ci_high, est


def test_h03_false_positive_rate_over_null_worlds_is_near_nominal():
    rejected, estimable = 0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(200):
            tables, _ = _world(seed, TINY, scenario="neither")
            est = tr.audience_elasticity(_frame(tables, tables["accounts"].iloc[0]), "relevant", 1)
            estimable += math.isfinite(est.p)
            rejected += est.p < 0.05
    assert estimable == 200
    assert rejected / 200 <= 0.07, f"{rejected} of 200 null worlds rejected at 5 %"


def test_h04_recovers_the_extra_visits_per_link_post(sample):
    ds, account, truth = sample
    est = tr.link_post_visits(_frame(ds.tables, account), window_hours=48)
    assert est.covers(truth["blog"]["link_post_visits_48h"]), est
    assert est.ci_low > 0 and est.extra["link_posts"] > 100


def test_h05_projection_interval_covers_the_actual_crossing(sample):
    ds, account, truth = sample
    series = gr.follower_series(fa.daily_counts(ds.follower_counts, account["account_id"]))
    cutoff, mode = gr.default_cutoff(series, 10_000, 90)
    est = gr.days_to_target(series, 10_000, cutoff)
    actual = (pd.Timestamp(truth["date_reached_10000"]) - cutoff).days
    assert mode == "backtest" and actual == 90
    assert est.covers(actual), est
    assert abs(est.extra["start"] - pd.Timestamp(truth["curation_start"])) <= pd.Timedelta(days=7)
    assert est.extra["purge_taken_out"]["date"] == pd.Timestamp(truth["purge"]["date"])


def test_h06_recovers_the_share_difference_between_fast_and_slow_days(sample):
    ds, account, truth = sample
    planted = truth["growth_quality"]
    labels = fa.relevance_labels(ds.followers, account["account_id"], prefer="true_type")
    joined = gr.joins_by_speed(labels, fa.daily_counts(ds.follower_counts, account["account_id"]),
                               planted["fast_day_min_new_follows"])
    est = gr.growth_quality(joined)
    assert est.covers(planted["difference"]), est
    assert est.ci_low > 0, "curated fast days bring more relevant followers in the sample"
    assert est.extra["followers_fast"] == planted["followers_fast"]


def test_h07_covers_the_planted_change_and_says_it_is_too_small_to_see(sample):
    ds, account, truth = sample
    counts = fa.daily_counts(ds.follower_counts, account["account_id"])
    purge = fa.detect_purge(counts)
    assert purge["date"] == pd.Timestamp(truth["purge"]["date"])
    est = pu.purge_effect(pu.daily_engagement(ds.posts, counts, account["account_id"]), purge)
    planted = truth["purge"]["engagement_per_follower_change"]
    assert planted == pytest.approx(truth["purge"]["removed"] /
                                    (truth["purge"]["followers_before"] - truth["purge"]["removed"]))
    assert est.covers(planted), est
    assert planted < est.extra["mde"] and pu.purge_verdict(est).startswith("no change detectable")


def test_h07_sees_no_engagement_leave_with_removed_accounts_that_never_engaged():
    # fakes never engage in the generator: removing them leaves engagement per post unchanged, which the count
    # model with the uncut follower count as offset reads as 0 (the old ratio read +removed/remaining here)
    steady = {"focal": {"engagement_dispersion": 1000.0, "posts_per_day": 10.0, "purge_fraction": 0.06}}
    tables, truth = _world(3, steady)
    account = tables["accounts"].iloc[0]
    counts = fa.daily_counts(tables["follower_counts"], account["account_id"])
    est = pu.purge_effect(pu.daily_engagement(tables["posts"], counts, account["account_id"]),
                          fa.detect_purge(counts))
    assert est.covers(pu.planted_change(truth["purge"])), est
    assert pu.purge_verdict(est) == ("no change in engagement at the purge: the removed accounts took no engagement "
                                     "with them")


def test_removing_true_fakes_raises_engagement_per_follower_by_their_share(sample):
    ds, account, _ = sample
    labels = fa.relevance_labels(ds.followers, account["account_id"], prefer="true_type")
    est = pu.fake_removal(labels, ds.interactions, account["account_id"])
    fakes = int((ds.followers.loc[ds.followers["account_id"] == account["account_id"], "true_type"] == "fake").sum())
    assert est.extra["share_of_interactions_by_fakes"] == 0
    assert est.estimate == pytest.approx(fakes / (est.n - fakes))


def test_a_steady_series_has_no_purge_and_a_one_day_drop_is_found():
    days = pd.date_range("2025-01-01", periods=60, freq="D")
    steady = pd.DataFrame({"followers_count": 1000 + 5 * np.arange(60) + np.tile([0, 2, -1], 20)}, index=days)
    assert fa.detect_purge(steady) is None
    dropped = steady.copy()
    dropped.loc[days[30]:, "followers_count"] -= 80
    found = fa.detect_purge(dropped)
    assert found["date"] == days[30] and found["drop"] == 80 - 5 - 1


def test_the_growth_change_point_is_found():
    days = pd.date_range("2025-01-01", periods=100, freq="D")
    gains = np.where(np.arange(100) < 40, 3.0, 30.0) + np.tile([1.0, -1.0], 50)
    assert gr.growth_start(pd.Series(1000 + gains.cumsum(), index=days), days[-1]) == days[40]


def _export_shaped(path) -> dataset.Dataset:
    """One focal X account as its archive gives it: posts with likes and reposts, followers with ids only."""
    now = pd.Timestamp("2025-06-01", tz="UTC")
    accounts = pd.DataFrame([{"account_id": "x:me", "platform": "x", "handle": "me", "is_focal": True,
                              "followers_count": 1200, "observed_at": now}])
    posts = pd.DataFrame({
        "post_id": [f"x:{i}" for i in range(60)], "account_id": "x:me", "platform": "x",
        "created_at": now - pd.to_timedelta(np.arange(60) * 13, unit="h"), "kind": ["post", "reply"] * 30,
        "text": "hello", "link_urls": [[f"https://blog.example/{i}"] if i % 4 == 0 else [] for i in range(60)],
        "has_link": [i % 4 == 0 for i in range(60)], "likes": np.arange(60) % 7, "reposts": np.arange(60) % 3})
    followers = pd.DataFrame({"account_id": "x:me", "follower_id": [f"h{i:04d}" for i in range(300)],
                              "platform": "x", "sample_weight": 1.0})
    return dataset.load(dataset.write({"accounts": accounts, "posts": posts, "followers": followers}, path,
                                      pseudonymised=True))


@pytest.fixture()
def export(tmp_path) -> dataset.Dataset:
    """A hand-made single-account dataset shaped like an X archive (no traffic, no daily counts)."""
    return _export_shaped(tmp_path / "export")


def test_on_an_export_every_hypothesis_is_not_estimable_with_a_reason(export):
    account = fa.focal_account(export.accounts)
    labels = fa.relevance_labels(export.followers, account["account_id"])
    frame = tr.traffic_frame(export.tables, account, labels)[0]
    counts = fa.daily_counts(export.follower_counts, account["account_id"])
    series = gr.follower_series(counts)
    estimates = {
        "H03": tr.audience_elasticity(frame), "H04": tr.link_post_visits(frame),
        "H05": gr.days_to_target(series, 10_000),
        "H06": gr.growth_quality(gr.joins_by_speed(labels, counts, 20)),
        "H07": pu.purge_effect(pu.daily_engagement(export.posts, counts, account["account_id"]),
                               fa.detect_purge(counts)),
    }
    assert labels.source == "none"
    for name, est in estimates.items():
        assert math.isnan(est.estimate) and est.extra["reason"], name
    assert "no dated web traffic" in estimates["H03"].extra["reason"]
    assert "no purge" in estimates["H07"].extra["reason"]


def test_h05_is_not_estimable_with_a_reason_when_the_count_starts_above_the_target():
    # rOpenSci's export: monthly counts from 11,700 to 33,500, so 10,000 was passed before the data begin
    months = pd.date_range("2016-10-01", periods=49, freq="MS")
    series = pd.Series(np.linspace(11_700, 33_464, 49).round(), index=months)
    est = gr.days_to_target(series, 10_000, months[-1], months[0])
    assert math.isnan(est.estimate)
    assert "already 11,700 on the first observed day (01 Oct 2016)" in est.extra["reason"]
    assert "drift_per_day" not in est.extra  # the notebook's "no projection" branch, not the projection's


def test_h05_is_not_estimable_when_the_target_was_crossed_before_the_cut_off():
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    series = pd.Series(9_000 + 20.0 * np.arange(120) + np.tile([3.0, -3.0], 60), index=days)
    est = gr.days_to_target(series, 10_000, days[-1], days[0])
    assert math.isnan(est.estimate) and "reached 10,000 on 20 Feb 2025, before the cut-off" in est.extra["reason"]
    backtest = gr.days_to_target(series, 10_000, days[30], days[0])
    assert math.isfinite(backtest.estimate) and backtest.ci_low <= 20 <= backtest.ci_high


def test_a_result_the_data_cannot_support_is_recorded_as_not_estimable_with_its_reason(tmp_path):
    from helpers.hypotheses.record import to_result
    from helpers.stats import not_estimable

    est = not_estimable("elasticity", "3 account(s) with enough posts; at least 10 are needed", n=3)
    result = to_result(est, hid="H01_x", question="q?", verdict="more is more", finding="elasticity nan",
                       measure="m", notebook="20_x", simulated=False, supports="quantity", extra={"a": 1.0})
    assert result.verdict == "not estimable" and result.n == 3 and result.extra == {}
    assert result.finding == "not estimable: 3 account(s) with enough posts; at least 10 are needed"
    saved = json.loads(record.save(tmp_path, result).read_text())
    assert saved["estimate"] is None and saved["ci_low"] is None and saved["p"] is None


def test_analyses_label_followers_by_the_scores_never_by_the_planted_types(sample):
    ds, account, _ = sample
    own = ds.followers[ds.followers["account_id"] == account["account_id"]]
    assert own["true_type"].notna().all(), "the sample carries planted types"
    assert fa.relevance_labels(ds.followers, account["account_id"]).source == "none"  # not scored yet
    scores = pd.DataFrame({"account_id": account["account_id"], "follower_id": own["follower_id"].to_numpy(),
                           "bin": "irrelevant", "relevance": 0.0})
    labels = fa.relevance_labels(ds.followers, account["account_id"], scores)
    assert labels.source == "quality scores" and not labels.frame["relevant"].any()
    assert fa.relevance_labels(ds.followers, account["account_id"], scores, prefer="true_type").frame[
        "relevant"].any(), "the planted types only on request, for checks"
