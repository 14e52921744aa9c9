"""Quality, reciprocity and manageability analyses: each recovers its planted truth on the default sample, the
main quality test keeps its false-positive rate in worlds without a quality effect, and one-account exports
are reported as not estimable rather than failing."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from helpers import paths
from helpers.analyses import quality_engagement as qe
from helpers.analyses import quality_shares as qs
from helpers.analyses import reciprocity as rc
from helpers.analyses import reply_rate as rr
from helpers.data import dataset
from helpers.quality import model as authenticity
from helpers.quality.interests import load_interests
from helpers.quality.score import score_dataset, score_tables
from helpers.reports.run import run_analyses
from helpers.simulate import build_sample, load_config
from helpers.simulate.build import simulate_cohort
from helpers.stats import NotEstimable

NULL_WORLD = {"cohort": {"accounts": 60, "followers_sampled": 40, "posts_per_account": 20}}
NULL_REPEATS = 200


# These tests check that the analyses recover what was planted when the scorer measures the shares well: a world
# whose relevant bios all use interests.toml words. On the default sample the scorer's relevance tracks the truth
# with a slope near 0.55, which biases H02 (notebook 21 measures it and says so in computed words).
ACCURATE = {"profiles": {"relevant_bio_overlap": 1.0}}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """A sample whose relevant bios all use the interests' words, scored, with its truth."""
    path = build_sample(load_config(overrides=ACCURATE), tmp_path_factory.mktemp("q") / "sample")
    with threadpool_limits(1):  # many OpenMP threads on a shared runner are slower than one
        score_dataset(path)
    ds = dataset.load(path)
    return ds, json.loads((path / "truth.json").read_text())


@pytest.fixture(scope="module")
def frame(scored):
    """Per-account engagement and measured quality shares of the default sample."""
    ds, _ = scored
    return qe.quality_frame(ds.accounts, ds.posts, ds.follower_quality)


def test_h02_recovers_the_planted_relevant_effect(frame, scored):
    _, truth = scored
    est = qe.share_effect(frame, "relevant_share")
    assert est.n >= 300
    assert est.ci_low <= truth["relevant_effect"] <= est.ci_high
    assert (est.ci_low > 0) == (truth["relevant_effect"] > 0), "verdict: a positive effect was planted"


def test_the_correction_undoes_the_sampling_attenuation_of_the_measured_shares(frame, scored):
    # it corrects sampling error only (test_regression_calibration_undoes_binomial_attenuation plants it alone);
    # the scorer's own errors can push the other way, so nearness to the truth is not what it promises
    est = qe.share_effect(frame, "relevant_share")
    assert 0.5 < est.extra["reliability"] < 1
    assert abs(est.estimate) > abs(est.extra["measured_estimate"])


def test_measured_shares_track_the_planted_ones(frame, scored):
    ds, _ = scored
    check = qs.measurement_check(frame, ds.accounts).set_index("share")
    assert (check["correlation"] > 0.8).all()
    assert (check["mean_bias"].abs() < 0.05).all()
    # the reliability the calibration assumes from sampling variances matches the one realised against truth
    assert (check["reliability_assumed"] - check["reliability_realised"]).abs().max() < 0.1


def test_h08_delta_r2_covers_the_planted_one_and_its_verdict_matches(frame, scored):
    _, truth = scored
    out = qe.quality_vs_quantity(frame, n_boot=300)
    delta = out["delta_quality"]
    assert delta.ci_low <= truth["quality_delta_r2"] <= delta.ci_high
    assert (delta.p < 0.05) == truth["quality_effect_present"]
    assert out["log_followers"].estimate > out["relevant_share"].estimate + out["fake_share"].estimate


def test_the_negative_binomial_check_agrees_with_the_account_level_model(scored, frame):
    ds, truth = scored
    nb = qe.negbin_posts(ds.posts, frame).table.set_index("term").loc["relevant_share"]
    assert nb["ci_low"] <= truth["relevant_effect"] <= nb["ci_high"]


