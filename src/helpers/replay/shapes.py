"""Answers shaped like the real APIs, built from the replay world.

Bluesky: app.bsky.actor.defs#profileView(Detailed), app.bsky.feed.defs#feedViewPost / #postView, as the
official lexicons define them. Mastodon: the Account and Status entities of docs.joinmastodon.org.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from helpers.replay.data import LOCAL_DOMAIN, Member, Person, Post, World


def iso(when: dt.datetime) -> str:
    """An ISO 8601 UTC instant with milliseconds and Z, as both APIs write them."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _cid(text: str) -> str:
    """A CID-shaped string."""
    return "bafyrei" + hashlib.sha256(text.encode()).hexdigest()[:52]


def _rkey(n: int) -> str:
    """A TID-shaped record key."""
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    n, out = n * 2654435761 + 3_000_000_000_000, []
    for _ in range(13):
        n, r = divmod(n, 32)
        out.append(alphabet[r])
    return "".join(out)


# ---- Bluesky -------------------------------------------------------------------------------------

def bsky_basic(p: Person) -> dict:
    """app.bsky.actor.defs#profileViewBasic."""
    out = {"did": p.did, "handle": p.handle, "displayName": p.name, "labels": [], "createdAt": iso(p.created_at),
           "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False}}
    if p.has_avatar:
        out["avatar"] = f"https://cdn.bsky.replay.example/img/avatar/plain/{p.did}/{_cid(p.did)}@jpeg"
    return out


def bsky_view(p: Person) -> dict:
    """app.bsky.actor.defs#profileView (no counts)."""
    out = bsky_basic(p) | {"indexedAt": iso(p.created_at)}
    if p.bio:
        out["description"] = p.bio
    return out


def bsky_detailed(p: Person) -> dict:
    """app.bsky.actor.defs#profileViewDetailed (with counts)."""
    out = bsky_view(p) | {"followersCount": p.followers_count, "followsCount": p.follows_count,
                          "postsCount": p.posts_count, "viewer": {"muted": False, "blockedBy": False}}
    if p.website:
        out["website"] = p.website
    if p.idx % 11 == 0:
        out["verification"] = {"verifications": [], "verifiedStatus": "valid", "trustedVerifierStatus": "none"}
    return out


def bsky_post_view(world: World, post: Post) -> dict:
    """app.bsky.feed.defs#postView of one post."""
    author = world.people[post.author]
    uri = f"at://{author.did}/app.bsky.feed.post/{_rkey(post.idx)}"
    record: dict = {"$type": "app.bsky.feed.post", "text": post.text, "createdAt": iso(post.created_at),
                    "langs": [post.lang]}
    view = {"uri": uri, "cid": _cid(uri), "author": bsky_basic(author), "record": record,
            "bookmarkCount": post.likes // 10, "replyCount": post.replies, "repostCount": post.reposts,
            "likeCount": post.likes, "quoteCount": post.quotes, "indexedAt": iso(post.created_at), "labels": []}
    if post.link:
        start = len(post.text.encode()) - len(post.link.encode())
        record["facets"] = [{"index": {"byteStart": start, "byteEnd": start + len(post.link.encode())},
                             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": post.link}]}]
        view["embed"] = {"$type": "app.bsky.embed.external#view",
                         "external": {"uri": post.link, "title": "A blog post", "description": ""}}
    if post.kind == "reply":
        parent = f"at://{author.did}/app.bsky.feed.post/{_rkey(post.idx + 100000)}"
        record["reply"] = {"root": {"uri": parent, "cid": _cid(parent)}, "parent": {"uri": parent, "cid": _cid(parent)}}
    if post.kind == "quote":
        other = world.people[post.of_author]
        quoted = f"at://{other.did}/app.bsky.feed.post/{_rkey(post.idx + 200000)}"
        record["embed"] = {"$type": "app.bsky.embed.record", "record": {"uri": quoted, "cid": _cid(quoted)}}
        view["embed"] = {"$type": "app.bsky.embed.record#view", "record": {
            "$type": "app.bsky.embed.record#viewRecord", "uri": quoted, "cid": _cid(quoted),
            "author": bsky_basic(other), "value": {"$type": "app.bsky.feed.post", "text": "quoted",
                                                  "createdAt": iso(post.created_at)},
            "indexedAt": iso(post.created_at)}}
    return view


def bsky_feed_item(world: World, member: Member, post: Post, *, pinned: bool = False) -> dict:
    """app.bsky.feed.defs#feedViewPost: a post, or a repost with its reason."""
    if post.kind != "repost":
        item = {"post": bsky_post_view(world, post)}
        if pinned:
            item["reason"] = {"$type": "app.bsky.feed.defs#reasonPin"}
        return item
    original = Post(post.idx + 300000, post.of_author, post.created_at, post.text, "post", post.link,
                    post.likes, post.reposts, post.replies, post.quotes, post.lang)
    me = member.person
    repost_uri = f"at://{me.did}/app.bsky.feed.repost/{_rkey(post.idx)}"
    return {"post": bsky_post_view(world, original),
            "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": bsky_basic(me), "uri": repost_uri,
                       "cid": _cid(repost_uri), "indexedAt": iso(post.created_at)}}


# ---- Mastodon ------------------------------------------------------------------------------------

def masto_id(n: int) -> str:
    """A server-local numeric id as a string."""
    return str(109_000_000_000_000_000 + n)


def masto_account(p: Person, *, suspended: bool = False, followers_count: int | None = None) -> dict:
    """The Account entity as this server (replay.example) shows it: local accounts' acct has no domain."""
    local = p.domain == LOCAL_DOMAIN
    avatar = (f"https://files.{LOCAL_DOMAIN}/accounts/avatars/{p.idx:09d}/original/a.png" if p.has_avatar
              else f"https://{LOCAL_DOMAIN}/avatars/original/missing.png")
    fields = []
    if p.website:
        fields.append({"name": "Website", "verified_at": iso(p.created_at),
                       "value": f'<a href="{p.website}" rel="me nofollow noopener noreferrer" target="_blank">'
                                f'<span class="invisible">https://</span><span class="">{p.website[8:]}</span></a>'})
    out = {
        "id": masto_id(p.idx), "username": p.username, "acct": p.username if local else p.acct,
        "display_name": p.name, "locked": False, "bot": p.bot, "discoverable": True, "group": False,
        "created_at": iso(p.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": f"<p>{p.bio}</p>" if p.bio else "", "url": f"https://{p.domain}/@{p.username}",
        "uri": f"https://{p.domain}/users/{p.username}", "avatar": avatar, "avatar_static": avatar,
        "header": f"https://{LOCAL_DOMAIN}/headers/original/missing.png",
        "header_static": f"https://{LOCAL_DOMAIN}/headers/original/missing.png",
        "followers_count": p.followers_count if followers_count is None else followers_count,
        "following_count": p.follows_count, "statuses_count": p.posts_count,
        "last_status_at": None if p.posts_count == 0 else "2025-05-30", "hide_collections": False,
        "noindex": False, "emojis": [], "roles": [], "fields": fields,
    }
    if suspended:
        out.update(display_name="", note="", followers_count=0, following_count=0, statuses_count=0,
                   last_status_at=None, suspended=True, fields=[])
    return out


def masto_status(world: World, post: Post, base: str) -> dict:
    """The Status entity; a boost wraps the original in `reblog` and has no engagement of its own."""
    author = world.people[post.author]
    status_url = f"https://{author.domain}/@{author.username}/{masto_id(post.idx)}"
    content = f"<p>{post.text}</p>"
    if post.link:
        content = f'<p>{post.text[:-len(post.link)]}<a href="{post.link}" rel="nofollow noopener" target="_blank">' \
                  f'{post.link}</a></p>'
    status = {
        "id": masto_id(post.idx), "created_at": iso(post.created_at), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": post.lang, "uri": f"https://{author.domain}/users/{author.username}/statuses/{masto_id(post.idx)}",
        "url": status_url, "replies_count": post.replies, "reblogs_count": post.reposts,
        "favourites_count": post.likes, "quotes_count": post.quotes, "edited_at": None, "content": content,
        "reblog": None, "application": None, "account": masto_account(author), "media_attachments": [],
        "mentions": [], "tags": [], "emojis": [], "poll": None, "quote": None,
        "card": {"url": post.link, "title": "A blog post", "description": "", "type": "link"} if post.link else None,
    }
    if post.kind == "reply":
        status["in_reply_to_id"] = masto_id(post.idx + 100000)
        status["in_reply_to_account_id"] = masto_id(post.author)
    if post.kind == "quote":
        quoted = Post(post.idx + 200000, post.of_author, post.created_at, "quoted", "post", None, 1, 0, 0, 0)
        status["quote"] = {"state": "accepted", "quoted_status": masto_status(world, quoted, base)}
    if post.kind == "repost":
        original = Post(post.idx + 300000, post.of_author, post.created_at, post.text, "post", post.link,
                        post.likes, post.reposts, post.replies, post.quotes, post.lang)
        status.update(reblog=masto_status(world, original, base), content="", card=None, replies_count=0,
                      reblogs_count=0, favourites_count=0, quotes_count=0,
                      uri=status["uri"] + "/activity", url=None)
    return status


# ---- Old-style Mastodon HTML (what snscrape's mastodon-profile module parses) ---------------------

def masto_profile_html(world: World, member: Member, base: str, posts: list[Post], next_max: str | None) -> str:
    """A server-rendered profile page as Mastodon 3.x served it, with a load-more link while posts remain."""
    p = member.person
    entries = []
    for post in posts:
        if post.kind == "repost":
            continue
        link = f'<a href="{post.link}" rel="nofollow">{post.link}</a>' if post.link else ""
        text = post.text[:-len(post.link)] if post.link else post.text
        entries.append(
            f'<div class="entry"><div class="status"><div class="status__info">'
            f'<a class="status__relative-time" href="{base}/@{p.username}/{masto_id(post.idx)}">'
            f'<data class="dt-published" value="{post.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")}"></data></a>'
            f'<a class="status__display-name" href="{base}/@{p.username}"><img class="u-photo" src="/avatars/a.png">'
            f'<span class="display-name"><strong>{p.name}</strong><span>@{p.username}@{p.domain}</span></span></a>'
            f'</div><div class="status__content"><p>{text}{link}</p></div></div></div>')
    more = (f'<div class="entry"><a class="load-more" href="/@{p.username}/with_replies?max_id={next_max}">'
            'Load more</a></div>') if next_max else ""
    return f'<html><body><div class="activity-stream">{"".join(entries)}{more}</div></body></html>'
