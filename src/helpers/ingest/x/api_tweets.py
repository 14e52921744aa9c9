"""Tweets and users from API-shaped sources (twarc, snscrape), split into the studied accounts' posts, other
people's interactions with them, and the studied accounts' followers and following.

The studied accounts are: the account given with `--set handle=NAME`; else the owners of the timelines,
follower and following lists and user look-ups the files come from; else every author of the tweets read.
A tweet by a studied account is a post. A tweet by someone else that reposts, replies to or quotes a studied
account's post, or mentions a studied account, is an interaction (only what the data says: replies seen because
the studied account answered them are all a timeline shows). Any other tweet read is rejected with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common.base import ReadResult

METRICS = ("likes", "reposts", "replies", "quotes", "impressions", "bookmarks")
USER_FIELDS = ("handle", "display_name", "bio", "location", "url", "created_at", "followers_count",
               "following_count", "posts_count", "listed_count", "likes_count", "verified", "protected")


@dataclass
class Tweet:
    """One tweet as the sources give it, in canonical terms."""

    id: str
    author_id: str | None
    created_at: pd.Timestamp | None
    text: str | None = None
    lang: str | None = None
    replied_to: str | None = None
    reply_to_user: str | None = None
    quoted: str | None = None
    reposted: str | None = None
    mentions: set[str] = field(default_factory=set)  # user ids and lower-cased handles
    links: list[str] = field(default_factory=list)
    counts: dict[str, int | None] = field(default_factory=dict)
    source: str = ""
    location: str = ""
    raw: object = None

    @property
    def kind(self) -> str:
        """post, reply, repost or quote, from what the tweet references."""
        return "repost" if self.reposted else "reply" if self.replied_to else "quote" if self.quoted else "post"


@dataclass
class Collected:
    """Everything read from one group of files, before the studied accounts are known."""

    tweets: list[Tweet] = field(default_factory=list)  # the files' own records
    context: list[Tweet] = field(default_factory=list)  # tweets included only to explain others
    users: dict[str, dict] = field(default_factory=dict)  # id -> profile (the last one read wins)
    owners: list[str] = field(default_factory=list)  # ids whose timeline, follows or profile the files hold
    follows: list[tuple[str, str, dict, str, str]] = field(default_factory=list)  # owner, table, user, file, place

    def user(self, profile: dict) -> None:
        """Remember a user profile (needs an 'id'): the first one read wins, later ones only fill its gaps."""
        known = self.users.setdefault(profile["id"], {})
        known.update({k: v for k, v in profile.items() if v is not None and known.get(k) is None})

    def owner(self, user_id: str | None) -> None:
        """Mark an account as one the files are about."""
        if user_id and user_id not in self.owners:
            self.owners.append(user_id)


def _studied(collected: Collected, options: dict) -> list[str]:
    """The ids of the studied accounts (see the module docstring)."""
    wanted = str(options.get("handle") or "").lstrip("@").lower()
    if wanted:
        found = [uid for uid, u in collected.users.items() if str(u.get("handle") or "").lower() == wanted]
        if not found:
            raise InputError(f"@{wanted}", None, "is not an account these files hold a profile of",
                             "Check the handle given with --set handle=NAME.")
        return found[:1]
    if collected.owners:
        return list(collected.owners)
    return list(dict.fromkeys(t.author_id for t in collected.tweets if t.author_id))


def _interaction(tweet: Tweet, studied: set[str], handles: dict[str, str], authors: dict[str, str]) -> dict | None:
    """The interaction a tweet by someone else makes with a studied account, or None."""
    def row(kind: str, account: str, post: str | None) -> dict:
        """An interactions row of this tweet."""
        return {"account_id": account, "post_id": post, "actor_id": tweet.author_id, "kind": kind,
                "created_at": tweet.created_at}
    if tweet.reposted and authors.get(tweet.reposted) in studied:
        return row("repost", authors[tweet.reposted], tweet.reposted)
    replied = tweet.reply_to_user or authors.get(tweet.replied_to or "")
    if tweet.replied_to and replied in studied:
        return row("reply", replied, tweet.replied_to)
    if tweet.quoted and authors.get(tweet.quoted) in studied:
        return row("quote", authors[tweet.quoted], tweet.quoted)
    for account in studied:
        if account in tweet.mentions:
            return row("mention", account, None)
    for handle, account in handles.items():
        if handle in tweet.mentions:
            return row("mention", account, None)
    return None


def _post_row(tweet: Tweet, observed_at: pd.Timestamp | None) -> dict:
    """A posts row."""
    return {"post_id": tweet.id, "account_id": tweet.author_id, "platform": "x", "created_at": tweet.created_at,
            "text": tweet.text, "kind": tweet.kind, "lang": tweet.lang, "link_urls": tweet.links,
            "has_link": bool(tweet.links), **{m: tweet.counts.get(m) for m in METRICS}, "observed_at": observed_at}


def _tweets(collected: Collected, studied: list[str], result: ReadResult, observed: dict) -> tuple[list, list]:
    """Posts and interactions from the tweets read; the rest rejected."""
    ids = set(studied)
    handles = {str(collected.users.get(s, {}).get("handle") or "").lower(): s for s in studied}
    handles.pop("", None)
    authors = {t.id: t.author_id for t in collected.context + collected.tweets if t.author_id}
    posts, interactions, seen, read = [], [], {}, 0
    for tweet in collected.tweets:
        found = None
        if tweet.id in seen:
            result.reject(tweet.source, tweet.location, "posts", f"tweet {tweet.id} already read at {seen[tweet.id]}",
                          tweet.raw)
        elif tweet.author_id in ids:
            posts.append(_post_row(tweet, observed.get(tweet.source)))
        elif (found := _interaction(tweet, ids, handles, authors)) is not None:
            interactions.append(found)
        else:
            result.reject(tweet.source, tweet.location, "posts", f"written by account {tweet.author_id}, not a studied "
                          "account, and not a repost, reply, quote or mention of one", tweet.raw)
        read += found is None
        seen.setdefault(tweet.id, tweet.location)
    for tweet in collected.context:
        if tweet.id in seen or tweet.author_id in ids:
            continue
        seen[tweet.id] = tweet.location
        found = _interaction(tweet, ids, handles, authors)
        if found:
            interactions.append(found)
    result.read_counts["posts"] = result.read_counts.get("posts", 0) + read
    result.read_counts["interactions"] = result.read_counts.get("interactions", 0) + len(interactions)
    return posts, interactions


def _follows(collected: Collected, studied: list[str], result: ReadResult, observed: dict) -> dict[str, list]:
    """followers and following rows from the studied accounts' follow lists; repeated pairs rejected."""
    out: dict[str, list] = {"followers": [], "following": []}
    seen: set[tuple[str, str, str]] = set()
    for owner, table, user, source, location in collected.follows:
        result.read_counts[table] = result.read_counts.get(table, 0) + 1
        if owner not in studied:
            result.reject(source, location, table, f"a follow list of account {owner}, not the account chosen with "
                          "--set handle", user)
            continue
        if (owner, table, user["id"]) in seen:
            result.reject(source, location, table, f"account {user['id']} already listed for {owner}", user)
            continue
        seen.add((owner, table, user["id"]))
        if table == "following":
            out[table].append({"account_id": owner, "followed_id": user["id"], "platform": "x",
                               "handle": user.get("handle"), "observed_at": observed.get(source)})
        else:
            out[table].append({"account_id": owner, "follower_id": user["id"], "platform": "x",
                               **{k: user.get(k) for k in USER_FIELDS}, "sample_weight": 1.0,
                               "observed_at": observed.get(source)})
    return out