def test_h09_recovers_the_implied_reciprocity_difference(scored):
    ds, truth = scored
    flags = rc.reciprocity_flags(ds.followers, ds.following, ds.interactions, ds.follower_quality)
    est = rc.pooled_difference(rc.engaged_by_reciprocity(flags))
    assert est.ci_low <= truth["reciprocity_engaged_difference"] <= est.ci_high
    assert est.ci_low > 0, "verdict: reciprocal followers are more engaged in the generator"
    within = rc.difference_within_relevance(flags).set_index("followers")
    assert within.loc["relevant profile", "estimate"] < est.estimate / 2, "like with like, the gap shrinks"


def test_h10_recovers_the_planted_reply_share_change(scored):
    ds, truth = scored
    account = rr.focal_account(ds.accounts)
    est, table = rr.reply_share_change(ds.posts, ds.follower_counts, account)
    assert est.extra["crossing"] == truth["focal"]["date_reached_10000"]
    assert est.ci_low <= truth["reply_share_change_10k"] <= est.ci_high
    assert est.ci_high < 0, "verdict: the reply share falls"
    assert table["posts"].sum() == est.n


def test_regression_calibration_undoes_binomial_attenuation():
    rng = np.random.default_rng(7)
    n, k = 3000, 20
    true = rng.beta(4, 6, n)
    log_f = rng.normal(7, 2, n)
    measured = rng.binomial(k, true) / k
    y = 0.6 * log_f + 1.5 * true + rng.normal(0, 0.3, n)
    D = np.full((n, 1, 1), np.mean(measured * (1 - measured)) / (k - 1))
    calibrated = qs.calibrate_arrays(measured[:, None], log_f[:, None], D)[:, 0]

    def slope(x: np.ndarray) -> float:
        return float(np.linalg.lstsq(np.column_stack([np.ones(n), log_f, x]), y, rcond=None)[0][2])

    assert slope(measured) < 1.2, "the measured share is attenuated"
    assert abs(slope(calibrated) - 1.5) < 0.15


def test_engaged_share_difference_uses_weights_and_known_counts():
    flags = pd.DataFrame({"account_id": "a", "followed_back": [1.0] * 10 + [0.0] * 20,
                          "engaged": [1.0] * 5 + [0.0] * 5 + [1.0] * 2 + [0.0] * 18, "weight": 2.0})
    row = rc.group_difference(flags)
    assert row["engaged_reciprocal"] == pytest.approx(0.5) and row["engaged_other"] == pytest.approx(0.1)
    assert row["difference"] == pytest.approx(0.4) and row["ci_low"] < 0.4 < row["ci_high"]
    heavy = flags.assign(weight=np.where(flags.index < 5, 3.0, 1.0))  # engaged reciprocal followers weigh more
    assert rc.group_difference(heavy)["engaged_reciprocal"] == pytest.approx(15 / 20)


def test_crossing_needs_a_day_below_and_a_day_at_the_threshold():
    days = pd.date_range("2025-01-01", periods=5)
    counts = pd.DataFrame({"account_id": "a", "date": days, "followers_count": [9000, 9990, 10000, 9999, 10100]})
    assert rr.crossing_date(counts, "a") == pd.Timestamp("2025-01-03")
    with pytest.raises(NotEstimable, match="never reached"):
        rr.crossing_date(counts.assign(followers_count=500), "a")
    with pytest.raises(NotEstimable, match="already had"):
        rr.crossing_date(counts.assign(followers_count=20_000), "a")


