"""The Mastodon archive reader: posts, boosts and the profile; DMs refused; counts stay null."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.mastodon import archive as reader
from helpers.ingest.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon_archive"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _read(folder: Path) -> ReadResult:
    return reader.read([folder], Context())


def _assert_accounted(result: ReadResult) -> None:
    """Every table: read = kept + rejected, and the tables fit the data model."""
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], (table, counts)
    for table, df in result.tables.items():
        schemas.validate(table, df)


def test_detects_an_archive_folder_by_its_outbox_not_other_folders(tmp_path):
    assert reader.detect(FIXTURES / "basic")
    assert not reader.detect(tmp_path)
    (tmp_path / "outbox.json").write_text('{"type": "Note"}')
    assert not reader.detect(tmp_path)


def test_detects_an_archive_one_folder_down(tmp_path):
    shutil.copytree(FIXTURES / "basic", tmp_path / "archive-2024")
    assert reader.detect(tmp_path)
    assert len(_read(tmp_path).tables["posts"]) == 5


def test_several_archives_in_one_folder_is_a_clear_error(tmp_path):
    for name in ["a", "b"]:
        shutil.copytree(FIXTURES / "basic", tmp_path / name)
    assert reader.detect(tmp_path)
    with pytest.raises(InputError, match="holds 2 Mastodon archive folders"):
        _read(tmp_path)


def test_follows_saved_beside_the_archive_are_read_as_its_account(tmp_path):
    shutil.copytree(FIXTURES / "basic", tmp_path / "archive")
    follows = Path(__file__).parent / "fixtures" / "mastodon_follows"
    for name in ["following_accounts.csv", "blocked_accounts.csv", "muted_accounts.csv"]:
        shutil.copy(follows / name, tmp_path / "archive" / name)
    (tmp_path / "archive" / "avatar.png").write_bytes(b"\x89PNG")
    result = _read(tmp_path / "archive")
    _assert_accounted(result)
    following = result.tables["following"]
    assert result.count()["following"] == {"read": 4, "kept": 3, "rejected": 1}
    assert (following["account_id"] == "ada@example.social").all()
    assert not following["followed_id"].str.contains("bad.example").any()
    assert any("blocked_accounts.csv" in n and "muted_accounts.csv" in n and "not read" in n for n in result.notes)


def test_fixture_posts_kinds_links_languages_and_null_counts():
    result = _read(FIXTURES / "basic")
    _assert_accounted(result)
    posts = result.tables["posts"].set_index("post_id")
    base = "https://example.social/users/ada/statuses/"
    assert posts.loc[base + "1001", "kind"] == "post"
    assert posts.loc[base + "1001", "link_urls"] == ["https://blog.example.org/2023/hello"]  # not the hashtag
    assert posts.loc[base + "1001", "text"].startswith("New post on my blog: https://blog.example.org/2023/hello")
    assert posts.loc[base + "1001", "lang"] == "en"
    assert posts.loc[base + "1002", "kind"] == "reply"
    assert posts.loc[base + "1002", "link_urls"] == []  # a class mention and a tag-listed mention
    assert posts.loc[base + "1002", "text"] == "@bob Danke & bis bald!\nZweite Zeile @carol"
    assert posts.loc[base + "1002", "lang"] == "de"
    assert posts.loc[base + "1003", "lang"] is None
    assert posts.loc[base + "1005", "kind"] == "repost"
    assert posts.loc[base + "1006", "kind"] == "post"  # a poll
    conformed = schemas.conform("posts", result.tables["posts"])
    for column in ["likes", "reposts", "replies", "quotes", "bookmarks"]:
        assert conformed[column].isna().all(), column


def test_fixture_direct_message_is_rejected_without_its_text():
    result = _read(FIXTURES / "basic")
    reasons = Counter(r["reason"] for r in result.rejects)
    assert reasons == {"direct message (private): not read": 1, "activity type Follow is not a post or a boost": 1}
    assert not any("PRIVATE-DM-TEXT" in r["raw"] for r in result.rejects)
    assert not result.tables["posts"]["text"].fillna("").str.contains("PRIVATE-DM-TEXT").any()


def test_fixture_account_and_notes():
    result = _read(FIXTURES / "basic")
    account = result.tables["accounts"].iloc[0]
    assert account["account_id"] == account["handle"] == "ada@example.social"
    assert account["display_name"] == "Ada Example" and bool(account["is_focal"])
    assert account["bio"] == "Writes about #data & blogs.\n\nSecond paragraph."
    assert str(account["created_at"]) == "2022-11-07 00:00:00+00:00"
    conformed = schemas.conform("accounts", result.tables["accounts"])
    assert conformed[["followers_count", "following_count", "posts_count"]].isna().all().all()
    assert any("totalItems says 6" in n and "7 items" in n for n in result.notes)
    assert any("likes.json" in n and "not read" in n for n in result.notes)


def test_truncated_outbox_is_one_input_error_naming_the_file():
    with pytest.raises(InputError) as err:
        _read(FIXTURES / "truncated")
    assert err.value.path.endswith("outbox.json") and "character" in (err.value.where or "")


def test_truncated_outbox_through_the_pipeline_writes_nothing(tmp_path):
    with pytest.raises(InputError, match="outbox.json"):
        ingest([FIXTURES / "truncated"], tmp_path / "ds", progress=False)
    assert not (tmp_path / "ds").exists()


def test_zipped_archive_is_read_like_the_folder(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "archive"), "zip", FIXTURES / "basic")
    path, entries = ingest([archive], tmp_path / "ds", progress=False)
    assert entries[0]["format"] == "mastodon_archive"
    assert entries[0]["tables"]["posts"] == {"read": 7, "kept": 5, "rejected": 2}


def _visibility(item: dict) -> str:
    """Independent re-statement: public/unlisted/private/direct from to and cc."""
    audience = set(item.get("to", [])) | set(item.get("cc", []))
    if PUBLIC in audience:
        return "public"
    return "private" if any(a.endswith("/followers") for a in audience) else "direct"


def test_real_archive_counts(realdata):
    folder = realdata / "mastodon-archive-dealingwith"
    outbox = json.loads((folder / "outbox.json").read_text())
    items = outbox["orderedItems"]
    by_type = Counter(i["type"] for i in items)
    direct = sum(1 for i in items if i["type"] == "Create" and _visibility(i) == "direct")
    replies = sum(1 for i in items if i["type"] == "Create" and _visibility(i) != "direct" and i["object"]["inReplyTo"])
    assert (len(items), by_type["Create"], by_type["Announce"], outbox["totalItems"]) == (1586, 1260, 326, 1557)
    assert (direct, replies) == (35, 404)

    result = _read(folder)
    _assert_accounted(result)
    assert result.count()["posts"] == {"read": 1586, "kept": 1586 - direct, "rejected": direct}
    kinds = result.tables["posts"]["kind"].value_counts().to_dict()
    assert kinds == {"post": 1260 - direct - replies, "reply": replies, "repost": 326}
    assert any("1557" in n and "1,586" in n for n in result.notes)
    conformed = schemas.conform("posts", result.tables["posts"])
    assert conformed[["likes", "reposts", "replies"]].isna().all().all()
    assert result.tables["accounts"].iloc[0]["handle"] == "dealingwith@indieweb.social"


def _variant(data: dict, cut: int | None, order: list[int] | None, encoding: str) -> bytes:
    """The fixture outbox with its items reordered, re-encoded and possibly cut short."""
    items = data["orderedItems"]
    doc = dict(data, orderedItems=[items[i] for i in order] if order else items)
    raw = json.dumps(doc, ensure_ascii=False).encode(encoding)
    return raw[:cut] if cut is not None else raw


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.one_of(st.none(), st.integers(min_value=0, max_value=6000)),
       order=st.one_of(st.none(), st.permutations(list(range(7)))),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_mangled_outbox_is_a_clear_error_or_fully_accounted(cut, order, encoding):
    data = json.loads((FIXTURES / "basic" / "outbox.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(FIXTURES / "basic" / "actor.json", folder / "actor.json")
        try:
            (folder / "outbox.json").write_bytes(_variant(data, cut, order, encoding))
        except UnicodeEncodeError:
            return
        try:
            result = reader.read([folder], Context())
        except InputError as exc:
            assert "outbox.json" in str(exc)
            return
        _assert_accounted(result)
        assert result.count()["posts"]["read"] == 7
