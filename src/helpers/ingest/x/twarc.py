"""Reader of twarc output for the Twitter/X API v2: twarc2 JSONL (one API response page per line, or one
flattened tweet or user per line) and twarc-csv files (flattened columns such as `public_metrics.like_count`).

A page's `__twarc.url` says what it holds: `/2/users/ID/tweets` a timeline, `/2/users/ID/mentions` mentions,
`/2/users/ID/followers` and `/following` follow lists (with full profiles), `/2/users?...` look-ups. Which of
these become posts, interactions, followers and following is decided in _x_api_tweets (see there). Tweets in
`includes.tweets` are context: they count only when they interact with a studied account's posts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from helpers.ingest.common import csv_records as _csv_records
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import head_text, json_lines
from helpers.ingest.x import api_tweets as api
from helpers.ingest.x import values as xv

FORMAT = "twarc"
LABEL = "twarc2 JSONL or twarc-csv"
SCOPE = "file"
PAGE = re.compile(r"/2/users/(\d+)/(tweets|mentions|followers|following)\b")
LOOKUP = re.compile(r"/2/users(?:/by(?:/username/[^/?]+)?|/me|/\d+)?(?:\?|$)")
TWEET_CSV = {"id", "author_id", "text", "public_metrics.like_count"}
USER_CSV = {"id", "username", "public_metrics.followers_count"}
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
REDOWNLOAD = "The file is damaged or was cut short; collect it again with twarc2."
COUNTS = {"likes": "like_count", "reposts": "retweet_count", "replies": "reply_count", "quotes": "quote_count",
          "impressions": "impression_count", "bookmarks": "bookmark_count"}


def detect(path: Path) -> bool:
    """Whether a file is twarc2 JSONL or a twarc-csv export, from its first bytes."""
    try:
        text = head_text(path).lstrip("\ufeff \t\r\n")
    except OSError:
        return False
    if text.startswith("{"):
        if '"_type"' in text[:2000] and "snscrape" in text[:4000]:
            return False
        return '"__twarc"' in text or ('"author_id"' in text and '"public_metrics"' in text) or \
            ('"data"' in text[:200] and '"username"' in text and '"public_metrics"' in text)
    return _csv_records.has_columns(path, TWEET_CSV) or _csv_records.has_columns(path, USER_CSV)


def _flag(value: object) -> bool | None:
    """A boolean, or twarc-csv's "True"/"False"; anything else is unknown."""
    return value if isinstance(value, bool) else {"true": True, "false": False}.get(str(value).lower())


def _website(obj: dict) -> str | None:
    """A user's website: the expanded entities.url link, else the url field (a t.co link)."""
    entities = obj.get("entities") if isinstance(obj.get("entities"), dict) else {}
    links = (entities.get("url") or {}).get("urls") if isinstance(entities.get("url"), dict) else None
    first = links[0] if isinstance(links, list) and links and isinstance(links[0], dict) else {}
    return first.get("expanded_url") or obj.get("url") or None


def _user(obj: dict) -> dict:
    """A v2 user object (nested, or flattened by twarc-csv into public_metrics.* columns) as a profile dict."""
    metrics = obj.get("public_metrics") if isinstance(obj.get("public_metrics"), dict) else {}
    counts = {name: xv.count(metrics.get(name, obj.get(f"public_metrics.{name}")))
              for name in ("followers_count", "following_count", "tweet_count", "listed_count", "like_count")}
    return {"id": xv.post_id(obj.get("id")), "handle": obj.get("username") or None,
            "display_name": obj.get("name") or None, "bio": obj.get("description") or None,
            "location": obj.get("location") or None, "url": _website(obj), "created_at": xv.utc(obj.get("created_at")),
            "followers_count": counts["followers_count"], "following_count": counts["following_count"],
            "posts_count": counts["tweet_count"], "listed_count": counts["listed_count"],
            "likes_count": counts["like_count"], "verified": _flag(obj.get("verified")),
            "protected": _flag(obj.get("protected"))}


def _links(urls: object) -> list[str]:
    """Expanded links of entities.urls (objects, or twarc-csv's list of strings); media attachments skipped."""
    out = []
    for u in urls if isinstance(urls, list) else []:
        if isinstance(u, dict) and not u.get("media_key"):
            out.append(u.get("expanded_url") or u.get("url"))
        elif isinstance(u, str):
            out.append(u)
    return [u for u in out if u]


def _mentions(items: object) -> set[str]:
    """Mentioned user ids and lower-cased handles (objects, or twarc-csv's "@name" strings)."""
    out = set()
    for m in items if isinstance(items, list) else []:
        if isinstance(m, dict):
            out |= {str(m[k]).lstrip("@").lower() for k in ("id", "username") if m.get(k)}
        elif isinstance(m, str):
            out.add(m.lstrip("@").lower())
    return out