def tables(collected: Collected, options: dict, result: ReadResult,
           observed: dict[str, pd.Timestamp | None]) -> dict[str, pd.DataFrame]:
    """The canonical tables of everything collected; observed maps a source file to when it was retrieved."""
    studied = _studied(collected, options)
    posts, interactions = _tweets(collected, studied, result, observed)
    network = _follows(collected, studied, result, observed)
    for other in (o for o in collected.owners if o not in studied):
        result.read_counts["accounts"] = result.read_counts.get("accounts", 0) + 1
        result.reject(", ".join(observed), other, "accounts", "not the account chosen with --set handle",
                      collected.users.get(other, other))
    when = next((v for v in observed.values() if v is not None), None)
    accounts = [{"account_id": s, "platform": "x", **{k: collected.users.get(s, {}).get(k) for k in USER_FIELDS
                                                       if k != "likes_count"},
                 "is_focal": len(studied) == 1, "observed_at": when} for s in studied]
    result.read_counts["accounts"] = result.read_counts.get("accounts", 0) + len(accounts)
    out = {"accounts": pd.DataFrame(accounts), "posts": pd.DataFrame(posts), "interactions": pd.DataFrame(interactions),
           **{t: pd.DataFrame(rows) for t, rows in network.items()}}
    if len(out["posts"]):
        out["posts"] = out["posts"].astype({m: "Int64" for m in METRICS})
    return {t: df for t, df in out.items() if len(df) or t in result.read_counts}
