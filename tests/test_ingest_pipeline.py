"""The ingest pipeline across inputs: duplicates merged, not lost; private files never opened."""

from __future__ import annotations

import zipfile

import pandas as pd

from helpers.data import dataset
from helpers.ingest.pipeline import ingest


def _archive(folder, likes: str) -> None:
    """A minimal X archive with one tweet."""
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": {"accountId": "42", '
                                     '"username": "me", "createdAt": "2015-01-01T00:00:00.000Z"}}]')
    (data / "tweets.js").write_text(
        'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1001", "full_text": "hello", '
        f'"created_at": "Wed Oct 10 20:19:24 +0000 2018", "favorite_count": "{likes}", "retweet_count": "1", '
        '"entities": {"urls": []}}}]')
    (data / "direct-messages.js").write_text("this is private and not even JSON")


def _analytics(path) -> None:
    """A legacy Tweet activity CSV with the same tweet, carrying impressions."""
    cols = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
            "engagement rate", "retweets", "replies", "likes", "user profile clicks", "url clicks",
            "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs", "follows",
            "email tweet", "dial phone", "media views", "media engagements"]
    row = ["1001", "https://twitter.com/me/status/1001", "hello", "2018-10-10 20:19 +0000", "500", "9",
           "0.018", "1", "0", "3", "2", "4", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    path.write_text(",".join(f'"{c}"' for c in cols) + "\n" + ",".join(f'"{v}"' for v in row) + "\n",
                    encoding="utf-8-sig")


def test_a_post_in_an_archive_and_in_analytics_is_one_row_with_both_sets_of_counts(tmp_path):
    _archive(tmp_path / "archive", likes="3")
    _analytics(tmp_path / "tweet_activity_metrics_me_20181001_20181101_en.csv")
    path, entries = ingest([tmp_path / "archive", tmp_path / "tweet_activity_metrics_me_20181001_20181101_en.csv"],
                           tmp_path / "d", progress=False)
    ds = dataset.load(path)
    post = ds.posts[ds.posts["post_id"] == "1001"]
    assert len(post) == 1
    assert int(post["likes"].iloc[0]) == 3 and int(post["impressions"].iloc[0]) == 500
    assert int(post["url_clicks"].iloc[0]) == 4
    merged = ds.rejects[ds.rejects["reason"].str.contains("merged")]
    assert len(merged) == 1
    for entry in entries:
        for counts in entry["tables"].values():
            assert counts["read"] == counts["kept"] + counts["rejected"]


def test_private_files_of_a_zipped_archive_are_neither_extracted_nor_listed(tmp_path):
    _archive(tmp_path / "archive", likes="3")
    zipped = tmp_path / "archive.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in (tmp_path / "archive").rglob("*"):
            zf.write(f, f.relative_to(tmp_path / "archive"))
    path, entries = ingest([zipped], tmp_path / "d", progress=False)
    listed = [f["path"] for e in entries for f in e["files"]]
    assert listed and not any("direct-messages" in p for p in listed)
    assert "direct-messages" not in (path / "manifest.json").read_text()
    assert all(str(zipped) in p for p in listed), "files are named inside the zip the user gave"
    assert len(pd.read_parquet(path / "posts.parquet")) == 1
