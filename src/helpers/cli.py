"""`python -m helpers COMMAND`: thin doors onto the functions the notebooks use."""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import sys

from helpers import commands
from helpers.errors import UserError

PLAIN_OS_ERRORS = {
    errno.ENOSPC: "the disk is full: free some space and run the command again",
    errno.EACCES: "permission denied: run as a user who may read and write these files, or choose other folders",
    errno.EROFS: "the file system is read-only: choose a folder you can write to",
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser, with one subcommand per module in helpers.commands."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers",
        description="Quality vs Quantity: build datasets from exports, live collection or simulation, "
                    "score follower quality, and run the analyses.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"helpers.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user error prints one plain line and returns 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        if exc.errno not in PLAIN_OS_ERRORS:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {PLAIN_OS_ERRORS[exc.errno]}{where}; nothing half-written was kept.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was kept; run the same command again to continue.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
