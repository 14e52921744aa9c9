"""Calibrated p_fake and the measured error rates of the likely-fake call, with the correction they allow.

Calibration. The model's raw scores of every labelled set, each scored by a model that never saw it
(leave-one-dataset-out), are mapped to probabilities by isotonic regression (or Platt scaling, whichever has
the lower out-of-domain Brier score), each set weighted equally and its classes equally. The map is stored as at
most MAX_KNOTS (score, probability) knots, so the model holds no per-account values. Its probabilities hold for
the labelled sets' mix (half fakes); they rank as the raw scores do.

Error rates. At the shipped threshold, each set's out-of-domain calls give sensitivity (share of its fakes and
bots binned likely fake) and specificity (share of its humans not binned so). The rates quoted are the mean over
sets (each collection counts once, as a new collection would), and their interval comes from a two-level
bootstrap: sets drawn with replacement, then accounts within each drawn set, so it carries how much the rates
vary from one collection to another, not only the sampling error of a pooled count. Only per-set counts are kept
(authenticity_metrics.json), from which anyone can redo the draws.

Correction. The share of an account's judged followers binned likely fake, q, estimates
    q = se * pi + (1 - sp) * (1 - pi),
so the true share is pi = (q + sp - 1) / (se + sp - 1) (Rogan & Gladen 1978), clipped to [0, 1]. Its interval
draws (se, sp) from the bootstrap above and q from its sampling distribution together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

MAX_KNOTS = 64
LEVEL = 0.95


# --- calibration -----------------------------------------------------------------------------------------------

def _set_weights(predictions: pd.DataFrame) -> np.ndarray:
    """Each set the same total weight, split equally between its classes."""
    cells = predictions.groupby(["set", "label"])["label"].transform("size").to_numpy(dtype=float)
    classes = predictions.groupby("set")["label"].transform("nunique").to_numpy(dtype=float)
    w = 1.0 / (cells * classes)
    return w * len(w) / w.sum()


def fit_isotonic(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> dict:
    """An isotonic map from raw scores to probabilities, as at most MAX_KNOTS knots."""
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    iso.fit(scores, labels, sample_weight=weights)
    x, y = iso.X_thresholds_, iso.y_thresholds_
    if len(x) > MAX_KNOTS:
        grid = np.unique(np.quantile(x, np.linspace(0, 1, MAX_KNOTS)))
        x, y = grid, np.interp(grid, iso.X_thresholds_, iso.y_thresholds_)
    return {"method": "isotonic", "x": [float(v) for v in x], "y": [float(v) for v in y]}


def fit_platt(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> dict:
    """Platt scaling on the log-odds of the raw score."""
    lr = LogisticRegression(C=1e6).fit(_logit(scores)[:, None], labels, sample_weight=weights)
    return {"method": "platt", "a": float(lr.coef_[0, 0]), "b": float(lr.intercept_[0])}


def _logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)) with p kept off 0 and 1."""
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def apply(calibration: dict | None, scores: np.ndarray) -> np.ndarray:
    """Calibrated probabilities of raw scores (unchanged when there is no calibration); NaN stays NaN."""
    scores = np.asarray(scores, dtype=float)
    if not calibration:
        return scores
    if calibration["method"] == "isotonic":
        out = np.interp(scores, calibration["x"], calibration["y"])
    else:
        out = 1 / (1 + np.exp(-(calibration["a"] * _logit(scores) + calibration["b"])))
    return np.where(np.isnan(scores), np.nan, out)


def fit_calibration(predictions: pd.DataFrame, method: str) -> dict:
    """A calibration map fitted on out-of-domain predictions (columns set, label, score)."""
    fitter = {"isotonic": fit_isotonic, "platt": fit_platt}[method]
    return fitter(predictions["score"].to_numpy(dtype=float), predictions["label"].to_numpy(dtype=int),
                  _set_weights(predictions))


def cross_calibrated(predictions: pd.DataFrame, method: str) -> np.ndarray:
    """Each set's scores calibrated by a map fitted on the other sets only: calibration judged out of domain too."""
    out = np.full(len(predictions), np.nan)
    for name in predictions["set"].unique():
        here = (predictions["set"] == name).to_numpy()
        out[here] = apply(fit_calibration(predictions[~here], method), predictions["score"].to_numpy()[here])
    return out


