"""The authenticity classifier: a small gradient-boosted model on BotometerLite features, saved with joblib.

HistGradientBoostingClassifier handles missing features natively, and it is trained on copies of each account
with the feature groups blanked that some sources lack (MASKS), so one model serves X, Mastodon, Bluesky and
pseudonymised datasets. It stores tree thresholds on binned feature values and node counts, never training
rows. Notebook 11 trains it and writes models/authenticity.joblib and models/authenticity_metrics.json;
scoring only loads it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold

from helpers.errors import DatasetError
from helpers.quality.features import COUNTS, FEATURES, NAME_FEATURES

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "authenticity.joblib"
METRICS_PATH = MODEL_DIR / "authenticity_metrics.json"
FORMAT_VERSION = 1
THRESHOLD = 0.5

THEME_FLAGS = ["default_profile", "profile_use_background_image"]
# Feature groups a source may lack; the model is trained on every account under each of these blankings.
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


@dataclass
class AuthenticityModel:
    """A trained classifier with the features it expects and its screen-name bigram table."""

    estimator: HistGradientBoostingClassifier
    features: list[str]
    bigram_log_probs: np.ndarray
    threshold: float = THRESHOLD
    sklearn_version: str = sklearn.__version__


def mask(X: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of the features with some columns blanked (NaN), as a source lacking them would give."""
    out = X.copy()
    out[[c for c in columns if c in out.columns]] = np.nan
    return out


def augment(X: pd.DataFrame, y: np.ndarray, masks: dict[str, list[str]] = MASKS) -> tuple[pd.DataFrame, np.ndarray]:
    """Every row once under each mask."""
    frames = [mask(X, cols) for cols in masks.values()]
    return pd.concat(frames, ignore_index=True), np.tile(np.asarray(y), len(masks))


def fit(X: pd.DataFrame, y: np.ndarray, seed: int = 0, masks: dict[str, list[str]] = MASKS
        ) -> HistGradientBoostingClassifier:
    """Train the classifier on the masked copies of the accounts."""
    X_aug, y_aug = augment(X[FEATURES], y, masks)
    return HistGradientBoostingClassifier(**PARAMS, random_state=seed).fit(X_aug, y_aug)


def predict_p_fake(model: AuthenticityModel, X: pd.DataFrame, chunk: int = 1_000_000) -> np.ndarray:
    """P(fake) for each profile; NaN when none of the five counts is known (nothing to judge on)."""
    data = X[model.features]
    out = np.empty(len(data))
    for start in range(0, len(data), chunk):
        out[start:start + chunk] = model.estimator.predict_proba(data.iloc[start:start + chunk])[:, 1]
    out[data[list(COUNTS)].isna().all(axis=1).to_numpy()] = np.nan
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


def cross_validated(X: pd.DataFrame, y: np.ndarray, folds: int = 5, seed: int = 0,
                    masks: dict[str, list[str]] = MASKS) -> pd.DataFrame:
    """Out-of-fold P(fake) of every account under every mask (folds split accounts, never their copies)."""
    y = np.asarray(y)
    rows = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train, test) in enumerate(splitter.split(X, y)):
        estimator = fit(X.iloc[train], y[train], seed, masks)
        for name, cols in masks.items():
            p = estimator.predict_proba(mask(X.iloc[test][FEATURES], cols))[:, 1]
            rows.append(pd.DataFrame({"mask": name, "fold": fold, "row": test, "y": y[test], "p_fake": p}))
    return pd.concat(rows, ignore_index=True)


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

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"format": FORMAT_VERSION, "estimator": model.estimator, "features": list(model.features),
                 "bigram_log_probs": model.bigram_log_probs.astype(np.float32), "threshold": model.threshold,
                 "sklearn_version": model.sklearn_version}, path, compress=3)
    metrics_path.write_text(json.dumps(metrics, indent=2, default=str) + "\n")


def load(path: Path = MODEL_PATH) -> AuthenticityModel:
    """Load the committed model; say how to rebuild it when it is missing."""
    import joblib

    if not Path(path).is_file():
        raise DatasetError(f"the authenticity model is missing at {path}; rebuild it by running "
                           "notebooks/11_train_authenticity.ipynb")
    raw = joblib.load(path)
    if raw.get("format") != FORMAT_VERSION:
        raise DatasetError(f"{path} is in model format {raw.get('format')}, this code reads {FORMAT_VERSION}; "
                           "rerun notebooks/11_train_authenticity.ipynb")
    return AuthenticityModel(raw["estimator"], raw["features"], np.asarray(raw["bigram_log_probs"], dtype=float),
                             raw["threshold"], raw["sklearn_version"])


def load_metrics(path: Path = METRICS_PATH) -> dict:
    """The metrics written beside the model."""
    return json.loads(Path(path).read_text())
