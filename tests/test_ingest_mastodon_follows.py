"""The Mastodon follows reader: full, one-column and headerless lists; mute and block lists refused."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import schemas
from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.mastodon import follows as reader
from helpers.ingest.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon_follows"


def _read(*names: str, **options: str) -> ReadResult:
    return reader.read([FIXTURES / n for n in names], Context(options=options))


def _assert_accounted(result: ReadResult) -> None:
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], (table, counts)
    for table, df in result.tables.items():
        schemas.validate(table, df)


def test_detects_every_follows_variant_and_the_private_lists_it_then_refuses():
    for name in ["following_accounts.csv", "following_one_column_crlf.csv", "following_hand_edited.txt",
                 "muted_accounts.csv", "blocked_accounts.csv"]:
        assert reader.detect(FIXTURES / name), name


def test_does_not_detect_other_csv(tmp_path):
    other = tmp_path / "lists.csv"
    other.write_text("Friends,alice@example.social\n")
    domains = tmp_path / "blocked_domains.csv"
    domains.write_text("bad.example\n")
    assert not reader.detect(other) and not reader.detect(domains)


def test_full_export_with_a_bad_line_rejected():
    result = _read("following_accounts.csv")
    _assert_accounted(result)
    assert result.count()["following"] == {"read": 4, "kept": 3, "rejected": 1}
    df = result.tables["following"]
    assert list(df["followed_id"]) == ["alice@example.social", "bob@other.example", "carol@third.example"]
    assert (df["account_id"] == "mastodon:me").all() and (df["handle"] == df["followed_id"]).all()
    assert result.rejects[0]["reason"] == "not a Mastodon address (user@host)"
    assert result.rejects[0]["location"] == "line 4"


def test_one_column_crlf_and_headerless_variants_and_the_account_option():
    one = _read("following_one_column_crlf.csv", account="@ada@example.social")
    assert list(one.tables["following"]["followed_id"]) == ["alice@example.social", "dan@fourth.example",
                                                            "eve@fifth.example"]
    assert (one.tables["following"]["account_id"] == "ada@example.social").all()
    bare = _read("following_hand_edited.txt")
    _assert_accounted(bare)
    assert bare.count()["following"] == {"read": 3, "kept": 3, "rejected": 0}
    assert "carol@third.example" in set(bare.tables["following"]["followed_id"])


@pytest.mark.parametrize("name", ["muted_accounts.csv", "blocked_accounts.csv"])
def test_a_mute_or_block_list_alone_is_refused_with_a_clear_error(name):
    with pytest.raises(InputError, match="mute or block list"):
        _read(name)


def test_in_a_folder_the_private_lists_are_skipped_and_said_so(tmp_path):
    path, entries = ingest([FIXTURES], tmp_path / "ds", progress=False, pseudonymise=False)
    assert entries[0]["format"] == "mastodon_follows"
    from helpers.data import dataset
    ds = dataset.load(path)
    assert not ds.following["followed_id"].isin(["mallory@bad.example", "trent@bad.example"]).any()
    assert not ds.rejects["raw"].str.contains("bad.example").any()
    notes = " ".join(ds.manifest["notes"])
    assert "mute list" in notes and "block list" in notes


def test_empty_file_is_an_input_error(tmp_path):
    empty = tmp_path / "following_accounts.csv"
    empty.write_text("\n\n")
    with pytest.raises(InputError, match="empty"):
        reader.read([empty], Context())


def test_real_following_csv_counts(realdata):
    path = realdata / "mastodon-following-csv" / "following_accounts.todb.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    valid = [r for r in rows if r["Account address"].count("@") == 1]
    assert (len(rows), len(valid)) == (797, 797)
    assert reader.detect(path)
    result = reader.read([path], Context())
    _assert_accounted(result)
    assert result.count()["following"] == {"read": 797, "kept": 797, "rejected": 0}
    assert set(result.tables["following"]["followed_id"]) == {r["Account address"] for r in rows}


@settings(max_examples=50, deadline=None)
@given(cut=st.one_of(st.none(), st.integers(min_value=0, max_value=200)), seed=st.integers(0, 10_000),
       shuffle=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       crlf=st.booleans())
def test_mangled_follows_are_a_clear_error_or_fully_accounted(cut, seed, shuffle, encoding, crlf):
    lines = (FIXTURES / "following_accounts.csv").read_text().splitlines()
    if shuffle:
        random.Random(seed).shuffle(lines)
    raw = ("\r\n" if crlf else "\n").join(lines).encode(encoding)
    raw = raw[:cut] if cut is not None else raw
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "following_accounts.csv"
        path.write_bytes(raw)
        try:
            result = reader.read([path], Context())
        except InputError as exc:
            assert "following_accounts.csv" in str(exc)
            return
        _assert_accounted(result)
        if cut is None:
            assert result.count()["following"]["read"] == (4 if not shuffle or lines[0].startswith("Account") else 5)