def _tweet(obj: dict, source: str, location: str) -> api.Tweet:
    """A v2 tweet object (from a page, or flattened) as a Tweet."""
    refs = {r.get("type"): xv.optional_id(r.get("id")) for r in obj.get("referenced_tweets") or []
            if isinstance(r, dict)}
    metrics = obj.get("public_metrics") if isinstance(obj.get("public_metrics"), dict) else {}
    entities = obj.get("entities") if isinstance(obj.get("entities"), dict) else {}
    return api.Tweet(
        id=xv.post_id(obj.get("id")), author_id=xv.optional_id(obj.get("author_id")),
        created_at=xv.utc(obj.get("created_at")), text=xv.text(obj.get("text")), lang=obj.get("lang") or None,
        replied_to=refs.get("replied_to"), reply_to_user=xv.optional_id(obj.get("in_reply_to_user_id")),
        quoted=refs.get("quoted"), reposted=refs.get("retweeted"), mentions=_mentions(entities.get("mentions")),
        links=_links(entities.get("urls")), counts={k: xv.count(metrics.get(v)) for k, v in COUNTS.items()},
        source=source, location=location, raw=obj)


def _add_tweet(obj: object, collected: api.Collected, result: ReadResult, source: str, location: str,
               context: bool = False) -> None:
    """Collect one tweet object; an unusable one in the data is rejected (context ones are skipped)."""
    try:
        if not isinstance(obj, dict):
            raise ValueError("not a tweet object")
        tweet = _tweet(obj, source, location)
    except ROW_ERRORS as exc:
        if not context:
            result.read_counts["posts"] = result.read_counts.get("posts", 0) + 1
            result.reject(source, location, "posts", f"tweet cannot be read: {exc}", obj)
        return
    (collected.context if context else collected.tweets).append(tweet)
    if isinstance(obj.get("author"), dict):  # twarc2 flatten embeds the author
        _add_user(obj["author"], collected)
    for ref in obj.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("text") is not None:  # flattened: the referenced tweet itself
            _add_tweet(ref, collected, result, source, location, context=True)


def _add_user(obj: object, collected: api.Collected) -> str | None:
    """Collect one user profile; returns its id (None when unusable)."""
    try:
        profile = _user(obj)  # type: ignore[arg-type]
    except ROW_ERRORS:
        return None
    collected.user(profile)
    return profile["id"]


def _add_follow(obj: object, owner: str, table: str, collected: api.Collected, result: ReadResult,
                source: str, location: str) -> None:
    """Collect one account of a follower or following list; an unusable one is rejected."""
    try:
        profile = _user(obj)  # type: ignore[arg-type]
    except ROW_ERRORS as exc:
        result.read_counts[table] = result.read_counts.get(table, 0) + 1
        result.reject(source, location, table, f"account cannot be read: {exc}", obj)
        return
    collected.follows.append((owner, table, profile, source, location))


def _is_user(obj: object) -> bool:
    """Whether an object is a user rather than a tweet."""
    return isinstance(obj, dict) and "username" in obj and "text" not in obj


def _listed_user(obj: object, url: str, collected: api.Collected, result: ReadResult, source: str,
                 location: str) -> None:
    """Collect a user a file lists: a follower or followed account, a looked-up account, or (rejected) other."""
    match = PAGE.search(url)
    if match and match.group(2) in ("followers", "following"):
        collected.owner(match.group(1))
        _add_follow(obj, match.group(1), match.group(2), collected, result, source, location)
        return
    user_id = _add_user(obj, collected) if not url or LOOKUP.search(url) else None
    if user_id:
        collected.owner(user_id)
        return
    result.read_counts["accounts"] = result.read_counts.get("accounts", 0) + 1
    reason = "account cannot be read" if not url or LOOKUP.search(url) else \
        f"accounts listed by {url.split('?')[0]} are not read (only timelines, mentions, follow lists and look-ups)"
    result.reject(source, location, "accounts", reason, obj)


def _page(page: dict, collected: api.Collected, result: ReadResult, source: str, line: int) -> None:
    """Collect one line: an API response page, or a flattened tweet or user."""
    url = str(page["__twarc"].get("url") or "") if isinstance(page.get("__twarc"), dict) else ""
    match = PAGE.search(url)
    if match and match.group(2) in ("tweets", "mentions"):
        collected.owner(match.group(1))
    if "data" not in page:  # one flattened object per line
        if _is_user(page):
            _listed_user(page, url, collected, result, source, f"line {line}")
        else:
            _add_tweet(page, collected, result, source, f"line {line}")
        return
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    for user in includes.get("users") or []:
        _add_user(user, collected)
    for i, tweet in enumerate(includes.get("tweets") or []):
        _add_tweet(tweet, collected, result, source, f"line {line}: includes.tweets[{i}]", context=True)
    for i, obj in enumerate(page["data"] if isinstance(page["data"], list) else [page["data"]]):
        if _is_user(obj) or (match and match.group(2) in ("followers", "following")):
            _listed_user(obj, url, collected, result, source, f"line {line}: data[{i}]")
        else:
            _add_tweet(obj, collected, result, source, f"line {line}: data[{i}]")


