"""The authenticity model beside a logistic regression on its features, the fixed baselines and its in-domain
figure, on leave-one-dataset-out folds: where the labelled sets are, the per-set table, and the closing finding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.quality import calibration, evaluation, labelled_sets, model, training
from helpers.quality.evaluation import Pool

GOAL = 0.90  # the AUC each set should reach out of domain
LOGREG = "logistic regression"
POOLED = "pooled (ships)"  # the pooled model's name in the specialists' record
SPECIALISTS_PATH = model.MODEL_DIR / "specialists_lodo.json"


@dataclass(frozen=True)
class Locations:
    """Where the labelled sets are read and where the model and its metrics are written."""

    train_root: Path
    cresci: Path
    model: Path
    metrics: Path


def locations(train_root: str | None = None, cresci_dir: str | None = None, model_path: str | None = None,
              metrics_path: str | None = None) -> Locations:
    """The folders and files given, else the defaults (../shared/realdata-train and the committed model)."""
    return Locations(Path(train_root) if train_root else labelled_sets.TRAIN_ROOT,
                     Path(cresci_dir) if cresci_dir else labelled_sets.CRESCI_SUBSET,
                     Path(model_path) if model_path else model.MODEL_PATH,
                     Path(metrics_path) if metrics_path else model.METRICS_PATH)


@dataclass
class Comparison:
    """LODO summaries of the shipped configuration and the logistic regression, the baselines, in-domain CV."""

    shipped: training.Config
    logreg: training.Config
    results: dict[str, dict]  # configuration name -> summarise_lodo
    baselines: dict[str, dict]
    in_domain: dict


def compare(pool: Pool, shipped: training.Config, lodo: pd.DataFrame, n_boot: int, seed: int) -> Comparison:
    """Summarise the shipped model's LODO scores and compute the logistic regression, baselines and in-domain CV."""
    results = {shipped.name: training.summarise_lodo(lodo, n_boot, seed)}
    logreg = training.Config(LOGREG, kind="logreg", features=shipped.features, exclude=shipped.exclude)
    results[LOGREG] = training.summarise_lodo(training.run_lodo(pool, logreg, seed), n_boot, seed)
    base = training.baselines(pool, n_boot, seed)
    inside = training.summarise_lodo(evaluation.in_domain(pool, shipped.learner(seed), seed=seed), n_boot, seed)
    return Comparison(shipped, logreg, results, base, inside)


def _interval(r: dict) -> str:
    """An AUC with its 95 % interval."""
    return f"{r['auc']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"


def lodo_table(pool: Pool, c: Comparison) -> pd.DataFrame:
    """One row per fold: n, fakes, the shipped model's LODO AUC [CI], in-domain CV, the other scorers' AUCs."""
    per = {k: {r["set"]: r for r in v["per_set"]} for k, v in {**c.results, **c.baselines}.items()}
    cv = {r["set"]: r for r in c.in_domain["per_set"]}
    rows = []
    for name in evaluation.folds(pool):
        first = per[c.shipped.name][name]
        rows.append({"set": name, "n": first["n"], "fakes": first["n_fake"], "LODO AUC [95 % CI]": _interval(first),
                     "in-domain CV": _interval(cv[name]) if name in cv else "-",
                     **{k: per[k][name]["auc"] for k in per if k != c.shipped.name and name in per[k]}})
    return pd.DataFrame(rows)


def means_text(c: Comparison) -> str:
    """Markdown: each scorer's mean AUC over the sets, and the in-domain mean."""
    means = {k: v["mean_auc"] for k, v in {**c.results, **c.baselines}.items()}
    return ("Mean over sets: " + "; ".join(f"{k} **{v:.3f}**" for k, v in means.items())
            + f"; in-domain CV {c.in_domain['mean_auc']:.3f}.")


def ece(calibrated: pd.DataFrame) -> dict[str, float]:
    """Expected calibration error of the raw scores and of the calibrated probabilities."""
    return {"uncalibrated": calibration.expected_calibration_error(calibrated["label"], calibrated["score"]),
            "calibrated": calibration.expected_calibration_error(calibrated["label"], calibrated["p_fake"])}


