"""`python -m helpers analyses`: run every registered analysis notebook and render the reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers.commands import add_command
from helpers.errors import UserError


def run(args: argparse.Namespace) -> int:
    """Run the analyses on one dataset."""
    from helpers.reports.run import STAMPS, run_analyses

    if args.out and Path(args.out).is_dir() and any(Path(args.out).iterdir()) \
            and not (Path(args.out) / STAMPS).is_file():
        raise UserError(f"{args.out} exists and does not hold reports written by this tool; choose a new folder "
                        "for --out (nothing was changed)")
    out = run_analyses(args.dataset, args.out, force=args.force, only=args.only, progress=not args.quiet)
    print(f"reports written to {out / 'index.html'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the analyses command."""
    p = add_command(sub, "analyses", run, help="run the analysis notebooks on a dataset and write HTML reports",
                    description="Execute every notebook listed in notebooks/registry.toml, in that order, with "
                                "papermill, and render reports/<dataset>/ (skipping reports that are up to date).")
    p.add_argument("--dataset", default="sample", metavar="NAME_OR_PATH",
                   help="dataset name under data/processed/ or a dataset folder (default: sample)")
    p.add_argument("--out", metavar="DIR",
                   help="report folder (default: reports/<dataset name>); a folder that exists must hold "
                        "reports this tool wrote")
    p.add_argument("--force", action="store_true", help="re-run notebooks even when their report is up to date")
    p.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks (names without .ipynb)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
