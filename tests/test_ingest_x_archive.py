"""The X archive reader: real archive counts, hand-made edge cases, damage, and the privacy allow-list."""

from __future__ import annotations

import builtins
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import archive as x_archive
from helpers.ingest.x import archive_tweets as tweets

FIXTURES = Path(__file__).parent / "fixtures" / "x"
ALLOWED = {"manifest.js", "account.js", "profile.js", "follower.js", "following.js", "tweets.js", "tweet.js",
           "tweets-part1.js", "tweet-part1.js"}
PRIVATE = {"direct-messages.js", "ip-audit.js", "email-address-change.js"}


def _ytd(path: Path) -> list | dict:
    """A YTD file's JSON, read here without the reader: strip `window.X = ` and json.loads the rest."""
    text = path.read_text(encoding="utf-8-sig")
    return json.loads(text[text.index("=") + 1:])


def _read(root: Path) -> ReadResult:
    """Read an archive folder."""
    return x_archive.read([root], Context())


def _balanced(result: ReadResult) -> None:
    """Rows read = kept + rejected for every table, and every table fits the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], table
    for table, frame in result.tables.items():
        schemas.validate(table, frame)


@pytest.fixture(scope="module")
def real(realdata: Path) -> tuple[Path, ReadResult]:
    """The real archive and what the reader makes of it."""
    root = realdata / "twitter-archive-andreruffert"
    return root, _read(root)


def test_real_archive_posts_match_tweets_js(real) -> None:
    """Every tweet of tweets.js is a post; kinds and like counts match the raw JSON."""
    root, result = real
    raw = [row["tweet"] for row in _ytd(root / "data" / "tweets.js")]
    posts = result.tables["posts"]
    assert len(posts) == len(raw) == 1986
    assert result.count()["posts"] == {"read": 1986, "kept": 1986, "rejected": 0}
    reposts = sum(t["full_text"].startswith("RT @") for t in raw)
    replies = sum(bool(t.get("in_reply_to_status_id")) and not t["full_text"].startswith("RT @") for t in raw)
    assert (reposts, replies) == (643, 485)
    assert posts["kind"].value_counts().to_dict() == {"post": len(raw) - reposts - replies, "repost": reposts,
                                                      "reply": replies}
    assert int(posts["likes"].sum()) == sum(int(t["favorite_count"]) for t in raw) == 1572
    assert int(posts["reposts"].sum()) == sum(int(t["retweet_count"]) for t in raw) == 687
    linked = sum(bool(t["entities"]["urls"]) for t in raw)
    assert int(posts["has_link"].sum()) == linked
    first = min(pd.to_datetime(t["created_at"], format="%a %b %d %H:%M:%S %z %Y") for t in raw)
    assert posts["created_at"].min() == first and first.date().isoformat() == "2010-10-25"
    assert str(posts["created_at"].dt.tz) == "UTC"
    _balanced(result)


def test_real_archive_account_and_network(real) -> None:
    """The focal account comes from account.js; followers, following and followed_back from their files."""
    root, result = real
    account = _ytd(root / "data" / "account.js")[0]["account"]
    followers = [r["follower"]["accountId"] for r in _ytd(root / "data" / "follower.js")]
    following = [r["following"]["accountId"] for r in _ytd(root / "data" / "following.js")]
    accounts = result.tables["accounts"]
    assert accounts[["account_id", "handle", "is_focal"]].values.tolist() == [[account["accountId"],
                                                                             account["username"], True]]
    assert "followers_count" not in accounts.columns  # the archive does not give it: the writer adds it as null
    table = result.tables["followers"]
    assert len(table) == len(set(followers)) == 420
    assert len(result.tables["following"]) == len(set(following)) == 295
    assert int(table["followed_back"].sum()) == len(set(followers) & set(following))
    assert (table["sample_weight"] == 1.0).all() and table["account_id"].eq(account["accountId"]).all()
    generated = _ytd(root / "data" / "manifest.js")["archiveInfo"]["generationDate"]
    counts = result.tables["follower_counts"]
    assert counts[["date", "followers_count"]].values.tolist() == [[pd.Timestamp(generated[:10]), 420]]


def test_real_archive_fast_and_json_paths_agree(realdata: Path) -> None:
    """pyarrow's path and json.loads' path give the same posts for the real tweets.js."""
    path = realdata / "twitter-archive-andreruffert" / "data" / "tweets.js"
    when = pd.Timestamp("2024-01-01", tz="UTC")
    fast = tweets.finish([tweets.read_file(path, "t", ReadResult(), fast=True)], "1", when)
    slow = tweets.finish([tweets.read_file(path, "t", ReadResult(), fast=False)], "1", when)
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("name", ["archive_min", "archive_parts", "archive_old"])
def test_fixture_fast_and_json_paths_agree(name: str) -> None:
    """Both paths give the same posts and the same rejects on the hand-made archives."""
    (folder,) = x_archive.files.data_dirs(FIXTURES / name)
    when = pd.Timestamp("2024-01-01", tz="UTC")
    outcomes = []
    for fast in (True, False):
        result = ReadResult()
        parts = [tweets.read_file(p, p.name, result, fast=fast) for p in x_archive.files.tweet_files(folder)]
        places = [(r["location"], r["table"], r["reason"]) for r in result.rejects]  # raw differs: pruned or whole
        outcomes.append((tweets.finish(parts, "1", when), places))
    pd.testing.assert_frame_equal(outcomes[0][0], outcomes[1][0])
    assert outcomes[0][1] == outcomes[1][1]


def test_minimal_archive_posts_kinds_and_rejects() -> None:
    """Post, reply, repost and quote are told apart; a bad count and a bad date are rejected by JSON path."""
    result = _read(FIXTURES / "archive_min")
    posts = result.tables["posts"].set_index("post_id")
    assert posts["kind"].to_dict() == {"1785957398737846272": "post", "1786365085086646272": "reply",
                                       "1787188007531446272": "repost", "1796802610590646272": "quote",
                                       "1796802610590670000": "post"}
    first = posts.loc["1785957398737846272"]
    assert first["text"] == "New post: quality & quantity https://t.co/aaaa1111"
    assert first["link_urls"] == ["https://blog.example.org/2024/05/quality-not-quantity"] and first["has_link"]
    assert first["created_at"] == pd.Timestamp("2024-05-02 09:00", tz="UTC")
    assert pd.isna(posts.loc["1796802610590670000", "likes"])  # a blank count is unknown, not zero
    rejects = {r["location"].rsplit("/", 1)[-1]: r["reason"] for r in result.rejects if r["table"] == "posts"}
    assert set(rejects) == {"tweets.js[4].tweet", "tweets.js[5].tweet"}
    assert "'many' is not a count" in rejects["tweets.js[4].tweet"]
    assert "created_at" in rejects["tweets.js[5].tweet"]
    assert result.count()["posts"] == {"read": 7, "kept": 5, "rejected": 2}
    _balanced(result)


def test_minimal_archive_account_followers_and_count() -> None:
    """account.js and profile.js give the focal row; follower ids are bare; a follower_counts row is dated."""
    result = _read(FIXTURES / "archive_min")
    account = result.tables["accounts"].iloc[0]
    assert (account["account_id"], account["handle"], account["location"]) == ("900000001", "blogger_x", "Lisbon")
    assert account["bio"] == "I write about data & networks" and bool(account["is_focal"])
    assert account["observed_at"] == pd.Timestamp("2024-06-02 09:30", tz="UTC")
    followers = result.tables["followers"].set_index("follower_id")
    assert followers["followed_back"].to_dict() == {"800000001": True, "800000002": False, "800000003": False}
    assert not {"handle", "display_name", "bio"} & set(followers.columns)  # the archive holds bare ids only
    assert result.count()["followers"] == {"read": 5, "kept": 3, "rejected": 2}
    everything = " ".join(frame.astype(str).to_string() for frame in result.tables.values())
    assert "someone@example.org" not in everything  # account.js holds the e-mail; it is never kept
    counts = result.tables["follower_counts"].iloc[0]
    assert (counts["date"], counts["followers_count"], counts["source"]) == (
        pd.Timestamp("2024-06-02"), 3, "x_archive follower.js")


def test_private_files_are_never_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only allow-listed files are opened; DMs, IP audit and e-mail files (invalid JSON here) stay closed."""
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        """Record the name of every file opened."""
        opened.append(Path(str(file)).name)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    result = _read(FIXTURES / "archive_min")
    assert result.count()["posts"]["kept"] == 5
    assert opened and set(opened) <= ALLOWED
    assert not set(opened) & PRIVATE
    assert "tweet-headers.js" not in opened