def _sets_text(per: dict[str, dict], cv: dict[str, float]) -> list[str]:
    """The sets that reach the goal, and how far short the others fall (beside their in-domain figure)."""
    reached = ", ".join(f"{k} {v['auc']:.3f}" for k, v in per.items() if v["auc"] >= GOAL)
    lines = [f"Sets at or above the goal of {GOAL:.2f}: " + (reached or "none") + "."]
    short = {k: v for k, v in per.items() if v["auc"] < GOAL}
    if short:
        lines.append("Below it: " + "; ".join(f"{k} {v['auc']:.3f} ({GOAL - v['auc']:.3f} short; in-domain "
                                             f"{cv.get(k, float('nan')):.3f})" for k, v in short.items()) + ".")
    return lines


def finding_text(c: Comparison, rates: calibration.ErrorRates) -> str:
    """Markdown: the LODO AUC beside the baselines, the sets short of the goal, and the error rates at the threshold."""
    shipped = c.results[c.shipped.name]
    per = {r["set"]: r for r in shipped["per_set"]}
    lines = [f"On collections it never saw, the shipped model's AUC averages **{shipped['mean_auc']:.3f}** "
             f"over the {len(per)} sets (in-domain CV: {c.in_domain['mean_auc']:.3f}); the followers/friends ratio "
             f"alone averages {c.baselines['followers_friends_ratio']['mean_auc']:.3f}, Camisani-Calzolari's rules "
             f"{c.baselines['rule_camisani']['mean_auc']:.3f}, a logistic regression "
             f"{c.results[LOGREG]['mean_auc']:.3f}."]
    lines += _sets_text(per, {r["set"]: r["auc"] for r in c.in_domain["per_set"]})
    lines.append(f"At the threshold, on collections it never saw, the call finds {rates.sensitivity:.0%} "
                 f"[{rates.sensitivity_ci[0]:.0%}, {rates.sensitivity_ci[1]:.0%}] of fakes and bots and clears "
                 f"{rates.specificity:.0%} [{rates.specificity_ci[0]:.0%}, {rates.specificity_ci[1]:.0%}] of humans.")
    return " ".join(lines)


def specialists_choice(results: dict[str, dict]) -> str:
    """Which scorer ships: a combination of specialists only when its mean AUC lies above the pooled model's 95 %
    interval, else the pooled model."""
    ceiling = results[POOLED]["mean_ci"][1]
    better = [k for k, v in results.items() if k != POOLED and v["mean_auc"] > ceiling]
    return max(better, key=lambda k: results[k]["mean_auc"]) if better else POOLED


def specialists_table(results: dict[str, dict]) -> pd.DataFrame:
    """One row per set, one column per scorer: AUC [95 % CI]; a last row with the means over sets."""
    rows: dict[str, dict] = {}
    for name, res in results.items():
        for r in res["per_set"]:
            rows.setdefault(r["set"], {"set": r["set"], "n": r["n"]})[name] = _interval(r)
    means = {k: f"{v['mean_auc']:.3f} [{v['mean_ci'][0]:.3f}, {v['mean_ci'][1]:.3f}]" for k, v in results.items()}
    return pd.DataFrame([*rows.values(), {"set": "mean over sets", "n": "", **means}])


def load_specialists(path: Path = SPECIALISTS_PATH) -> dict:
    """The record benchmarks/authenticity_specialists.py wrote."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def specialists_text(record: dict) -> str:
    """Markdown: the specialists' mean AUCs beside the pooled model's, and which ships."""
    res = record["results"]
    means = "; ".join(f"{k} **{v['mean_auc']:.3f}** [{v['mean_ci'][0]:.3f}, {v['mean_ci'][1]:.3f}]"
                      for k, v in res.items())
    ships = record["ships"]
    verdict = ("no combination lies above the pooled model's interval, so the pooled model ships" if ships == POOLED
               else f"{ships} lies above the pooled model's interval and ships")
    return f"Mean leave-one-out AUC over sets: {means}. By the rule stated above, {verdict}."
