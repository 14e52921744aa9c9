"""Leave-one-dataset-out (LODO) evaluation of authenticity scorers on the labelled sets.

For each labelled set, a scorer is trained on every other set (minus the sets of the same family, which share
accounts) and scores the set left out: its AUC says how the scorer does on accounts from a collection it never
saw. Beside it: the in-domain figure (5-fold CV inside the set), and fixed baselines on the same accounts (the
followers/friends ratio and the three Cresci rule sets, which are not fitted at all). The screen-name bigram
table is refitted on each fold's training handles, so nothing of the set left out enters its own scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from helpers.quality import model as authenticity
from helpers.quality.features import CANDIDATES, fit_bigrams, local_handle, profile_features, screen_name_likelihood
from helpers.quality.labelled_sets import LabelledSet
from helpers.quality.rules import camisani_calzolari, socialbakers, stateofsearch

COUNT_LIKE = [c for c in CANDIDATES if c.endswith(("_count", "_rate", "_freq", "_ratio", "_length"))
              or c.startswith("num_digits")]

Predictor = Callable[[pd.DataFrame], np.ndarray]
Learner = Callable[[pd.DataFrame, np.ndarray, np.ndarray], Predictor]


@dataclass
class Pool:
    """Every labelled account: meta (set, group, platform, family, label), profiles, features and handles."""

    meta: pd.DataFrame
    profiles: pd.DataFrame
    features: pd.DataFrame
    handles: pd.Series

    @property
    def labels(self) -> np.ndarray:
        """1 = fake or bot, 0 = human."""
        return self.meta["label"].to_numpy(dtype=int)

    def subset(self, mask: np.ndarray) -> Pool:
        """The accounts where mask is true."""
        return Pool(*(part[mask].reset_index(drop=True) for part in (self.meta, self.profiles, self.features,
                                                                      self.handles)))


def build_pool(sets: list[LabelledSet]) -> Pool:
    """One table of every set's accounts with their candidate features (derived features fill what the
    profiles cannot give; nothing becomes 0 for being absent)."""
    metas, profiles, features, handles = [], [], [], []
    for s in sets:
        p = s.profiles
        metas.append(pd.DataFrame({"set": s.name, "group": p["group"].astype(str), "platform": s.platform,
                                   "family": s.family, "label": p["label"].astype(int)}))
        f = profile_features(p)
        for col in s.given.columns:
            f[col] = s.given[col].astype(float).where(s.given[col].notna(), f[col])
        features.append(f)
        profiles.append(p.drop(columns=["label", "group", "key"], errors="ignore"))
        handles.append(p["handle"].astype("string") if "handle" in p.columns else
                       pd.Series(pd.NA, index=p.index, dtype="string"))
    return Pool(pd.concat(metas, ignore_index=True), pd.concat(profiles, ignore_index=True),
                pd.concat(features, ignore_index=True)[CANDIDATES], pd.concat(handles, ignore_index=True))


def refit_bigrams(pool: Pool, train: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The features with screen_name_likelihood from a bigram table counted on the training handles only."""
    table = fit_bigrams(pool.handles[train].dropna())
    features = pool.features.copy()
    features["screen_name_likelihood"] = screen_name_likelihood(local_handle(pool.handles), table).to_numpy()
    return features, table


def balance_weights(meta: pd.DataFrame) -> np.ndarray:
    """Weights giving each training set the same total, split equally between its classes (one-class groups of
    a fold share their set's half): big sets do not drown small ones."""
    cells = meta.groupby(["set", "label"])["label"].transform("size").to_numpy(dtype=float)
    classes = meta.groupby("set")["label"].transform("nunique").to_numpy(dtype=float)
    w = 1.0 / (cells * classes)
    return w * len(w) / w.sum()


def hgb_learner(features: list[str], monotonic: bool = True, masks: dict[str, list[str]] | None = None,
                params: dict | None = None, seed: int = 0) -> Learner:
    """Gradient boosting on the accounts and their masked copies, with the known directions imposed if asked."""
    masks = authenticity.MASKS if masks is None else masks

    def learn(X: pd.DataFrame, y: np.ndarray, w: np.ndarray) -> Predictor:
        # a feature with no value in the training rows says nothing (and trips the binning): left out
        used = [c for c in features if X[c].notna().any()]
        est = authenticity.fit(X, y, w, used, monotonic, masks, params, seed)
        return lambda Z: est.predict_proba(Z[used])[:, 1]

    return learn


def _signed_log(X: np.ndarray) -> np.ndarray:
    """log1p of counts, rates and lengths (all non-negative), leaving missing values missing."""
    return np.log1p(np.clip(X, 0, None))


def logreg_learner(features: list[str], C: float = 1.0) -> Learner:
    """A logistic regression on the same features: log counts, median-imputed with missing indicators, scaled."""
    def learn(X: pd.DataFrame, y: np.ndarray, w: np.ndarray) -> Predictor:
        used = [c for c in features if X[c].notna().any()]
        logged = [c for c in used if c in COUNT_LIKE]
        plain = [c for c in used if c not in COUNT_LIKE]
        pre = ColumnTransformer([("log", FunctionTransformer(_signed_log, feature_names_out="one-to-one"), logged),
                                 ("plain", "passthrough", plain)])
        pipe = make_pipeline(pre, SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                             StandardScaler(), LogisticRegression(C=C, max_iter=2000))
        pipe.fit(X[used], y, logisticregression__sample_weight=w)
        return lambda Z: pipe.predict_proba(Z[used])[:, 1]

    return learn


