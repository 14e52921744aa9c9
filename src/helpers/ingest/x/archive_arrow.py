"""X's own layout of a tweets file read fast: pyarrow's multi-threaded JSON reader with an explicit schema of the
few fields posts use (the rest is skipped unparsed), then columns converted with Arrow compute functions.

X pretty-prints each file as `window.YTD.tweets.part0 = [` then one two-space-indented `{"tweet": {...}}` object
per tweet; archives from before 2020 print `[ {` then bare tweet objects at column 0, separated by `}, {`. Rows
whose values are not plainly valid here (blank or odd counts, ids, dates) are left to the row-by-row conversion
of _x_archive_tweets, so both paths give the same posts; a file in any other layout is left to it entirely.

The file is read in pieces of whole tweets (tweets_of_file), so that only one piece of the raw file is held at a
time besides the parsed columns: a tweets.js of 300 MB is read in well under twice its size.
"""

from __future__ import annotations

import html
from functools import reduce
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from helpers.ingest.common.sources import HEAD_BYTES, sniff_encoding
from helpers.ingest.x import archive_files as files
from helpers.ingest.x import values as xv

SCALARS = ["id_str", "id", "full_text", "text", "created_at", "favorite_count", "retweet_count",
           "in_reply_to_status_id_str", "in_reply_to_status_id", "quoted_status_id_str", "quoted_status_id", "lang"]
_URL = pa.struct([("expanded_url", pa.string())])
_TWEET = pa.struct([(name, pa.string()) for name in SCALARS] + [
    ("entities", pa.struct([("urls", pa.list_(_URL))])),
    ("quoted_status_permalink", pa.struct([("expanded", pa.string())])),
])
SCHEMA = pa.schema([("tweet", _TWEET)])
BARE_SCHEMA = pa.schema([_TWEET.field(i) for i in range(_TWEET.num_fields)])
# Between two top-level objects (raw newlines never occur inside JSON strings, and nested objects are indented
# deeper): X's layout since 2020, and the older one.
SEPARATOR = b"\n  },\n  {"
OLD_SEPARATOR = b"\n}, {"
PIECE_BYTES = 4 * 2**20  # raw bytes parsed at a time: big enough for pyarrow's threads, small next to the file
ID_DIGITS = r"^[0-9]+$"  # plain ids; anything else takes the row-by-row path
COUNT_DIGITS = r"^[0-9]{1,18}$"  # plain counts that fit int64


def _utf8(data: bytes) -> bytes | None:
    """The file as UTF-8 bytes without BOM, or None when it is not text pyarrow can take as is."""
    encoding = sniff_encoding(data[:HEAD_BYTES])
    if encoding in ("utf-8", "utf-8-sig"):
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if encoding.startswith("utf-16"):
        try:
            return data.decode(encoding).lstrip("\ufeff").encode("utf-8")
        except UnicodeError:
            return None
    return None


class Layout(NamedTuple):
    """How a tweets file prints its array: the separator between top-level objects, and whether each object is
    a tweet wrapped as {"tweet": {...}} or the bare tweet."""

    separator: bytes
    wrapped: bool

    @property
    def close(self) -> int:
        """How many bytes of the separator end the object before it (up to its comma)."""
        return self.separator.index(b",")


class Tweets(NamedTuple):
    """The tweet objects of a file as one Arrow struct array, and whether the file wraps them in {"tweet": ...}."""

    array: pa.StructArray
    wrapped: bool


def layout(content: bytes) -> Layout | None:
    """The layout of an array from the bytes just after its `[`, or None for one neither of X's layouts."""
    if content.startswith(b"\n  {"):
        separator = SEPARATOR
    elif content.startswith(b" {"):
        separator = OLD_SEPARATOR
    else:
        return None  # an empty list, or another program's layout: the JSON path decides
    first_key = content[content.index(b"{") + 1:].lstrip()
    return Layout(separator, first_key.startswith(b'"tweet"'))


def _parse(piece: bytes, shape: Layout) -> pa.Table | None:
    """The tweet objects of a run of whole top-level objects, or None when pyarrow refuses them."""
    if not shape.wrapped and b'"tweet"' in piece:
        return None  # a wrapped row among bare ones: only the JSON path tells them apart exactly
    # Blank the comma between top-level objects (same length, so the copy is made in one pass). A separator
    # that was not top-level would leave invalid JSON behind, which pyarrow refuses: the JSON path then decides.
    objects = piece.replace(shape.separator, shape.separator.replace(b",", b" "))
    options = pj.ParseOptions(explicit_schema=SCHEMA if shape.wrapped else BARE_SCHEMA,
                              unexpected_field_behavior="ignore", newlines_in_values=True)
    try:
        return pj.read_json(pa.BufferReader(objects), parse_options=options)
    except (pa.ArrowException, ValueError):
        return None


