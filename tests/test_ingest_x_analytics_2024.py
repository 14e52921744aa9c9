"""The 2024+ X Analytics reader: content and overview exports (hand-made, no real files exist)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import analytics_2024 as x_analytics_2024
from helpers.ingest.x import analytics_legacy as x_analytics_legacy

FIXTURES = Path(__file__).parent / "fixtures" / "x" / "analytics_2024"
CONTENT = FIXTURES / "account_analytics_content_2025-02-15_2025-02-21.csv"
OVERVIEW = FIXTURES / "account_overview_analytics.csv"


def _balanced(result: ReadResult) -> None:
    """Rows read = kept + rejected per table, and each table fits the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], table
    for table, frame in result.tables.items():
        schemas.validate(table, frame)


def test_detects_both_exports_by_header() -> None:
    """Both files are recognised from their header, and not by the legacy reader."""
    assert x_analytics_2024.detect(CONTENT) and x_analytics_2024.detect(OVERVIEW)
    assert not x_analytics_legacy.detect(CONTENT) and not x_analytics_legacy.detect(OVERVIEW)


def test_content_posts() -> None:
    """Posts carry the export's counts; their time comes from the post id and agrees with Date."""
    result = x_analytics_2024.read([CONTENT], Context())
    with open(CONTENT, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    posts = result.tables["posts"].set_index("post_id")
    assert result.count()["posts"] == {"read": len(rows), "kept": 3, "rejected": 2}
    first = posts.loc["1891495314846646272"]
    assert first["created_at"] == pd.Timestamp("2025-02-17 14:30", tz="UTC")
    assert (first["impressions"], first["likes"], first["bookmarks"], first["reposts"], first["url_clicks"],
            first["profile_clicks"], first["new_follows"]) == (4210, 57, 9, 11, 38, 21, 4)
    assert posts.loc["1891760856232886272", "kind"] == "reply"
    assert posts.loc["1892661750789046272", "text"] == "Notes from a meetup,\nwith slides: https://t.co/x2025a02"
    assert posts.loc["1892661750789046272", "link_urls"] == ["https://t.co/x2025a02"]
    reasons = [r["reason"] for r in result.rejects]
    assert any("already read" in r for r in reasons) and any("differ by more than a day" in r for r in reasons)
    assert result.tables["accounts"][["account_id", "handle"]].values.tolist() == [["blogger_x", "blogger_x"]]
    _balanced(result)


def test_overview_follower_counts() -> None:
    """The overview gives new follows and unfollows per day; the follower total stays unknown."""
    result = x_analytics_2024.read([CONTENT, OVERVIEW], Context())
    counts = result.tables["follower_counts"].set_index("date")
    assert counts.loc[pd.Timestamp("2025-02-17"), ["new_follows", "unfollows"]].tolist() == [9, 3]
    assert counts["followers_count"].isna().all()
    assert counts["account_id"].eq("blogger_x").all()
    assert result.count()["follower_counts"] == {"read": 6, "kept": 4, "rejected": 2}
    _balanced(result)


def test_overview_alone_needs_the_handle() -> None:
    """The overview does not name the account: alone it needs --set handle=NAME."""
    with pytest.raises(InputError, match="handle=NAME"):
        x_analytics_2024.read([OVERVIEW], Context())
    result = x_analytics_2024.read([OVERVIEW], Context(options={"handle": "blogger_x", "account_id": "42"}))
    assert result.tables["follower_counts"]["account_id"].eq("42").all()
    assert result.tables["accounts"]["account_id"].tolist() == ["42"]


def test_bom_crlf_and_utf16_copies_read_the_same(tmp_path: Path) -> None:
    """Re-encoded copies (BOM + CRLF, UTF-16) give the same posts."""
    original = x_analytics_2024.read([CONTENT], Context()).tables["posts"]
    text = CONTENT.read_text(encoding="utf-8")
    for name, data in [("bom_crlf.csv", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
                       ("utf16.csv", text.encode("utf-16"))]:
        path = tmp_path / name
        path.write_bytes(data)
        assert x_analytics_2024.detect(path)
        again = x_analytics_2024.read([path], Context()).tables["posts"]
        pd.testing.assert_frame_equal(again.drop(columns="text"), original.drop(columns="text"))
        assert again["text"].str.replace("\r\n", "\n").tolist() == original["text"].tolist()
