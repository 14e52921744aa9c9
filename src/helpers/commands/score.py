"""`python -m helpers score`: judge each follower (authenticity, activity, relevance, reciprocity, engagement)
and add follower_quality and account_quality to the dataset."""

from __future__ import annotations

import argparse

import pandas as pd

from helpers import paths
from helpers.commands import add_command
from helpers.data import dataset


def _pct(value: float) -> str:
    """A share as a percentage, or '-' when unknown."""
    return "-" if pd.isna(value) else f"{100 * value:.1f}%"


def summary_lines(account_quality: pd.DataFrame, limit: int = 20) -> list[str]:
    """Per account: followers scored, each bin's share with its 95 % CI, reciprocity and NQI."""
    from helpers.quality.bins import ALL_BINS

    lines = []
    shown = account_quality.sort_values("followers_scored", ascending=False).head(limit)
    for row in shown.itertuples(index=False):
        r = row._asdict()
        lines.append(f"{r['account_id']}: {r['followers_scored']:,} followers scored, NQI {r['nqi']:.1f} "
                     f"[{r['nqi_ci_low']:.1f}, {r['nqi_ci_high']:.1f}], reciprocity {_pct(r['reciprocity'])}")
        for name in ALL_BINS:
            if name == "unknown" and not r[f"share_{name}"]:
                continue
            lines.append(f"    {name:<12} {_pct(r[f'share_{name}']):>7}  "
                         f"[{_pct(r[f'share_{name}_ci_low'])}, {_pct(r[f'share_{name}_ci_high'])}]")
    if len(account_quality) > limit:
        lines.append(f"... and {len(account_quality) - limit} more accounts (see account_quality.parquet)")
    return lines


def run(args: argparse.Namespace) -> int:
    """Score the dataset and print what was found."""
    from helpers.quality.score import ScoreOptions, score_dataset, score_if_needed

    if args.if_needed:
        with dataset.claim(args.dataset):
            print(score_if_needed(args.dataset))
        return 0
    options = ScoreOptions(inactive_days=args.inactive_days, fake_threshold=args.fake_threshold,
                           relevance_threshold=args.relevance_threshold)
    with dataset.claim(args.dataset):  # no other run may replace the dataset between reading and adding scores
        result = score_dataset(args.dataset, args.interests, options)
    for note in result.notes:
        print(f"note: {note}")
    print("\n".join(summary_lines(result.account_quality)))
    print(f"follower_quality ({len(result.follower_quality):,} rows) and account_quality "
          f"({len(result.account_quality):,} rows) added to dataset {args.dataset}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the score command."""
    p = add_command(sub, "score", run, help="judge each follower (likely fake, inactive, relevant, engaged) and add "
                                            "follower_quality and account_quality to a dataset",
                    description="Score every follower of a dataset from its profile: P(fake) by the "
                                "authenticity model and three published rule sets, inactivity, relevance to "
                                "the account, reciprocity and engagement, then one bin each; summarise each "
                                "account with bin shares (95 % Wilson CIs using sample_weight), reciprocity "
                                "and the Network Quality Index.")
    p.add_argument("--dataset", required=True, metavar="NAME",
                   help=f"dataset name (a folder under {paths.PROCESSED}) or path to a dataset folder")
    p.add_argument("--if-needed", action="store_true",
                   help="score only a dataset that has no follower_quality yet, with the default options, and say "
                        "so; a dataset that cannot be scored (no followers) is reported, not an error (make "
                        "analyses runs this step)")
    p.add_argument("--interests", metavar="FILE",
                   help="interests.toml (topics, keywords, places, languages) describing the account; default: "
                        "the dataset's own interests.toml, else relevance from the account's own posts only")
    p.add_argument("--inactive-days", type=int, default=90, metavar="N",
                   help="a follower whose last post is older than N days is inactive (default 90)")
    p.add_argument("--fake-threshold", type=float, default=None, metavar="P",
                   help="P(fake) at or above which a follower is binned likely_fake (default: the shipped model's own "
                        "threshold, the lowest that spares 90 %% of an unseen collection's humans)")
    p.add_argument("--relevance-threshold", type=float, default=0.5, metavar="R",
                   help="relevance at or above which a follower is binned relevant (default 0.5)")
