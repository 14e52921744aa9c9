"""The tweets of an X archive (tweets.js or tweet.js and their parts) as canonical posts, fast on large archives.

A file in X's own layout goes through pyarrow (_x_archive_arrow); the rows it leaves, and any file in another
layout, go through json.loads and the row-by-row conversion here, which names the JSON path of every reject.
Both give the same posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from helpers.ingest.common.base import ReadResult
from helpers.ingest.x import archive_arrow as arrow
from helpers.ingest.x import archive_files as files
from helpers.ingest.x import values as xv

SCALARS = arrow.SCALARS
POST_COLUMNS = ["post_id", "text", "created_at", "kind", "lang", "link_urls", "likes", "reposts"]
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def flat(tweet: dict) -> dict:
    """The fields of one tweet object that posts use."""
    if not isinstance(tweet, dict):
        raise ValueError("the tweet is not an object")
    record = {name: tweet.get(name) for name in SCALARS}
    entities = tweet.get("entities") or {}
    if not isinstance(entities, dict):
        raise ValueError("'entities' is not an object")
    urls = entities.get("urls")
    if urls is not None and not isinstance(urls, list):
        raise ValueError("'entities.urls' is not a list")
    record["urls"] = None if urls is None else [u.get("expanded_url") if isinstance(u, dict) else None for u in urls]
    record["quoted_status_permalink"] = tweet.get("quoted_status_permalink")
    return record


def _first(*values: object) -> object:
    """The first value that is not None or blank."""
    return next((v for v in values if v is not None and v != ""), None)


def _kind(body: str | None, reply_to: object, quoted: object) -> str:
    """post, reply, repost (text starting "RT @", as the archive marks retweets) or quote."""
    if body is not None and body.startswith("RT @"):
        return "repost"
    if reply_to:
        return "reply"
    return "quote" if quoted else "post"


def _post(rec: dict) -> tuple:
    """One flat record as a tuple in POST_COLUMNS order (created_at still raw); raises on unusable values."""
    pid = xv.post_id(_first(rec["id_str"], rec["id"]))
    body = xv.text(_first(rec["full_text"], rec["text"]))
    reply_to = xv.optional_id(_first(rec["in_reply_to_status_id_str"], rec["in_reply_to_status_id"]))
    quoted = xv.optional_id(_first(rec["quoted_status_id_str"], rec["quoted_status_id"]))
    links = [u for u in rec["urls"] or [] if isinstance(u, str) and u]
    lang = rec["lang"] if isinstance(rec["lang"], str) and rec["lang"] else None
    permalink = rec["quoted_status_permalink"] not in (None, "")
    return (pid, body, rec["created_at"], _kind(body, reply_to, quoted or permalink), lang,
            links, xv.count(rec["favorite_count"]), xv.count(rec["retweet_count"]))


def _raw(rec: object) -> str:
    """A record as JSON text for the rejects table."""
    return json.dumps(rec, ensure_ascii=False, default=str)[:500]


class _Sink:
    """Where one file's rejects go, with the JSON path of each row (`.tweet` unless the row was unwrapped)."""

    def __init__(self, result: ReadResult, source: str, unwrapped: set[int] | None = None, bare: bool = False):
        """Rejects of the file `source` go to result; `unwrapped` lists rows without the {"tweet": ...} wrapper,
        `bare` says no row has it (older archives)."""
        self.result, self.source, self.unwrapped, self.bare, self.raws = result, source, unwrapped or set(), bare, {}

    def where(self, pos: int) -> str:
        """The JSON path of the row at this position."""
        return f"{self.source}[{pos}]" + ("" if self.bare or pos in self.unwrapped else ".tweet")

    def reject(self, pos: int, reason: str, raw: object = None) -> None:
        """Reject the row at this position of the file."""
        self.result.reject(self.source, self.where(pos), "posts", reason,
                           _raw(raw if raw is not None else self.raws.get(pos)))


def _row_by_row(items: list[tuple[int, dict | None, object]], sink: _Sink) -> pd.DataFrame:
    """Posts from flat records, one at a time; unusable records are rejected. Indexed by position in the file."""
    rows, index = [], []
    for pos, rec, raw in items:
        if rec is None:
            sink.reject(pos, f"not a tweet object: {raw['error']}", raw["row"])
            continue
        try:
            rows.append(_post(rec))
            index.append(pos)
        except ROW_ERRORS as exc:
            sink.reject(pos, f"tweet cannot be read: {exc}", raw or rec)
    frame = pd.DataFrame(rows, columns=POST_COLUMNS, index=index).astype({"likes": "Int64", "reposts": "Int64"})
    frame["created_at"] = _times(frame["created_at"])
    for pos in frame.index[frame["created_at"].isna()]:
        sink.reject(pos, "created_at is missing or not a date")
    return frame.loc[frame["created_at"].notna()]


