"""Training and judging the authenticity model across labelled collections (benchmarks/authenticity_lodo.py runs
the whole search; notebook 11 narrates the shipped configuration).

The accuracy quoted is leave-one-dataset-out (quality/evaluation.py): each labelled set scored by a model that
never saw it. Configurations are compared by the mean over sets of that AUC; the shipped one is the simplest
whose mean lies inside the 95 % CI of the best. Its probabilities are calibrated on the same out-of-domain scores,
and its error rates at the threshold are measured on scores calibrated without the set in question as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import sklearn

from helpers.quality import calibration as calib
from helpers.quality import evaluation
from helpers.quality import model as authenticity
from helpers.quality.evaluation import Pool
from helpers.quality.features import CANDIDATES

# a count and its growth per day of account age (the profile field's stem, by group)
COUNTED = {"followers": "followers", "friends": "friends", "likes": "favourites", "lists": "listed"}
FEATURE_GROUPS = {
    "posts": ["statuses_count", "tweet_freq"],
    **{group: [f"{stem}_count", f"{stem}_growth_rate"] for group, stem in COUNTED.items()},
    "theme_flags": ["default_profile", "profile_use_background_image"],
    "verified": ["verified"],
    "ratio": ["followers_friends_ratio"],
    "names": ["screen_name_length", "num_digits_in_screen_name", "name_length", "num_digits_in_name",
              "screen_name_likelihood"],
    "bio": ["description_length"],
    "avatar": ["default_profile_image"],
}


@dataclass
class Config:
    """One scorer to compare: a learner kind, its features, constraints and the sets kept out of training."""

    name: str
    kind: str = "hgb"  # hgb | logreg
    features: list[str] = field(default_factory=lambda: list(CANDIDATES))
    monotonic: bool = True
    exclude: list[str] = field(default_factory=list)  # labelled sets never trained on (data selection)

    def learner(self, seed: int = 0) -> evaluation.Learner:
        """The training function of this configuration."""
        if self.kind == "logreg":
            return evaluation.logreg_learner(self.features)
        return evaluation.hgb_learner(self.features, self.monotonic, seed=seed)

    @property
    def complexity(self) -> tuple[int, int]:
        """Simpler first: a linear model before trees, fewer features before more."""
        return (0 if self.kind == "logreg" else 1, len(self.features))


def run_lodo(pool: Pool, config: Config, seed: int = 0, only: list[str] | None = None) -> pd.DataFrame:
    """Out-of-domain scores of every set (or of `only`) under one configuration."""
    return evaluation.lodo(pool, config.learner(seed), exclude_from_training=config.exclude, only=only)


MIN_PER_CLASS = 30  # a set with fewer accounts of either class trains no specialist of its own


def specialists_lodo(pool: Pool, config: Config, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Out-of-domain scores of per-collection specialists: for each set left out, one model per training set that
    holds both classes (at least MIN_PER_CLASS of each), their probabilities averaged ("specialists"), and that
    average taken with the pooled model's ("specialists + pooled")."""
    sets, family = pool.meta["set"].to_numpy(), pool.meta["family"].to_numpy()
    out: dict[str, list[pd.DataFrame]] = {"specialists": [], "specialists + pooled": []}
    for name in evaluation.folds(pool):
        test = sets == name
        train = ~np.isin(family, np.unique(family[test])) & ~np.isin(sets, config.exclude)
        X, _ = evaluation.refit_bigrams(pool, train)
        scores = []
        for other in np.unique(sets[train]):
            own = sets == other
            if np.bincount(pool.labels[own], minlength=2).min() >= MIN_PER_CLASS:
                predict = config.learner(seed)(X[own], pool.labels[own], evaluation.balance_weights(pool.meta[own]))
                scores.append(predict(X[test]))
        pooled = config.learner(seed)(X[train], pool.labels[train], evaluation.balance_weights(pool.meta[train]))
        frame = pd.DataFrame({"set": name, "group": pool.meta["group"][test].to_numpy(), "label": pool.labels[test]})
        both = [*scores, pooled(X[test])]
        # with no set big enough for a specialist, the specialists' score is the pooled one
        out["specialists"].append(frame.assign(score=np.mean(scores or both, axis=0)))
        out["specialists + pooled"].append(frame.assign(score=np.mean(both, axis=0)))
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def summarise_lodo(predictions: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> dict:
    """Per-set AUCs with CIs and the mean over sets with its CI."""
    mean, low, high = evaluation.mean_auc_ci(predictions, n_boot=n_boot, seed=seed)
    return {"mean_auc": round(mean, 4), "mean_ci": [round(low, 4), round(high, 4)],
            "per_set": evaluation.auc_table(predictions, n_boot, seed).round(4).to_dict(orient="records")}


def at_threshold(predictions: pd.DataFrame, threshold: float = authenticity.THRESHOLD) -> dict:
    """How the likely-fake call does per set once the scores are calibrated without that set: sensitivity,
    specificity and their mean (balanced accuracy), and the mean over sets of the balanced accuracy."""
    _, calibrated, _ = calibrated_lodo(predictions)
    rows = []
    for name, g in calibrated.groupby("set", sort=False):
        called, fake = g["p_fake"].to_numpy() >= threshold, g["label"].to_numpy() == 1
        se = float(called[fake].mean()) if fake.any() else np.nan
        sp = float(1 - called[~fake].mean()) if (~fake).any() else np.nan
        rows.append({"set": name, "sensitivity": round(se, 4), "specificity": round(sp, 4),
                     "balanced_accuracy": round(float(np.nanmean([se, sp])), 4)})
    return {"mean_balanced_accuracy": round(float(np.mean([r["balanced_accuracy"] for r in rows])), 4),
            "per_set": rows}


def baselines(pool: Pool, n_boot: int = 2000, seed: int = 0) -> dict[str, dict]:
    """The fixed baselines' AUCs per set (nothing fitted, so every set is out of domain for them)."""
    scores = evaluation.baseline_scores(pool)
    out = {}
    for name in scores.columns:
        preds = pool.meta[["set", "group", "label"]].assign(score=scores[name].to_numpy())
        out[name] = summarise_lodo(preds, n_boot, seed)
    return out


def simplest_within_ci(results: dict[str, dict], configs: dict[str, Config]) -> str:
    """The simplest configuration whose mean LODO AUC is inside the CI of the best one's."""
    best = max(results, key=lambda n: results[n]["mean_auc"])
    low = results[best]["mean_ci"][0]
    eligible = [n for n in results if results[n]["mean_auc"] >= low]
    return min(eligible, key=lambda n: (configs[n].complexity, -results[n]["mean_auc"]))


MIN_GAIN = 0.005  # about half the CI half-width of a mean LODO AUC: smaller gains are noise


def _eliminate(pool: Pool, base: Config, options: dict[str, Config], seed: int, log) -> tuple[Config, list[dict]]:
    """Backward elimination in one ranked pass: score the base and each option (the base with one thing
    removed); then, from the most promising option down, keep each removal that raises the mean LODO AUC of the
    removals kept so far by at least MIN_GAIN (each tried once)."""
    score = evaluation.mean_auc(run_lodo(pool, base, seed))
    path = [{"step": "start", "mean_auc": round(score, 4)}]
    log(f"start: {score:.4f}")
    gains = {}
    for key, trial in options.items():
        gains[key] = evaluation.mean_auc(run_lodo(pool, trial, seed)) - score
        path.append({"step": f"alone without {key}", "mean_auc": round(score + gains[key], 4)})
        log(f"  without {key}: {score + gains[key]:.4f}")
    current, removed = base, []
    for key in sorted((k for k, g in gains.items() if g >= MIN_GAIN), key=lambda k: -gains[k]):
        trial = _combine(base, [*removed, key], options)
        trial_score = evaluation.mean_auc(run_lodo(pool, trial, seed)) if removed else score + gains[key]
        if trial_score >= score + MIN_GAIN:
            current, score, removed = trial, trial_score, [*removed, key]
            path.append({"step": f"remove {key}", "removed": list(removed), "mean_auc": round(score, 4)})
            log(f"remove {key}: {score:.4f}")
    return current, path


def _combine(base: Config, keys: list[str], options: dict[str, Config]) -> Config:
    """The base configuration with every removal of the given options applied."""
    features = [c for c in base.features if all(c in options[k].features for k in keys)]
    exclude = sorted({s for k in keys for s in options[k].exclude} | set(base.exclude))
    return Config(base.name, base.kind, features, base.monotonic, exclude)


def select_features(pool: Pool, base: Config, seed: int = 0, log=print) -> tuple[Config, list[dict]]:
    """Feature groups kept or dropped by their effect on the mean LODO AUC (backward elimination, _eliminate)."""
    options = {g: Config(base.name, base.kind, [c for c in base.features if c not in cols], base.monotonic,
                         base.exclude)
               for g, cols in FEATURE_GROUPS.items() if set(cols) & set(base.features)}
    return _eliminate(pool, base, options, seed, log)


def select_sets(pool: Pool, base: Config, seed: int = 0, log=print) -> tuple[Config, list[dict]]:
    """Data selection (Yang et al. 2020): training sets kept or left out by their effect on the mean LODO AUC;
    every set is still evaluated, scored by models that never saw it."""
    options = {s: Config(base.name, base.kind, base.features, base.monotonic, [*base.exclude, s])
               for s in evaluation.folds(pool) if s not in base.exclude}
    return _eliminate(pool, base, options, seed, log)


def simplify(pool: Pool, base: Config, ci_low: float, seed: int = 0, log=print) -> tuple[Config, list[dict]]:
    """The simplest model within the CI of the best: drop, one at a time, the feature group whose removal costs
    least, while the mean LODO AUC stays at or above `ci_low` (the lower 95 % bound of the best mean)."""
    current, path = base, []
    while True:
        trials = {}
        for group, cols in FEATURE_GROUPS.items():
            kept = [c for c in current.features if c not in cols]
            if len(kept) == len(current.features) or not kept:
                continue
            trial = Config(current.name, current.kind, kept, current.monotonic, current.exclude)
            trials[group] = (evaluation.mean_auc(run_lodo(pool, trial, seed)), trial)
            log(f"  simpler without {group}: {trials[group][0]:.4f}")
        if not trials:
            break
        group, (score, trial) = max(trials.items(), key=lambda kv: kv[1][0])
        if score < ci_low:
            break
        current = trial
        path.append({"step": f"drop {group}", "features": len(current.features), "mean_auc": round(score, 4)})
        log(f"drop {group}: {score:.4f} ({len(current.features)} features)")
    return current, path


def calibrated_lodo(predictions: pd.DataFrame) -> tuple[dict, pd.DataFrame, dict]:
    """(calibration fitted on every set's out-of-domain scores, the predictions with p_fake calibrated without
    their own set, the Brier scores that chose isotonic or Platt)."""
    chosen, briers = calib.choose_calibration(predictions)
    out = predictions.assign(p_fake=calib.cross_calibrated(predictions, chosen["method"]))
    return chosen, out, briers


MIN_SPECIFICITY = 0.90  # "likely fake" should rarely hit a real person: at most 10 % of an unseen collection's humans
THRESHOLD_GRID = [round(0.5 + 0.05 * k, 2) for k in range(10)]  # 0.50, 0.55, ..., 0.95


def choose_threshold(calibrated: pd.DataFrame, min_specificity: float = MIN_SPECIFICITY) -> float:
    """The lowest threshold on the grid at which the mean specificity over unseen collections (each calibrated
    without itself) reaches min_specificity; the share of fakes it misses is corrected for afterwards
    (Rogan-Gladen), so a cautious bin costs precision of the share, not its bias."""
    for t in THRESHOLD_GRID:
        rates = calib.error_rates_from_counts(calib.confusion_by_set(calibrated, t), t, n_boot=10)
        if rates.specificity >= min_specificity:
            return t
    return THRESHOLD_GRID[-1]


def binned_shares(predictions: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per set and group: accounts, and the share of its fakes and of its humans binned likely fake."""
    rows = []
    for (name, group), g in predictions.groupby(["set", "group"], sort=False):
        called = g["p_fake"].to_numpy() >= threshold
        fake = g["label"].to_numpy() == 1
        rows.append({"set": name, "group": group, "fakes": int(fake.sum()), "humans": int((~fake).sum()),
                     "fakes_binned_likely_fake": float(called[fake].mean()) if fake.any() else np.nan,
                     "humans_binned_likely_fake": float(called[~fake].mean()) if (~fake).any() else np.nan})
    return pd.DataFrame(rows)


def train_final(pool: Pool, config: Config, calibration: dict | None, threshold: float = authenticity.THRESHOLD,
                seed: int = 0) -> authenticity.AuthenticityModel:
    """The model to ship: fitted on every set the configuration trains on, with its calibration."""
    if config.kind != "hgb":
        raise ValueError("only gradient-boosted configurations are shipped (the scorer loads a tree model)")
    train = ~pool.meta["set"].isin(config.exclude).to_numpy()
    X, table = evaluation.refit_bigrams(pool, train)
    y = pool.labels[train]
    used = [c for c in config.features if X.loc[train, c].notna().any()]
    est = authenticity.fit(X[train], y, evaluation.balance_weights(pool.meta[train]), used, config.monotonic,
                           seed=seed)
    return authenticity.AuthenticityModel(est, used, table, threshold, calibration,
                                          authenticity.human_reference(X[train], y, used))


def collection_identifiability(pool: Pool, features: list[str], seed: int = 0, n_permutations: int = 200) -> dict:
    """Whether the features tell the collections apart in a way that is not about the accounts' class.

    A collection marker (crawl year, id range, a collection's own missing fields) marks all of a collection's
    accounts, fakes and humans alike; a difference in who was collected (verified celebrities against ordinary
    users) marks one class only. So, for every pair of sets of one platform that both hold both classes, a
    classifier learns to tell the two sets apart from their humans and is then asked to tell them apart on their
    fakes (and the other way round). Chance is that AUC with the set labels of the second class shuffled (the
    95th percentile of n_permutations shuffles); the transfer AUC and that chance level are returned per pair.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    two_class = [s for s in evaluation.folds(pool) if pool.meta.loc[pool.meta["set"] == s, "label"].nunique() == 2]
    rows = []
    for i, a in enumerate(two_class):
        for b in two_class[i + 1:]:
            pa = pool.meta.loc[pool.meta["set"] == a, "platform"].iloc[0]
            if pa != pool.meta.loc[pool.meta["set"] == b, "platform"].iloc[0]:
                continue
            both = pool.meta["set"].isin([a, b]).to_numpy()
            X = pool.features.loc[both, features]
            which = (pool.meta.loc[both, "set"] == b).to_numpy().astype(int)
            label = pool.labels[both]
            shared = [c for c in features if X.loc[which == 0, c].notna().mean() > 0.5
                      and X.loc[which == 1, c].notna().mean() > 0.5]
            if not shared:
                continue
            for train_class in (0, 1):
                tr, te = label == train_class, label != train_class
                est = HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=15, random_state=seed)
                est.fit(X.loc[tr, shared], which[tr])
                p = est.predict_proba(X.loc[te, shared])[:, 1]
                auc = authenticity.auc(which[te], p)
                chance = [authenticity.auc(rng.permutation(which[te]), p) for _ in range(n_permutations)]
                rows.append({"pair": f"{a} / {b}", "trained_on": "humans" if train_class == 0 else "fakes",
                             "features": len(shared), "transfer_auc": round(auc, 4),
                             "chance_p95": round(float(np.quantile(chance, 0.95)), 4) if chance else np.nan})
    return {"pairs": rows}


def metrics_record(*, sets: list, shipped: Config, configs: dict[str, dict], config_defs: dict[str, Config],
                   baseline_results: dict, in_domain: dict, selection: dict, calibration: dict, briers: dict,
                   reliability: pd.DataFrame, ece: dict, shares: pd.DataFrame, confusion: list[dict],
                   rates: calib.ErrorRates, model: authenticity.AuthenticityModel, n_boot: int, seed: int,
                   identifiability: dict | None = None) -> dict:
    """Everything worth knowing about the shipped model, for authenticity_metrics.json (aggregates only: no
    account data)."""
    return {
        "model": "HistGradientBoostingClassifier", "params": authenticity.PARAMS, "features": list(model.features),
        "monotonic_constraints": {c: authenticity.DIRECTIONS[c] for c in model.features
                                  if c in authenticity.DIRECTIONS} if shipped.monotonic else {},
        "masks": authenticity.MASKS, "threshold": model.threshold, "shipped_config": asdict(shipped),
        "training_data": {"sets": [{"name": s.name, "platform": s.platform, "family": s.family,
                                    "accounts": int(len(s.profiles)), "fake_or_bot": int(s.labels.sum()),
                                    "sources": s.sources, "notes": s.notes} for s in sets],
                          "trained_on": [s.name for s in sets if s.name not in shipped.exclude]},
        "accuracy_method": "leave-one-dataset-out: each set scored by a model trained on the sets of other "
                           "families; AUC with a percentile bootstrap CI over accounts; mean over sets with a CI "
                           "from resampling accounts within each set",
        "lodo": configs, "config_defs": {k: asdict(v) for k, v in config_defs.items()},
        "baselines": baseline_results, "in_domain_cv": in_domain, "selection": selection,
        "calibration": {"chosen": calibration["method"], "brier_out_of_domain": briers,
                        "expected_calibration_error": ece,
                        "reliability": reliability.round(4).to_dict(orient="records")},
        "binned_likely_fake": shares.round(4).to_dict(orient="records"),
        "error_rates": {"threshold": model.threshold, "confusion_by_set": confusion, **rates.as_dict()},
        "collection_identifiability": identifiability or {},
        "n_boot": n_boot, "seed": seed, "sklearn_version": sklearn.__version__,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
