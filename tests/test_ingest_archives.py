"""Zips and folders given to ingest: private folders never extracted or opened, zip bombs refused before
extraction, and the work folders of killed runs reclaimed by the next run."""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.ingest import pipeline
from helpers.ingest.common import sources
from helpers.ingest.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures"
GA4 = ("# ----------------------------------------\n# Reports snapshot\n# Account: a\n# Property: blog\n"
       "# ----------------------------------------\n#\n# Start date: 20250101\n# End date: 20250131\n"
       "Session primary channel group,Sessions\nDirect,{n}\n")
DM_MEDIA = ("data/direct_messages_media/", "data/direct_messages_media/1234-abcdEFGH.jpg",
            "data/direct_messages_group_media/", "data/direct_messages_group_media/987-xyz.mp4")


def _zip_folder(folder: Path, archive: Path, extra: tuple[str, ...] = ()) -> Path:
    """Zip a folder (paths relative to it), adding members named in extra (folders end with /)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
        for name in extra:
            zf.writestr(name, b"" if name.endswith("/") else b"a private picture")
    return archive


def test_nothing_under_a_private_folder_of_a_zip_is_extracted_or_listed(tmp_path: Path) -> None:
    """X's direct-message media folders are neither written to disk nor named in the manifest."""
    archive = _zip_folder(FIXTURES / "x" / "archive_min", tmp_path / "twitter.zip", DM_MEDIA)
    extracted = sources.safe_extract(archive, tmp_path / "out")
    names = {p.relative_to(extracted).as_posix() for p in extracted.rglob("*")}
    assert "data/tweets.js" in names and "data/account.js" in names
    assert not [n for n in names if "direct_messages" in n]
    path, entries = ingest([archive], tmp_path / "ds", progress=False)
    assert "direct_messages" not in (path / "manifest.json").read_text()
    assert entries[0]["tables"]["posts"]["kept"] == 5


def test_a_member_is_private_when_any_folder_in_its_path_is() -> None:
    """Private by any part of the path; public names, including folders above the input itself, are not."""
    assert sources.is_private_member("data/direct_messages_media/1234-abcd.jpg")
    assert sources.is_private_member("twitter-2024/data/direct_messages_group_media/9.mp4")
    assert sources.is_private_member("Takeout/Mail/All mail.mbox")
    assert not sources.is_private_member("data/tweets_media/1234-abcd.jpg")
    assert not sources.is_private_member("data/tweets.js")
    root = Path("/home/me/contacts-blog")  # the user's own folder: only what lies below it is judged
    assert not sources.is_private_name(root / "Reports_snapshot.csv", root)
    assert sources.is_private_name(root / "messages" / "Reports_snapshot.csv", root)