def _export_shaped(path) -> dataset.Dataset:
    """One focal account with posts and likes, followers known only by id, no traffic: like an X archive."""
    t0 = pd.Timestamp("2025-03-01", tz="UTC")
    posts = pd.DataFrame({
        "post_id": [f"p{i}" for i in range(40)], "account_id": "x:me", "platform": "x",
        "created_at": [t0 + pd.Timedelta(days=i) for i in range(40)], "text": "hello",
        "kind": ["reply" if i % 3 == 0 else "post" for i in range(40)], "likes": 3, "reposts": 1})
    tables = {
        "accounts": pd.DataFrame([{"account_id": "x:me", "platform": "x", "handle": "me", "followers_count": 812,
                                   "is_focal": True}]),
        "posts": posts,
        # sample_weight given: schemas.conform cannot yet add a missing float column to a non-empty table
        "followers": pd.DataFrame({"account_id": "x:me", "follower_id": [f"f{i}" for i in range(30)],
                                   "platform": "x", "sample_weight": 1.0}),
        "follower_counts": pd.DataFrame({"account_id": ["x:me"], "date": [pd.Timestamp("2025-04-10")],
                                         "followers_count": [812]}),
    }
    return dataset.load(dataset.write(tables, path, pseudonymised=True))


def test_a_one_account_export_is_not_estimable_in_plain_words(tmp_path):
    ds = _export_shaped(tmp_path / "export")
    frame = qe.quality_frame(ds.accounts, ds.posts, None)
    with pytest.raises(NotEstimable, match="at least 10"):
        qe.share_effect(frame)
    flags = rc.reciprocity_flags(ds.followers, ds.following, ds.interactions)
    assert flags.empty, "no interactions: engagement unknown"
    with pytest.raises(NotEstimable, match="reciprocal"):
        rc.pooled_difference(rc.engaged_by_reciprocity(flags))
    with pytest.raises(NotEstimable, match="never reached"):
        rr.reply_share_change(ds.posts, ds.follower_counts, "x:me")


@pytest.mark.slow
def test_both_notebooks_run_on_a_one_account_export_and_record_not_estimable(tmp_path):
    ds = _export_shaped(tmp_path / "export")  # followers known by id only: the scorer has nothing to judge
    out = run_analyses(str(ds.path), tmp_path / "reports", only=["21_quality_engagement",
                                                                  "25_reciprocity_manageability"], progress=False)
    for hid in ["H02_quality_engagement", "H08_quality_vs_quantity_r2", "H09_reciprocity_engagement",
                "H10_reply_rate_10k"]:
        result = json.loads((out / "results" / f"{hid}.json").read_text())
        assert result["verdict"] == "not estimable" and result["estimate"] is None, hid
        assert result["finding"].startswith("not estimable: ")


def _null_world_rejects(seeds: list[int]) -> list[bool]:
    """For each seed: a small world without any quality effect, scored, and whether H02's 95% CI excludes 0."""
    model = authenticity.load()
    interests = load_interests(paths.SAMPLE_CONFIG_DIR / "interests.toml")
    out = []
    with threadpool_limits(1):
        for seed in seeds:
            cfg = load_config(seed=seed, no_quality_effect=True, overrides=NULL_WORLD)
            tables = simulate_cohort(np.random.default_rng(cfg["seed"]), cfg, pd.Timestamp(cfg["observed_at"]))
            scores = score_tables(tables, interests, model=model)
            frame = qe.quality_frame(tables["accounts"], tables["posts"], scores.follower_quality)
            est = qe.share_effect(frame)
            out.append(not est.ci_low <= 0 <= est.ci_high)
    return out


@pytest.mark.slow
def test_h02_false_positive_rate_in_worlds_without_a_quality_effect():
    seeds = list(range(1, NULL_REPEATS + 1))
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        rejects = [r for chunk in pool.map(_null_world_rejects, [seeds[0::2], seeds[1::2]]) for r in chunk]
    assert len(rejects) == NULL_REPEATS
    assert np.mean(rejects) <= 0.07, f"H02 rejected a true null in {np.mean(rejects):.1%} of {NULL_REPEATS} worlds"
