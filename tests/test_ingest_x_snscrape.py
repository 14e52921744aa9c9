"""The snscrape JSONL reader: hand-made lines in snscrape 0.7's own JSON shape, and older lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import snscrape_jsonl

st = pytest.importorskip("snscrape.modules.twitter", reason="snscrape is an optional extra (pip install '.[snscrape]')")

FIXTURE = Path(__file__).parent / "fixtures" / "x" / "snscrape" / "user_timeline.snscrape.jsonl"
UTC = dt.UTC


def _balanced(result: ReadResult) -> None:
    """Rows read = kept + rejected per table, and each table fits the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], table
    for table, frame in result.tables.items():
        schemas.validate(table, frame)


def test_fixture_posts_account_and_interaction() -> None:
    """The user line names the studied account; its tweets are posts; another's reply is an interaction."""
    lines = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    result = snscrape_jsonl.read([FIXTURE], Context())
    posts = result.tables["posts"].set_index("post_id")
    assert posts["kind"].to_dict() == {"1630000000000000101": "post", "1630000000000000102": "reply",
                                       "1630000000000000103": "repost", "1630000000000000104": "quote",
                                       "1630000000000000105": "post"}
    first = posts.loc["1630000000000000101"]
    assert (first["likes"], first["impressions"], first["bookmarks"]) == (40, 5200, 7)
    assert first["link_urls"] == ["https://blog.example.org/2023/03/small-networks"]
    assert posts.loc["1630000000000000105", "link_urls"] == ["https://blog.example.org/old"]  # older `outlinks`
    assert result.count()["posts"] == {"read": len(lines) - 2, "kept": 5, "rejected": 2}  # user line, reply line
    (interaction,) = result.tables["interactions"].to_dict("records")
    assert (interaction["kind"], interaction["post_id"], interaction["actor_id"]) == (
        "reply", "1630000000000000101", "3000000002")
    account = result.tables["accounts"].iloc[0]
    assert (account["handle"], account["followers_count"], account["url"], bool(account["is_focal"])) == (
        "blogger_x", 1310, "https://blog.example.org", True)
    _balanced(result)


def _tweet(tid: int, user: st.User, text: str, **kw) -> str:
    """One line as snscrape writes it."""
    return st.Tweet(url=f"https://twitter.com/{user.username}/status/{tid}",
                    date=dt.datetime(2023, 5, 1, 12, tzinfo=UTC), rawContent=text, renderedContent=text, id=tid,
                    user=user, replyCount=0, retweetCount=0, likeCount=1, quoteCount=0, conversationId=tid,
                    lang="en", **kw).json()


def test_search_scrape_of_several_authors(tmp_path: Path) -> None:
    """Without user lines every author is studied (none focal); --set handle picks one and makes the rest
    interactions or rejects."""
    a = st.User(username="alpha", id=11, followersCount=10)
    b = st.User(username="beta", id=22, followersCount=20)
    path = tmp_path / "search.jsonl"
    path.write_text("\n".join([
        _tweet(1700000000000000001, a, "hello from alpha"),
        _tweet(1700000000000000002, b, "@alpha hi", inReplyToTweetId=1700000000000000001, inReplyToUser=a),
        _tweet(1700000000000000003, b, "unrelated"),
    ]) + "\n")
    both = snscrape_jsonl.read([path], Context())
    assert sorted(both.tables["accounts"]["handle"]) == ["alpha", "beta"]
    assert not both.tables["accounts"]["is_focal"].any()
    assert len(both.tables["posts"]) == 3
    one = snscrape_jsonl.read([path], Context(options={"handle": "@alpha"}))
    assert one.tables["posts"]["post_id"].tolist() == ["1700000000000000001"]
    assert one.tables["interactions"]["kind"].tolist() == ["reply"]
    assert [r["location"] for r in one.rejects] == ["line 3"]
    _balanced(one)


def test_user_only_file(tmp_path: Path) -> None:
    """A file of User lines gives accounts only."""
    path = tmp_path / "users.jsonl"
    path.write_text(st.User(username="gamma", id=33, followersCount=5, friendsCount=7, statusesCount=9,
                            created=dt.datetime(2020, 1, 1, tzinfo=UTC)).json() + "\n")
    assert snscrape_jsonl.detect(path)
    result = snscrape_jsonl.read([path], Context())
    account = result.tables["accounts"].iloc[0]
    assert (account["account_id"], account["following_count"], account["created_at"]) == (
        "33", 7, pd.Timestamp("2020-01-01", tz="UTC"))


def test_truncated_and_empty_files(tmp_path: Path) -> None:
    """A line cut short is one clear error with its line number; an empty file is one too."""
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(FIXTURE.read_bytes()[:3000])
    with pytest.raises(InputError) as caught:
        snscrape_jsonl.read([cut], Context())
    assert caught.value.where.startswith("line 2, column")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="is empty"):
        snscrape_jsonl.read([empty], Context())