def test_nothing_under_a_private_folder_of_a_folder_input_is_opened(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder input, files below private folders are never opened; the folder is named as skipped."""
    root = tmp_path / "contacts-blog"  # a private-sounding name of the user's own folder is not judged
    (root / "messages").mkdir(parents=True)
    (root / "Mail" / "inbox").mkdir(parents=True)
    (root / "Reports_snapshot.csv").write_text(GA4.format(n=3))
    (root / "messages" / "Reports_snapshot.csv").write_text(GA4.format(n=50))
    (root / "Mail" / "inbox" / "Reports_snapshot.csv").write_text(GA4.format(n=70))
    shutil.copytree(FIXTURES / "x" / "archive_min" / "data", root / "messages" / "data")  # archive-shaped, private
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        """Record every file opened."""
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    path, entries = ingest([root], tmp_path / "ds", progress=False, pseudonymise=False)
    monkeypatch.undo()
    assert not [f for f in opened if "/messages/" in f or "/Mail/" in f]
    traffic = pd.read_parquet(path / "traffic.parquet")
    assert traffic["sessions"].tolist() == [3]
    assert [e["format"] for e in entries] == ["ga4_csv"]
    notes = " ".join(json.loads((path / "manifest.json").read_text())["notes"])
    assert "messages/ (private: never opened)" in notes and "Mail/ (private: never opened)" in notes
    assert not [f for e in entries for f in e["files"] if "messages" in f["path"] or "Mail" in f["path"]]


def test_the_real_x_archive_reads_the_same_zipped_with_private_folders(realdata: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The real archive, zipped with DM media folders added, gives the same rows as its folder; nothing private
    is extracted."""
    folder = realdata / "twitter-archive-andreruffert"
    archive = _zip_folder(folder, tmp_path / "twitter-andreruffert.zip", DM_MEDIA)
    extracted: list[str] = []
    real_extract = pipeline.safe_extract

    def listing(zip_path: Path, dest: Path, *args, **kwargs) -> Path:
        """Extract, and record what landed on disk."""
        out = real_extract(zip_path, dest, *args, **kwargs)
        extracted.extend(p.relative_to(out).as_posix() for p in out.rglob("*"))
        return out

    monkeypatch.setattr(pipeline, "safe_extract", listing)
    _, zipped = ingest([archive], tmp_path / "zipped", progress=False)
    _, plain = ingest([folder], tmp_path / "plain", progress=False)
    expected = {"accounts": 1, "follower_counts": 1, "followers": 420, "following": 295, "posts": 1986}
    assert {t: c["kept"] for t, c in zipped[0]["tables"].items()} == expected
    assert {t: c["kept"] for t, c in plain[0]["tables"].items()} == expected
    assert all(c["rejected"] == 0 for c in zipped[0]["tables"].values())
    assert "data/tweets.js" in extracted and not [n for n in extracted if "direct_messages" in n]


def _many_members(path: Path, count: int) -> Path:
    """A zip of `count` empty members (small on disk, slow to extract)."""
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(count):
            zf.writestr(f"f/{i}.txt", b"")
    return path


def _never_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any extraction fail the test."""
    def refuse(*args, **kwargs):
        """Extraction must not start."""
        raise AssertionError("extraction started")

    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)


def test_a_zip_of_more_members_than_the_limit_is_refused_before_extraction(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """20,001 members: one plain line, nothing extracted; QVQ_MAX_ARCHIVE_MEMBERS raises the limit."""
    archive = _many_members(tmp_path / "many.zip", 20_001)
    monkeypatch.delenv("QVQ_MAX_ARCHIVE_MEMBERS", raising=False)
    _never_extract(monkeypatch)
    with pytest.raises(InputError) as caught:
        ingest([archive], tmp_path / "ds", progress=False)
    assert str(caught.value) == (f"{archive}: holds 20,001 files to unpack besides media, over the limit of 20,000 "
                                 "(platform exports hold "
                                 "far fewer; this looks like a zip bomb). Set QVQ_MAX_ARCHIVE_MEMBERS higher if you "
                                 "trust this archive.")
    monkeypatch.undo()
    monkeypatch.setenv("QVQ_MAX_ARCHIVE_MEMBERS", "30000")
    with pytest.raises(InputError, match="holds no file in a format this suite reads"):
        ingest([archive], tmp_path / "ds", progress=False)


def test_media_files_are_neither_extracted_nor_counted_against_the_limits(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A media-heavy export (one file per photo) is not a zip bomb: photos are never unpacked, the data is."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("Reports_snapshot.csv", GA4.format(n=3))
        for i in range(30):
            zf.writestr(f"data/tweets_media/{i}-photo.jpg", b"\xff\xd8" * 600)
    monkeypatch.setenv("QVQ_MAX_ARCHIVE_MEMBERS", "5")
    monkeypatch.setenv("QVQ_MAX_ARCHIVE_BYTES", "100000")
    dest = tmp_path / "out"
    dest.mkdir()
    sources.safe_extract(archive, dest)
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()) == ["Reports_snapshot.csv"]


def test_a_zip_over_the_size_limit_is_refused_before_extraction(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """QVQ_MAX_ARCHIVE_BYTES is read when the zip is opened; an archive over it is never extracted."""
    archive = tmp_path / "big.zip"
    content = GA4.format(n=3) + "\n" * 5000
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Reports_snapshot.csv", content)
    monkeypatch.setenv("QVQ_MAX_ARCHIVE_BYTES", "1000")
    _never_extract(monkeypatch)
    with pytest.raises(InputError,
                       match=f"big.zip: unpacks to {len(content):,} bytes besides media, over the limit of 1,000"):
        ingest([archive], tmp_path / "ds", progress=False)


CHILD = """
import sys
from pathlib import Path
from helpers.ingest import pipeline

real_extract = pipeline.safe_extract

def extract_then_wait(archive, dest, *args, **kwargs):
    out = real_extract(archive, dest, *args, **kwargs)
    print(Path(dest).parent, flush=True)  # the run's work folder, now holding the extracted archive
    sys.stdin.read()  # wait here until killed
    return out

pipeline.safe_extract = extract_then_wait
pipeline.ingest([sys.argv[1]], sys.argv[2], progress=False)
"""


def test_a_killed_ingest_leaves_a_work_folder_that_the_next_ingest_removes(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGKILL mid-run leaves qvq-ingest-<pid>-*; the next run removes it, keeps a live run's, and its own."""
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    archive = _zip_folder(FIXTURES / "x" / "archive_min", tmp_path / "twitter.zip")
    env = {**os.environ, "QVQ_TMPDIR": str(temp_root), "TMPDIR": str(temp_root)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(archive), str(tmp_path / "killed")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        work = Path(child.stdout.readline().strip())  # blocks until the child's work folder holds the archive
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert work.parent == temp_root and work.name.startswith(f"qvq-ingest-{child.pid}-")
    assert (work.is_dir() and any(work.rglob("tweets.js"))), "SIGKILL leaves the work folder behind"
    live = temp_root / f"qvq-ingest-{os.getppid()}-live"  # a running process's folder is not touched
    live.mkdir()
    unrelated = temp_root / "qvq-ingest-notes"
    unrelated.mkdir()
    monkeypatch.setenv("QVQ_TMPDIR", str(temp_root))
    ingest([archive], tmp_path / "next", progress=False)
    assert not work.exists()
    left = sorted(p.name for p in temp_root.iterdir() if p.name.startswith("qvq-ingest-"))
    assert left == sorted([live.name, unrelated.name]), "only the dead run's folder and this run's own are gone"
