"""Mastodon's "Request your archive" export (zip or folder) -> accounts and posts.

outbox.json holds the account's Create (its posts) and Announce (its boosts) activities, with no like,
boost or reply counts: those stay null. Direct messages (Creates addressed neither to the public nor to
the followers) are private: they are rejected without their content. likes.json and bookmarks.json list
the account's own likes and bookmarks of other people's posts; they are not interactions with its posts,
so they are not read. actor.json gives the profile; its followers/following are links, not counts.
A follows export (following_accounts.csv) saved in the archive folder is read as this account's follows;
mute and block lists there are private and not read.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.frames import frame
from helpers.ingest.common.html_text import text_and_links
from helpers.ingest.common.sources import head_text, is_private_name
from helpers.ingest.common.times import parse_utc
from helpers.ingest.mastodon import follows as mastodon_follows

FORMAT = "mastodon_archive"
LABEL = "a Mastodon account archive (zip or folder)"
SCOPE = "folder"

PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
ACTOR_TYPES = {"Person", "Service", "Group", "Organization", "Application"}
POST_TYPES = {"Note", "Question", "Article", "Page"}
NOT_READ = ("likes.json", "bookmarks.json")
ARCHIVE_FILES = {"actor.json", "outbox.json", *NOT_READ}
REDOWNLOAD = "Download the archive again from Mastodon (Preferences > Import and export > Request your archive)."


def _archive_dirs(root: Path) -> list[Path]:
    """Folders holding an outbox.json: the given folder, else the folders directly inside it."""
    def has_outbox(folder: Path) -> bool:
        outbox = folder / "outbox.json"
        return outbox.is_file() and '"OrderedCollection"' in head_text(outbox).replace(" ", "")

    if has_outbox(root):
        return [root]
    return [p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and not is_private_name(p) and has_outbox(p)]


def detect(path: Path) -> bool:
    """A folder with an ActivityStreams outbox (OrderedCollection) in it or in a folder directly inside it."""
    return path.is_dir() and bool(_archive_dirs(path))


def _load_json(path: Path) -> object:
    """A whole JSON file; a cut or damaged file is an InputError saying where it breaks."""
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno} column {exc.colno} (character {exc.pos:,})",
                         f"is not complete JSON ({exc.msg})", REDOWNLOAD) from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, f"byte {exc.start:,}", "is not UTF-8 JSON", REDOWNLOAD) from exc
    except RecursionError as exc:
        raise InputError(path, None, "nests JSON too deeply to be a Mastodon archive file", REDOWNLOAD) from exc


def _is_url(value: object) -> bool:
    """Whether a value is an http(s) URL with a host."""
    return isinstance(value, str) and urlparse(value).scheme in ("http", "https") and bool(urlparse(value).hostname)


def _handle(actor_id: str, username: str | None) -> str:
    """user@host from the actor's id URL (its host) and preferred username (else the URL's last part)."""
    url = urlparse(actor_id)
    user = username if isinstance(username, str) and username else url.path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    return f"{user}@{url.hostname}"


def _account(actor: dict, ctx: Context) -> dict:
    """The focal account from actor.json."""
    bio, _ = text_and_links(actor.get("summary") if isinstance(actor.get("summary"), str) else None)
    url = actor.get("url")
    handle = _handle(actor["id"], actor.get("preferredUsername"))
    return {"account_id": handle, "platform": "mastodon", "handle": handle,
            "display_name": actor.get("name") or None, "bio": bio, "url": url if isinstance(url, str) else None,
            "created_at": parse_utc(actor.get("published")), "is_focal": True, "observed_at": ctx.observed_at}


def _audience(activity: dict) -> set[str]:
    """Everyone an activity and its object are addressed to."""
    out: set[str] = set()
    for thing in (activity, activity.get("object")):
        if isinstance(thing, dict):
            for field in ("to", "cc"):
                value = thing.get(field) or []
                out |= {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}
    return out


def _is_direct(activity: dict, followers_url: str | None) -> bool:
    """A direct message: addressed neither to the public nor to the account's followers."""
    audience = _audience(activity)
    to_followers = any(a == followers_url or a.endswith("/followers") for a in audience)
    return not (audience & PUBLIC) and not to_followers


def _tag_hrefs(note: dict) -> set[str]:
    """The links of a post's Mention and Hashtag tags (not outgoing links)."""
    tags = note.get("tag") or []
    return {t.get("href") for t in tags if isinstance(t, dict) and t.get("type") in ("Mention", "Hashtag")}


def _note_row(activity: dict, note: dict, account_id: str, ctx: Context) -> dict:
    """One post or reply from a Create activity."""
    text, links = text_and_links(note.get("content") if isinstance(note.get("content"), str) else None)
    links = [u for u in links if u not in _tag_hrefs(note)]
    content_map = note.get("contentMap")
    lang = next(iter(content_map), None) if isinstance(content_map, dict) and content_map else None
    return {"post_id": str(note.get("id") or activity.get("id")), "account_id": account_id,
            "platform": "mastodon", "created_at": parse_utc(note.get("published") or activity.get("published")),
            "text": text, "kind": "reply" if note.get("inReplyTo") else "post", "lang": lang,
            "link_urls": links, "has_link": bool(links), "observed_at": ctx.observed_at}


