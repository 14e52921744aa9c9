"""No feature the model uses is a collection marker: features that tell two collections apart on one class
should not tell them apart on the other (a crawl date or an id range would, for both classes alike)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.quality import evaluation, labelled_sets, training
from helpers.quality import model as authenticity
from helpers.quality.evaluation import Pool

MARKER = "observed_days"  # when the profile was crawled: the archetypal collection marker
# "Beyond chance" on a stated scale: 0 is the permutation baseline (95th percentile), 1 a crawl-date marker.
MAX_MEAN_INDEX = 0.5


def _with_marker(pool: Pool) -> Pool:
    """The pool with the crawl date (days since 2000) as an extra column."""
    seen = pd.to_datetime(pool.profiles["observed_at"], utc=True)
    features = pool.features.assign(**{MARKER: (seen - pd.Timestamp("2000-01-01", tz="UTC")).dt.days.astype(float)})
    return Pool(pool.meta, pool.profiles, features, pool.handles)


def _index(pool: Pool, features: list[str]) -> pd.DataFrame:
    """Per pair and direction: transfer AUC, its chance baseline, and with the marker added."""
    plain = pd.DataFrame(training.collection_identifiability(pool, features, n_permutations=200)["pairs"])
    with_marker = list(dict.fromkeys([*features, MARKER]))
    marked = pd.DataFrame(training.collection_identifiability(pool, with_marker, n_permutations=0)["pairs"])
    plain["marker_auc"] = marked["transfer_auc"].to_numpy()
    plain["index"] = (plain["transfer_auc"] - plain["chance_p95"]) / (plain["marker_auc"] - plain["chance_p95"])
    return plain


@pytest.fixture(scope="module")
def dated_pool(realdata_train: Path) -> Pool:
    """The two-class Twitter sets whose crawl dates are known."""
    return _with_marker(evaluation.build_pool(labelled_sets.load_sets(["cresci-2015", "botrepo-2019",
                                                                       "twibot-anno"])))


def test_a_crawl_date_is_detected_as_a_collection_marker(dated_pool: Pool) -> None:
    table = _index(dated_pool, [MARKER])
    assert (table["transfer_auc"] > 0.95).all() and (table["transfer_auc"] > table["chance_p95"] + 0.2).all()


def test_the_shipped_features_identify_collections_far_less_than_a_marker(dated_pool: Pool) -> None:
    features = authenticity.load().features
    assert MARKER not in features and not {"created_at", "id", "observed_at"} & set(features)
    table = _index(dated_pool, features)
    assert (table["marker_auc"] > table["chance_p95"] + 0.2).all()  # the marker still shows on top of them
    assert table["index"].mean() < MAX_MEAN_INDEX, table


def test_identifiability_transfers_across_classes_only_for_a_marker() -> None:
    rng = np.random.default_rng(0)
    n = 400
    meta = pd.DataFrame({"set": np.repeat(["a", "b"], n), "group": "g", "platform": "twitter",
                         "family": np.repeat(["a", "b"], n), "label": np.tile([0, 1], n)})
    humans_differ = np.where((meta["set"] == "b") & (meta["label"] == 0), 3.0, 0.0) + rng.normal(0, 1, 2 * n)
    marker = np.where(meta["set"] == "b", 1.0, 0.0) + rng.normal(0, 0.1, 2 * n)
    features = pd.DataFrame({"followers_count": humans_differ, MARKER: marker})
    pool = Pool(meta, pd.DataFrame(index=meta.index), features, pd.Series(pd.NA, index=meta.index, dtype="string"))
    population = pd.DataFrame(training.collection_identifiability(pool, ["followers_count"])["pairs"])
    marked = pd.DataFrame(training.collection_identifiability(pool, [MARKER])["pairs"])
    assert (population["transfer_auc"] < population["chance_p95"]).all()  # who was sampled: no transfer
    assert (marked["transfer_auc"] > 0.95).all()
