"""Training and evaluating the authenticity model on labelled accounts (notebook 11 narrates this)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef, precision_score, recall_score

from helpers.quality import model as authenticity
from helpers.quality.features import FEATURES, botometer_lite, fit_bigrams
from helpers.quality.rules import rule_verdicts


def labelled_features(followers: pd.DataFrame, holdout: np.ndarray, label: str = "is_fake"
                      ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(BotometerLite features, labels 0/1, bigram table) of labelled profiles; the screen-name bigrams are
    counted on the training part only, so nothing of the held-out accounts enters the model."""
    bigrams = fit_bigrams(followers["handle"][~holdout])
    features = botometer_lite(followers, None, bigrams)
    return features, followers[label].astype(int).to_numpy(), bigrams


def rule_metrics(followers: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Accuracy, precision, recall, F1 and MCC of each rule set's verdict (undecided accounts counted human)."""
    verdicts = rule_verdicts(followers)
    rows = []
    for name in verdicts.columns:
        decided = verdicts[name].notna().to_numpy()
        pred = verdicts[name].fillna(False).to_numpy(dtype=bool)
        rows.append({"rule_set": name.removeprefix("rule_"), "decided": float(decided.mean()),
                     "accuracy": accuracy_score(labels, pred), "precision": precision_score(labels, pred, zero_division=0),
                     "recall": recall_score(labels, pred), "f1": f1_score(labels, pred),
                     "mcc": matthews_corrcoef(labels, pred)})
    return pd.DataFrame(rows)


def evaluate(features: pd.DataFrame, labels: np.ndarray, holdout: np.ndarray, folds: int = 5, seed: int = 0,
             n_boot: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Cross-validated AUC on the training part and held-out AUC of the model fitted on it, per feature mask.

    Returns (out-of-fold predictions, held-out predictions, CV AUCs, held-out AUCs); AUCs carry bootstrap CIs.
    """
    train = ~holdout
    oof = authenticity.cross_validated(features[train].reset_index(drop=True), labels[train], folds, seed)
    cv = {m: authenticity.auc_ci(g["y"], g["p_fake"], n_boot, seed=seed) for m, g in oof.groupby("mask", sort=False)}
    estimator = authenticity.fit(features[train], labels[train], seed)
    held = []
    for name, cols in authenticity.MASKS.items():
        p = estimator.predict_proba(authenticity.mask(features[holdout][FEATURES], cols))[:, 1]
        held.append(pd.DataFrame({"mask": name, "y": labels[holdout], "p_fake": p}))
    held_df = pd.concat(held, ignore_index=True)
    held_auc = {m: authenticity.auc_ci(g["y"], g["p_fake"], n_boot, seed=seed)
                for m, g in held_df.groupby("mask", sort=False)}
    return oof, held_df, cv, held_auc


def auc_floor(held_auc: dict) -> float:
    """The floor a test asserts on held-out data: the lowest CI bound over masks, rounded down to 0.01."""
    return float(np.floor(min(v["ci_low"] for v in held_auc.values()) * 100) / 100)


def metrics_record(*, sources: list[dict], n_train: int, n_holdout: int, n_fake_train: int, n_fake_holdout: int,
                   folds: int, seed: int, cv: dict, held: dict, rules: pd.DataFrame) -> dict:
    """Everything worth knowing about a trained model, for authenticity_metrics.json (no account data)."""
    return {
        "model": "HistGradientBoostingClassifier", "params": authenticity.PARAMS, "features": FEATURES,
        "masks": authenticity.MASKS, "threshold": authenticity.THRESHOLD,
        "training_data": {"sources": sources, "n_train": n_train, "n_holdout": n_holdout,
                          "n_fake_train": n_fake_train, "n_fake_holdout": n_fake_holdout},
        "holdout_rule": "in each class, the 20 % of accounts with the lowest sha256 of their id (as text)",
        "cross_validation": {"folds": folds, "seed": seed, "auc": cv},
        "holdout": {"auc": held},
        "auc_floor": auc_floor(held),
        "rule_sets": rules.round(4).to_dict(orient="records"),
        "sklearn_version": sklearn.__version__,
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def train_final(features: pd.DataFrame, labels: np.ndarray, holdout: np.ndarray, bigrams: np.ndarray,
                seed: int = 0) -> authenticity.AuthenticityModel:
    """The model to ship: fitted on the training part only, so the held-out accounts stay unseen."""
    estimator = authenticity.fit(features[~holdout], labels[~holdout], seed)
    return authenticity.AuthenticityModel(estimator, list(FEATURES), bigrams)
