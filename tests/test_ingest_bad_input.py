"""Bad inputs of every reader: one plain line naming the file and the place, exit 2, never a traceback.

Fields past the csv module's limit, JSON nested past Python's recursion limit, encrypted zip members, and
files in no format the suite reads (told in words, not reader ids).
"""

from __future__ import annotations

import csv
import json
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from helpers import cli
from helpers.ingest import registry
from helpers.ingest.common.base import Context
from helpers.ingest.x import twitter_users

FIXTURES = Path(__file__).parent / "fixtures"
BIG = "x" * 200_000  # longer than the csv module's limit of 131,072 characters
DEEP = 100_000  # levels of nesting, far past Python's recursion limit
GA4_HEAD = ("# ----------------------------------------\n# Reports snapshot\n# Account: a\n# Property: blog\n"
            "# ----------------------------------------\n#\n# Start date: 20250101\n# End date: 20250131\n")


def _fails(args: list[str], capsys: pytest.CaptureFixture) -> str:
    """Run the CLI, expect exit 2 and one `error:` line; return it."""
    code = cli.main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def _ingest_fails(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> str:
    """`ingest PATH` must fail with one plain line; return it."""
    return _fails(["ingest", str(path), "--dataset", "x", "--out", str(tmp_path / "out")], capsys)


def _header_of(fixture: Path) -> str:
    """The first line of a fixture CSV (its header)."""
    return fixture.read_text(encoding="utf-8-sig").splitlines()[0]


def _row_like(header: str, big_column: int) -> str:
    """A data row as wide as the header, with the BIG field in one column."""
    width = len(next(csv.reader([header])))
    return ",".join(f'"{BIG}"' if i == big_column else '"1"' for i in range(width))


LONG_FIELD_CASES = {
    # reader: (file name, text, line of the long field)
    "ga4_csv": ("Reports_snapshot.csv", GA4_HEAD + f'Session primary channel group,Sessions\n"{BIG}",3\n', 10),
    "ua_csv": ("Analytics All Web Site Data Source.csv", f'Source,Sessions,Users\ngoogle,3,4\n"{BIG}",3,4\n', 3),
    "plausible_csv": ("sources.csv", f'name,visitors,visits\n"{BIG}",3,4\n', 2),
    "jetpack_csv": ("blog.example-referrers-day-01_31_2025-01_31_2025.csv", f'"Search Engines",3\n"{BIG}",4\n', 2),
    "matomo_csv": ("Referrers_getAll.csv", f'label,nb_visits\nsearch,2\n\n"{BIG}",3\n', 4),
    "twitter_users": ("users.csv", "id,screen_name,followers_count,friends_count,statuses_count,description\n"
                      f'1,a,1,2,3,"{BIG}"\n', 2),
    "mastodon_follows": ("following_accounts.csv", "Account address,Show boosts,Notify on new posts,Languages\n"
                         f'a@example.social,true,false,\n"{BIG}",true,false,\n', 3),
}
FIXTURE_CASES = {  # readers whose header comes from a fixture; the long field sits in the first data row
    "x_analytics_legacy": (FIXTURES / "x" / "analytics_legacy"
                           / "tweet_activity_metrics_blogger_x_20240101_20240201_en.csv", 2),
    "x_analytics_2024": (FIXTURES / "x" / "analytics_2024" / "account_analytics_content_2025-02-15_2025-02-21.csv", 2),
    "linkedin_export": (FIXTURES / "linkedin_export" / "Shares.csv", 2),
    "twarc": (FIXTURES / "x" / "twarc" / "timeline.twarc.csv", 2),
}


def _reader(fmt: str):
    """The reader module of a format id."""
    return next(m for m in registry.readers() if fmt == m.FORMAT)


@pytest.mark.parametrize("fmt", [*LONG_FIELD_CASES, *FIXTURE_CASES])
def test_a_field_over_the_csv_limit_is_one_plain_line_naming_the_file_and_line(
        fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Every csv-based reader refuses a field past 131,072 characters with the file, its line and what it is."""
    if fmt in LONG_FIELD_CASES:
        name, text, line = LONG_FIELD_CASES[fmt]
    else:
        fixture, line = FIXTURE_CASES[fmt]
        name, header = fixture.name, _header_of(fixture)
        text = header + "\n" + _row_like(header, big_column=2) + "\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reader = _reader(fmt)
    assert reader.detect(path), "the test file must be recognised as this format"
    message = _ingest_fails(path, tmp_path, capsys)
    assert f"{path} at line {line}: has a field longer than 131,072 characters" in message
    assert reader.LABEL in message and "Export the file again" in message


def test_deeply_nested_json_is_not_recognised_and_never_a_traceback(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    """A file of deeply nested JSON is no format the suite reads: detection says no, the CLI says so in one line."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * DEEP + "1" + "}" * DEEP)
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"a":' * DEEP + "1" + "}" * DEEP + '\n{"b": 1}\n')
    for path in (deep, lines):
        assert twitter_users.detect(path) is False
        assert not any(reader.detect(path) for reader in registry.file_readers())
        assert "is not a format this suite reads" in _ingest_fails(path, tmp_path, capsys)


def _user(uid: int) -> dict:
    """A minimal v1.1 user object."""
    return {"id_str": str(uid), "screen_name": f"u{uid}", "followers_count": 1, "friends_count": 2,
            "statuses_count": 3}


def test_deep_json_inside_a_users_array_is_one_plain_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A users JSON array whose values nest too deeply is refused in one line naming the file."""
    path = tmp_path / "users.json"
    head = json.dumps([_user(1)])[:-1]
    path.write_text(head + ', {"nested": ' + "[" * DEEP + "]" * DEEP + "}]")
    assert twitter_users.detect(path)
    message = _ingest_fails(path, tmp_path, capsys)
    assert str(path) in message and "nests JSON too deeply" in message


def test_deep_json_line_in_a_users_jsonl_is_rejected_with_its_reason(tmp_path: Path) -> None:
    """In JSON lines, a line nested too deeply is one rejected record (as a broken line is); the rest is read."""
    path = tmp_path / "users.jsonl"
    deep_line = '{"a":' * DEEP + "1" + "}" * DEEP
    path.write_text(json.dumps(_user(1)) + "\n" + deep_line + "\n" + json.dumps(_user(2)) + "\n")
    result = twitter_users.read([path], Context())
    assert len(result.tables["followers"]) == 2
    assert [r["location"] for r in result.rejects] == ["line 2"]
    assert "nested too deeply" in result.rejects[0]["reason"]
    assert result.count()["followers"] == {"read": 3, "kept": 2, "rejected": 1}


def test_deep_json_in_a_mastodon_outbox_is_one_plain_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A Mastodon archive whose outbox.json nests too deeply is refused in one line naming outbox.json."""
    archive = tmp_path / "archive"
    shutil.copytree(FIXTURES / "mastodon_archive" / "basic", archive)
    (archive / "outbox.json").write_text('{"type": "OrderedCollection", "orderedItems": ' + "[" * DEEP + "]" * DEEP
                                         + "}")
    message = _ingest_fails(archive, tmp_path, capsys)
    assert "outbox.json" in message and "nests JSON too deeply" in message


def _mark_encrypted(path: Path, names: set[str]) -> None:
    """Set the 'encrypted' flag of some members, in their local headers and the central directory.

    Python's zipfile cannot write encrypted members; the flag is what a reader sees of a password-protected one.
    """
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offsets = [i.header_offset for i in zf.infolist() if i.filename in names]
        at = zf.start_dir
    for offset in offsets:
        data[offset + 6] |= 0x1
    while data[at:at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[at + 28:at + 34])
        if data[at + 46:at + 46 + name_len].decode() in names:
            data[at + 8] |= 0x1
        at += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def test_an_encrypted_zip_member_is_one_plain_line_naming_the_archive_and_member(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A password-protected member is refused by name, before anything is extracted; a private one is ignored."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export/Reports_snapshot.csv", GA4_HEAD + "Session primary channel group,Sessions\nDirect,3\n")
        zf.writestr("export/messages/inbox.csv", "private\n")
    _mark_encrypted(archive, {"export/Reports_snapshot.csv", "export/messages/inbox.csv"})
    message = _ingest_fails(archive, tmp_path, capsys)
    assert f"{archive} at entry 'export/Reports_snapshot.csv': is encrypted" in message
    assert "without a password" in message and "inbox" not in message


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FACEBOOK = json.dumps({"profile_v2": {"name": {"full_name": "Someone"}, "emails": {"emails": []}}}, indent=2)


@pytest.mark.parametrize("name,content", [("report.pdf", PDF), ("profile_information.json", FACEBOOK.encode())])
def test_an_unsupported_file_is_told_in_words_with_every_supported_format(
        name: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Not a format the suite reads: said in words, listing what it reads in words, no internal reader id."""
    path = tmp_path / name
    path.write_bytes(content)
    message = _ingest_fails(path, tmp_path, capsys)
    assert f"{path} at its content: is not a format this suite reads" in message
    for reader in registry.readers():
        assert reader.LABEL in message
        if "_" in reader.FORMAT:  # ids such as jetpack_csv are internal; "twarc" is also the tool's own name
            assert reader.FORMAT not in message, f"internal id {reader.FORMAT} shown to the user"


def test_a_zip_with_no_supported_file_lists_the_formats_in_words(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    """A zip holding only unsupported files says so and lists the formats in words."""
    archive = tmp_path / "facebook-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("profile_information/profile_information.json", FACEBOOK)
    message = _ingest_fails(archive, tmp_path, capsys)
    assert "holds no file in a format this suite reads" in message
    assert registry.supported_sentence() in message and "jetpack_csv" not in message


def test_every_reader_says_in_words_what_it_reads() -> None:
    """Each reader module has its own LABEL, and the sentence shown to users is made of them all."""
    readers = registry.readers()
    assert len(readers) >= 16
    labels = [getattr(m, "LABEL", None) for m in readers]
    assert all(isinstance(label, str) and label.strip() for label in labels), dict(zip(readers, labels, strict=False))
    assert len(set(labels)) == len(labels)
    sentence = registry.supported_sentence()
    assert all(label in sentence for label in labels)
    assert not [m.FORMAT for m in readers if "_" in m.FORMAT and m.FORMAT in sentence]

