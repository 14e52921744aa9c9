"""Per-collection specialists against the pooled model, on the same leave-one-dataset-out folds.

For each labelled set left out: one model of the shipped configuration per training set that holds both classes
(at least training.MIN_PER_CLASS of each), their probabilities averaged ("specialists"), and that average taken
with the pooled model's ("specialists + pooled"); beside them the pooled model that ships. Combining is adopted
only if it beats the pooled model's mean AUC beyond its 95 % interval. Prints the table and writes
src/helpers/quality/models/specialists_lodo.json (aggregates only, no account data), which notebook 11 shows.

    .venv/bin/python benchmarks/authenticity_specialists.py      # about 10-15 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from helpers.data import atomic
from helpers.quality import comparison, evaluation, labelled_sets, training
from helpers.quality import model as authenticity

OUT = comparison.SPECIALISTS_PATH


def main() -> None:
    """Run both designs, print the table and write the record."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples for the CIs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the record")
    args = parser.parse_args()
    pool = evaluation.build_pool(labelled_sets.load_sets())
    shipped = training.Config(**authenticity.load_metrics()["shipped_config"])
    print(f"{len(pool.meta):,} labelled accounts; configuration {shipped.name}", file=sys.stderr, flush=True)
    predictions = {comparison.POOLED: training.run_lodo(pool, shipped, args.seed),
                   **training.specialists_lodo(pool, shipped, args.seed)}
    results = {k: training.summarise_lodo(v, args.n_boot, args.seed) for k, v in predictions.items()}
    chosen = comparison.specialists_choice(results)
    print(comparison.specialists_table(results).to_string(index=False))
    print(f"\nships: {chosen}")
    record = {"configuration": shipped.name, "min_per_class": training.MIN_PER_CLASS, "results": results,
              "ships": chosen, "rule": "a combination ships only if its mean AUC lies above the pooled model's "
                                       "95 % interval", "n_boot": args.n_boot, "seed": args.seed,
              "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    atomic.write_text(args.out, json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
