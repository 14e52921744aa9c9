"""The legacy X Analytics reader (Tweet activity CSVs and the monthly log): real counts and edge cases."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import analytics_2024 as x_analytics_2024
from helpers.ingest.x import analytics_legacy as x_analytics_legacy

FIXTURES = Path(__file__).parent / "fixtures" / "x" / "analytics_legacy"
JAN = FIXTURES / "tweet_activity_metrics_blogger_x_20240101_20240201_en.csv"
FEB = FIXTURES / "tweet_activity_metrics_blogger_x_20240201_20240301_en.csv"
LOG = FIXTURES / "twitter_metrics_monthly_blogger_x.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows with the csv module (BOM dropped), independent of the reader."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _balanced(result: ReadResult) -> None:
    """Rows read = kept + rejected per table, and each table fits the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], table
    for table, frame in result.tables.items():
        schemas.validate(table, frame)


def _placeable(row: dict[str, str]) -> bool:
    """Whether a monthly-log row's month is the month before its date."""
    day = dt.date.fromisoformat(row["date"])
    before = (day.replace(day=1) - dt.timedelta(days=1)).strftime("%b")
    return row["month"][:3] == before


@pytest.fixture(scope="module")
def real(realdata: Path) -> tuple[list[Path], ReadResult]:
    """The real rOpenSci files and what the reader makes of them."""
    files = sorted((realdata / "x-analytics-ropensci").glob("*.csv"))
    return files, x_analytics_legacy.read(files, Context())


def test_real_exports_one_post_per_tweet_id(real) -> None:
    """Posts = unique Tweet ids across the monthly files; rows read = every data row."""
    files, result = real
    rows = [r for f in files if f.name.startswith("tweet_activity_metrics_") for r in _rows(f)]
    ids = {r["Tweet id"] for r in rows}
    assert len(rows) == 1668 and len(ids) == 1668
    assert result.count()["posts"] == {"read": len(rows), "kept": len(ids), "rejected": len(rows) - len(ids)}
    posts = result.tables["posts"]
    assert set(posts["post_id"]) == ids
    assert int(posts["url_clicks"].sum()) == sum(int(float(r["url clicks"])) for r in rows)
    assert int(posts["impressions"].sum()) == sum(int(float(r["impressions"])) for r in rows)
    replies = sum(r["Tweet text"].startswith("@") for r in rows)
    assert (posts["kind"] == "reply").sum() == replies == 352
    assert int(posts["has_link"].sum()) == sum("http" in r["Tweet text"] for r in rows)
    _balanced(result)


def test_real_account_from_permalinks(real) -> None:
    """The account is the permalinks' handle; its id is the lower-cased handle."""
    _, result = real
    accounts = result.tables["accounts"]
    assert accounts[["account_id", "handle", "is_focal"]].values.tolist() == [["ropensci", "rOpenSci", True]]
    assert result.tables["posts"]["account_id"].eq("ropensci").all()


def test_real_monthly_log(real, realdata: Path) -> None:
    """The manual log gives one follower_counts row per placeable month; the mis-dated row is rejected."""
    _, result = real
    rows = _rows(realdata / "x-analytics-ropensci" / "twitter_metrics_monthly_rOpenSci.csv")
    good = [r for r in rows if _placeable(r)]
    assert len(rows) == 72 and len(good) == 71
    assert result.count()["follower_counts"] == {"read": 72, "kept": 71, "rejected": 1}
    counts = result.tables["follower_counts"]
    assert counts["followers_count"].notna().sum() == sum(r["followers"] != "NA" for r in good)
    assert counts["followers_count"].max() == 33464
    assert counts["source"].eq("manual monthly log").all()


