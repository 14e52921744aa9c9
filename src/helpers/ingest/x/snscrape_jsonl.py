"""Reader of snscrape's JSONL output for Twitter/X (`snscrape --jsonl twitter-user NAME` and the like): one
Tweet object per line (`id`, `url`, `date`, `rawContent` or older `content`, `likeCount`, `retweetCount`,
`replyCount`, `quoteCount`, `viewCount`, `bookmarkCount`, `user`, `links` or older `outlinks`,
`inReplyToTweetId`, `inReplyToUser`, `mentionedUsers`, `quotedTweet`, `retweetedTweet`), or one User object per
line (`twitter-profile`, `twitter-user --jsonl` with user lines). Which tweets are posts and which interactions
is decided in _x_api_tweets (see there); quoted and retweeted tweets embedded in a line are context.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import head_text, json_lines
from helpers.ingest.x import api_tweets as api
from helpers.ingest.x import values as xv

FORMAT = "snscrape_jsonl"
LABEL = "snscrape JSONL of X/Twitter"
SCOPE = "file"
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
TWEET_KEYS = ("rawContent", "content", "renderedContent")
REDOWNLOAD = "The file is damaged or was cut short; scrape it again."


def detect(path: Path) -> bool:
    """Whether a file is snscrape JSONL of Twitter/X objects, from its first line."""
    try:
        text = head_text(path, 16 * 1024).lstrip("\ufeff \t\r\n")
    except OSError:
        return False
    if not text.startswith("{"):
        return False
    first = text[:4000]
    return "snscrape.modules.twitter" in first or (
        '"likeCount"' in first and '"retweetCount"' in first and any(f'"{k}"' in first for k in TWEET_KEYS)) or (
        '"username"' in first and '"followersCount"' in first and '"friendsCount"' in first)


def _flag(value: object) -> bool | None:
    """A boolean as snscrape writes it; anything else is unknown."""
    return value if isinstance(value, bool) else None


def _user(obj: dict) -> dict:
    """An snscrape User object as a profile dict."""
    link = obj.get("link") if isinstance(obj.get("link"), dict) else {}
    return {"id": xv.post_id(obj.get("id")), "handle": obj.get("username") or None,
            "display_name": obj.get("displayname") or None,
            "bio": obj.get("rawDescription") or obj.get("renderedDescription") or obj.get("description") or None,
            "location": obj.get("location") or None, "url": link.get("url") or obj.get("linkUrl") or None,
            "created_at": xv.utc(obj.get("created")), "followers_count": xv.count(obj.get("followersCount")),
            "following_count": xv.count(obj.get("friendsCount")), "posts_count": xv.count(obj.get("statusesCount")),
            "listed_count": xv.count(obj.get("listedCount")), "likes_count": xv.count(obj.get("favouritesCount")),
            "verified": _flag(obj.get("verified")), "protected": _flag(obj.get("protected"))}


def _links(obj: dict) -> list[str]:
    """The tweet's outgoing links: `links[].url` (0.5+), or `outlinks` (older versions)."""
    if isinstance(obj.get("links"), list):
        return [link["url"] for link in obj["links"] if isinstance(link, dict) and link.get("url")]
    return [u for u in obj.get("outlinks") or [] if isinstance(u, str) and u]


def _ref_id(value: object) -> str | None:
    """The id of an embedded tweet (an object) or of a tweet given by id."""
    if isinstance(value, dict):
        return xv.post_id(value.get("id"))
    return xv.optional_id(value)


def _tweet(obj: dict, source: str, location: str) -> api.Tweet:
    """An snscrape Tweet object as a Tweet."""
    user = obj.get("user") if isinstance(obj.get("user"), dict) else {}
    mentions = set()
    for m in obj.get("mentionedUsers") or []:
        if isinstance(m, dict):
            mentions |= {str(m[k]).lower() for k in ("id", "username") if m.get(k) is not None}
    reply_user = obj.get("inReplyToUser") if isinstance(obj.get("inReplyToUser"), dict) else {}
    body = next((obj[k] for k in TWEET_KEYS if isinstance(obj.get(k), str)), None)
    return api.Tweet(
        id=xv.post_id(obj.get("id")), author_id=xv.optional_id(user.get("id")), created_at=xv.utc(obj.get("date")),
        text=xv.text(body), lang=obj.get("lang") or None, replied_to=xv.optional_id(obj.get("inReplyToTweetId")),
        reply_to_user=xv.optional_id(reply_user.get("id")), quoted=_ref_id(obj.get("quotedTweet")),
        reposted=_ref_id(obj.get("retweetedTweet")), mentions=mentions, links=_links(obj),
        counts={"likes": xv.count(obj.get("likeCount")), "reposts": xv.count(obj.get("retweetCount")),
                "replies": xv.count(obj.get("replyCount")), "quotes": xv.count(obj.get("quoteCount")),
                "impressions": xv.count(obj.get("viewCount")), "bookmarks": xv.count(obj.get("bookmarkCount"))},
        source=source, location=location, raw=obj)


def _collect_tweet(obj: dict, collected: api.Collected, source: str, location: str, context: bool) -> None:
    """Collect a tweet, its author and the tweets embedded in it (as context)."""
    tweet = _tweet(obj, source, location)
    (collected.context if context else collected.tweets).append(tweet)
    for key in ("user", "inReplyToUser"):
        if isinstance(obj.get(key), dict):
            # a partial profile of someone else explains nothing the tweet does not
            with contextlib.suppress(ROW_ERRORS):
                collected.user(_user(obj[key]))
    for key in ("quotedTweet", "retweetedTweet"):
        if isinstance(obj.get(key), dict):
            # the embedded tweet only helps find whose post was quoted or reposted
            with contextlib.suppress(ROW_ERRORS):
                _collect_tweet(obj[key], collected, source, location, context=True)


def _line(obj: object, collected: api.Collected, result: ReadResult, source: str, location: str) -> None:
    """Collect one line: a Tweet, or a User (an account to study); unusable lines are rejected."""
    kind = str(obj.get("_type", "")) if isinstance(obj, dict) else ""
    is_user = isinstance(obj, dict) and (kind.endswith(".User") or ("username" in obj and "date" not in obj))
    table = "accounts" if is_user else "posts"
    try:
        if not isinstance(obj, dict):
            raise ValueError("the line is not an object")
        if is_user:
            profile = _user(obj)
            collected.user(profile)
            collected.owner(profile["id"])
        else:
            _collect_tweet(obj, collected, source, location, context=False)
    except ROW_ERRORS as exc:
        result.read_counts[table] = result.read_counts.get(table, 0) + 1
        result.reject(source, location, table, f"{'user' if is_user else 'tweet'} cannot be read: {exc}", obj)


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read snscrape JSONL files into canonical tables."""
    result = ReadResult()
    collected = api.Collected()
    for path in map(Path, paths):
        for number, obj in json_lines(path, REDOWNLOAD):
            _line(obj, collected, result, str(path), f"line {number}")
    result.tables = api.tables(collected, ctx.options, result, {str(p): None for p in paths})
    return result
