"""`python -m helpers ingest` on X inputs: the real archive, a zipped hand-made archive, and damaged inputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli

FIXTURES = Path(__file__).parent / "fixtures" / "x"


def _zip(folder: Path, target: Path) -> Path:
    """A zip of a folder, entries relative to it (as X delivers its archive)."""
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, path.relative_to(folder).as_posix())
    return target


def test_real_archive_from_the_command_line(realdata: Path, tmp_path: Path) -> None:
    """The real archive folder ingests with exit 0 and the format and counts printed."""
    out = tmp_path / "t"
    run = subprocess.run([sys.executable, "-m", "helpers", "ingest", str(realdata / "twitter-archive-andreruffert"),
                          "--dataset", "t", "--out", str(out)], capture_output=True, text=True, env=os.environ.copy(),
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert "twitter-archive-andreruffert: x_archive" in run.stdout
    assert re.search(r"posts\s+read\s+1,986\s+kept\s+1,986\s+rejected\s+0", run.stdout)
    assert re.search(r"followers\s+read\s+420\s+kept\s+420", run.stdout)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_counts"]["posts"] == 1986 and manifest["pseudonymised"]
    follower_ids = {r["follower"]["accountId"] for r in json.loads(
        (realdata / "twitter-archive-andreruffert" / "data" / "follower.js").read_text().split("=", 1)[1])}
    stored = set(pd.read_parquet(out / "followers.parquet")["follower_id"])
    assert len(stored) == 420 and not stored & follower_ids  # third parties are pseudonymised


def test_zipped_handmade_archive(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A zip of the hand-made archive ingests; rejects name files by their place inside the archive."""
    archive = _zip(FIXTURES / "archive_min", tmp_path / "twitter-archive.zip")
    assert cli.main(["ingest", str(archive), "--dataset", "z", "--out", str(tmp_path / "z")]) == 0
    printed = capsys.readouterr().out
    assert "twitter-archive.zip: x_archive" in printed
    rejects = pd.read_parquet(tmp_path / "z" / "rejects.parquet")
    assert set(rejects["location"]) >= {"data/tweets.js[4].tweet", "data/follower.js[3].follower"}
    assert len(pd.read_parquet(tmp_path / "z" / "posts.parquet")) == 5


def _one_error_line(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    """Run the CLI expecting exit 2 and exactly one line on stderr; return it."""
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_corrupt_zip_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A damaged zip is one line and exit 2."""
    archive = _zip(FIXTURES / "archive_min", tmp_path / "a.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(archive.read_bytes()[:300])
    line = _one_error_line(["ingest", str(broken), "--dataset", "b", "--out", str(tmp_path / "b")], capsys)
    assert "broken.zip" in line and not (tmp_path / "b").exists()


def test_truncated_archive_file_exits_2_naming_file_and_place(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A cut tweets.js inside an archive folder is one line naming the file and its line and column."""
    root = Path(shutil.copytree(FIXTURES / "archive_min", tmp_path / "archive"))
    tweets = root / "data" / "tweets.js"
    tweets.write_bytes(tweets.read_bytes()[:2000])
    line = _one_error_line(["ingest", str(root), "--dataset", "c", "--out", str(tmp_path / "c")], capsys)
    assert re.search(r"tweets\.js at line \d+, column \d+", line)


def test_unknown_and_empty_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A file in no known format, and an empty file, are one line each and exit 2."""
    unknown = tmp_path / "notes.csv"
    unknown.write_text("colour,size\nred,3\n")
    assert "not a format this suite reads" in _one_error_line(
        ["ingest", str(unknown), "--dataset", "u", "--out", str(tmp_path / "u")], capsys)
    empty = tmp_path / "tweets.jsonl"
    empty.write_text("")
    assert "is empty" in _one_error_line(["ingest", str(empty), "--dataset", "e", "--out", str(tmp_path / "e")],
                                         capsys)


def test_monthly_analytics_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A folder of monthly Tweet activity files and the log: one group, duplicates across months rejected."""
    assert cli.main(["ingest", str(FIXTURES / "analytics_legacy"), "--dataset", "m", "--out", str(tmp_path / "m")]) == 0
    printed = capsys.readouterr().out
    assert "x_analytics_legacy" in printed and re.search(r"posts\s+read\s+8\s+kept\s+5\s+rejected\s+3", printed)
