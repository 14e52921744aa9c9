"""The committed authenticity model: its recorded leave-one-dataset-out accuracy is what the code reproduces,
the shipped configuration is the simplest within the CI of the best, it stores no training rows, and it
handles missing features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from helpers.quality import calibration as calib
from helpers.quality import evaluation, labelled_sets, training
from helpers.quality import model as authenticity
from helpers.quality.features import CANDIDATES, NAME_FEATURES, profile_features


@pytest.fixture(scope="module")
def committed() -> authenticity.AuthenticityModel:
    return authenticity.load()


@pytest.fixture(scope="module")
def metrics() -> dict:
    return authenticity.load_metrics()


def test_model_stores_no_training_rows(committed: authenticity.AuthenticityModel, metrics: dict) -> None:
    n_train = sum(s["accounts"] for s in metrics["training_data"]["sets"]
                  if s["name"] in metrics["training_data"]["trained_on"])
    arrays = authenticity.stored_arrays(committed.estimator)
    assert arrays, "the walk found the estimator's arrays"
    assert max(a.shape[0] for a in arrays if a.ndim) < n_train
    assert not any(a.ndim == 2 and a.shape[1] == len(committed.features) and a.shape[0] > 1 for a in arrays)
    assert committed.bigram_log_probs.size == 38 * 38  # aggregate bigram counts, no handle
    assert committed.calibration["method"] == "platt" or len(committed.calibration["x"]) <= calib.MAX_KNOTS
    assert set(committed.reference) <= set(committed.features)  # one typical-human value per feature
    assert all(set(c) == {"set", "fake", "fake_called", "human", "human_called"} for c in committed.error_counts)


def test_metrics_give_every_set_a_lodo_auc_with_interval_beside_baselines(metrics: dict) -> None:
    shipped = metrics["shipped_config"]["name"]
    sets = {s["name"] for s in metrics["training_data"]["sets"]}
    per = {r["set"]: r for r in metrics["lodo"][shipped]["per_set"]}
    assert set(per) == sets
    for r in per.values():
        assert 0 <= r["ci_low"] <= r["auc"] <= r["ci_high"] <= 1 and r["n"] > 50
    for name in ("followers_friends_ratio", "rule_camisani", "rule_stateofsearch", "rule_socialbakers"):
        assert {r["set"] for r in metrics["baselines"][name]["per_set"]} == sets
    assert {r["set"] for r in metrics["in_domain_cv"]["per_set"]} == sets
    assert {r["set"] for r in metrics["binned_likely_fake"]} == sets


def test_shipped_configuration_is_the_simplest_within_the_ci_of_the_best(metrics: dict) -> None:
    results = {k: v for k, v in metrics["lodo"].items() if k in metrics["config_defs"]}
    configs = {k: training.Config(**v) for k, v in metrics["config_defs"].items()}
    trees = {k: v for k, v in results.items() if configs[k].kind == "hgb"}
    assert training.simplest_within_ci(trees, configs) == metrics["shipped_config"]["name"]


def test_error_rates_function_reads_the_shipped_measurement(metrics: dict) -> None:
    rates = calib.authenticity_error_rates()
    assert rates.threshold == metrics["threshold"]
    assert rates.sensitivity_ci[0] <= rates.sensitivity <= rates.sensitivity_ci[1]
    assert rates.specificity_ci[0] <= rates.specificity <= rates.specificity_ci[1]
    assert rates.sets_with_fakes == rates.sets_with_humans == len(metrics["training_data"]["sets"])
    # the threshold is the lowest on the grid that spares at least 90 % of an unseen collection's humans
    assert rates.specificity >= training.MIN_SPECIFICITY and rates.threshold in training.THRESHOLD_GRID


def test_recorded_lodo_auc_is_reproduced_on_a_set_left_out(realdata_train: Path, metrics: dict) -> None:
    # One fold of the recorded table, recomputed: same data, same seed, same configuration, same AUC.
    pool = evaluation.build_pool(labelled_sets.load_sets())
    shipped = training.Config(**metrics["shipped_config"])
    preds = training.run_lodo(pool, shipped, metrics["seed"], only=["bluesky-108"])
    recorded = {r["set"]: r for r in metrics["lodo"][shipped.name]["per_set"]}["bluesky-108"]
    assert evaluation.auc_table(preds, n_boot=100).loc[0, "auc"] == pytest.approx(recorded["auc"], abs=1e-4)


def test_missing_counts_give_no_p_fake_and_missing_names_still_score(committed) -> None:
    X = profile_features(pd.DataFrame({"bio": ["hello", "hi"], "followers_count": pd.array([None, 3], dtype="Int64"),
                                       "handle": ["h_0123456789abcdef", "h_0123456789abcdee"]}))
    p = authenticity.predict_p_fake(committed, X)
    assert np.isnan(p[0]) and 0 <= p[1] <= 1
    assert X.loc[1, NAME_FEATURES].isna().all()


def test_fit_handles_missing_features_masks_and_known_directions() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = rng.random(n) < 0.5
    X = pd.DataFrame(rng.normal(size=(n, len(CANDIDATES))), columns=CANDIDATES)
    X["followers_friends_ratio"] -= 3 * y
    X.loc[rng.random(n) < 0.3, "listed_count"] = np.nan
    est = authenticity.fit(X, y.astype(int))
    p = est.predict_proba(authenticity.mask(X, authenticity.MASKS["minimal"]))[:, 1]
    assert roc_auc_score(y, p) > 0.9
    grid = X.iloc[[0] * 50].copy()
    grid["followers_friends_ratio"] = np.linspace(-5, 5, 50)
    assert np.all(np.diff(est.predict_proba(grid)[:, 1]) <= 1e-12)  # more followers per following: never more fake


def test_augment_adds_one_masked_copy_of_each_account() -> None:
    X = pd.DataFrame(1.0, index=range(20), columns=CANDIDATES)
    X_aug, y_aug, w_aug = authenticity.augment(X, np.zeros(20), np.ones(20))
    assert len(X_aug) == 40 and X_aug.iloc[:20].notna().all().all()
    assert X_aug.iloc[20:].isna().any(axis=1).all()  # each copy lost at least one feature group


def test_holdout_is_stratified_and_reproducible() -> None:
    ids = pd.Series([str(i) for i in range(1000)])
    labels = np.r_[np.zeros(600, int), np.ones(400, int)]
    first, again = authenticity.holdout_mask(ids, labels), authenticity.holdout_mask(ids.copy(), labels)
    assert (first == again).all()
    assert first[labels == 0].sum() == 120 and first[labels == 1].sum() == 80


def test_rank_auc_and_bootstrap_interval() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(400) < 0.4
    p = y + rng.normal(0, 1, 400)
    assert authenticity.auc(y, p) == pytest.approx(roc_auc_score(y, p))
    ci = authenticity.auc_ci(y, p, n_boot=500)
    assert ci["ci_low"] < ci["auc"] < ci["ci_high"] and ci["n"] == 400
