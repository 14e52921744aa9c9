"""LinkedIn's data export ("Get a copy of your data"): Connections, Shares, Comments and Profile CSV files.

Each file is recognised by its header, wherever it sits (a 3-line "Notes:" preamble may precede
Connections' header), in UTF-8, UTF-8 with BOM or UTF-16 with tabs. A folder or zip of the export is
grouped by the pipeline, so this one reader handles any mix of the four files.

- Connections.csv -> followers: connections are mutual by definition, so followed_back is True;
  followed_at from "Connected On". The Email Address column is dropped as each line is split, never kept.
  A connection without a profile URL (a closed or hidden profile) gets an id from its name and date.
- Shares.csv -> posts (kind post); Comments.csv (the account's comments on others' posts) -> posts (kind
  reply). LinkedIn exports no engagement counts: they stay null.
- Profile.csv -> the focal account ("linkedin:me"); without it, a bare focal account row. Its address,
  birth date, zip code and messenger columns are dropped unread.
Other files of the export (messages, e-mail addresses, phone numbers, logins...) are never opened.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common import delimited
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.frames import frame
from helpers.ingest.common.times import parse_utc

FORMAT = "linkedin_export"
LABEL = "a LinkedIn data export (Connections, Shares, Comments)"
SCOPE = "file"

ACCOUNT_ID = "linkedin:me"
HEADERS = {  # the columns that identify each file
    "connections": {"First Name", "Last Name", "Connected On"},
    "shares": {"Date", "ShareLink", "ShareCommentary"},
    "comments": {"Date", "Link", "Message"},
    "profile": {"First Name", "Last Name", "Headline"},
}
TABLE = {"connections": "followers", "shares": "posts", "comments": "posts", "profile": "accounts"}
PRIVATE_COLUMNS = {"Email Address", "Address", "Birth Date", "Zip Code", "Instant Messengers", "Maiden Name",
                   "Phone Numbers"}
DATE_FORMATS = ("%d %b %Y", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%y",
                "%m/%d/%Y", "%d-%b-%y")
PROFILE_SLUG = re.compile(r"linkedin\.com/in/([^/?#]+)")
MEDIA_ROWS = "same share as an earlier row (LinkedIn writes one row per attached media)"
REEXPORT = "Download your LinkedIn data again (Settings > Data privacy > Get a copy of your data)."


def _kind(lines: list[str]) -> tuple[str, delimited.Header] | None:
    """Which LinkedIn file the lines start (connections, shares, comments, profile) and its header."""
    for kind, wanted in HEADERS.items():
        header = delimited.find_header(lines, wanted)
        if header is not None:
            return kind, header
    return None


def detect(path: Path) -> bool:
    """A Connections, Shares, Comments or Profile file, by its header (private files are not opened)."""
    return not delimited.is_private_name(path) and _kind(delimited.head_lines(path)) is not None


def _records(path: Path, lines: list[str], header: delimited.Header, result: ReadResult, table: str
             ) -> Iterator[tuple[int, dict]]:
    """(line, {column: value}) per record, private columns dropped at once; misshapen records rejected."""
    text_has_backslash_quotes = any('\\"' in line for line in lines)  # Comments.csv escapes quotes as \"
    width = len(header.columns)
    private = bool(PRIVATE_COLUMNS & set(header.columns))
    for line_no, fields in delimited.records(path, lines, header, "\\" if text_has_backslash_quotes else None, LABEL):
        result.read_counts[table] = result.read_counts.get(table, 0) + 1
        if len(fields) != width:
            # A misshapen line may hold a private value anywhere: keep nothing of it from such files.
            raw = "" if private else header.delimiter.join(fields)
            result.reject(path, f"line {line_no}", table, f"{len(fields)} fields where the header has {width}", raw)
            continue
        yield line_no, {c: v.strip() for c, v in zip(header.columns, fields, strict=False) if c not in PRIVATE_COLUMNS}


def _date(value: str) -> pd.Timestamp | None:
    """A LinkedIn date (07 Feb 2026, 1/8/18, 6:14 PM, 2025-07-01 14:33:22) as UTC."""
    return parse_utc(value, DATE_FORMATS)


def _unwrap_lines(text: str) -> str:
    """Undo Shares.csv's per-line quoting ('first"', '"middle"', '"last'), which LinkedIn adds to each line."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    middle = lines[1:-1]
    if lines[0].endswith('"') and lines[-1].startswith('"') and all(
            len(line) >= 2 and line[0] == line[-1] == '"' for line in middle):
        return "\n".join([lines[0][:-1], *(line[1:-1] for line in middle), lines[-1][1:]])
    return text


def _connection_id(row: dict, seen: Counter) -> str | None:
    """The profile URL; without one, the name and connection date (numbered when repeated)."""
    if row.get("URL"):
        return row["URL"]
    name = f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()
    if not name:
        return None
    key = f"linkedin:name:{name}|{row.get('Connected On', '')}"
    seen[key] += 1
    return key if seen[key] == 1 else f"{key}#{seen[key]}"


