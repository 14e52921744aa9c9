"""Content-addressed archives (CAR v1) of atproto repositories: blocks by CID, and the record tree.

A CAR is a varint-length DAG-CBOR header {version, roots}, then blocks, each a varint length followed by
a CID and the block's DAG-CBOR bytes. CIDs inside DAG-CBOR are CBOR tag 42 (a 0x00 byte, then the CID).
The repository's records hang off the root commit's Merkle search tree: nodes {l, e: [{p, k, v, t}]},
where each entry's key is the first p bytes of the previous key plus k, v the record's CID and t a subtree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import cbor2

from helpers.errors import InputError

SHA2_256 = 0x12
DAG_CBOR = 0x71
MAX_HEADER_BYTES = 64 * 1024
REEXPORT = "Export the repository again (Bluesky: Settings > Account > Export my data)."


class CID(bytes):
    """The binary form of a content identifier (no multibase prefix)."""


@dataclass
class Car:
    """The header roots and the decoded blocks of one CAR file."""

    path: Path
    roots: list[CID]
    blocks: dict[CID, object] = field(default_factory=dict)
    duplicates: int = 0  # blocks repeated with the same CID (same content), kept once


def _cid_hook(tag: cbor2.CBORTag, immutable: bool) -> object:
    """CBOR tag 42 as a CID (cbor2's tag_hook takes the tag and an 'immutable' flag); other tags kept."""
    if tag.tag == 42 and isinstance(tag.value, bytes) and tag.value[:1] == b"\x00":
        return CID(tag.value[1:])
    return tag


def decode_cbor(data: bytes) -> object:
    """One DAG-CBOR value, with CIDs decoded (cbor2 errors propagate)."""
    return cbor2.loads(data, tag_hook=_cid_hook)


def _varint(data: bytes, pos: int, path: Path, what: str) -> tuple[int, int]:
    """An unsigned LEB128 varint at pos, and the position after it."""
    value = shift = 0
    start = pos
    while True:
        if pos >= len(data):
            raise InputError(path, f"byte offset {start:,}", f"ends inside the length of {what} (the file is cut "
                                                              "short)", REEXPORT)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos
        if shift > 63:
            raise InputError(path, f"byte offset {start:,}", f"has an impossible length for {what}", REEXPORT)


def _split_cid(block: bytes, path: Path, offset: int) -> tuple[CID, int, int, int, bytes]:
    """The CID at the start of a block: (cid, where the data begins, codec, hash code, digest)."""
    if block[:2] == b"\x12\x20":  # CIDv0: a bare sha2-256 multihash of a dag-pb block
        return CID(block[:34]), 34, 0x70, SHA2_256, block[2:34]
    bad = InputError(path, f"byte offset {offset:,}", "does not start a block with a valid CID", REEXPORT)
    try:
        version, pos = _varint(block, 0, path, "a CID")
        codec, pos = _varint(block, pos, path, "a CID")
        code, pos = _varint(block, pos, path, "a CID")
        size, pos = _varint(block, pos, path, "a CID")
    except InputError:
        raise bad from None
    if version != 1 or pos + size > len(block):
        raise bad
    return CID(block[:pos + size]), pos + size, codec, code, block[pos:pos + size]


def _decode_block(block: bytes, path: Path, offset: int) -> object:
    """A block's content: DAG-CBOR decoded, other codecs (blobs) kept as bytes; checked against its CID."""
    cid, start, codec, code, digest = _split_cid(block, path, offset)
    if code == SHA2_256 and hashlib.sha256(block[start:]).digest() != digest:
        raise InputError(path, f"byte offset {offset:,}", "holds a block whose content does not match its CID "
                                                          "(the file is damaged)", REEXPORT)
    if codec != DAG_CBOR:
        return bytes(block[start:])
    try:
        return decode_cbor(block[start:])
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InputError(path, f"byte offset {offset:,}", f"holds a block that is not DAG-CBOR ({exc})",
                         REEXPORT) from exc


def _header(data: bytes, path: Path) -> tuple[list[CID], int]:
    """The roots of the CAR header and the position of the first block."""
    size, pos = _varint(data, 0, path, "the header")
    if size == 0 or size > MAX_HEADER_BYTES or pos + size > len(data):
        raise InputError(path, "byte offset 0", "does not start with a complete CAR header", REEXPORT)
    try:
        header = decode_cbor(data[pos:pos + size])
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InputError(path, f"byte offset {pos:,}", f"has a CAR header that is not DAG-CBOR ({exc})",
                         REEXPORT) from exc
    if not looks_like_header(header):
        raise InputError(path, f"byte offset {pos:,}", "has a header without version 1 and roots", REEXPORT)
    return [r for r in header["roots"] if isinstance(r, CID)], pos + size


def looks_like_header(value: object) -> bool:
    """Whether a decoded value is a CAR v1 header: {version: 1, roots: [...]}."""
    return isinstance(value, dict) and value.get("version") == 1 and isinstance(value.get("roots"), list)


def read_car(path: Path) -> Car:
    """Every block of a CAR file, decoded; a cut or damaged file is an InputError with its byte offset."""
    data = path.read_bytes()
    roots, pos = _header(data, path)
    car = Car(path, roots)
    while pos < len(data):
        offset = pos
        size, pos = _varint(data, pos, path, "a block")
        if size == 0 or pos + size > len(data):
            raise InputError(path, f"byte offset {offset:,}", f"has a block of {size:,} bytes but only "
                                                             f"{len(data) - pos:,} bytes follow (the file is cut "
                                                             "short)", REEXPORT)
        block = data[pos:pos + size]
        pos += size
        cid = _split_cid(block, path, offset)[0]
        if cid in car.blocks:
            car.duplicates += 1
            continue
        car.blocks[cid] = _decode_block(block, path, offset)
    return car


def commit_of(car: Car) -> dict:
    """The root commit: a map with the repository's DID and the CID of its record tree."""
    commit = car.blocks.get(car.roots[0]) if car.roots else None
    if not (isinstance(commit, dict) and isinstance(commit.get("did"), str) and isinstance(commit.get("data"), CID)):
        raise InputError(car.path, "its root block", "is not an atproto repository commit (did, data)", REEXPORT)
    return commit


def tree_entries(car: Car, root: CID) -> list[tuple[str, CID]]:
    """(collection/rkey, record CID) of every record in the tree, in key order."""
    out: list[tuple[str, CID]] = []
    pending: list[CID | tuple[str, CID]] = [root]  # a stack: node CIDs to open, or entries to emit
    seen: set[CID] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            out.append(item)
            continue
        if item in seen:
            raise InputError(car.path, "its record tree", "has a loop (the file is damaged)", REEXPORT)
        seen.add(item)
        pending += reversed(_node_items(car, item))
    return out


def _node_items(car: Car, cid: CID) -> list[CID | tuple[str, CID]]:
    """One tree node in key order: its left subtree, then each entry followed by its right subtree."""
    node = car.blocks.get(cid)
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        what = "is missing from the file" if node is None else "is not a tree node"
        raise InputError(car.path, "its record tree", f"references a node that {what} (incomplete export)",
                         REEXPORT)
    items: list[CID | tuple[str, CID]] = [node["l"]] if isinstance(node.get("l"), CID) else []
    key = b""
    for entry in node["e"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("k"), bytes) and isinstance(entry.get("v"), CID)
                and isinstance(entry.get("p"), int) and 0 <= entry["p"] <= len(key)):
            raise InputError(car.path, "its record tree", "has a malformed entry (the file is damaged)", REEXPORT)
        key = key[:entry["p"]] + entry["k"]
        items.append((key.decode("utf-8", errors="replace"), entry["v"]))
        if isinstance(entry.get("t"), CID):
            items.append(entry["t"])
    return items


def is_car_head(data: bytes) -> bool:
    """Whether bytes start like a CAR v1 file: a varint length, then a DAG-CBOR {version: 1, roots}."""
    size = shift = pos = 0
    while pos < min(len(data), 4):
        byte = data[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    if not 0 < size <= MAX_HEADER_BYTES or pos + size > len(data):
        return False
    try:
        return looks_like_header(decode_cbor(data[pos:pos + size]))
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError):
        return False
