"""Leave-one-dataset-out evaluation: a set is never scored by a model that saw it or its family, every set
weighs the same in training, and the baselines are scored on the same accounts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.quality import evaluation, labelled_sets
from helpers.quality.evaluation import Pool
from helpers.quality.features import CANDIDATES


def _pool(sizes: dict[str, int], families: dict[str, str] | None = None, seed: int = 0) -> Pool:
    """A synthetic pool: each set's fakes have fewer followers per following than its humans."""
    rng = np.random.default_rng(seed)
    meta, feats = [], []
    for name, n in sizes.items():
        label = (np.arange(n) % 2).astype(int)
        meta.append(pd.DataFrame({"set": name, "group": name, "platform": "twitter",
                                  "family": (families or {}).get(name, name), "label": label}))
        f = pd.DataFrame(np.nan, index=range(n), columns=CANDIDATES)
        f["followers_friends_ratio"] = np.exp(rng.normal(0, 1, n) - 2 * label)
        f["followers_count"] = np.round(np.exp(rng.normal(4, 1, n) - label))
        feats.append(f)
    meta_df = pd.concat(meta, ignore_index=True)
    return Pool(meta_df, pd.DataFrame(index=meta_df.index), pd.concat(feats, ignore_index=True),
                pd.Series(pd.NA, index=meta_df.index, dtype="string"))


def test_a_set_is_scored_by_a_model_trained_without_it_and_its_family() -> None:
    pool = _pool({"a": 40, "b": 60, "c": 80, "d": 20}, families={"b": "bc", "c": "bc"})
    seen: dict[str, set] = {}

    def learner(X, y, w):
        trained_on = set(pool.meta.loc[X.index, "set"])
        return lambda Z: (seen.setdefault(pool.meta.loc[Z.index[0], "set"], trained_on), np.zeros(len(Z)))[1]

    evaluation.lodo(pool, learner)
    assert seen == {"a": {"b", "c", "d"}, "b": {"a", "d"}, "c": {"a", "d"}, "d": {"a", "b", "c"}}
    seen.clear()
    evaluation.lodo(pool, learner, exclude_from_training=["d"])
    assert seen["a"] == {"b", "c"}


def test_balanced_weights_give_each_set_and_class_the_same_total() -> None:
    meta = _pool({"a": 40, "b": 400}).meta
    w = evaluation.balance_weights(meta)
    totals = pd.Series(w).groupby([meta["set"], meta["label"]]).sum()
    assert np.allclose(totals, totals.iloc[0])


def test_lodo_and_in_domain_auc_tables_carry_n_and_intervals() -> None:
    pool = _pool({"a": 200, "b": 200, "c": 200})
    preds = evaluation.lodo(pool, evaluation.hgb_learner(["followers_friends_ratio", "followers_count"]))
    table = evaluation.auc_table(preds, n_boot=200)
    assert list(table["set"]) == ["a", "b", "c"] and (table["n"] == 200).all()
    assert (table["ci_low"] <= table["auc"]).all() and (table["auc"] <= table["ci_high"]).all()
    assert (table["auc"] > 0.8).all()
    mean, low, high = evaluation.mean_auc_ci(preds, n_boot=200)
    assert low <= mean <= high
    inside = evaluation.in_domain(pool, evaluation.logreg_learner(["followers_friends_ratio"]), n_folds=3)
    assert len(inside) == 600 and set(inside["set"]) == {"a", "b", "c"}


def test_baselines_score_the_ratio_and_the_rule_sets_without_fitting() -> None:
    pool = _pool({"a": 10})
    pool = Pool(pool.meta, pd.DataFrame({"followers_count": [1, 500] * 5, "following_count": [2000, 300] * 5,
                                         "bio": ["", "hi"] * 5}), pool.features, pool.handles)
    scores = evaluation.baseline_scores(pool)
    assert np.allclose(scores["followers_friends_ratio"], -pool.features["followers_friends_ratio"])
    assert (scores.loc[0::2, "rule_stateofsearch"] > scores.loc[1::2, "rule_stateofsearch"].to_numpy()).all()


@pytest.fixture(scope="module")
def small_real_pool(realdata_train: Path) -> Pool:
    return evaluation.build_pool(labelled_sets.load_sets(["instafake", "instagram-kaggle", "bluesky-108"]))


def test_reduced_lodo_on_real_sets_ranks_fakes_above_humans(small_real_pool: Pool) -> None:
    preds = evaluation.lodo(small_real_pool, evaluation.hgb_learner(CANDIDATES), only=["instagram-kaggle"])
    table = evaluation.auc_table(preds, n_boot=200)
    assert table.loc[0, "n"] == 696 and table.loc[0, "ci_low"] > 0.8
    base = evaluation.baseline_scores(small_real_pool)
    assert base["followers_friends_ratio"].notna().mean() > 0.99


def test_specialists_are_trained_one_per_big_enough_set_and_never_on_the_set_left_out() -> None:
    from helpers.quality import training

    pool = _pool({"a": 200, "b": 200, "c": 200, "small": 40}, families={"b": "bc", "c": "bc"})
    trained: list[tuple[frozenset, frozenset]] = []

    class Spy(training.Config):
        def learner(self, seed: int = 0):
            def learn(X, y, w):
                sets = frozenset(pool.meta.loc[X.index, "set"])
                return lambda Z: (trained.append((sets, frozenset(pool.meta.loc[Z.index, "set"]))),
                                  np.full(len(Z), 0.5 if len(sets) == 1 else 0.1))[1]
            return learn

    got = training.specialists_lodo(pool, Spy("spy"))
    for train_sets, test_sets in trained:
        assert not train_sets & test_sets  # nothing of the set scored is trained on
    a_models = {t for t, s in trained if s == frozenset({"a"})}
    assert a_models == {frozenset({"b"}), frozenset({"c"}), frozenset({"b", "c", "small"})}  # "small": 20 per class
    assert set(got) == {"specialists", "specialists + pooled"}
    for frame in got.values():
        assert frame.groupby("set").size().to_dict() == {"a": 200, "b": 200, "c": 200, "small": 40}
    a = got["specialists + pooled"].query("set == 'a'")["score"]
    assert np.allclose(a, (0.5 + 0.5 + 0.1) / 3)  # two specialists and the pooled model, averaged


def test_specialists_rank_a_planted_signal_out_of_domain() -> None:
    from helpers.quality import training

    pool = _pool({"a": 300, "b": 300, "c": 300}, seed=1)
    got = training.specialists_lodo(pool, training.Config("lr", kind="logreg", features=["followers_friends_ratio"]))
    assert evaluation.auc_table(got["specialists"], n_boot=200)["auc"].min() > 0.8
