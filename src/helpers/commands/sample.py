"""`python -m helpers sample`: build the simulated sample dataset."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from helpers import paths
from helpers.commands import add_command
from helpers.data import dataset


def run(args: argparse.Namespace) -> int:
    """Build the sample and say where it went."""
    from helpers.simulate import build_sample, load_config

    started = time.perf_counter()
    cfg = load_config(args.config, seed=args.seed, no_quality_effect=args.no_quality_effect,
                      no_quantity_effect=args.no_quantity_effect)
    with dataset.claim(Path(args.out)):
        out = build_sample(cfg, Path(args.out))
    print(f"simulated sample (seed {cfg['seed']}) written to {out} in {time.perf_counter() - started:.1f} s")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sample command."""
    p = add_command(sub, "sample", run,
                    help="build the simulated sample dataset (byte-identical for a seed and config)",
                    description="Simulate a focal account (curated growth, a spam purge, a growing blog) and a "
                                "cross-platform cohort, with planted effects written to truth.json.")
    p.add_argument("--out", default=str(paths.PROCESSED / "sample"), metavar="DIR",
                   help="dataset folder to write (default: data/processed/sample); it must not exist yet, be "
                        "empty, or be a dataset this tool wrote: anything else is refused")
    p.add_argument("--seed", type=int, metavar="N", help="random seed (default: the config's seed)")
    p.add_argument("--config", metavar="FILE",
                   help="TOML file overriding data/sample/config.toml (any subset of its keys)")
    p.add_argument("--no-quality-effect", action="store_true",
                   help="plant no effect of follower quality on engagement or blog traffic (a null world)")
    p.add_argument("--no-quantity-effect", action="store_true",
                   help="plant no effect of follower count on engagement (elasticity 0)")