def _connections(path: Path, rows: Iterator[tuple[int, dict]], ctx: Context, result: ReadResult) -> list[dict]:
    """Followers from Connections.csv."""
    out, seen = [], Counter()
    for line_no, row in rows:
        when = _date(row.get("Connected On", ""))
        follower_id = _connection_id(row, seen)
        problem = ("connection without a name or profile URL" if follower_id is None else
                   f"Connected On {row['Connected On']!r} is not a date" if when is None and row.get(
                       "Connected On") else None)
        if problem:
            result.reject(path, f"line {line_no}", "followers", problem, row)
            continue
        slug = PROFILE_SLUG.search(row.get("URL", ""))
        job = " at ".join(v for v in (row.get("Position"), row.get("Company")) if v)
        name = f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()
        out.append({"account_id": ACCOUNT_ID, "follower_id": follower_id, "platform": "linkedin",
                    "handle": slug.group(1) if slug else None, "display_name": name or None,
                    "url": row.get("URL") or None, "bio": job or None, "followed_back": True,
                    "followed_at": when, "sample_weight": 1.0, "observed_at": ctx.observed_at})
    return out


def _post(post_id: str, when: pd.Timestamp, text: str, kind: str, links: list[str], ctx: Context) -> dict:
    """One LinkedIn post or comment (no engagement counts in the export)."""
    return {"post_id": post_id, "account_id": ACCOUNT_ID, "platform": "linkedin", "created_at": when,
            "text": text or None, "kind": kind, "lang": None, "link_urls": links, "has_link": bool(links),
            "observed_at": ctx.observed_at}


def _shares(path: Path, rows: Iterator[tuple[int, dict]], ctx: Context, result: ReadResult) -> list[dict]:
    """Posts from Shares.csv (kind post; link_urls from SharedUrl)."""
    out, seen = [], set()
    for line_no, row in rows:
        when, link = _date(row["Date"]), row["ShareLink"]
        problem = (f"Date {row['Date']!r} is not a date" if when is None else
                   "share without a ShareLink (no id)" if not link else MEDIA_ROWS if link in seen else None)
        if problem:
            result.reject(path, f"line {line_no}", "posts", problem, row)
            continue
        seen.add(link)
        links = [row["SharedUrl"]] if row.get("SharedUrl") else []
        out.append(_post(link, when, _unwrap_lines(row["ShareCommentary"]), "post", links, ctx))
    return out


def _comments(path: Path, rows: Iterator[tuple[int, dict]], ctx: Context, result: ReadResult) -> list[dict]:
    """Posts of kind reply from Comments.csv (the account's comments on others' posts)."""
    out = []
    for line_no, row in rows:
        when, link = _date(row["Date"]), row["Link"]
        problem = (f"Date {row['Date']!r} is not a date" if when is None else
                   "comment without the Link of its post" if not link else None)
        if problem:
            result.reject(path, f"line {line_no}", "posts", problem, row)
            continue
        out.append(_post(f"{link}#comment-{when.isoformat()}", when, row["Message"], "reply", [], ctx))
    return out


def _profile(path: Path, rows: Iterator[tuple[int, dict]], ctx: Context, result: ReadResult) -> list[dict]:
    """The focal account from Profile.csv (its first row)."""
    out = []
    for line_no, row in rows:
        if out:
            result.reject(path, f"line {line_no}", "accounts", "a second profile row", "")
            continue
        name = f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()
        bio = "\n\n".join(v for v in (row.get("Headline"), row.get("Summary")) if v)
        out.append({"account_id": ACCOUNT_ID, "platform": "linkedin", "display_name": name or None,
                    "bio": bio or None, "location": row.get("Geo Location") or None, "is_focal": True,
                    "observed_at": ctx.observed_at})
    return out


def _stray_lines(lines: list[str], header_line: int) -> list[int]:
    """Indexes of non-blank lines before the header that are not LinkedIn's "Notes:" preamble."""
    stray, in_notes = [], False
    for i, line in enumerate(lines[:header_line]):
        if not line.strip():
            in_notes = False
        elif line.strip() == "Notes:":
            in_notes = True
        elif not in_notes:
            stray.append(i)
    return stray


BUILDERS = {"connections": _connections, "shares": _shares, "comments": _comments, "profile": _profile}


def _read_file(path: Path, ctx: Context, result: ReadResult) -> tuple[str, list[dict]]:
    """The table and rows of one LinkedIn file."""
    lines = delimited.whole_lines(path)
    found = _kind(lines)
    if found is None:
        raise InputError(path, "its first lines", "has no LinkedIn Connections, Shares, Comments or Profile header",
                         REEXPORT)
    kind, header = found
    table = TABLE[kind]
    result.read_counts.setdefault(table, 0)
    for i in _stray_lines(lines, header.line):
        result.read_counts[table] += 1
        result.reject(path, f"line {i + 1}", table, "text before the header line", "")
    return table, BUILDERS[kind](path, _records(path, lines, header, result, table), ctx, result)


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read every LinkedIn file given; add a bare focal account when no Profile.csv came with them."""
    result = ReadResult()
    rows: dict[str, list[dict]] = {"followers": [], "posts": [], "accounts": []}
    for path in paths:
        table, table_rows = _read_file(path, ctx, result)
        rows[table] += table_rows
    if not rows["accounts"]:
        rows["accounts"].append({"account_id": ACCOUNT_ID, "platform": "linkedin", "is_focal": True,
                                 "observed_at": ctx.observed_at})
        result.read_counts["accounts"] = result.read_counts.get("accounts", 0) + 1
    result.tables = {table: frame(table, table_rows) for table, table_rows in rows.items()}
    return result
