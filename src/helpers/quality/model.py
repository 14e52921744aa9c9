"""The authenticity classifier: gradient boosting on profile features, calibrated, saved with joblib.

HistGradientBoostingClassifier handles missing features natively. It is trained on the labelled sets of
quality/labelled_sets.py pooled (each set the same weight), with every account once as it is and once with one
feature group blanked that some sources lack (MASKS), so one model serves X, Mastodon, Bluesky and pseudonymised
datasets; where the direction of a feature is known (fewer followers, a default avatar: more likely fake) it is
imposed (DIRECTIONS, monotonic constraints), so that what one collection happens to show cannot reverse it. Its
raw score is mapped to a probability by a calibration fitted on collections each scored by a model that had not
seen it (quality/calibration.py). It stores tree thresholds on binned feature values, node counts, at most 64
calibration knots and one typical human value per feature (for the reasons), never training rows.
benchmarks/authenticity_lodo.py and notebook 11 train it and write models/authenticity.joblib and
models/authenticity_metrics.json; scoring only loads it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier

from helpers.data import atomic
from helpers.errors import DatasetError
from helpers.quality import calibration as calib
from helpers.quality.features import CANDIDATES, COUNTS, NAME_FEATURES

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "authenticity.joblib"
METRICS_PATH = MODEL_DIR / "authenticity_metrics.json"
FORMAT_VERSION = 2
THRESHOLD = 0.5

THEME_FLAGS = ["default_profile", "profile_use_background_image"]
# Feature groups a source may lack; each account is also trained on with one of these blanked.
MASKS: dict[str, list[str]] = {
    "full": [],
    "pseudonymised": NAME_FEATURES,  # handle hashed and display name cleared by the ingest pipeline
    "no_theme_flags": THEME_FLAGS,  # sources other than Twitter v1.1 user objects (e.g. the sample)
    "minimal": [*THEME_FLAGS, *NAME_FEATURES, "verified", "listed_count", "listed_growth_rate",
                "favourites_count", "favourites_growth_rate"],  # e.g. a pseudonymised Mastodon list
}
# 100 shallow trees: on the labelled data more trees add nothing, and prediction time grows with each tree.
PARAMS = {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 20,
          "l2_regularization": 1.0, "max_bins": 32, "early_stopping": False}
# Features whose relation to fakeness has a known direction (+1: more means more likely fake). Followers, lists
# and the follow ratio are what bought accounts lack; a default avatar and digits in names are what bulk-created
# ones carry. Posting volume and following counts are left free: spambots post a lot and bought fakes little,
# and both follow many.
DIRECTIONS = {"followers_count": -1, "listed_count": -1, "verified": -1, "followers_growth_rate": -1,
              "listed_growth_rate": -1, "followers_friends_ratio": -1, "num_digits_in_screen_name": 1,
              "num_digits_in_name": 1, "screen_name_likelihood": -1, "default_profile_image": 1}
# Without any of these nothing is known of the account's network or activity: no p_fake.
JUDGEABLE = [*COUNTS, "followers_friends_ratio"]


@dataclass
class AuthenticityModel:
    """A trained classifier with the features it expects, its bigram table, calibration and human reference."""

    estimator: HistGradientBoostingClassifier
    features: list[str]
    bigram_log_probs: np.ndarray
    threshold: float = THRESHOLD
    calibration: dict | None = None
    reference: dict[str, float] = field(default_factory=dict)
    error_counts: list[dict] | None = None  # per labelled set: fakes, humans and how many of each were called fake
    sklearn_version: str = sklearn.__version__


def mask(X: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of the features with some columns blanked (NaN), as a source lacking them would give."""
    out = X.copy()
    out[[c for c in columns if c in out.columns]] = np.nan
    return out