def brier(labels: np.ndarray, p: np.ndarray, weights: np.ndarray) -> float:
    """Weighted Brier score."""
    return float(np.average((np.asarray(p) - np.asarray(labels)) ** 2, weights=weights))


def choose_calibration(predictions: pd.DataFrame) -> tuple[dict, dict]:
    """(the calibration map with the lower out-of-domain Brier score, fitted on every set; the scores compared)."""
    w = _set_weights(predictions)
    y = predictions["label"].to_numpy()
    scores = {m: brier(y, cross_calibrated(predictions, m), w) for m in ("isotonic", "platt")}
    scores["uncalibrated"] = brier(y, predictions["score"].to_numpy(), w)
    best = min(("isotonic", "platt"), key=scores.get)
    return fit_calibration(predictions, best), {k: round(v, 4) for k, v in scores.items()}


def reliability(labels: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Observed share of fakes per bin of predicted probability (equal-width bins), with Wilson 95 % CIs."""
    labels, p = np.asarray(labels, dtype=float), np.asarray(p, dtype=float)
    keep = ~np.isnan(p)
    labels, p = labels[keep], p[keep]
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    z = stats.norm.ppf(0.975)
    for b in range(bins):
        here = which == b
        n = int(here.sum())
        if not n:
            continue
        k = labels[here].sum()
        centre = (k + z**2 / 2) / (n + z**2)
        half = z * np.sqrt(k * (n - k) / n + z**2 / 4) / (n + z**2)
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "n": n, "mean_predicted": float(p[here].mean()),
                     "observed": float(k / n), "ci_low": float(centre - half), "ci_high": float(centre + half)})
    return pd.DataFrame(rows)


def expected_calibration_error(labels: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Mean |observed - predicted| over probability bins, weighted by accounts."""
    table = reliability(labels, p, bins)
    return float(np.average((table["observed"] - table["mean_predicted"]).abs(), weights=table["n"]))


# --- error rates -----------------------------------------------------------------------------------------------

def confusion_by_set(predictions: pd.DataFrame, threshold: float) -> list[dict]:
    """Per set: fakes and humans, and how many of each were called likely fake (p >= threshold)."""
    rows = []
    for name, g in predictions.groupby("set", sort=False):
        called = g["p_fake"].to_numpy(dtype=float) >= threshold
        fake = g["label"].to_numpy(dtype=int) == 1
        rows.append({"set": name, "fake": int(fake.sum()), "fake_called": int((called & fake).sum()),
                     "human": int((~fake).sum()), "human_called": int((called & ~fake).sum())})
    return rows


@dataclass(frozen=True)
class ErrorRates:
    """Sensitivity and specificity of the likely-fake call on collections the model never saw, with paired
    bootstrap draws (sets, then accounts) to carry their uncertainty into corrected shares."""

    threshold: float
    sensitivity: float
    specificity: float
    sensitivity_ci: tuple[float, float]
    specificity_ci: tuple[float, float]
    level: float
    n_fake: int
    n_human: int
    sets_with_fakes: int
    sets_with_humans: int
    draws_sensitivity: np.ndarray = field(repr=False)
    draws_specificity: np.ndarray = field(repr=False)
    method: str = ("mean over labelled sets of each set's rate, each set scored by a model trained without it; "
                   "CI from a two-level bootstrap (sets, then accounts within sets)")

    def as_dict(self) -> dict:
        """The figures, for JSON and reports."""
        return {"threshold": self.threshold, "sensitivity": round(self.sensitivity, 4),
                "sensitivity_ci": [round(v, 4) for v in self.sensitivity_ci],
                "specificity": round(self.specificity, 4),
                "specificity_ci": [round(v, 4) for v in self.specificity_ci], "level": self.level,
                "n_fake": self.n_fake, "n_human": self.n_human, "sets_with_fakes": self.sets_with_fakes,
                "sets_with_humans": self.sets_with_humans, "method": self.method}


def _two_level_draws(called: np.ndarray, total: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Mean per-set rate under resampling of sets and then of accounts within each drawn set."""
    k = len(total)
    sets = rng.integers(0, k, (n_boot, k))
    n = total[sets].astype(np.int64)
    rates = rng.binomial(n, (called / total)[sets]) / n
    return rates.mean(axis=1)


def error_rates_from_counts(confusion: list[dict], threshold: float, n_boot: int = 4000, seed: int = 0,
                            level: float = LEVEL) -> ErrorRates:
    """ErrorRates from per-set counts (as confusion_by_set gives them)."""
    rng = np.random.default_rng(seed)
    with_fakes = [c for c in confusion if c["fake"] > 0]
    with_humans = [c for c in confusion if c["human"] > 0]
    tp = np.array([c["fake_called"] for c in with_fakes], float)
    nf = np.array([c["fake"] for c in with_fakes], float)
    fp = np.array([c["human_called"] for c in with_humans], float)
    nh = np.array([c["human"] for c in with_humans], float)
    se_draws = _two_level_draws(tp, nf, n_boot, rng)
    sp_draws = 1 - _two_level_draws(fp, nh, n_boot, rng)
    alpha = (1 - level) / 2
    q = lambda d: (float(np.quantile(d, alpha)), float(np.quantile(d, 1 - alpha)))  # noqa: E731
    return ErrorRates(threshold, float(np.mean(tp / nf)), float(np.mean(1 - fp / nh)), q(se_draws), q(sp_draws),
                      level, int(nf.sum()), int(nh.sum()), len(with_fakes), len(with_humans), se_draws, sp_draws)


def authenticity_error_rates(metrics: dict | None = None, n_boot: int = 4000, seed: int = 0,
                             level: float = LEVEL) -> ErrorRates:
    """The measured sensitivity and specificity of the shipped model's likely-fake call, with their uncertainty.

    Measured on labelled collections the model never saw (leave-one-dataset-out, calibrated out of domain too),
    at the model's threshold; read from models/authenticity_metrics.json unless `metrics` is given. Use
    `rogan_gladen` / `corrected_share` (or the paired `draws_sensitivity` / `draws_specificity`) to correct a share
    of followers binned likely fake for these errors.
    """
    if metrics is None:
        from helpers.quality.model import load_metrics

        metrics = load_metrics()
    part = metrics["error_rates"]
    return error_rates_from_counts(part["confusion_by_set"], float(part["threshold"]), n_boot, seed, level)


def rogan_gladen(observed: np.ndarray | float, sensitivity: np.ndarray | float,
                 specificity: np.ndarray | float) -> np.ndarray:
    """True share from an observed share and the test's error rates, clipped to [0, 1] (NaN when se + sp <= 1:
    the call then says nothing about the true share)."""
    observed, se, sp = (np.asarray(v, dtype=float) for v in (observed, sensitivity, specificity))
    denom = se + sp - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.clip((observed + sp - 1) / denom, 0.0, 1.0)
    return np.where(denom > 0, out, np.nan)


def corrected_share(flagged: np.ndarray, weights: np.ndarray | None = None, rates: ErrorRates | None = None,
                    level: float = LEVEL, seed: int = 0) -> dict:
    """The share of followers binned likely fake among those judged, and its Rogan-Gladen correction with an
    interval that carries both the sampling error of the share (Kish effective n) and the uncertainty of the
    error rates (their paired bootstrap draws)."""
    flagged = np.asarray(flagged, dtype=float)
    w = np.ones(len(flagged)) if weights is None else np.asarray(weights, dtype=float)
    known = ~np.isnan(flagged)
    flagged, w = flagged[known], w[known]
    rates = rates or authenticity_error_rates()
    out = {"n_judged": int(len(flagged)), "observed": np.nan, "corrected": np.nan, "ci_low": np.nan,
           "ci_high": np.nan, "sensitivity": rates.sensitivity, "specificity": rates.specificity}
    if not len(flagged):
        return out
    q = float(np.average(flagged, weights=w))
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    rng = np.random.default_rng(seed)
    n = len(rates.draws_sensitivity)
    # the share's sampling distribution: Beta posterior under a Jeffreys prior with the effective n
    q_draws = rng.beta(q * n_eff + 0.5, (1 - q) * n_eff + 0.5, n)
    draws = rogan_gladen(q_draws, rates.draws_sensitivity, rates.draws_specificity)
    draws = draws[~np.isnan(draws)]
    alpha = (1 - level) / 2
    out.update({"observed": q, "n_eff": n_eff,
                "corrected": float(rogan_gladen(q, rates.sensitivity, rates.specificity)),
                "ci_low": float(np.quantile(draws, alpha)) if len(draws) else np.nan,
                "ci_high": float(np.quantile(draws, 1 - alpha)) if len(draws) else np.nan})
    return out
