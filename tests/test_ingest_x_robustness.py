"""Property tests: the X-side readers, fed truncated, shuffled and re-encoded inputs, never fail with a traceback.

Each either raises one clear InputError (one line) or returns tables that fit the data model with every row
accounted for (read = kept + rejected). Shuffling rows and re-encoding (UTF-8 BOM, UTF-16, CRLF) keep the posts.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import (
    analytics_2024 as x_analytics_2024,
)
from helpers.ingest.x import (
    analytics_legacy as x_analytics_legacy,
)
from helpers.ingest.x import (
    archive as x_archive,
)
from helpers.ingest.x import (
    snscrape_jsonl,
    twarc,
)

FIXTURES = Path(__file__).parent / "fixtures" / "x"
CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
ENCODINGS = ["utf-8-sig", "utf-16", "utf-16-le-bom", "utf-8"]

# name -> (reader, the files it reads: (relative path in a copy of the fixture folder), row kind)
CASES: dict[str, tuple[Callable, str, list[str], str]] = {
    "x_archive": (x_archive.read, "archive_min", ["data/tweets.js"], "ytd"),
    "x_analytics_legacy": (x_analytics_legacy.read, "analytics_legacy",
                           ["tweet_activity_metrics_blogger_x_20240101_20240201_en.csv",
                            "tweet_activity_metrics_blogger_x_20240201_20240301_en.csv",
                            "twitter_metrics_monthly_blogger_x.csv"], "csv"),
    "x_analytics_2024": (x_analytics_2024.read, "analytics_2024",
                         ["account_analytics_content_2025-02-15_2025-02-21.csv", "account_overview_analytics.csv"],
                         "csv"),
    "twarc_jsonl": (twarc.read, "twarc", ["timeline.twarc2.jsonl", "followers.twarc2.jsonl"], "jsonl"),
    "twarc_csv": (twarc.read, "twarc", ["timeline.twarc.csv"], "csv"),
    "snscrape": (snscrape_jsonl.read, "snscrape", ["user_timeline.snscrape.jsonl"], "jsonl"),
}


def _outcome(name: str, folder: Path, validate: bool = False) -> ReadResult | None:
    """Read a (mutated) copy; None when it raised a clear InputError. Anything else fails the test."""
    reader, _, files, _ = CASES[name]
    paths = [folder] if name == "x_archive" else [folder / f for f in files]
    try:
        result = reader(paths, Context())
    except InputError as exc:
        assert str(exc).strip() and "\n" not in str(exc), str(exc)
        return None
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], (name, table, counts)
    for table, frame in result.tables.items() if validate else ():
        schemas.validate(table, frame)
    return result


def _post_ids(result: ReadResult | None) -> set[str]:
    """The kept post ids."""
    assert result is not None
    frame = result.tables.get("posts")
    return set() if frame is None else set(frame["post_id"])


def _copy(name: str, tmp: str) -> Path:
    """A writable copy of a case's fixture folder."""
    return Path(shutil.copytree(FIXTURES / CASES[name][1], Path(tmp) / "in"))


def _shuffled(text: str, kind: str, order: list[int]) -> str:
    """The same records in another order (a permutation of the first len(order) records)."""
    if kind == "ytd":
        start = text.index("=") + 1
        rows = json.loads(text[start:])
        rows = [rows[i] for i in order if i < len(rows)] + rows[len(order):]
        return text[:start] + " " + json.dumps(rows, indent=2, separators=(",", " : "), ensure_ascii=False)
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        head, body = rows[0], rows[1:]
        body = [body[i] for i in order if i < len(body)] + body[len(order):]
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([head] + body)
        return out.getvalue()
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join([lines[i] for i in order if i < len(lines)] + lines[len(order):]) + "\n"


def _encode(text: str, encoding: str, crlf: bool) -> bytes:
    """Text re-encoded as a user's tools might save it."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    text = text.replace("\n", "\r\n") if crlf else text
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None, suppress_health_check=CHECKS)
@given(which=st.integers(0, 10), cut=st.floats(0, 1))
def test_truncated_input_is_a_clear_error_or_accounted_for(name: str, which: int, cut: float) -> None:
    """A file cut at any byte gives one InputError or balanced tables that fit the data model."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _copy(name, tmp)
        files = CASES[name][2] if name != "x_archive" else ["data/tweets.js", "data/follower.js",
                                                            "data/account.js", "data/manifest.js"]
        path = folder / files[which % len(files)]
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * cut)])
        _outcome(name, folder, validate=True)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=10, deadline=None, suppress_health_check=CHECKS)
@given(order=st.permutations(range(8)))
def test_shuffled_rows_keep_the_same_posts(name: str, order: list[int]) -> None:
    """Records in another order give the same kept posts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _copy(name, tmp)
        before = _post_ids(_outcome(name, folder))
        for relative in CASES[name][2]:
            path = folder / relative
            path.write_text(_shuffled(path.read_text(encoding="utf-8-sig"), CASES[name][3], list(order)),
                            encoding="utf-8")
        assert _post_ids(_outcome(name, folder)) == before


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=8, deadline=None, suppress_health_check=CHECKS)
@given(encoding=st.sampled_from(ENCODINGS), crlf=st.booleans())
def test_reencoded_input_reads_the_same(name: str, encoding: str, crlf: bool) -> None:
    """UTF-8 with BOM, UTF-16 and CRLF line ends give the same posts and counts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _copy(name, tmp)
        before = _outcome(name, folder)
        for relative in CASES[name][2]:
            path = folder / relative
            path.write_bytes(_encode(path.read_text(encoding="utf-8-sig"), encoding, crlf))
        after = _outcome(name, folder, validate=True)
        assert _post_ids(after) == _post_ids(before)
        assert {t: (c["read"], c["kept"]) for t, c in after.count().items()} == \
            {t: (c["read"], c["kept"]) for t, c in before.count().items()}