def augment(X: pd.DataFrame, y: np.ndarray, w: np.ndarray, masks: dict[str, list[str]] = MASKS, seed: int = 0
            ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Each account as it is, plus one copy with one blanking pattern (drawn at random among the masks that
    blank something) applied: the model learns to judge without those features at half the cost of one copy
    under every mask."""
    others = [cols for cols in masks.values() if cols]
    if not others:
        return X, np.asarray(y), np.asarray(w)
    pick = np.random.default_rng(seed).integers(0, len(others), len(X))
    copy = X.copy()
    for i, cols in enumerate(others):
        copy.loc[pick == i, [c for c in cols if c in copy.columns]] = np.nan
    return pd.concat([X, copy], ignore_index=True), np.tile(y, 2), np.tile(w, 2)


def fit(X: pd.DataFrame, y: np.ndarray, w: np.ndarray | None = None, features: list[str] | None = None,
        monotonic: bool = True, masks: dict[str, list[str]] = MASKS, params: dict | None = None, seed: int = 0
        ) -> HistGradientBoostingClassifier:
    """Train the classifier on the accounts and their masked copies (sample weights w, default equal)."""
    features = features or list(CANDIDATES)
    w = np.ones(len(X)) if w is None else np.asarray(w, dtype=float)
    cst = [DIRECTIONS.get(c, 0) for c in features] if monotonic else None
    X_aug, y_aug, w_aug = augment(X[features], np.asarray(y), w, masks, seed)
    est = HistGradientBoostingClassifier(**(params or PARAMS), monotonic_cst=cst, random_state=seed)
    return est.fit(X_aug, y_aug, sample_weight=w_aug)


def human_reference(X: pd.DataFrame, y: np.ndarray, features: list[str]) -> dict[str, float]:
    """The median of each feature among the training humans: the 'typical human' the reasons compare with."""
    humans = X.loc[np.asarray(y) == 0, features]
    return {c: float(humans[c].median()) for c in features if humans[c].notna().any()}


def predict_raw(model: AuthenticityModel, X: pd.DataFrame, chunk: int = 1_000_000) -> np.ndarray:
    """The classifier's uncalibrated score of each profile."""
    data = X[model.features]
    out = np.empty(len(data))
    for start in range(0, len(data), chunk):
        out[start:start + chunk] = model.estimator.predict_proba(data.iloc[start:start + chunk])[:, 1]
    return out


def predict_p_fake(model: AuthenticityModel, X: pd.DataFrame, chunk: int = 1_000_000) -> np.ndarray:
    """Calibrated P(fake) for each profile; NaN when none of the counts (nor their ratio) is known."""
    out = calib.apply(model.calibration, predict_raw(model, X, chunk))
    judgeable = [c for c in JUDGEABLE if c in X.columns]
    out[X[judgeable].isna().all(axis=1).to_numpy()] = np.nan
    return out


def holdout_mask(ids: pd.Series, labels: np.ndarray, share: float = 0.2) -> np.ndarray:
    """A stratified held-out split that anyone can redo: in each class, the accounts whose sha256(id) is lowest."""
    digest = ids.astype(str).map(lambda v: hashlib.sha256(v.encode()).hexdigest()).to_numpy()
    out = np.zeros(len(ids), dtype=bool)
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        ranked = idx[np.argsort(digest[idx], kind="stable")]
        out[ranked[: int(round(share * len(idx)))]] = True
    return out


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC from ranks (ties count one half)."""
    return float(_auc_rows(np.asarray(y, dtype=bool)[None, :], np.asarray(p, dtype=float)[None, :])[0])


def _auc_rows(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """AUC of each row of (labels, scores) matrices (Mann-Whitney U / n1 n0)."""
    ranks = stats.rankdata(p, axis=1)
    n1 = y.sum(axis=1)
    n0 = y.shape[1] - n1
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((ranks * y).sum(axis=1) - n1 * (n1 + 1) / 2) / (n1 * n0)


def auc_ci(y: np.ndarray, p: np.ndarray, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> dict:
    """AUC with a percentile bootstrap CI over accounts."""
    y, p = np.asarray(y, dtype=bool), np.asarray(p, dtype=float)
    keep = ~np.isnan(p)
    y, p = y[keep], p[keep]
    rng = np.random.default_rng(seed)
    boots = []
    for start in range(0, n_boot, 200):
        idx = rng.integers(0, len(y), (min(200, n_boot - start), len(y)))
        boots.append(_auc_rows(y[idx], p[idx]))
    draws = np.concatenate(boots)
    draws = draws[np.isfinite(draws)]
    alpha = (1 - level) / 2
    return {"auc": round(auc(y, p), 4), "ci_low": round(float(np.quantile(draws, alpha)), 4),
            "ci_high": round(float(np.quantile(draws, 1 - alpha)), 4), "n": int(len(y)),
            "n_fake": int(y.sum()), "level": level, "method": f"percentile bootstrap over accounts ({n_boot})"}


def stored_arrays(obj: object, seen: set[int] | None = None) -> list[np.ndarray]:
    """Every numpy array reachable inside a fitted estimator (to check that none holds training rows)."""
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return [obj] if obj.dtype != object else [a for item in obj.ravel() for a in stored_arrays(item, seen)]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in stored_arrays(v, seen)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in stored_arrays(v, seen)]
    if hasattr(obj, "__dict__") and type(obj).__module__.startswith(("sklearn", "helpers")):
        return [a for v in vars(obj).values() for a in stored_arrays(v, seen)]
    return []


def save(model: AuthenticityModel, metrics: dict, path: Path = MODEL_PATH, metrics_path: Path = METRICS_PATH) -> None:
    """Write the model (joblib, plain dict) and its metrics (JSON)."""
    import joblib

    with atomic.replacing(path) as tmp:
        joblib.dump({"format": FORMAT_VERSION, "estimator": model.estimator, "features": list(model.features),
                     "bigram_log_probs": model.bigram_log_probs.astype(np.float32), "threshold": model.threshold,
                     "calibration": model.calibration, "reference": dict(model.reference),
                     "error_counts": model.error_counts, "sklearn_version": model.sklearn_version}, tmp, compress=3)
    atomic.write_text(metrics_path, json.dumps(metrics, indent=2, default=str) + "\n")


def load(path: Path = MODEL_PATH) -> AuthenticityModel:
    """Load the committed model; say how to rebuild it when it is missing."""
    import joblib

    if not Path(path).is_file():
        raise DatasetError(f"the authenticity model is missing at {path}; rebuild it by running "
                           "benchmarks/authenticity_lodo.py --write (or notebooks/11_train_authenticity.ipynb)")
    raw = joblib.load(path)
    if raw.get("format") != FORMAT_VERSION:
        raise DatasetError(f"{path} is in model format {raw.get('format')}, this code reads {FORMAT_VERSION}; "
                           "rerun benchmarks/authenticity_lodo.py --write")
    return AuthenticityModel(raw["estimator"], raw["features"], np.asarray(raw["bigram_log_probs"], dtype=float),
                             raw["threshold"], raw["calibration"], raw["reference"], raw.get("error_counts"),
                             raw["sklearn_version"])


def load_metrics(path: Path = METRICS_PATH) -> dict:
    """The metrics written beside the model."""
    return json.loads(Path(path).read_text())