def test_fixture_exports_bom_crlf_multiline_and_promoted_dashes() -> None:
    """BOM + CRLF, text over several lines, `-` in promoted columns: all read; &amp; undone; t.co links kept."""
    result = x_analytics_legacy.read([JAN], Context())
    posts = result.tables["posts"].set_index("post_id")
    assert len(posts) == len(_rows(JAN)) == 4
    thread = posts.loc["1742000000000000002"]
    assert thread["text"].count("\n") == 3
    assert thread["link_urls"] == ["https://t.co/link0002", "https://t.co/link0003"]
    assert posts.loc["1742000000000000001", "text"].startswith("New post on follower quality & reach")
    assert posts.loc["1742000000000000003", "kind"] == "reply"
    first = posts.loc["1742000000000000001"]
    assert (first["impressions"], first["engagements"], first["url_clicks"], first["new_follows"]) == (1500, 40, 18, 1)
    assert first["created_at"] == pd.Timestamp("2024-01-02 09:15", tz="UTC")
    assert "bookmarks" not in posts.columns  # the legacy export has no bookmarks: the writer adds them as null
    _balanced(result)


def test_fixture_duplicates_across_months_keep_the_later_export() -> None:
    """A tweet in two monthly files is kept once, from the later period; the other copy is rejected."""
    result = x_analytics_legacy.read([JAN, FEB, LOG], Context())
    posts = result.tables["posts"].set_index("post_id")
    assert posts.loc["1742000000000000004", "impressions"] == 340
    reasons = {(Path(r["source_file"]).name, r["location"]): r["reason"] for r in result.rejects}
    assert "already read from " + FEB.name in reasons[(JAN.name, "record 4 (line 8)")]
    assert "column 'impressions'" in reasons[(FEB.name, "record 3 (line 4)")]
    assert "fields" in reasons[(FEB.name, "record 4 (line 5)")]
    assert "month 'Nov'" in reasons[(LOG.name, "record 4 (line 5)")]
    assert result.count() == {"accounts": {"read": 1, "kept": 1, "rejected": 0},
                              "follower_counts": {"read": 4, "kept": 3, "rejected": 1},
                              "posts": {"read": 8, "kept": 5, "rejected": 3}}
    counts = result.tables["follower_counts"].set_index("date")
    assert counts.loc[pd.Timestamp("2024-03-01"), "followers_count"] == 1310
    assert pd.isna(counts.loc[pd.Timestamp("2024-02-01"), "new_follows"])  # NA is unknown, not zero
    _balanced(result)


def test_account_id_option_and_handle_option(tmp_path: Path) -> None:
    """--set account_id=ID gives the numeric id; a file named otherwise needs --set handle for the log."""
    result = x_analytics_legacy.read([JAN], Context(options={"account_id": "900000001"}))
    assert result.tables["posts"]["account_id"].eq("900000001").all()
    log = tmp_path / "followers_log.csv"
    log.write_bytes(LOG.read_bytes())
    with pytest.raises(InputError, match="handle=NAME"):
        x_analytics_legacy.read([log], Context())
    result = x_analytics_legacy.read([log], Context(options={"handle": "blogger_x"}))
    assert result.tables["follower_counts"]["account_id"].eq("blogger_x").all()


def test_detection_by_header_not_name(tmp_path: Path) -> None:
    """Renamed files are still recognised by their header; other CSVs are not."""
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(JAN.read_bytes())
    assert x_analytics_legacy.detect(renamed) and x_analytics_legacy.detect(LOG)
    other = tmp_path / "other.csv"
    other.write_text("date,sessions\n2024-01-01,3\n")
    assert not x_analytics_legacy.detect(other)
    assert not x_analytics_2024.detect(JAN)


def test_empty_and_headerless_files(tmp_path: Path) -> None:
    """An empty file and one without the Tweet activity columns are clear errors."""
    empty = tmp_path / "tweet_activity_metrics_a_20240101_20240201_en.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="is empty"):
        x_analytics_legacy.read([empty], Context())
    cut = tmp_path / "tweet_activity_metrics_a_20240201_20240301_en.csv"
    cut.write_text('"Tweet id","Tweet perma')
    with pytest.raises(InputError, match="lacks the Tweet activity columns"):
        x_analytics_legacy.read([cut], Context())