def _retrieved(value: object) -> pd.Timestamp | None:
    """__twarc.retrieved_at as a UTC time, or None."""
    try:
        return xv.utc(value)
    except ROW_ERRORS:
        return None


def _read_jsonl(path: Path, collected: api.Collected, result: ReadResult) -> pd.Timestamp | None:
    """Collect every line of a twarc2 JSONL file; returns when it was retrieved (the latest page)."""
    latest = None
    for number, page in json_lines(path, REDOWNLOAD):
        if not isinstance(page, dict):
            result.read_counts["posts"] = result.read_counts.get("posts", 0) + 1
            result.reject(path, f"line {number}", "posts", "line is not a twarc response page, tweet or user", page)
            continue
        _page(page, collected, result, str(path), number)
        stamp = _retrieved((page.get("__twarc") or {}).get("retrieved_at") if isinstance(page.get("__twarc"), dict)
                           else None)
        latest = max(latest, stamp) if latest is not None and stamp is not None else latest or stamp
    return latest


def _csv_json(value: str) -> object:
    """A twarc-csv cell holding JSON (lists of entities), or None."""
    if not value or not value.strip():
        return None
    try:
        return json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        return None


def _csv_tweet(row: dict[str, str]) -> dict:
    """A twarc-csv tweet row as a v2-shaped tweet object."""
    refs = [{"type": kind, "id": row[f"referenced_tweets.{kind}.id"]} for kind in ("replied_to", "retweeted", "quoted")
            if row.get(f"referenced_tweets.{kind}.id")]
    refs += [r for r in _csv_json(row.get("referenced_tweets", "")) or [] if isinstance(r, dict)]
    return {"id": row["id"], "author_id": row.get("author_id"), "created_at": row.get("created_at"),
            "text": row.get("text"), "lang": row.get("lang"), "in_reply_to_user_id": row.get("in_reply_to_user_id"),
            "referenced_tweets": refs, "public_metrics": {v: row.get(f"public_metrics.{v}") for v in COUNTS.values()},
            "entities": {"urls": _csv_json(row.get("entities.urls", "")),
                         "mentions": _csv_json(row.get("entities.mentions", ""))}}


def _read_csv(path: Path, collected: api.Collected, result: ReadResult) -> pd.Timestamp | None:
    """Collect every row of a twarc-csv file (tweets, or users); returns when it was retrieved."""
    names, rows = _csv_records.records(path, LABEL)
    tweets = set(names) >= TWEET_CSV
    latest = None
    for location, fields in rows:
        row = dict(zip(names, fields, strict=False))
        url = row.get("__twarc.url", "")
        match = PAGE.search(url)
        if len(fields) != len(names):
            follows = match.group(2) if match and match.group(2) in ("followers", "following") else None
            table = "posts" if tweets else follows or "accounts"
            result.read_counts[table] = result.read_counts.get(table, 0) + 1
            result.reject(path, location, table, f"row has {len(fields)} fields, the header {len(names)}",
                          ",".join(fields))
            continue
        if tweets:
            collected.owner(match.group(1) if match and match.group(2) in ("tweets", "mentions") else None)
            _add_tweet(_csv_tweet(row), collected, result, str(path), location)
            author = {k[len("author."):]: v for k, v in row.items() if k.startswith("author.")}
            if author.get("id"):
                _add_user(author, collected)
            for kind, column in (("retweeted", "retweeted_user_id"), ("quoted", "quoted_user_id")):
                ref, user = row.get(f"referenced_tweets.{kind}.id"), row.get(column)
                if ref and user:
                    collected.context.append(api.Tweet(id=ref, author_id=user, created_at=None))
        else:
            _listed_user(row, url, collected, result, str(path), location)
        stamp = _retrieved(row.get("__twarc.retrieved_at"))
        latest = max(latest, stamp) if latest is not None and stamp is not None else latest or stamp
    return latest


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read twarc files of one input together (a timeline with its follow lists, say) into canonical tables."""
    result = ReadResult()
    collected = api.Collected()
    observed = {}
    for path in paths:
        path = Path(path)
        is_json = head_text(path).lstrip("\ufeff \t\r\n").startswith("{")
        observed[str(path)] = (_read_jsonl if is_json else _read_csv)(path, collected, result)
    result.tables = api.tables(collected, ctx.options, result, observed)
    return result