def test_split_parts_with_bom_and_crlf() -> None:
    """tweets.js (with a BOM) and tweets-part1.js (CRLF) are read in order; a tweet repeated across parts is
    rejected with both places named."""
    result = _read(FIXTURES / "archive_parts")
    posts = result.tables["posts"]
    assert posts["post_id"].tolist() == ["1700000000000000001", "1700000000000000002", "1700000000000000003"]
    assert posts.loc[1, "text"] == "First part, second tweet été"
    (reject,) = result.rejects
    assert reject["location"].endswith("tweets-part1.js[1].tweet")
    assert "tweets.js[1].tweet" in reject["reason"]
    assert "follower_counts" not in result.tables  # no manifest: no generation date to date the count
    _balanced(result)


def test_older_archive_nested_one_level_with_unwrapped_rows() -> None:
    """An older archive (tweet.js, unwrapped rows, tweet-part1.js) one folder down is found and read."""
    root = FIXTURES / "archive_old"
    assert x_archive.detect(root)
    result = _read(root)
    posts = result.tables["posts"]
    assert posts["kind"].tolist() == ["post", "reply", "repost"]
    assert posts["account_id"].eq("12345").all()
    assert result.tables["followers"]["followed_back"].isna().all()  # no following.js: unknown
    _balanced(result)