def _boost_row(activity: dict, account_id: str, ctx: Context) -> dict:
    """One repost from an Announce activity (its id is the boost's status URL)."""
    post_id = str(activity.get("id") or "").removesuffix("/activity")
    return {"post_id": post_id, "account_id": account_id, "platform": "mastodon",
            "created_at": parse_utc(activity.get("published")), "text": None, "kind": "repost", "lang": None,
            "link_urls": [], "has_link": False, "observed_at": ctx.observed_at}


def _post(activity: object, account_id: str, followers_url: str | None, ctx: Context) -> dict | str:
    """The post row of one outbox item, or the reason it is rejected."""
    if not isinstance(activity, dict):
        return "not an activity object"
    kind = activity.get("type")
    if kind == "Announce":
        return _boost_row(activity, account_id, ctx) if activity.get("id") else "boost without an id"
    if kind != "Create":
        return f"activity type {kind} is not a post or a boost"
    if _is_direct(activity, followers_url):
        return "direct message (private): not read"
    note = activity.get("object")
    if not isinstance(note, dict):
        return "Create activity without its post object"
    if note.get("type") not in POST_TYPES:
        return f"object type {note.get('type')} is not a post"
    if not (note.get("id") or activity.get("id")):
        return "post without an id"
    return _note_row(activity, note, account_id, ctx)


def _outbox_items(path: Path) -> tuple[list, object]:
    """The orderedItems of outbox.json and its stated totalItems."""
    outbox = _load_json(path)
    if not isinstance(outbox, dict) or not isinstance(outbox.get("orderedItems"), list):
        raise InputError(path, "the top level", "has no orderedItems list (not an archive outbox)", REDOWNLOAD)
    return outbox["orderedItems"], outbox.get("totalItems")


def _actor(folder: Path, items: list) -> dict:
    """actor.json, or a minimal actor from the outbox's activities when the archive has none."""
    path = folder / "actor.json"
    if path.is_file():
        actor = _load_json(path)
        if isinstance(actor, dict) and actor.get("type") in ACTOR_TYPES and _is_url(actor.get("id")):
            return actor
        raise InputError(path, "the top level", "is not an ActivityPub actor (Person) with an id URL", REDOWNLOAD)
    ids = [a.get("actor") for a in items if isinstance(a, dict) and _is_url(a.get("actor"))]
    if not ids:
        raise InputError(folder / "outbox.json", None, "names no actor and the archive has no actor.json",
                         REDOWNLOAD)
    return {"id": ids[0]}


def _read_outbox(folder: Path, ctx: Context, result: ReadResult) -> dict:
    """The profile and every outbox item into result; return the account row."""
    outbox_path = folder / "outbox.json"
    items, total = _outbox_items(outbox_path)
    actor = _actor(folder, items)
    account = _account(actor, ctx)
    followers = actor.get("followers") if isinstance(actor.get("followers"), str) else None
    rows = []
    for i, item in enumerate(items):
        row = _post(item, account["account_id"], followers, ctx)
        if isinstance(row, dict):
            rows.append(row)
        else:
            raw = "" if row.startswith("direct message") else json.dumps(item, ensure_ascii=False)
            result.reject(outbox_path, f"orderedItems[{i}]", "posts", row, raw)
    result.tables.update({"accounts": frame("accounts", [account]), "posts": frame("posts", rows)})
    result.read_counts.update({"accounts": 1, "posts": len(items)})
    if total != len(items):
        result.notes.append(f"{outbox_path}: totalItems says {total} but the file holds {len(items):,} items; "
                            "every item present was read")
    return account


def _read_follows(folder: Path, account_id: str, ctx: Context, result: ReadResult) -> None:
    """Follows CSV exports saved beside the archive, read as the archive's account; others only named."""
    follows, unread = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.name in ARCHIVE_FILES or path.stem in ("avatar", "header"):
            continue
        kind = mastodon_follows.private_kind(path) if mastodon_follows.detect(path) else "unknown"
        (follows if kind is None else unread).append(path)
    if follows:
        options = {**ctx.options, "account": account_id}
        part = mastodon_follows.read(follows, Context(observed_at=ctx.observed_at, options=options))
        result.tables["following"] = part.tables["following"]
        result.read_counts["following"] = part.read_counts["following"]
        result.rejects += part.rejects
    if unread:
        result.notes.append(f"{folder}: not read (private, or not part of the archive): "
                            f"{', '.join(p.name for p in unread)}")


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read the profile, every outbox item and any follows export beside them; say what was not read."""
    folders = _archive_dirs(paths[0]) if paths[0].is_dir() else []
    if len(folders) != 1:
        found = "no" if not folders else f"{len(folders)}"
        raise InputError(paths[0], None, f"holds {found} Mastodon archive folders with an outbox.json",
                         "Give one archive (zip or extracted folder) per input.")
    folder = folders[0]
    result = ReadResult()
    account = _read_outbox(folder, ctx, result)
    _read_follows(folder, account["account_id"], ctx, result)
    present = [name for name in NOT_READ if (folder / name).is_file()]
    if present:
        result.notes.append(f"{folder}: {' and '.join(present)} (the account's own likes/bookmarks of others' "
                            "posts, not interactions with its posts) were not read")
    return result
