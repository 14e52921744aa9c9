"""Bluesky repository export (a CAR file of the account's atproto repository) -> accounts, posts, following.

The records in the root commit's tree are the account's current records: posts (kind post, reply or
quote), reposts (kind repost), follows (following) and the profile (accounts). Record blocks the file holds
but the current tree does not (deleted records, history of earlier commits) are rejected with that reason.
Records no canonical table holds are rejected under the pseudo-table "records": the account's own likes
(likes BY the account of other posts, not interactions with its posts), legacy record types of early
Bluesky (app.bsky.system.*, feed.vote, graph.assertion, graph.confirmation) and types this suite does not
use. So for every table, records read = rows kept + records rejected. The export has no like or repost
counts: they stay null. The CAR does not hold the account's handle, only its DID.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.bluesky import car as _car
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.frames import frame
from helpers.ingest.common.sources import head
from helpers.ingest.common.times import parse_utc

FORMAT = "bluesky_car"
LABEL = "a Bluesky repository (.car)"
SCOPE = "file"

POST, REPOST, FOLLOW, PROFILE, LIKE = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.graph.follow",
                                       "app.bsky.actor.profile", "app.bsky.feed.like")
TABLE_OF = {POST: "posts", REPOST: "posts", FOLLOW: "following", PROFILE: "accounts"}
OTHER = "records"  # rejects of records that no canonical table holds
LEGACY = {"app.bsky.feed.vote", "app.bsky.graph.assertion", "app.bsky.graph.confirmation", "app.bsky.feed.trend"}
QUOTE_EMBEDS = {"app.bsky.embed.record", "app.bsky.embed.recordWithMedia"}
LINK_FACET = "app.bsky.richtext.facet#link"
NOT_IN_TREE = "not in the repository's current tree (deleted, or replaced by a later commit)"


def detect(path: Path) -> bool:
    """A CAR v1 file: a varint length, then a DAG-CBOR header with roots and version."""
    return _car.is_car_head(head(path, 4096))


def _is_legacy(kind: str) -> bool:
    """Record types of early Bluesky that no longer exist."""
    return kind in LEGACY or kind.startswith("app.bsky.system.")


def _links(record: dict) -> list[str]:
    """Outgoing links of a post: link facets and an external embed (also inside a record-with-media embed)."""
    urls = []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            if isinstance(feature, dict) and feature.get("$type") == LINK_FACET:
                urls.append(feature.get("uri"))
    embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    for part in (embed, embed.get("media")):
        if isinstance(part, dict) and part.get("$type") == "app.bsky.embed.external":
            external = part.get("external")
            urls.append(external.get("uri") if isinstance(external, dict) else None)
    return list(dict.fromkeys(u for u in urls if isinstance(u, str) and u))


def _post_kind(record: dict) -> str:
    """reply when it answers a post, quote when it embeds one, else post."""
    if isinstance(record.get("reply"), dict):
        return "reply"
    embed = record.get("embed")
    return "quote" if isinstance(embed, dict) and embed.get("$type") in QUOTE_EMBEDS else "post"


def _post_row(did: str, key: str, record: dict, ctx: Context) -> dict:
    """One post, reply, quote or repost."""
    is_repost = record.get("$type") == REPOST
    links = [] if is_repost else _links(record)
    langs = record.get("langs")
    text = record.get("text")
    return {"post_id": f"at://{did}/{key}", "account_id": did, "platform": "bluesky",
            "created_at": parse_utc(record.get("createdAt")), "text": None if is_repost or not isinstance(
                text, str) else text, "kind": "repost" if is_repost else _post_kind(record),
            "lang": langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
            "link_urls": links, "has_link": bool(links), "observed_at": ctx.observed_at}


def _follow_row(did: str, record: dict, ctx: Context) -> dict | str:
    """One followed account (by DID), or the reason the record is rejected."""
    subject = record.get("subject")
    if not isinstance(subject, str) or not subject.startswith("did:"):
        return "follow without a subject DID"
    return {"account_id": did, "followed_id": subject, "platform": "bluesky", "handle": None,
            "followed_at": parse_utc(record.get("createdAt")), "observed_at": ctx.observed_at}


def _account_row(did: str, profile: dict | None, ctx: Context) -> dict:
    """The focal account: its DID, with display name and description from its profile record."""
    profile = profile or {}
    name, bio = profile.get("displayName"), profile.get("description")
    return {"account_id": did, "platform": "bluesky", "display_name": name if isinstance(name, str) else None,
            "bio": bio if isinstance(bio, str) else None, "is_focal": True, "observed_at": ctx.observed_at}


class _Reader:
    """Reads one CAR file into rows per table, counting every record read."""

    def __init__(self, path: Path, ctx: Context, result: ReadResult):
        self.path, self.ctx, self.result = path, ctx, result
        self.rows: dict[str, list[dict]] = {"posts": [], "following": [], "accounts": []}
        self.reads: Counter = Counter()
        self.profile: dict | None = None

    def reject(self, table: str, where: str, reason: str) -> None:
        """Reject one record; the raw kept is its key or CID, never the record (blocks, lists)."""
        self.result.reject(self.path, where, table, reason, where)

    def in_tree(self, did: str, key: str, record: object) -> None:
        """One record of the current tree, into its table or rejects."""
        kind = record.get("$type") if isinstance(record, dict) else None
        table = TABLE_OF.get(kind or key.split("/")[0], OTHER)
        self.reads[table] += 1
        problem = self._problem(kind, record)
        if problem:
            self.reject(table, key, problem)
        elif kind in (POST, REPOST):
            self.rows["posts"].append(_post_row(did, key, record, self.ctx))
        elif kind == FOLLOW:
            row = _follow_row(did, record, self.ctx)
            if isinstance(row, dict):
                self.rows["following"].append(row)
            else:
                self.reject(table, key, row)
        else:
            self.profile = record

    def _problem(self, kind: str | None, record: object) -> str | None:
        """Why a tree record cannot be used, or None for a post, repost, follow or the first profile."""
        if record is None:
            return "listed in the tree but its block is not in the file"
        if not isinstance(kind, str):
            return "not a record (no $type)"
        if _is_legacy(kind):
            return f"legacy record type {kind}"
        if kind == LIKE:
            return "like by the account (not an interaction with its posts)"
        if kind == PROFILE:
            return "a second profile record" if self.profile is not None else None
        return None if kind in (POST, REPOST, FOLLOW) else f"record type {kind} is not used by this suite"

    def off_tree(self, cid: _car.CID, record: dict) -> None:
        """A record block the current tree does not reference."""
        kind = record["$type"]
        table = TABLE_OF.get(kind, OTHER)
        self.reads[table] += 1
        reason = f"legacy record type {kind}" if _is_legacy(kind) else f"{kind} {NOT_IN_TREE}"
        self.reject(table, f"block {cid.hex()}", reason)

    def read(self) -> None:
        """Read the file: the current tree's records, then the record blocks outside it."""
        car = _car.read_car(self.path)
        commit = _car.commit_of(car)
        did = commit["did"]
        entries = _car.tree_entries(car, commit["data"])
        for key, cid in entries:
            self.in_tree(did, key, car.blocks.get(cid))
        listed = {cid for _, cid in entries}
        stray = [(cid, b) for cid, b in car.blocks.items()
                 if cid not in listed and isinstance(b, dict) and isinstance(b.get("$type"), str)]
        for cid, block in stray:
            self.off_tree(cid, block)
        if self.profile is None:
            self.reads["accounts"] += 1  # the account itself, known from the commit
        self.rows["accounts"].append(_account_row(did, self.profile, self.ctx))
        if stray or car.duplicates:
            self.result.notes.append(f"{self.path}: {len(stray):,} record block(s) outside the current tree "
                                     f"(history) and {car.duplicates:,} repeated block(s) (same CID, read once)")


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read each repository CAR; a cut or damaged file is an InputError naming it and the byte offset."""
    result = ReadResult()
    rows: dict[str, list[dict]] = {"posts": [], "following": [], "accounts": []}
    reads: Counter = Counter()
    for path in paths:
        if path.stat().st_size == 0:
            raise InputError(path, None, "is empty", _car.REEXPORT)
        reader = _Reader(path, ctx, result)
        reader.read()
        for table, table_rows in reader.rows.items():
            rows[table] += table_rows
        reads.update(reader.reads)
    result.tables = {table: frame(table, table_rows) for table, table_rows in rows.items()}
    result.read_counts = {table: reads.get(table, 0) for table in {*rows, *reads}}
    return result
