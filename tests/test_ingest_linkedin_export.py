"""The LinkedIn export reader: Connections, Shares, Comments, Profile in their encodings; e-mail never kept."""

from __future__ import annotations

import codecs
import csv
import random
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import dataset, schemas
from helpers.errors import InputError
from helpers.ingest import linkedin as reader
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "linkedin_export"
PRIVATE_MARKERS = ["example.invalid", "PRIVATE-ZIP", "PRIVATE-IM", "Private Road", "Jan 1 1990", "PRIVATE,MESSAGE"]


def _read(*names: str) -> ReadResult:
    return reader.read([FIXTURES / n for n in names], Context())


def _assert_accounted(result: ReadResult) -> None:
    for table, counts in result.count().items():
        assert counts["read"] == counts["kept"] + counts["rejected"], (table, counts)
    for table, df in result.tables.items():
        schemas.validate(table, df)


def _no_private_value(result: ReadResult) -> None:
    """No private value in any table or reject."""
    text = " ".join(df.astype(str).to_csv() for df in result.tables.values()) + str(result.rejects)
    for marker in PRIVATE_MARKERS:
        assert marker not in text, marker


def test_detects_the_four_files_and_never_a_private_one():
    for name in ["Connections_2018_utf16_tabs.csv", "Connections_bom_crlf.csv", "Connections_preamble.csv",
                 "Shares.csv", "Comments.csv", "Profile.csv"]:
        assert reader.detect(FIXTURES / name), name
    assert not reader.detect(FIXTURES / "messages.csv")


def test_utf16_tab_separated_2018_connections_with_old_dates():
    result = _read("Connections_2018_utf16_tabs.csv")
    _assert_accounted(result)
    _no_private_value(result)
    df = result.tables["followers"].set_index("display_name")
    assert list(df.index) == ["Ada Lovelace", "Charles Babbage", "Grace Hopper"]
    assert str(df.loc["Ada Lovelace", "followed_at"]) == "2018-01-08 18:14:00+00:00"
    assert str(df.loc["Grace Hopper", "followed_at"]) == "2016-03-04 23:59:00+00:00"
    assert df.loc["Ada Lovelace", "bio"] == "Programmer at Analytical Engines"
    assert df.loc["Grace Hopper", "bio"] == "Navy"
    assert df["followed_back"].all() and (df["account_id"] == "linkedin:me").all()


def test_bom_crlf_connections_without_preamble():
    result = _read("Connections_bom_crlf.csv")
    _assert_accounted(result)
    _no_private_value(result)
    assert result.count()["followers"] == {"read": 5, "kept": 3, "rejected": 2}
    df = result.tables["followers"]
    alan = df[df["handle"] == "alan-t"].iloc[0]
    assert alan["bio"] == "Cryptanalyst, senior at Bletchley" and str(alan["followed_at"]).startswith("2026-02-07")
    closed = df[df["url"].isna()]["follower_id"].tolist()
    assert closed == ["linkedin:name:Closed Profile|15 Jul 2025", "linkedin:name:Closed Profile|15 Jul 2025#2"]
    reasons = sorted(r["reason"] for r in result.rejects)
    assert reasons == ["4 fields where the header has 7", "Connected On 'someday' is not a date"]


def test_connections_with_the_notes_preamble():
    result = _read("Connections_preamble.csv")
    _assert_accounted(result)
    assert result.count()["followers"] == {"read": 2, "kept": 2, "rejected": 0}
    assert "Email Address" not in result.tables["followers"].columns


def test_shares_unwrap_linkedin_line_quoting_and_drop_media_repeats():
    result = _read("Shares.csv")
    _assert_accounted(result)
    assert result.count()["posts"] == {"read": 4, "kept": 2, "rejected": 2}
    first = result.tables["posts"].iloc[0]
    assert first["text"] == 'First line with "quotes".\n\nMiddle line.\nLast line.'
    assert first["link_urls"] == ["https://blog.example.org/post-1"] and first["kind"] == "post"
    conformed = schemas.conform("posts", result.tables["posts"])
    assert conformed[["likes", "reposts", "replies", "impressions"]].isna().all().all()


def test_comments_with_backslash_escaped_quotes_are_replies():
    result = _read("Comments.csv")
    _assert_accounted(result)
    posts = result.tables["posts"]
    assert list(posts["kind"]) == ["reply"] * 3 and posts["post_id"].is_unique
    assert posts.iloc[1]["text"] == 'Quoting "someone", with a comma'
    assert posts.iloc[2]["text"] == "Two paragraphs.\n\nSecond one."


def test_profile_gives_the_focal_account_without_private_columns():
    result = _read("Profile.csv", "Shares.csv")
    _no_private_value(result)
    account = result.tables["accounts"].iloc[0]
    assert (account["account_id"], account["display_name"], account["location"]) == (
        "linkedin:me", "Ada Example", "Lisbon, Portugal")
    assert account["bio"] == "Data writer\n\nLong summary here."
    assert result.count()["accounts"] == {"read": 1, "kept": 1, "rejected": 0}


def test_without_profile_a_bare_focal_account():
    result = _read("Comments.csv")
    assert result.tables["accounts"].to_dict("records")[0]["account_id"] == "linkedin:me"
    assert result.count()["accounts"] == {"read": 1, "kept": 1, "rejected": 0}


