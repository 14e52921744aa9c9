"""Mastodon's follows export (following_accounts.csv, or a hand-edited list of user@host) -> following.

Mastodon exports follows, mutes, blocks, domain blocks, lists and bookmarks as CSV; it has no followers
export. Mute and block lists are private, and a block list looks exactly like a hand-edited follows list
(one user@host per line, no header), so a file whose name says "block" or "mute", or whose header is the
mute list's, is refused: it is never read as follows.

The export does not say whose follows they are: rows get the account id given with `--set account=...`
(use your `user@host` to match the account read from your Mastodon archive), else "mastodon:me".
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common import delimited
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.frames import frame

FORMAT = "mastodon_follows"
LABEL = "a Mastodon follows list (CSV)"
SCOPE = "file"

ADDRESS_COLUMN = "Account address"
MUTE_COLUMN = "Hide notifications"  # the mute list's second column
ADDRESS = re.compile(r"^@?([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)$")
DEFAULT_ACCOUNT = "mastodon:me"


def _address(value: str) -> str | None:
    """A Mastodon address as user@host (a leading @ dropped), or None when the value is not one."""
    match = ADDRESS.match(value.strip())
    return f"{match.group(1)}@{match.group(2)}" if match else None


def _header(lines: list[str]) -> delimited.Header | None:
    """The header of a follows/mute export when it is the first line (else every line is a record)."""
    return delimited.find_header(lines[:1], {ADDRESS_COLUMN})


def _first_fields(lines: list[str]) -> list[str]:
    """The first field of every non-blank line."""
    return [f[0] for line in lines if line.strip() and (f := delimited.split_line(line, ","))]


def private_kind(path: Path) -> str | None:
    """'mute list' or 'block list' when an address list is one of those private exports, else None."""
    header = _header(delimited.head_lines(path))
    name = path.name.lower()
    if "mute" in name or (header is not None and MUTE_COLUMN in header.columns):
        return "mute list"
    if "block" in name:
        return "block list"
    return None


def detect(path: Path) -> bool:
    """An address list: a header with 'Account address', or lines that each start with a user@host."""
    if delimited.is_private_name(path):
        return False
    lines = delimited.head_lines(path)
    if _header(lines) is not None:
        return True
    complete = lines[:-1] if len(lines) > 1 else lines  # the last line of the head may be cut
    firsts = _first_fields(complete)
    return bool(firsts) and all(_address(f) for f in firsts)


def _read_file(path: Path, account: str, ctx: Context, result: ReadResult) -> list[dict]:
    """The follows of one file, rejecting lines that hold no address."""
    lines = delimited.whole_lines(path)
    header = _header(lines)
    if header is None:
        header = delimited.Header(line=-1, delimiter=delimited.delimiter_of(lines[0]), columns=[ADDRESS_COLUMN])
    col = header.columns.index(ADDRESS_COLUMN)
    rows = []
    for line_no, fields in delimited.records(path, lines, header, label=LABEL):
        result.read_counts["following"] = result.read_counts.get("following", 0) + 1
        address = _address(fields[col]) if col < len(fields) else None
        if address is None:
            result.reject(path, f"line {line_no}", "following", "not a Mastodon address (user@host)",
                          header.delimiter.join(fields))
            continue
        rows.append({"account_id": account, "followed_id": address, "platform": "mastodon",
                     "handle": address, "followed_at": None, "observed_at": ctx.observed_at})
    return rows


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read every follows file; refuse (and say so) the mute and block lists."""
    result = ReadResult()
    account = str(ctx.options.get("account") or DEFAULT_ACCOUNT).lstrip("@")
    rows: list[dict] = []
    refused = []
    for path in paths:
        kind = private_kind(path)
        if kind:
            refused.append(path)
            result.notes.append(f"{path}: a Mastodon {kind}, which is private: not read")
            continue
        if not any(line.strip() for line in delimited.whole_lines(path)):
            raise InputError(path, None, "is empty", "Export your follows again from Mastodon's settings.")
        rows += _read_file(path, account, ctx, result)
    if refused and len(refused) == len(paths):
        raise InputError(refused[0], None, "is a Mastodon mute or block list, which is private and never read "
                                           "as follows", "Give following_accounts.csv (Preferences > Import "
                                           "and export > Data export > Follows).")
    result.read_counts.setdefault("following", 0)
    result.tables["following"] = frame("following", rows)
    return result