def _times(raw: pd.Series) -> pd.Series:
    """Archive times to UTC; ISO times (as some re-exports write them) are read too; the rest is NaT."""
    parsed = xv.archive_times(raw.tolist())
    parsed.index = raw.index
    for label in parsed.index[parsed.isna() & raw.notna()]:
        try:
            parsed.loc[label] = xv.utc(raw.loc[label])
        except ROW_ERRORS:
            continue
    return parsed


def _json_items(path: Path, shown: str) -> tuple[list[tuple[int, dict | None, object]], set[int]]:
    """(position, flat record or None, raw row) for every row of a file through json.loads; unwrapped positions."""
    items, unwrapped = [], set()
    for i, row in enumerate(files.rows_of(files.load(path, shown), shown)):
        if not (isinstance(row, dict) and "tweet" in row):
            unwrapped.add(i)
        try:
            items.append((i, flat(files.unwrap(row, "tweet")), row))
        except ROW_ERRORS as exc:
            items.append((i, None, {"error": str(exc), "row": row}))
    return items, unwrapped


@dataclass
class FilePosts:
    """The posts of one tweets file: rows read, the frame (indexed by position in the file), and its sink."""

    rows: int
    frame: pd.DataFrame
    sink: _Sink


def read_file(path: Path, shown: str, result: ReadResult, fast: bool = True) -> FilePosts:
    """The posts of one tweets file in file order; unusable rows rejected with their JSON path."""
    parsed = arrow.tweets_of_file(path) if fast else None
    if parsed is not None:
        tweets = parsed.array
        sink = _Sink(result, shown, bare=not parsed.wrapped)
        frame, rest = arrow.posts(tweets)
        odd = tweets.take(pa.array(rest, type=pa.int64())).to_pylist() if len(rest) else []
        sink.raws = dict(zip(rest.tolist(), odd, strict=False))
        items = [(int(pos), flat(tweet), tweet) for pos, tweet in zip(rest, odd, strict=False)]
        parts = [frame, _row_by_row(items, sink)]
        rows = len(tweets)
    else:
        items, unwrapped = _json_items(path, shown)
        sink = _Sink(result, shown, unwrapped)
        sink.raws = {pos: raw for pos, _, raw in items}
        parts = [_row_by_row(items, sink)]
        rows = len(items)
    frame = pd.concat([p for p in parts if len(p)] or parts[-1:])
    return FilePosts(rows, frame if frame.index.is_monotonic_increasing else frame.sort_index(), sink)


def finish(files_posts: list[FilePosts], account_id: str, observed_at: pd.Timestamp) -> pd.DataFrame:
    """One posts table from the files' posts: repeated tweet ids rejected, account columns added."""
    frames = [fp.frame.assign(_file=i, _pos=fp.frame.index) for i, fp in enumerate(files_posts)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POST_COLUMNS + ["_file", "_pos"])
    repeated = frame["post_id"].duplicated(keep="first")
    if repeated.any():
        firsts = frame.loc[~repeated & frame["post_id"].isin(frame.loc[repeated, "post_id"])]
        first = {pid: files_posts[f].sink.where(p)
                 for pid, f, p in zip(firsts["post_id"], firsts["_file"], firsts["_pos"], strict=False)}
        for _, row in frame.loc[repeated].iterrows():
            files_posts[row["_file"]].sink.reject(row["_pos"], f"tweet id {row['post_id']} already read at "
                                                  f"{first[row['post_id']]}", row.drop(["_file", "_pos"]).to_dict())
    frame = frame.loc[~repeated].drop(columns=["_file", "_pos"]).reset_index(drop=True)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["likes"] = frame["likes"].astype("Int64")
    frame["reposts"] = frame["reposts"].astype("Int64")
    frame["has_link"] = frame["link_urls"].map(bool).astype("boolean")
    frame["account_id"] = account_id
    frame["platform"] = "x"
    frame["observed_at"] = observed_at
    return frame
