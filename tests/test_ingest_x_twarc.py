"""The twarc reader: twarc2 JSONL pages (real and hand-made), follow lists, and twarc-csv files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import snscrape_jsonl, twarc

FIXTURES = Path(__file__).parent / "fixtures" / "x" / "twarc"
TIMELINE = FIXTURES / "timeline.twarc2.jsonl"
FOLLOWERS = FIXTURES / "followers.twarc2.jsonl"
CSV = FIXTURES / "timeline.twarc.csv"
FOCAL = "3000000001"


def _balanced(result: ReadResult) -> None:
    """Rows read = kept + rejected per table, and each table fits the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], table
    for table, frame in result.tables.items():
        schemas.validate(table, frame)


def _pages(path: Path) -> list[dict]:
    """The pages of a twarc2 JSONL file, with the json module."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _expected_interactions(pages: list[dict], focal: str) -> dict[str, int]:
    """Interactions by kind, worked out here from the raw pages: others' tweets (data or includes) that repost,
    reply to or quote the focal account's tweets, or else mention it."""
    tweets = {}
    for page in pages:
        for tweet in page.get("data", []) + page.get("includes", {}).get("tweets", []):
            tweets.setdefault(tweet["id"], tweet)
    author = {i: t["author_id"] for i, t in tweets.items()}
    kinds: dict[str, int] = {}
    for tweet in tweets.values():
        if tweet["author_id"] == focal:
            continue
        refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
        mentioned = {m.get("id") for m in tweet.get("entities", {}).get("mentions", [])}
        if author.get(refs.get("retweeted")) == focal:
            kind = "repost"
        elif "replied_to" in refs and (tweet.get("in_reply_to_user_id") or author.get(refs["replied_to"])) == focal:
            kind = "reply"
        elif author.get(refs.get("quoted")) == focal:
            kind = "quote"
        elif focal in mentioned:
            kind = "mention"
        else:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


@pytest.fixture(scope="module")
def real(realdata: Path) -> tuple[Path, ReadResult]:
    """The real twarc2 files and what the reader makes of them."""
    folder = realdata / "twarc2-jsonl"
    files = sorted(folder.glob("*.json*"))
    return folder, twarc.read(files, Context())


def test_real_timeline_posts(real) -> None:
    """Every tweet in the pages' data is a post of the timeline's owner; kinds follow referenced_tweets."""
    folder, result = real
    pages = _pages(folder / "tweets.colbyeagan.twarc2-timeline.jsonl")
    data = [t for p in pages for t in p["data"]]
    owner = pages[0]["__twarc"]["url"].split("/users/")[1].split("/")[0]
    assert len(data) == 1153 and {t["author_id"] for t in data} == {owner}
    kinds = {}
    for t in data:
        types = {r["type"] for r in t.get("referenced_tweets", [])}
        kind = "repost" if "retweeted" in types else "reply" if "replied_to" in types else \
            "quote" if "quoted" in types else "post"
        kinds[kind] = kinds.get(kind, 0) + 1
    posts = result.tables["posts"]
    assert result.count()["posts"] == {"read": 1153, "kept": 1153, "rejected": 0}
    assert posts["kind"].value_counts().to_dict() == kinds
    assert int(posts["likes"].sum()) == sum(t["public_metrics"]["like_count"] for t in data)
    assert posts["impressions"].isna().all()  # this 2022 collection has no impression_count
    _balanced(result)


def test_real_focal_account_and_following(real) -> None:
    """The owner's profile comes from includes.users; user.json is its following list (per its __twarc url)."""
    folder, result = real
    pages = _pages(folder / "tweets.colbyeagan.twarc2-timeline.jsonl")
    owner = pages[0]["__twarc"]["url"].split("/users/")[1].split("/")[0]
    profile = next(u for p in pages for u in p["includes"]["users"] if u["id"] == owner)
    accounts = result.tables["accounts"]
    assert accounts[["account_id", "handle", "followers_count", "is_focal"]].values.tolist() == [
        [owner, profile["username"], profile["public_metrics"]["followers_count"], True]]
    users = json.loads((folder / "user.colbyeagan.twarc2-users.json").read_text())
    assert "/following" in users["__twarc"]["url"]
    following = result.tables["following"]
    assert len(following) == len({u["id"] for u in users["data"]}) == 170
    assert following["account_id"].eq(owner).all()
    assert set(following["handle"]) == {u["username"] for u in users["data"]}


