"""Reader of legacy X Analytics "Tweet activity" downloads (analytics.twitter.com, until 2023), and of a
hand-kept monthly log of the same analytics (`twitter_metrics_monthly_<handle>.csv`) when one is given along.

`tweet_activity_metrics_<handle>_<start>_<end>_<lang>.csv`: one row per post with lifetime counts at download
time; 40 quoted columns, the promoted ones holding `-`; text may span lines. Many monthly files are read at once;
a post found in several files is kept once (from the file covering the latest period, downloaded last) and
the other copies are rejected. Only the English column names are known to this reader.

The export names the account only by its handle (in permalinks and the file name), so account_id is the
lower-cased handle, unless `--set account_id=ID` gives the numeric id (e.g. to match an archive of the account).
The export does not say when it was downloaded, so observed_at stays null. It does not mark replies: a post
whose text starts with "@" is counted a reply and one starting with "RT @" a repost, as X wrote them then.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common import csv_records as _csv_records
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import monthly_log as monthly
from helpers.ingest.x import values as xv

FORMAT = "x_analytics_legacy"
LABEL = 'X Analytics "Tweet activity" CSVs (until 2023)'
SCOPE = "file"
REQUIRED = {"Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements"}
NAME = re.compile(r"^tweet_activity_metrics_([A-Za-z0-9_]{1,15})_(\d{8})_(\d{8})", re.IGNORECASE)
METRICS = {"impressions": "impressions", "engagements": "engagements", "retweets": "reposts", "replies": "replies",
           "likes": "likes", "user profile clicks": "profile_clicks", "url clicks": "url_clicks",
           "follows": "new_follows"}
ROW_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)
HANDLE_HINT = "Give the account with --set handle=NAME."


def detect(path: Path) -> bool:
    """Whether a CSV is a Tweet activity export (by its header) or a monthly log of the same analytics."""
    return _csv_records.has_columns(path, REQUIRED) or monthly.matches(path)


def _period_end(path: Path) -> str:
    """The end date in a Tweet activity file name (YYYYMMDD), or '' when the name does not carry it."""
    match = NAME.match(path.name)
    return match.group(3) if match else ""


def _kind(text: str | None) -> str:
    """repost or reply by the text's start, as X wrote them then; otherwise post."""
    if text and text.startswith("RT @"):
        return "repost"
    return "reply" if text and text.startswith("@") else "post"


def _post(values: dict[str, str], fallback_handle: str | None) -> tuple[str, dict]:
    """(handle, posts row) of one export row; raises ValueError when it cannot be read."""
    handle = xv.status_handle(values.get("tweet permalink")) or fallback_handle
    if not handle:
        raise ValueError(f"neither the permalink nor the file name names the account. {HANDLE_HINT}")
    text = xv.text(values.get("tweet text"))
    links = xv.urls_in(text)
    row = {"post_id": xv.post_id(values["tweet id"]), "platform": "x", "text": text, "kind": _kind(text),
           "created_at": xv.utc(values["time"]), "link_urls": links, "has_link": bool(links)}
    if row["created_at"] is None:
        raise ValueError("the time is missing")
    row.update(xv.counts(values, METRICS))
    return handle, row


def _read_export(path: Path, options: dict, seen: dict[str, str], result: ReadResult) -> list[tuple[str, dict]]:
    """(handle, row) for every usable post of one export; unusable and repeated posts go to rejects."""
    names, rows = _csv_records.records(path, LABEL)
    lower = [n.lower() for n in names]
    if not {r.lower() for r in REQUIRED} <= set(lower):
        raise InputError(path, "line 1", "lacks the Tweet activity columns (Tweet id, Tweet permalink, Tweet text, "
                         "time, impressions, engagements)", "Export it again in English from X Analytics.")
    fallback = options.get("handle") or xv.handle_from_name(path, NAME)
    out, read = [], 0
    for location, fields in rows:
        read += 1
        try:
            if len(fields) != len(names):
                raise ValueError(f"row has {len(fields)} fields, the header {len(names)} (a cut or edited file?)")
            handle, row = _post(dict(zip(lower, fields, strict=False)), fallback)
        except ROW_ERRORS as exc:
            result.reject(path, location, "posts", str(exc), ",".join(fields))
            continue
        if row["post_id"] in seen:
            result.reject(path, location, "posts", f"Tweet id {row['post_id']} already read from {seen[row['post_id']]}"
                          " (an export of a later period, whose counts were collected later)", ",".join(fields))
            continue
        seen[row["post_id"]] = path.name
        out.append((handle, row))
    result.read_counts["posts"] = result.read_counts.get("posts", 0) + read
    return out


def _account_ids(handles: list[str], options: dict) -> dict[str, str]:
    """account_id per handle: the lower-cased handle, or the numeric id given with --set account_id=ID."""
    unique = sorted(set(handles), key=str.lower)
    if options.get("account_id"):
        if len({h.lower() for h in unique}) > 1:
            raise InputError(", ".join(unique), None, "these exports are of several accounts, so one --set "
                             "account_id cannot apply to all", "Ingest each account's files separately.")
        return {h: str(options["account_id"]) for h in unique}
    return {h: h.lower() for h in unique}


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read Tweet activity exports (and any monthly log) into posts, accounts and follower_counts."""
    result = ReadResult()
    logs = [Path(p) for p in paths if monthly.matches(Path(p))]
    exports = sorted((Path(p) for p in paths if Path(p) not in logs), key=lambda p: (_period_end(p), p.name),
                     reverse=True)
    seen: dict[str, str] = {}
    rows = [pair for path in exports for pair in _read_export(path, ctx.options, seen, result)]
    log_handles = {path: ctx.options.get("handle") or monthly.handle(path) for path in logs}
    handles = [h for h, _ in rows] + [h for h in log_handles.values() if h]
    ids = _account_ids(handles, ctx.options)
    if rows:
        posts = pd.DataFrame([{**row, "account_id": ids[h]} for h, row in rows])
        result.tables["posts"] = posts.astype({name: "Int64" for name in METRICS.values()})
    counts = []
    for path, handle in log_handles.items():
        handle = handle or (handles[0] if len({h.lower() for h in handles}) == 1 else None)
        if not handle:
            raise InputError(path, None, "does not say which account it logs (its name is not "
                             "twitter_metrics_monthly_NAME.csv)", HANDLE_HINT)
        if handle not in ids:
            ids[handle] = _account_ids([handle], ctx.options)[handle]
        counts.append(monthly.read(path, ids[handle], str(path), result))
    if counts:
        result.tables["follower_counts"] = pd.concat(counts, ignore_index=True)
    accounts = {account_id: handle for handle, account_id in ids.items()}
    result.tables["accounts"] = pd.DataFrame([{"account_id": a, "platform": "x", "handle": h, "is_focal": True}
                                              for a, h in accounts.items()])
    result.read_counts["accounts"] = len(accounts)
    return result
