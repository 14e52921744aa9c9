"""One module per CLI command; each exposes `register(subparsers)` and adds its parser with `add_command`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_command(sub: argparse._SubParsersAction, name: str, run: Callable[[argparse.Namespace], int],
                **texts: str) -> argparse.ArgumentParser:
    """The parser of one command (its help, description and epilog as given), set to call run."""
    parser = sub.add_parser(name, **texts)
    parser.set_defaults(func=run)
    return parser