def _column(tables: list[pa.Table], shape: Layout) -> Tweets | None:
    """The tweets of the parsed pieces as one array, or None when a row is not a wrapped tweet object."""
    if sum(t.num_rows for t in tables) == 0:
        return None
    table = pa.concat_tables(tables)
    if not shape.wrapped:
        fields = list(BARE_SCHEMA)
        return Tweets(pa.StructArray.from_arrays([table.column(f.name).combine_chunks() for f in fields],
                                                 fields=fields), False)
    if table.column("tweet").null_count:
        return None  # unwrapped rows among wrapped ones: the JSON path handles (and rejects) them one by one
    return Tweets(table.column("tweet").combine_chunks(), True)


def tweets(data: bytes) -> Tweets | None:
    """The tweet objects of a file in one of X's layouts as one Arrow struct array, or None for any other file."""
    body = _utf8(data)
    if body is None:
        return None
    match = files.WRAPPER_BYTES.match(body)
    after_wrapper = match.end() if match else 0
    start, end = body.find(b"[", after_wrapper), body.rfind(b"]")
    if start < 0 or end < start or body[after_wrapper:start].strip() or body[end + 1:].strip().rstrip(b";").strip():
        return None
    inner = body[start + 1:end]  # the one copy of the array's content
    if not inner or inner.isspace():
        return None  # an empty list: the JSON path says so just as well
    if b"\r" in inner:
        inner = inner.replace(b"\r\n", b"\n")
    shape = layout(inner)
    table = None if shape is None else _parse(inner, shape)
    return None if table is None else _column([table], shape)


def _block(fh, size: int, data: bytes | None = None) -> bytes:
    """The next bytes of a UTF-8 file (or data just read from it) with CRLF as LF; never ends inside a CR LF
    pair, so pieces join cleanly."""
    data = fh.read(size) if data is None else data
    while data.endswith(b"\r"):
        extra = fh.read(1)
        if not extra:
            break
        data += extra
    return data.replace(b"\r\n", b"\n") if b"\r" in data else data


def _opening(head: bytes) -> tuple[bytes, Layout] | None:
    """What follows the array's `[` in the first bytes of a file, and its layout; None for any other file."""
    match = files.WRAPPER_BYTES.match(head)
    after_wrapper = match.end() if match else 0
    start = head.find(b"[", after_wrapper)
    if start < 0 or head[after_wrapper:start].strip():
        return None
    pending = head[start + 1:]
    shape = layout(pending)
    return None if shape is None else (pending, shape)


def _pieces(fh, pending: bytes, shape: Layout, piece_bytes: int) -> tuple[list[pa.Table], bytes] | None:
    """The rest of the file parsed in pieces of whole tweets, and the bytes left after them; None on a bad piece."""
    tables = []
    while more := _block(fh, piece_bytes):
        pending += more
        cut = pending.rfind(shape.separator)
        if cut < 0:
            continue  # no object ends in this piece yet
        table = _parse(pending[:cut + shape.close], shape)
        if table is None:
            return None
        tables.append(table)
        pending = pending[cut + shape.close + 1:]
    return tables, pending


def _tail(pending: bytes, shape: Layout) -> list[pa.Table] | None:
    """The last tweets' table, up to the array's `]` (none if empty); None for a bad piece or an odd ending."""
    end = pending.rfind(b"]")
    if end < 0 or pending[end + 1:].strip().rstrip(b";").strip():
        return None
    last = pending[:end]
    if not last or last.isspace():
        return []
    table = _parse(last, shape)
    return None if table is None else [table]


