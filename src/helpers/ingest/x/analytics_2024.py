"""Reader of X Analytics downloads since 2024 (x.com/i/account_analytics): the per-post content export
(`account_analytics_content_<start>_<end>.csv`) and the daily account overview (`account_overview_analytics.csv`).

Content: Post id, Date ("Mon Feb 17 2025"), Post text, Link, Impressions, Likes, Engagements, Bookmarks,
Share(s), New follows, Replies, Reposts, Profile visits, Detail expands, Url clicks, Hashtag clicks, Permalink
clicks. The post's exact time comes from its id (X ids encode it); the Date column must agree within a day.
Overview: Date ("Tue, Feb 18, 2025"), Impressions, ..., New follows, Unfollows, ... per day; it gives no
follower total, so followers_count stays null.

The exports name the account only in each post's Link, so account_id is the lower-cased handle unless
`--set account_id=ID` is given; an overview read without a content export needs `--set handle=NAME`. The export
does not say when it was downloaded, so observed_at stays null. Replies are not marked: a post whose text starts
with "@" is counted a reply. Shares and detail expands have no canonical column and are not kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common import csv_records as _csv_records
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import values as xv

FORMAT = "x_analytics_2024"
LABEL = "X Analytics account_analytics_content and account_overview_analytics CSVs (2024 on)"
SCOPE = "file"
CONTENT = {"Post id", "Date", "Impressions", "Engagements"}
OVERVIEW = {"Date", "Impressions", "New follows", "Unfollows"}
PERIOD = re.compile(r"(\d{4}-?\d{2}-?\d{2})\D+(\d{4}-?\d{2}-?\d{2})")
METRICS = {"impressions": "impressions", "likes": "likes", "engagements": "engagements", "bookmarks": "bookmarks",
           "new follows": "new_follows", "replies": "replies", "reposts": "reposts",
           "profile visits": "profile_clicks", "url clicks": "url_clicks"}
ROW_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)
SOURCE = "x_analytics account_overview"


def _is_content(path: Path) -> bool:
    """Whether a CSV is the per-post content export."""
    return _csv_records.has_columns(path, CONTENT)


def _is_overview(path: Path) -> bool:
    """Whether a CSV is the daily account overview."""
    return _csv_records.has_columns(path, OVERVIEW) and not _is_content(path)


def detect(path: Path) -> bool:
    """Whether a CSV is one of the 2024+ X Analytics exports, by its header."""
    return _is_content(path) or _is_overview(path)


def _latest_first(paths: list[Path]) -> list[Path]:
    """Files ordered by the period end in their names, latest first (its counts were collected last)."""
    def key(path: Path) -> tuple[str, str]:
        """The period end in the name (YYYYMMDD), then the name."""
        match = PERIOD.search(path.name)
        return (match.group(2).replace("-", "") if match else "", path.name)
    return sorted(paths, key=key, reverse=True)


def _rows(path: Path, table: str, result: ReadResult):
    """(location, values by lower-cased column, raw line) of a CSV; rows of the wrong width are rejected."""
    names, rows = _csv_records.records(path, LABEL)
    lower = [n.lower() for n in names]
    for location, fields in rows:
        result.read_counts[table] = result.read_counts.get(table, 0) + 1
        if len(fields) != len(names):
            result.reject(path, location, table, f"row has {len(fields)} fields, the header {len(names)}",
                          ",".join(fields))
            continue
        yield location, dict(zip(lower, fields, strict=False)), ",".join(fields)


def _created(values: dict[str, str], pid: str) -> pd.Timestamp:
    """The post's time from its id, checked against the Date column (midnight UTC of Date for pre-2010 ids)."""
    date = xv.day(values["date"]) if values.get("date", "").strip() else None
    exact = xv.snowflake_time(pid)
    if exact is None:
        if date is None:
            raise ValueError("neither the Date column nor the post id gives a date")
        return date.tz_localize("UTC")
    if date is not None and abs((exact.tz_localize(None).normalize() - date).days) > 1:
        raise ValueError(f"Date {values['date']!r} and the time in the post id ({exact}) differ by more than a day")
    return exact


