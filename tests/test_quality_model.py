"""The committed authenticity model: its AUC on labelled accounts held out from training is above the floor the
notebook reports, it stores no training rows, and it handles missing features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from helpers.ingest import twitter_users
from helpers.ingest.base import Context
from helpers.quality import model as authenticity
from helpers.quality.features import FEATURES, NAME_FEATURES, botometer_lite


@pytest.fixture(scope="module")
def committed() -> authenticity.AuthenticityModel:
    return authenticity.load()


def test_model_stores_no_training_rows(committed: authenticity.AuthenticityModel) -> None:
    metrics = authenticity.load_metrics()
    n_train = metrics["training_data"]["n_train"]
    arrays = authenticity.stored_arrays(committed.estimator)
    assert arrays, "the walk found the estimator's arrays"
    assert max(a.shape[0] for a in arrays if a.ndim) < n_train
    assert not any(a.ndim == 2 and a.shape[1] == len(FEATURES) and a.shape[0] > 1 for a in arrays)
    assert committed.bigram_log_probs.size == 38 * 38  # aggregate bigram counts, no handle


def test_metrics_state_cv_and_holdout_auc_with_intervals() -> None:
    metrics = authenticity.load_metrics()
    for part in (metrics["cross_validation"]["auc"], metrics["holdout"]["auc"]):
        assert set(part) == set(authenticity.MASKS)
        for result in part.values():
            assert 0 <= result["ci_low"] <= result["auc"] <= result["ci_high"] <= 1
    assert metrics["auc_floor"] <= min(r["ci_low"] for r in metrics["holdout"]["auc"].values())


def test_auc_on_held_out_labelled_accounts_is_above_the_floor(realdata: Path,
                                                              committed: authenticity.AuthenticityModel) -> None:
    folder = realdata / "cresci-2015-subset"
    followers = twitter_users.read([folder / "users.E13.csv", folder / "fusers.INT.csv"], Context()).tables["followers"]
    labels = followers["is_fake"].to_numpy(dtype=int)
    held = authenticity.holdout_mask(followers["follower_id"], labels)
    metrics = authenticity.load_metrics()
    assert int(held.sum()) == metrics["training_data"]["n_holdout"]
    X = botometer_lite(followers[held], None, committed.bigram_log_probs)
    for name, cols in authenticity.MASKS.items():
        p = authenticity.predict_p_fake(committed, authenticity.mask(X, cols))
        auc = roc_auc_score(labels[held], p)
        assert auc >= metrics["auc_floor"], (name, auc)


def test_missing_counts_give_no_p_fake_and_missing_names_still_score(committed) -> None:
    X = botometer_lite(pd.DataFrame({"bio": ["hello", "hi"], "followers_count": pd.array([None, 3], dtype="Int64"),
                                     "handle": ["h_0123456789abcdef", "h_0123456789abcdee"]}))
    p = authenticity.predict_p_fake(committed, X)
    assert np.isnan(p[0]) and 0 <= p[1] <= 1
    assert X.loc[1, NAME_FEATURES].isna().all()


def test_fit_handles_missing_features_and_masks() -> None:
    rng = np.random.default_rng(0)
    n = 300
    y = rng.random(n) < 0.5
    X = pd.DataFrame(rng.normal(size=(n, len(FEATURES))), columns=FEATURES)
    X["friends_count"] += 3 * y
    X.loc[rng.random(n) < 0.3, "listed_count"] = np.nan
    estimator = authenticity.fit(X, y.astype(int))
    p = estimator.predict_proba(authenticity.mask(X, authenticity.MASKS["minimal"]))[:, 1]
    assert roc_auc_score(y, p) > 0.9


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