def test_text_before_the_header_that_is_not_the_preamble_is_rejected(tmp_path):
    path = tmp_path / "Comments.csv"
    path.write_text("stray line\n" + (FIXTURES / "Comments.csv").read_text())
    result = reader.read([path], Context())
    _assert_accounted(result)
    assert result.count()["posts"] == {"read": 4, "kept": 3, "rejected": 1}


def test_whole_fixture_folder_through_the_pipeline_keeps_no_private_value(tmp_path):
    path, entries = ingest([FIXTURES], tmp_path / "ds", progress=False, pseudonymise=False)
    assert [e["format"] for e in entries] == ["linkedin_export"]
    ds = dataset.load(path)
    text = " ".join(df.astype(str).to_csv() for df in ds.tables.values()) + (path / "manifest.json").read_text()
    for marker in PRIVATE_MARKERS:
        assert marker not in text, marker
    assert any("messages.csv" in n for n in ds.manifest["notes"])  # skipped, never read


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"])
def test_empty_and_unknown_files_are_input_errors(tmp_path, content):
    empty = tmp_path / "Connections.csv"
    empty.write_bytes(content)
    with pytest.raises(InputError):
        ingest([empty], tmp_path / "ds", progress=False)
    unknown = tmp_path / "notes.csv"
    unknown.write_text("Alpha,Beta\n1,2\n")
    with pytest.raises(InputError, match="not a format this suite reads"):
        ingest([unknown], tmp_path / "ds", progress=False)


def _csv_records(path: Path, skip: int = 0, escapechar: str | None = None) -> list[list[str]]:
    """Independent count: csv module records after `skip` lines (header included in the skip)."""
    with open(path, newline="", encoding="utf-8") as fh:
        for _ in range(skip):
            fh.readline()
        return [r for r in csv.reader(fh, escapechar=escapechar) if r]


def test_real_linkedin_counts(realdata):
    folder = realdata / "linkedin-export"
    connections = _csv_records(folder / "Connections.TuckerRasbury.REDACTED.csv", skip=4)
    shares = _csv_records(folder / "Shares.sanand0.csv", skip=1)
    comments = _csv_records(folder / "Comments.sanand0.csv", skip=1, escapechar="\\")
    starts = re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,https://",
                        (folder / "Comments.sanand0.csv").read_text(encoding="utf-8"), flags=re.M)
    share_links = [r[1] for r in shares]
    assert (len(connections), len(shares), len(comments), len(starts)) == (4710, 202, 323, 323)
    assert len(set(share_links)) == 198

    result = reader.read(sorted(p for p in folder.glob("*.csv")), Context())
    _assert_accounted(result)
    counts = result.count()
    assert counts["followers"] == {"read": 4710, "kept": 4710, "rejected": 0}
    assert counts["posts"] == {"read": 202 + 323, "kept": 198 + 323, "rejected": 4}
    posts = result.tables["posts"]
    assert posts["kind"].value_counts().to_dict() == {"reply": 323, "post": 198}
    assert int(posts["has_link"].sum()) == len({r[1] for r in shares if r[3]})
    assert result.tables["followers"]["followed_at"].notna().all()


def test_real_linkedin_cli_never_writes_an_email(realdata, tmp_path):
    path, _ = ingest([realdata / "linkedin-export"], tmp_path / "ds", progress=False, pseudonymise=False)
    for parquet in path.glob("*.parquet"):
        df = pd.read_parquet(parquet)
        assert not df.astype(str).apply(lambda c: c.str.contains("@example.invalid", regex=False)).any().any()
    assert "@example.invalid" not in (path / "manifest.json").read_text()


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


@settings(max_examples=50, deadline=None)
@given(name=st.sampled_from(["Connections_bom_crlf.csv", "Connections_preamble.csv", "Shares.csv", "Comments.csv"]),
       cut=st.one_of(st.none(), st.integers(min_value=0, max_value=700)), seed=st.integers(0, 10_000),
       shuffle=st.booleans(), encoding=st.sampled_from(ENCODINGS), tabs=st.booleans())
def test_mangled_linkedin_files_are_a_clear_error_or_fully_accounted(name, cut, seed, shuffle, encoding, tabs):
    text = (FIXTURES / name).read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    if shuffle:
        random.Random(seed).shuffle(lines)
    text = "\n".join(lines)
    if tabs:
        text = text.replace(",", "\t")
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    raw = raw[:cut] if cut is not None else raw
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        try:
            result = reader.read([path], Context())
        except InputError as exc:
            assert name in str(exc)
            return
        _assert_accounted(result)
        _no_private_value(result)


def test_a_zipped_export_with_a_bom_utf16_file_is_read(tmp_path):
    folder = tmp_path / "Basic_LinkedInDataExport"
    folder.mkdir()
    for name in ["Connections_2018_utf16_tabs.csv", "Shares.csv"]:
        shutil.copy(FIXTURES / name, folder / name)
    archive = shutil.make_archive(str(tmp_path / "export"), "zip", folder)
    _, entries = ingest([archive], tmp_path / "ds", progress=False)
    assert entries[0]["tables"]["followers"]["kept"] == 3 and entries[0]["tables"]["posts"]["kept"] == 2
    assert (FIXTURES / "Connections_2018_utf16_tabs.csv").read_bytes()[:2] == codecs.BOM_UTF16_LE
