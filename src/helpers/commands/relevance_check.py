"""`python -m helpers relevance-check`: draw followers to label by hand, so the analyses can measure and correct
the scorer's classification errors (helpers.data.relevance_check)."""

from __future__ import annotations

import argparse
import os

from helpers import paths
from helpers.commands import add_command
from helpers.data import atomic, dataset
from helpers.data import relevance_check as check_file
from helpers.errors import UserError


def run(args: argparse.Namespace) -> int:
    """Write the file to label, never over an existing one."""
    with dataset.claim(args.dataset):
        ds = dataset.load(args.dataset, require=["follower_quality"])
        target = ds.path / check_file.FILE
        if target.exists():
            raise UserError(f"{target} already exists and may hold your labels, so it was left as it is; move or "
                            "rename it to draw a new one")
        drawn = check_file.draw(ds.followers, args.n, args.seed, ds.tables["follower_quality"])
        tmp = atomic.temporary_beside(target)
        try:
            drawn.to_csv(tmp, index=False)
            os.link(tmp, target)  # whole or not at all, and never over a file that appeared meanwhile
        except FileExistsError as exc:
            raise UserError(f"{target} appeared while drawing and was left as it is") from exc
        finally:
            tmp.unlink(missing_ok=True)
    print(f"{len(drawn):,} followers to label written to {target}.\n"
          "Fill in the `relevant` column for each row: yes for a real, active person or organisation whose profile "
          "is on your topics (interests.toml), no otherwise, blank when unsure; `fake` optionally (yes for a fake "
          "or automated account). Then run the analyses again: they measure the scorer's sensitivity and "
          "specificity on your labels and correct the relevant share for them. The file holds followers' profiles: "
          "keep it private.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the relevance-check command."""
    p = add_command(sub, "relevance-check", run,
                    help="draw followers to label by hand, so the analyses can correct the scorer's errors",
                    description="Draw a random sample of a scored dataset's judged followers into "
                                f"{check_file.FILE} in its folder, with their profiles and empty `relevant` and "
                                "`fake` columns to fill in (yes/no/blank). The scorer's calls are not shown, so "
                                "they cannot sway the labels. Notebook 21 then measures the relevant call's "
                                "sensitivity and specificity on the labels and corrects the engagement model for "
                                "them. An existing file is never overwritten.")
    p.add_argument("--dataset", required=True, metavar="NAME",
                   help=f"dataset name (a folder under {paths.PROCESSED}) or path to a scored dataset folder")
    p.add_argument("--n", type=int, default=check_file.N_DEFAULT, metavar="N",
                   help=f"followers to draw (default {check_file.N_DEFAULT}: about a hundred relevant ones at a "
                        "third relevant, enough to measure sensitivity within about ±0.1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random draw (default 0)")