def test_data_folder_given_directly() -> None:
    """The data folder itself is accepted."""
    data = FIXTURES / "archive_min" / "data"
    assert x_archive.detect(data)
    assert len(_read(data).tables["posts"]) == 5


def test_folder_without_archive(tmp_path: Path) -> None:
    """A folder with no archive is not claimed, and reading it says why."""
    (tmp_path / "notes.txt").write_text("hello")
    assert not x_archive.detect(tmp_path)
    with pytest.raises(InputError, match="no X archive data folder"):
        _read(tmp_path)


def _copy(tmp_path: Path, name: str = "archive_min") -> Path:
    """A writable copy of a fixture archive."""
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


def test_truncated_tweets_js_is_one_clear_error(tmp_path: Path) -> None:
    """A tweets.js cut short raises one InputError naming the file and the line and column."""
    root = _copy(tmp_path)
    path = root / "data" / "tweets.js"
    path.write_bytes(path.read_bytes()[:1500])
    with pytest.raises(InputError) as caught:
        _read(root)
    assert caught.value.path.endswith("tweets.js")
    assert caught.value.where.startswith("line ") and "column" in caught.value.where
    assert "download your archive again" in str(caught.value)


def test_empty_follower_js_is_one_clear_error(tmp_path: Path) -> None:
    """An empty allow-listed file raises an InputError that says it is empty."""
    root = _copy(tmp_path)
    (root / "data" / "follower.js").write_bytes(b"")
    with pytest.raises(InputError, match="follower.js: is empty"):
        _read(root)


