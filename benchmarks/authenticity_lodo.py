"""Leave-one-dataset-out accuracy of the authenticity model on every labelled set, and the model that ships.

Reads the labelled sets in place (../shared/realdata-train and ../shared/realdata/cresci-2015-subset), compares
configurations by their mean leave-one-dataset-out AUC (with --search: greedy data selection, then backward
elimination of feature groups, as in Yang et al. 2020), compares the fixed baselines on the same accounts, and
prints the full table. With --write it trains the chosen configuration on every set and writes
src/helpers/quality/models/authenticity.joblib and authenticity_metrics.json (aggregates only, no account data).

    .venv/bin/python benchmarks/authenticity_lodo.py                 # table for the recorded configuration
    .venv/bin/python benchmarks/authenticity_lodo.py --search --write  # search again and ship (about an hour)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from helpers.quality import calibration as calib
from helpers.quality import evaluation, labelled_sets, training
from helpers.quality import model as authenticity
from helpers.quality.features import CANDIDATES


def _log(*parts: object) -> None:
    """Progress on stderr, so stdout holds the tables only."""
    print(*parts, file=sys.stderr, flush=True)


def recorded_config(path: Path) -> training.Config | None:
    """The configuration the committed metrics say was chosen, if any."""
    if not path.is_file():
        return None
    shipped = json.loads(path.read_text()).get("shipped_config")
    return training.Config(**shipped) if shipped else None


def table(results: dict[str, dict], base: dict[str, dict], in_domain: dict, sets: list[str]) -> pd.DataFrame:
    """One row per set: n, the shipped model's LODO AUC [CI], in-domain CV, every other configuration and
    baseline."""
    rows = []
    for name in sets:
        row: dict = {"set": name}
        for label, res in [*results.items(), *base.items()]:
            per = {r["set"]: r for r in res["per_set"]}
            if name in per:
                r = per[name]
                row.setdefault("n", r["n"])
                row.setdefault("n_fake", r["n_fake"])
                row[label] = f"{r['auc']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"
        cv = {r["set"]: r for r in in_domain.get("per_set", [])}
        row["in-domain CV"] = f"{cv[name]['auc']:.3f} [{cv[name]['ci_low']:.3f}, {cv[name]['ci_high']:.3f}]" \
            if name in cv else "-"
        rows.append(row)
    mean = {"set": "mean over sets"}
    for label, res in [*results.items(), *base.items()]:
        mean[label] = f"{res['mean_auc']:.3f} [{res['mean_ci'][0]:.3f}, {res['mean_ci'][1]:.3f}]"
    if in_domain:
        mean["in-domain CV"] = f"{in_domain['mean_auc']:.3f}"
    rows.append(mean)
    return pd.DataFrame(rows)


def main() -> None:
    """Run the evaluation, print the tables, and write the model if asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--search", action="store_true", help="select training sets and features again")
    parser.add_argument("--write", action="store_true", help="write the model and its metrics JSON")
    parser.add_argument("--drop-groups", nargs="*", default=None, metavar="GROUP",
                        help=f"without --search: ship the model without these feature groups "
                             f"({', '.join(training.FEATURE_GROUPS)})")
    parser.add_argument("--exclude", nargs="*", default=[], metavar="SET", help="without --search: sets not trained on")
    parser.add_argument("--selection", type=Path, help="without --search: a JSON file recording the selection steps")
    parser.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples for the CIs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=authenticity.MODEL_PATH)
    parser.add_argument("--metrics", type=Path, default=authenticity.METRICS_PATH)
    args = parser.parse_args()
    started = time.time()
    sets = labelled_sets.load_sets()
    pool = evaluation.build_pool(sets)
    _log(f"{len(pool.meta):,} labelled accounts in {len(sets)} sets")
    configs = {"hgb-all-free": training.Config("hgb-all-free", monotonic=False),
               "hgb-all-mono": training.Config("hgb-all-mono"),
               "logreg-all": training.Config("logreg-all", kind="logreg")}
    selection: dict = {}
    if args.search:
        with_sets, set_path = training.select_sets(pool, configs["hgb-all-mono"], args.seed, log=_log)
        chosen, feature_path = training.select_features(pool, with_sets, args.seed, log=_log)
        best_low = evaluation.mean_auc_ci(training.run_lodo(pool, chosen, args.seed), args.n_boot, args.seed)[1]
        chosen, simpler_path = training.simplify(pool, chosen, best_low, args.seed, log=_log)
        chosen.name = "hgb-selected"
        selection = {"data_selection": set_path, "feature_selection": feature_path, "simplification": simpler_path,
                     "note": "selection used the same leave-one-out folds it is judged on, so the selected "
                             "configuration's mean AUC is optimistic by the selection's own gain at most"}
        configs["hgb-selected"] = chosen
    elif args.drop_groups is not None or args.exclude:
        dropped = {c for g in args.drop_groups or [] for c in training.FEATURE_GROUPS[g]}
        configs["hgb-selected"] = training.Config("hgb-selected", features=[c for c in CANDIDATES if c not in dropped],
                                                  exclude=list(args.exclude))
        selection = json.loads(args.selection.read_text()) if args.selection else {}
    else:
        recorded = recorded_config(args.metrics)
        if recorded is not None and recorded.name not in configs:
            configs[recorded.name] = recorded
        if args.metrics.is_file():
            selection = json.loads(args.metrics.read_text()).get("selection", {})
    results, predictions = {}, {}
    for name, config in configs.items():
        _log(f"leave-one-dataset-out: {name}")
        predictions[name] = training.run_lodo(pool, config, args.seed)
        results[name] = training.summarise_lodo(predictions[name], args.n_boot, args.seed)
        results[name]["at_threshold"] = training.at_threshold(predictions[name])
    shippable = {n: r for n, r in results.items() if configs[n].kind == "hgb"}
    shipped_name = training.simplest_within_ci(shippable, configs)
    overall = training.simplest_within_ci(results, configs)
    shipped = configs[shipped_name]
    _log(f"shipped: {shipped_name} (simplest of all within the CI of the best: {overall})")
    base = training.baselines(pool, args.n_boot, args.seed)
    _log("in-domain CV of the shipped configuration")
    in_dom = training.summarise_lodo(evaluation.in_domain(pool, shipped.learner(args.seed), seed=args.seed),
                                     args.n_boot, args.seed)
    calibration, calibrated, briers = training.calibrated_lodo(predictions[shipped_name])
    ece = {"uncalibrated": round(calib.expected_calibration_error(calibrated["label"], calibrated["score"]), 4),
           "calibrated_out_of_domain": round(calib.expected_calibration_error(calibrated["label"],
                                                                              calibrated["p_fake"]), 4)}
    reliability = calib.reliability(calibrated["label"], calibrated["p_fake"])
    threshold = training.choose_threshold(calibrated)
    shares = training.binned_shares(calibrated, threshold)
    confusion = calib.confusion_by_set(calibrated, threshold)
    rates = calib.error_rates_from_counts(confusion, threshold, seed=args.seed)
    ident = training.collection_identifiability(pool, shipped.features, args.seed)
    model = training.train_final(pool, shipped, calibration, threshold, seed=args.seed)
    model.error_counts = confusion
    metrics = training.metrics_record(
        sets=sets, shipped=shipped, configs=results, config_defs=configs, baseline_results=base,
        in_domain=in_dom, selection=selection | {"shipped": shipped_name, "simplest_overall": overall},
        calibration=calibration, briers=briers, reliability=reliability, ece=ece, shares=shares,
        confusion=confusion, rates=rates, model=model, n_boot=args.n_boot, seed=args.seed, identifiability=ident)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    print(f"## Leave-one-dataset-out AUC [95 % CI] (shipped: {shipped_name})\n")
    print(table(results, base, in_dom, evaluation.folds(pool)).to_string(index=False))
    print("\nMean balanced accuracy at the threshold, each set calibrated without it: "
          + "; ".join(f"{k} {v['at_threshold']['mean_balanced_accuracy']:.3f}" for k, v in results.items()))
    print("\n## Share binned likely fake (p_fake calibrated without the set, threshold "
          f"{threshold}: the lowest with a mean specificity of {training.MIN_SPECIFICITY:.0%} out of domain)\n")
    print(shares.round(3).to_string(index=False))
    print(f"\n## Calibration: {calibration['method']}; Brier out of domain {briers}; ECE {ece}\n")
    print(reliability.round(3).to_string(index=False))
    print(f"\n## Error rates at the threshold\n{json.dumps(rates.as_dict(), indent=1)}")
    print("\n## Can the features tell the collections apart beyond the accounts' class?\n")
    print(pd.DataFrame(ident["pairs"]).to_string(index=False))
    if args.write:
        authenticity.save(model, metrics, args.model, args.metrics)
        _log(f"wrote {args.model} and {args.metrics}")
    _log(f"done in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
