"""`python -m helpers ingest`: read exports into a canonical dataset."""

from __future__ import annotations

import argparse

from helpers import paths
from helpers.commands import add_command
from helpers.data import dataset


def _options(pairs: list[str]) -> dict:
    """KEY=VALUE pairs as a dict."""
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"--set takes KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def run(args: argparse.Namespace) -> int:
    """Ingest the given paths and print what was read."""
    from helpers.ingest.pipeline import ingest, summary_lines

    out = dataset.target(args.dataset, args.out)
    options = _options(args.set)
    if args.site:
        options["site"] = args.site
    with dataset.claim(out):  # refuse a foreign folder, or a second run on the same dataset, before reading
        path, entries = ingest(args.paths, out, pseudonymise=not args.no_pseudonymise, options=options)
    print("\n".join(summary_lines(entries)))
    print(f"dataset written to {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ingest command."""
    p = add_command(sub, "ingest", run, help="read exports (zip, folder or file; format detected from content) "
                                              "into a canonical dataset",
                    description="Read exports into the canonical tables of DATA_MODEL.md. Each input may be a "
                                "zip, a folder or a single file; its format is detected from its content.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="export files, folders or zip archives")
    p.add_argument("--dataset", required=True, metavar="NAME",
                   help=f"dataset name (letters, digits, - and _; at most 64): written to {paths.PROCESSED}/NAME "
                        "unless --out is given; a value with / or . is taken as a folder path")
    p.add_argument("--out", metavar="DIR",
                   help="write the dataset to this folder instead (relative to the current folder); it must not "
                        "exist yet, be empty, or be a dataset this tool wrote: anything else is refused")
    p.add_argument("--no-pseudonymise", action="store_true",
                   help="keep third parties' ids and handles as exported (default: keyed-hash pseudonyms)")
    p.add_argument("--site", metavar="HOST", help="the blog's host name, for web-analytics inputs")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="a reader option, e.g. --set window_hours=48 (repeatable)")
