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
                      no_quantity_effect=args.no_quantity_effect, scenario=args.scenario, overrides=_overrides(args))
    with dataset.claim(Path(args.out)):
        out = build_sample(cfg, Path(args.out))
    print(f"simulated sample (seed {cfg['seed']}, world {cfg['world']['scenario']}"
          f"{'' if cfg['world']['quality_effect'] else ', no quality effect'}"
          f"{'' if cfg['world']['quantity_effect'] else ', no quantity effect'}) written to {out} in "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def _overrides(args: argparse.Namespace) -> dict:
    """Config overrides from the world flags that were given (None = keep the config's value)."""
    out: dict = {}
    if args.visits_by_total_followers:
        out.setdefault("blog", {})["x_sessions_relevant_elasticity"] = 0.0
    if args.bio_overlap is not None:
        out.setdefault("profiles", {})["relevant_bio_overlap"] = args.bio_overlap
    if args.mismatched_vocabulary:
        out.setdefault("profiles", {})["relevant_bio_overlap"] = 0.0
    if args.human_looking_fakes:
        out.setdefault("profiles", {})["fakes_look_human"] = True
    if args.size_fake_slope is not None:
        out.setdefault("cohort", {})["size_fake_slope"] = args.size_fake_slope
    return out


def _world_flags(p: argparse.ArgumentParser) -> None:
    """The flags that pick or change the simulated world."""
    from helpers.simulate.scenarios import SCENARIOS

    listing = "; ".join(f"{name}: {text}" for name, (_, text) in SCENARIOS.items())
    p.add_argument("--scenario", choices=list(SCENARIOS), metavar="NAME",
                   help=f"a preset world (default: the config's [world] scenario, planted-both). {listing}. The "
                        "flags below change the preset further")
    p.add_argument("--no-quality-effect", action="store_true",
                   help="the no-quality world: EVERY channel by which a follower's type changes an outcome is off "
                        "(engagement, who interacts, who is followed back, blog visits, who joins on fast-growth "
                        "days; cohort and focal account)")
    p.add_argument("--no-quantity-effect", action="store_true",
                   help="the no-quantity world: no outcome depends on the follower count (engagement elasticity, "
                        "impressions, the reply share past 10,000 followers, blog visits)")
    p.add_argument("--visits-by-total-followers", action="store_true",
                   help="X visits to the blog follow total followers; the relevant share adds nothing to them")
    p.add_argument("--mismatched-vocabulary", action="store_true",
                   help="relevant followers' bios share no word with interests.toml (synonyms, other languages)")
    p.add_argument("--bio-overlap", type=float, metavar="SHARE",
                   help="share of on-topic bios written with interests.toml words (default 0.6)")
    p.add_argument("--human-looking-fakes", action="store_true",
                   help="fakes drawn from the human profile copula and rates, with human bios")
    p.add_argument("--size-fake-slope", type=float, metavar="B",
                   help="size-correlated quality: the logit of an account's mean fake share rises by B per standard "
                        "deviation of log followers (default 0; the size-correlated-quality preset uses 0.8)")


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
    _world_flags(p)