def test_real_interactions(real) -> None:
    """Others' replies, quotes and mentions seen in the pages are interactions with the owner's account."""
    folder, result = real
    pages = _pages(folder / "tweets.colbyeagan.twarc2-timeline.jsonl")
    owner = pages[0]["__twarc"]["url"].split("/users/")[1].split("/")[0]
    expected = _expected_interactions(pages, owner)
    interactions = result.tables["interactions"]
    assert interactions["kind"].value_counts().to_dict() == expected
    assert sum(expected.values()) == 518
    assert interactions["account_id"].eq(owner).all() and interactions["actor_id"].ne(owner).all()


def test_fixture_timeline_and_followers() -> None:
    """Hand-made pages: kinds, media links skipped, repeated and id-less tweets rejected, followers profiled."""
    result = twarc.read([TIMELINE, FOLLOWERS], Context())
    posts = result.tables["posts"].set_index("post_id")
    assert posts["kind"].to_dict() == {"1600000000000000101": "post", "1600000000000000102": "reply",
                                       "1600000000000000103": "repost", "1600000000000000104": "quote"}
    assert posts.loc["1600000000000000101", "link_urls"] == ["https://blog.example.org/2022/12/small-networks"]
    assert posts.loc["1600000000000000101", "impressions"] == 5200
    assert result.count()["posts"] == {"read": 6, "kept": 4, "rejected": 2}
    interactions = result.tables["interactions"].set_index("actor_id")
    assert interactions.loc["3000000002", ["kind", "post_id"]].tolist() == ["reply", "1600000000000000101"]
    assert interactions.loc["3000000003", "kind"] == "mention"
    followers = result.tables["followers"].set_index("follower_id")
    assert followers.loc["3000000002", ["handle", "location", "followers_count"]].tolist() == [
        "reader_one", "Porto", 80]
    assert result.count()["followers"] == {"read": 4, "kept": 3, "rejected": 1}
    account = result.tables["accounts"].iloc[0]
    assert (account["account_id"], account["url"], account["observed_at"]) == (
        FOCAL, "https://blog.example.org", pd.Timestamp("2022-12-10 18:00:02", tz="UTC"))
    _balanced(result)


def test_fixture_twarc_csv() -> None:
    """twarc-csv columns: referenced tweet ids, public_metrics.*, entities as JSON lists, author.* profile."""
    assert twarc.detect(CSV)
    result = twarc.read([CSV], Context())
    posts = result.tables["posts"].set_index("post_id")
    assert posts["kind"].to_dict() == {"1600000000000000301": "post", "1600000000000000302": "reply",
                                       "1600000000000000303": "repost"}
    assert posts.loc["1600000000000000301", "link_urls"] == ["https://blog.example.org/2023/01/networks"]
    (interaction,) = result.tables["interactions"].to_dict("records")
    assert (interaction["kind"], interaction["post_id"], interaction["actor_id"]) == (
        "quote", "1600000000000000301", "3000000003")
    assert result.tables["accounts"]["followers_count"].tolist() == [1310]
    assert "not a string of digits" in result.rejects[0]["reason"]
    _balanced(result)


def test_handle_option_chooses_the_studied_account() -> None:
    """With --set handle=NAME only that account's tweets are posts; an unknown handle is a clear error."""
    result = twarc.read([TIMELINE], Context(options={"handle": "reader_two"}))
    assert result.tables["accounts"]["account_id"].tolist() == ["3000000003"]
    assert result.tables["posts"].empty  # reader_two's own tweets are only context in blogger_x's timeline
    interactions = result.tables["interactions"]
    assert sorted(interactions["kind"]) == ["quote", "repost"] and interactions["actor_id"].eq(FOCAL).all()
    assert result.count()["accounts"] == {"read": 2, "kept": 1, "rejected": 1}  # the timeline's owner, not chosen
    with pytest.raises(InputError, match="handle=NAME"):
        twarc.read([TIMELINE], Context(options={"handle": "nobody_here"}))


def test_truncated_line_is_one_clear_error(tmp_path: Path) -> None:
    """A JSONL file cut inside a line names the file, the line and the column."""
    path = tmp_path / "cut.jsonl"
    data = TIMELINE.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(InputError) as caught:
        twarc.read([path], Context())
    assert caught.value.where.startswith("line 2, column")


def test_detection_keeps_twarc_and_snscrape_apart() -> None:
    """twarc files are not snscrape files and the other way round."""
    sns = Path(__file__).parent / "fixtures" / "x" / "snscrape" / "user_timeline.snscrape.jsonl"
    assert twarc.detect(TIMELINE) and twarc.detect(FOLLOWERS) and not twarc.detect(sns)
    assert snscrape_jsonl.detect(sns) and not snscrape_jsonl.detect(TIMELINE)