def tweets_of_file(path: Path, piece_bytes: int = PIECE_BYTES) -> Tweets | None:
    """tweets() of a file, read in pieces of whole tweets rather than whole: the same array, far less memory."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        encoding = sniff_encoding(head)
        if encoding.startswith("utf-16"):
            return tweets(head + fh.read())  # X writes UTF-8; a re-encoded copy is converted whole
        if encoding not in ("utf-8", "utf-8-sig"):
            return None
        opening = _opening(_block(fh, 0, head.removeprefix(b"\xef\xbb\xbf")))
        if opening is None:
            return None
        pending, shape = opening
        read = _pieces(fh, pending, shape, piece_bytes)
    if read is None:
        return None
    tables, pending = read
    last = _tail(pending, shape)
    return None if last is None else _column(tables + last, shape)


def _blank_null(values: pa.Array) -> pa.Array:
    """Empty strings as nulls, as the row-by-row path treats them."""
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)


def _plain(values: pa.Array, pattern: str, nullable: bool = True) -> pa.Array:
    """True where a string matches the pattern (or is null, if allowed): values both paths read the same way."""
    matches = pc.fill_null(pc.match_substring_regex(values, pattern), False)
    return pc.or_(pc.is_null(values), matches) if nullable else matches


def _link_lists(urls: pa.ListArray) -> list[list[str]]:
    """entities.urls[].expanded_url per row as Python lists, blanks dropped."""
    lengths = pc.fill_null(pc.list_value_length(urls), 0).to_numpy(zero_copy_only=False).tolist()
    values = iter(pc.struct_field(pc.list_flatten(urls), "expanded_url").to_pylist())
    return [[u for u in islice(values, k) if u] if k else [] for k in lengths]


def posts(tweets: pa.StructArray) -> tuple[pd.DataFrame, np.ndarray]:
    """Posts of the plainly valid rows (indexed by position) and the positions left for the row-by-row path."""
    field = tweets.field
    pid = pc.coalesce(field("id_str"), field("id"))
    reply_to = pc.coalesce(field("in_reply_to_status_id_str"), field("in_reply_to_status_id"))
    quoted = pc.coalesce(field("quoted_status_id_str"), field("quoted_status_id"))
    body = pc.coalesce(field("full_text"), field("text"))
    created = pc.strptime(field("created_at"), format=xv.ARCHIVE_TIME, unit="s", error_is_null=True)
    checks = [pc.is_valid(created), _plain(pid, ID_DIGITS, nullable=False), _plain(reply_to, ID_DIGITS),
              _plain(quoted, ID_DIGITS), _plain(field("favorite_count"), COUNT_DIGITS),
              _plain(field("retweet_count"), COUNT_DIGITS),
              pc.or_(pc.is_null(body), pc.fill_null(pc.greater(pc.binary_length(body), 0), False))]
    plain = reduce(pc.and_, checks).to_numpy(zero_copy_only=False)
    keep, rest = np.flatnonzero(plain), np.flatnonzero(~plain)
    kept = pa.array(keep, type=pa.int64())

    def pick(values: pa.Array) -> pa.Array:
        """The kept rows of a column (all of them, without a copy, in the usual case)."""
        return values if not len(rest) else pc.take(values, kept)

    body = pick(body)
    text = body.to_pandas()
    repost = pc.fill_null(pc.starts_with(body, "RT @"), False).to_numpy(zero_copy_only=False)
    escaped = np.flatnonzero(pc.fill_null(pc.match_substring(body, "&"), False).to_numpy(zero_copy_only=False))
    if len(escaped):
        text.iloc[escaped] = text.iloc[escaped].map(html.unescape)
        repost[escaped] = text.iloc[escaped].str.startswith("RT @").to_numpy()
    has_reply = pc.is_valid(pick(reply_to)).to_numpy(zero_copy_only=False)
    has_quote = pc.or_(pc.is_valid(pick(quoted)),
                       pc.is_valid(pick(field("quoted_status_permalink")))).to_numpy(zero_copy_only=False)
    int64 = {pa.int64(): pd.Int64Dtype()}.get
    frame = pd.DataFrame({
        "post_id": pick(pid).to_pandas(),
        "text": text,
        "created_at": pc.cast(pick(created), pa.timestamp("ns", "UTC")).to_pandas(),
        "kind": np.select([repost, has_reply, has_quote], ["repost", "reply", "quote"], "post"),
        "lang": pick(_blank_null(field("lang"))).to_pandas(),
        "link_urls": _link_lists(pick(field("entities").field("urls"))),
        "likes": pc.cast(pick(field("favorite_count")), pa.int64()).to_pandas(types_mapper=int64),
        "reposts": pc.cast(pick(field("retweet_count")), pa.int64()).to_pandas(types_mapper=int64),
    })
    frame.index = keep
    return frame, rest