def _post(values: dict[str, str], handle_option: str | None) -> tuple[str, dict]:
    """(handle, posts row) of one content row; raises ValueError when it cannot be read."""
    link = values.get("link", "")
    pid = xv.post_id(values.get("post id") or xv.STATUS_URL.search(link).group(2))
    handle = xv.status_handle(link) or handle_option
    if not handle:
        raise ValueError("the Link column does not name the account. Give it with --set handle=NAME")
    text = xv.text(values.get("post text"))
    links = xv.urls_in(text)
    row = {"post_id": pid, "platform": "x", "created_at": _created(values, pid), "text": text,
           "kind": "reply" if text and text.startswith("@") else "post", "link_urls": links, "has_link": bool(links)}
    row.update(xv.counts(values, METRICS))
    return handle, row


def _content(paths: list[Path], options: dict, result: ReadResult) -> list[tuple[str, dict]]:
    """(handle, row) of every usable post; repeated post ids rejected, the latest export's copy kept."""
    out, seen = [], {}
    for path in paths:
        for location, values, raw in _rows(path, "posts", result):
            try:
                handle, row = _post(values, options.get("handle"))
            except (*ROW_ERRORS, AttributeError) as exc:
                result.reject(path, location, "posts", str(exc), raw)
                continue
            if row["post_id"] in seen:
                result.reject(path, location, "posts", f"post {row['post_id']} already read from {seen[row['post_id']]}"
                              " (an export of a later period)", raw)
                continue
            seen[row["post_id"]] = path.name
            out.append((handle, row))
    return out


def _overview(paths: list[Path], account_id: str, result: ReadResult) -> pd.DataFrame:
    """follower_counts rows (new follows, unfollows per day); repeated days rejected, the latest export kept."""
    out, seen = [], {}
    for path in paths:
        for location, values, raw in _rows(path, "follower_counts", result):
            try:
                row = {"account_id": account_id, "date": xv.day(values["date"]), "followers_count": None,
                       **xv.counts(values, {"new follows": "new_follows", "unfollows": "unfollows"}), "source": SOURCE}
            except ROW_ERRORS as exc:
                result.reject(path, location, "follower_counts", str(exc), raw)
                continue
            if row["date"] in seen:
                result.reject(path, location, "follower_counts", f"day {row['date'].date()} already read from "
                              f"{seen[row['date']]}", raw)
                continue
            seen[row["date"]] = path.name
            out.append(row)
    frame = pd.DataFrame(out, columns=["account_id", "date", "followers_count", "new_follows", "unfollows", "source"])
    return frame.astype({"followers_count": "Int64", "new_follows": "Int64", "unfollows": "Int64"})


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read content and overview exports into posts, accounts and follower_counts."""
    result = ReadResult()
    paths = [Path(p) for p in paths]
    overviews = _latest_first([p for p in paths if _is_overview(p)])
    posts = _content(_latest_first([p for p in paths if p not in overviews]), ctx.options, result)
    handles = sorted({h for h, _ in posts} | ({ctx.options["handle"]} if ctx.options.get("handle") else set()),
                     key=str.lower)
    if len({h.lower() for h in handles}) > 1 and (overviews or ctx.options.get("account_id")):
        raise InputError(", ".join(handles), None, "these exports are of several accounts, so the overview or "
                         "--set account_id cannot be assigned to one", "Ingest each account's files separately.")
    ids = {h: str(ctx.options.get("account_id") or h.lower()) for h in handles}
    if posts:
        frame = pd.DataFrame([{**row, "account_id": ids[h]} for h, row in posts])
        result.tables["posts"] = frame.astype({name: "Int64" for name in METRICS.values()})
    if overviews:
        if not handles:
            raise InputError(overviews[0], None, "does not say which account it describes",
                             "Give the content export along with it, or --set handle=NAME.")
        result.tables["follower_counts"] = _overview(overviews, ids[handles[0]], result)
    accounts = {ids[h]: h for h in handles}
    result.tables["accounts"] = pd.DataFrame([{"account_id": a, "platform": "x", "handle": h, "is_focal": True}
                                              for a, h in accounts.items()])
    result.read_counts["accounts"] = len(accounts)
    return result
