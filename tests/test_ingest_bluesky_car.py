"""The Bluesky repository (CAR) reader: current records by kind, history and legacy types rejected."""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from collections import Counter
from pathlib import Path

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.bluesky import repository as reader
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.pipeline import ingest

FIXTURE = Path(__file__).parent / "fixtures" / "bluesky_car" / "repo.json"


# --- building a CAR from the hand-written fixture (an independent writer, not the reader's code) ---

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _link(cid: bytes) -> cbor2.CBORTag:
    return cbor2.CBORTag(42, b"\x00" + cid)


def _common(a: bytes, b: bytes) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _car_blocks(spec: dict) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The commit CID and (cid, data) blocks of a repository: records, a 3-node tree, the commit."""
    blocks: list[tuple[bytes, bytes]] = []

    def put(value: object) -> bytes:
        data = cbor2.dumps(value, canonical=True)
        cid = b"\x01\x71\x12\x20" + hashlib.sha256(data).digest()
        blocks.append((cid, data))
        return cid

    def node(items: list[tuple[str, bytes]], left: bytes | None = None, right: bytes | None = None) -> bytes:
        entries, prev = [], b""
        for key, cid in items:
            k = key.encode()
            p = _common(prev, k)
            entries.append({"p": p, "k": k[p:], "v": _link(cid), "t": None})
            prev = k
        if right is not None:
            entries[-1]["t"] = _link(right)
        return put({"l": _link(left) if left else None, "e": entries})

    items = [(key, put(spec["tree"][key])) for key in sorted(spec["tree"])]
    for record in spec["history"]:
        put(record)
    third = len(items) // 3
    left, right = node(items[:third]), node(items[2 * third:])
    root = node(items[third:2 * third], left, right)
    commit = put({"did": spec["did"], "version": 3, "data": _link(root), "rev": "3k0", "prev": None,
                  "sig": b"\x00" * 64})
    return commit, blocks


def build_car(spec: dict, order_seed: int | None = None) -> bytes:
    """A CAR v1 file of the repository, blocks optionally shuffled."""
    commit, blocks = _car_blocks(spec)
    if order_seed is not None:
        random.Random(order_seed).shuffle(blocks)
    header = cbor2.dumps({"version": 1, "roots": [_link(commit)]}, canonical=True)
    body = b"".join(_varint(len(cid) + len(data)) + cid + data for cid, data in blocks)
    return _varint(len(header)) + header + body


@pytest.fixture
def car(tmp_path) -> Path:
    path = tmp_path / "repo.car"
    path.write_bytes(build_car(json.loads(FIXTURE.read_text())))
    return path


def _read(path: Path) -> ReadResult:
    return reader.read([path], Context())


def _assert_accounted(result: ReadResult) -> None:
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], (table, counts)
    for table, df in result.tables.items():
        schemas.validate(table, df)


# --- the hand-written repository ---

def test_detects_a_car_and_not_other_files(car, tmp_path):
    assert reader.detect(car)
    other = tmp_path / "x.json"
    other.write_text('{"roots": [], "version": 1}')
    assert not reader.detect(other)


def test_fixture_counts_per_table(car):
    result = _read(car)
    _assert_accounted(result)
    assert result.count() == {
        "accounts": {"read": 1, "kept": 1, "rejected": 0},
        "following": {"read": 2, "kept": 1, "rejected": 1},
        "posts": {"read": 6, "kept": 5, "rejected": 1},
        "records": {"read": 5, "kept": 0, "rejected": 5},
    }
    reasons = Counter(r["reason"] for r in result.rejects)
    assert reasons["like by the account (not an interaction with its posts)"] == 2
    assert reasons["legacy record type app.bsky.feed.vote"] == 1
    assert reasons["legacy record type app.bsky.system.declaration"] == 1
    assert reasons["record type app.bsky.graph.block is not used by this suite"] == 1
    assert reasons["follow without a subject DID"] == 1
    assert any("not in the repository's current tree" in r for r in reasons)
    assert "interactions" not in result.tables


def test_fixture_posts_kinds_links_and_ids(car):
    posts = _read(car).tables["posts"].set_index("post_id")
    did = "did:plc:testaccount000000000000"
    row = posts.loc[f"at://{did}/app.bsky.feed.post/3k00000000002"]
    assert row["kind"] == "post" and row["link_urls"] == ["https://blog.example.org/p1"] and row["has_link"]
    assert posts.loc[f"at://{did}/app.bsky.feed.post/3k00000000001", "lang"] == "en"
    assert posts.loc[f"at://{did}/app.bsky.feed.post/3k00000000003", "kind"] == "reply"
    quote = posts.loc[f"at://{did}/app.bsky.feed.post/3k00000000004"]
    assert quote["kind"] == "quote" and quote["link_urls"] == ["https://news.example.com/a"]
    assert posts.loc[f"at://{did}/app.bsky.feed.repost/3k00000000005", "kind"] == "repost"
    assert "A deleted post" not in set(posts["text"].dropna())
    conformed = schemas.conform("posts", posts.reset_index())
    assert conformed[["likes", "reposts", "replies", "quotes"]].isna().all().all()


def test_fixture_account_and_follow(car):
    result = _read(car)
    account = result.tables["accounts"].iloc[0]
    assert (account["account_id"], account["display_name"], account["bio"]) == (
        "did:plc:testaccount000000000000", "Test Account", "Writes a small blog.")
    follow = result.tables["following"].iloc[0]
    assert follow["followed_id"] == "did:plc:someoneelse0000000000000"
    assert str(follow["followed_at"]) == "2023-12-01 00:00:00+00:00"


def test_truncated_car_names_the_file_and_the_byte_offset(car, tmp_path):
    data = car.read_bytes()
    cut = tmp_path / "cut.car"
    cut.write_bytes(data[: len(data) - 10])
    with pytest.raises(InputError) as err:
        _read(cut)
    assert err.value.path == str(cut) and "byte offset" in err.value.where and "cut short" in str(err.value)


def test_empty_car_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.car"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        _read(empty)


def test_a_damaged_block_is_an_input_error(car, tmp_path):
    data = bytearray(car.read_bytes())
    data[-5] ^= 0xFF
    bad = tmp_path / "bad.car"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="does not match its CID"):
        _read(bad)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
       flip=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)))
def test_shuffled_cut_or_damaged_cars_are_a_clear_error_or_fully_accounted(seed, cut, flip):
    data = bytearray(build_car(json.loads(FIXTURE.read_text()), order_seed=seed))
    if flip is not None and flip < len(data):
        data[flip] ^= 0x55
    data = bytes(data[:cut] if cut is not None else data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "repo.car"
        path.write_bytes(data)
        try:
            result = reader.read([path], Context())
        except InputError as exc:
            assert "repo.car" in str(exc)
            return
        _assert_accounted(result)
        if cut is None and flip is None:
            assert result.count()["posts"] == {"read": 6, "kept": 5, "rejected": 1}


# --- the real repository: counted by an independent block walk ---

def _blocks(data: bytes) -> tuple[bytes, dict[bytes, object]]:
    """The root CID and the blocks of a CAR (unique CIDs), decoded with CIDs as raw bytes."""
    def tag(t: cbor2.CBORTag, immutable: bool) -> object:
        return bytes(t.value[1:]) if t.tag == 42 else t

    def varint(pos: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value, pos

    size, pos = varint(0)
    root = cbor2.loads(data[pos:pos + size], tag_hook=tag)["roots"][0]
    pos += size
    out = {}
    while pos < len(data):
        size, pos = varint(pos)
        out[data[pos:pos + 36]] = cbor2.loads(data[pos + 36:pos + size], tag_hook=tag)  # v1 sha256 CIDs
        pos += size
    return root, out


def _tree_types(blocks: dict, node_cid: bytes) -> list[str]:
    """$type of every record reachable from an MST node."""
    node = blocks[node_cid]
    types = _tree_types(blocks, node["l"]) if node.get("l") else []
    for entry in node["e"]:
        types.append(blocks[entry["v"]]["$type"])
        if entry.get("t"):
            types += _tree_types(blocks, entry["t"])
    return types


def test_real_repository_counts(realdata):
    path = realdata / "bluesky-car-indigo" / "paul_staging.repo.car"
    root, blocks = _blocks(path.read_bytes())
    every = Counter(b["$type"] for b in blocks.values() if isinstance(b, dict) and "$type" in b)
    current = Counter(_tree_types(blocks, blocks[root]["data"]))
    assert every == {"app.bsky.feed.post": 101, "app.bsky.feed.like": 60, "app.bsky.feed.vote": 54,
                     "app.bsky.graph.follow": 17, "app.bsky.feed.repost": 15, "app.bsky.graph.confirmation": 3,
                     "app.bsky.system.declaration": 1, "app.bsky.actor.profile": 1}
    assert current == {"app.bsky.feed.post": 101, "app.bsky.feed.like": 60, "app.bsky.feed.repost": 15,
                       "app.bsky.graph.follow": 8, "app.bsky.actor.profile": 1}

    result = _read(path)
    _assert_accounted(result)
    posts_read = every["app.bsky.feed.post"] + every["app.bsky.feed.repost"]
    legacy = every["app.bsky.feed.vote"] + every["app.bsky.graph.confirmation"] + every["app.bsky.system.declaration"]
    assert result.count() == {
        "accounts": {"read": 1, "kept": 1, "rejected": 0},
        "following": {"read": 17, "kept": current["app.bsky.graph.follow"], "rejected": 17 - 8},
        "posts": {"read": posts_read, "kept": posts_read, "rejected": 0},
        "records": {"read": every["app.bsky.feed.like"] + legacy, "kept": 0, "rejected": 60 + legacy},
    }
    replies = sum(1 for b in blocks.values() if isinstance(b, dict) and b.get("$type") == "app.bsky.feed.post"
                  and "reply" in b)
    kinds = result.tables["posts"]["kind"].value_counts().to_dict()
    assert kinds["reply"] == replies and kinds["repost"] == 15
    assert sum(kinds.values()) == 116
    assert result.tables["accounts"].iloc[0]["display_name"] == "Paul"


def test_real_repository_through_the_pipeline(realdata, tmp_path):
    _, entries = ingest([realdata / "bluesky-car-indigo"], tmp_path / "ds", progress=False)
    assert entries[0]["format"] == "bluesky_car"
    assert entries[0]["tables"]["posts"] == {"read": 116, "kept": 116, "rejected": 0}