def baseline_scores(pool: Pool) -> pd.DataFrame:
    """Scores of the fixed baselines (higher = more suspect), never fitted: the inverse followers/friends ratio
    and each rule set's points (Camisani-Calzolari: bot points minus human points; StateOfSearch and
    Socialbakers: criteria met). A rule set that could decide nothing scores 0 (counted human, as in Cresci 2015)."""
    cc = camisani_calzolari(pool.profiles)
    sos, sb = stateofsearch(pool.profiles), socialbakers(pool.profiles)
    criteria = lambda t: t.drop(columns="fake").astype("Float64").fillna(0).sum(axis=1)  # noqa: E731
    return pd.DataFrame({
        "followers_friends_ratio": -pool.features["followers_friends_ratio"].to_numpy(),
        "rule_camisani": (cc["cc_bot_points"].astype(float) - cc["cc_human_points"].astype(float)).to_numpy(),
        "rule_stateofsearch": criteria(sos).to_numpy(dtype=float),
        "rule_socialbakers": criteria(sb).to_numpy(dtype=float),
    })


def folds(pool: Pool) -> list[str]:
    """The evaluation folds: one per labelled set."""
    return list(dict.fromkeys(pool.meta["set"]))


def lodo(pool: Pool, learner: Learner, weighting: str = "balanced", only: list[str] | None = None,
         exclude_from_training: list[str] | None = None) -> pd.DataFrame:
    """Out-of-domain scores: each set scored by a learner trained on the sets of other families.

    weighting: "balanced" (each training set the same total weight, classes equal within it) or "none".
    exclude_from_training: sets never used for training (data selection)."""
    rows = []
    sets, family = pool.meta["set"].to_numpy(), pool.meta["family"].to_numpy()
    excluded = np.isin(sets, exclude_from_training or [])
    for name in only or folds(pool):
        test = sets == name
        train = ~np.isin(family, np.unique(family[test])) & ~excluded
        X, _ = refit_bigrams(pool, train)
        w = balance_weights(pool.meta[train]) if weighting == "balanced" else np.ones(int(train.sum()))
        predict = learner(X[train], pool.labels[train], w)
        rows.append(pd.DataFrame({"set": name, "group": pool.meta["group"][test].to_numpy(),
                                  "label": pool.labels[test], "score": predict(X[test])}))
    return pd.concat(rows, ignore_index=True)


def in_domain(pool: Pool, learner: Learner, n_folds: int = 5, seed: int = 0, only: list[str] | None = None
              ) -> pd.DataFrame:
    """In-domain scores: stratified CV inside each set that holds both classes."""
    rows = []
    for name in only or folds(pool):
        part = pool.subset((pool.meta["set"] == name).to_numpy())
        y = part.labels
        if len(np.unique(y)) < 2 or min(np.bincount(y)) < n_folds:
            continue
        strata = part.meta["group"].astype(str) + ":" + part.meta["label"].astype(str)
        split = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        for train_idx, _ in split.split(part.features, strata if strata.value_counts().min() >= n_folds else y):
            train = np.zeros(len(y), dtype=bool)
            train[train_idx] = True
            X, _ = refit_bigrams(part, train)
            predict = learner(X[train], y[train], balance_weights(part.meta[train]))
            rows.append(pd.DataFrame({"set": name, "group": part.meta["group"][~train].to_numpy(),
                                      "label": y[~train], "score": predict(X[~train])}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["set", "group", "label", "score"])


def auc_table(predictions: pd.DataFrame, n_boot: int = 2000, seed: int = 0, by: str = "set") -> pd.DataFrame:
    """AUC with its bootstrap CI and n per set (NaN scores left out, n counts the accounts scored)."""
    rows = []
    for name, g in predictions.groupby(by, sort=False):
        if g["label"].nunique() < 2 or g["score"].notna().sum() == 0:
            continue
        r = authenticity.auc_ci(g["label"].to_numpy(), g["score"].to_numpy(dtype=float), n_boot, seed=seed)
        rows.append({by: name, "n": r["n"], "n_fake": r["n_fake"], "auc": r["auc"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"]})
    return pd.DataFrame(rows)


def mean_auc(predictions: pd.DataFrame) -> float:
    """The mean over sets of the per-set AUC (each set counts once, whatever its size)."""
    per = [authenticity.auc(g["label"], g["score"].fillna(g["score"].median()))
           for _, g in predictions.groupby("set", sort=False) if g["label"].nunique() == 2]
    return float(np.mean(per))


def mean_auc_ci(predictions: pd.DataFrame, n_boot: int = 1000, seed: int = 0, level: float = 0.95
                ) -> tuple[float, float, float]:
    """Mean per-set AUC with a bootstrap CI that resamples accounts within each set and class."""
    rng = np.random.default_rng(seed)
    groups = [(g["label"].to_numpy(dtype=bool), g["score"].fillna(g["score"].median()).to_numpy(dtype=float))
              for _, g in predictions.groupby("set", sort=False) if g["label"].nunique() == 2]
    draws = np.zeros(n_boot)
    for y, p in groups:
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        idx = np.concatenate([rng.choice(pos, (n_boot, len(pos))), rng.choice(neg, (n_boot, len(neg)))], axis=1)
        draws += authenticity._auc_rows(y[idx], p[idx])
    draws /= len(groups)
    alpha = (1 - level) / 2
    return mean_auc(predictions), float(np.quantile(draws, alpha)), float(np.quantile(draws, 1 - alpha))