def test_not_a_list_is_one_clear_error(tmp_path: Path) -> None:
    """A tweets.js holding an object instead of a list is refused clearly."""
    root = _copy(tmp_path)
    (root / "data" / "tweets.js").write_text('window.YTD.tweets.part0 = {"tweet": 1}')
    with pytest.raises(InputError, match="does not hold a list"):
        _read(root)


def test_archive_without_any_account_id(tmp_path: Path) -> None:
    """Without account.js or manifest.js the posts cannot be attributed: a clear error."""
    root = _copy(tmp_path)
    (root / "data" / "account.js").unlink()
    (root / "data" / "manifest.js").unlink()
    with pytest.raises(InputError, match="names no account"):
        _read(root)


def test_two_archives_side_by_side(tmp_path: Path) -> None:
    """A folder holding two unzipped archives (one level down) gives both, not just the first."""
    for name in ("archive_min", "archive_parts"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    result = _read(tmp_path)
    assert sorted(result.tables["accounts"]["handle"]) == ["blogger_x", "parts_user"]
    assert len(result.tables["posts"]) == 5 + 3
    _balanced(result)


ODD_VALUES = {
    "id_str": ["1790000000000000001", "", " 1790000000000000002", "17x", None],
    "favorite_count": ["3", "", "-", "12.0", "1,204", "-1", "many", None, "0007"],
    "created_at": ["Thu May 02 09:00:00 +0000 2024", "Thu May 02 09:00:00 +0200 2024", "2024-05-02T09:00:00Z",
                   "sometime", "", None],
    "full_text": ["plain", "RT @x: shared", "&amp; RT", "&#82;T @x: escaped", "", None],
    "in_reply_to_status_id_str": [None, "", "1780000000000000000", "-", "abc"],
    "quoted_status_id": [None, "", "1770000000000000000", "null"],
    "lang": ["en", "", None, "und"],
}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in ODD_VALUES.items()}),
                     min_size=1, max_size=12),
       urls=st.lists(st.sampled_from([[], [{"expanded_url": "https://a.example"}], [{"expanded_url": None}],
                                      [{"expanded_url": ""}, {"expanded_url": "https://b.example"}]]), min_size=12,
                     max_size=12),
       old=st.booleans())
def test_fast_and_json_paths_agree_on_odd_values(tmp_path_factory: pytest.TempPathFactory, rows: list[dict],
                                                 urls: list, old: bool) -> None:
    """Whatever the values, pyarrow's path and the row-by-row path keep and reject the same tweets alike, in
    X's layout and in the pre-2020 one (bare tweets, `}, {` between them)."""
    tweets_rows = [{"tweet": {**{k: v for k, v in row.items() if v is not None},
                              "id": row["id_str"] or "1790000000000000009", "retweet_count": "1",
                              "entities": {"urls": urls[i]}}} for i, row in enumerate(rows)]
    path = tmp_path_factory.mktemp("odd") / "tweets.js"
    if old:
        bare = [json.dumps(r["tweet"], indent=2, separators=(",", " : ")) for r in tweets_rows]
        path.write_text("window.YTD.tweet.part0 = [ " + ", ".join(bare) + " ]")
    else:
        path.write_text("window.YTD.tweets.part0 = " + json.dumps(tweets_rows, indent=2, separators=(",", " : ")))
    outcomes = read_both_ways(path)
    pd.testing.assert_frame_equal(outcomes[0][0], outcomes[1][0])
    assert outcomes[0][1] == outcomes[1][1]


def read_both_ways(path) -> list[tuple[pd.DataFrame, list[tuple[str, str]]]]:
    """A tweets file read by the fast (pyarrow) and the slow (JSON) path: the posts and reject places of each."""
    when = pd.Timestamp("2024-01-01", tz="UTC")
    outcomes = []
    for fast in (True, False):
        result = ReadResult()
        frame = tweets.finish([tweets.read_file(path, "t", result, fast=fast)], "1", when)
        outcomes.append((frame, [(r["location"], r["reason"]) for r in result.rejects]))
    return outcomes
