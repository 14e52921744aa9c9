"""`python -m helpers ingest` on the real Mastodon, Bluesky and LinkedIn exports: format and counts printed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CASES = {  # folder -> (format, {table: (read, kept, rejected)}) as the reader tests establish independently
    "mastodon-archive-dealingwith": ("mastodon_archive", {"posts": (1586, 1551, 35), "accounts": (1, 1, 0)}),
    "mastodon-following-csv": ("mastodon_follows", {"following": (797, 797, 0)}),
    "bluesky-car-indigo": ("bluesky_car", {"posts": (116, 116, 0), "following": (17, 8, 9),
                                           "records": (118, 0, 118)}),
    "linkedin-export": ("linkedin_export", {"followers": (4710, 4710, 0), "posts": (525, 521, 4)}),
}


@pytest.mark.parametrize("folder", sorted(CASES))
def test_cli_ingest_of_a_real_folder_prints_format_and_counts(realdata, tmp_path, folder):
    fmt, tables = CASES[folder]
    out = subprocess.run([sys.executable, "-m", "helpers", "ingest", str(realdata / folder), "--dataset", "t",
                          "--out", str(tmp_path / "ds")], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"{realdata / folder}: {fmt}" in out.stdout
    for table, (read, kept, rejected) in tables.items():
        line = next(row for row in out.stdout.splitlines() if row.strip().startswith(table + " "))
        assert line.split()[1:] == ["read", f"{read:,}", "kept", f"{kept:,}", "rejected", f"{rejected:,}"], line
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert manifest["inputs"][0]["format"] == fmt and manifest["pseudonymised"] is True
    if folder == "linkedin-export":
        assert "example.invalid" not in (tmp_path / "ds" / "manifest.json").read_text()


def test_cli_refuses_a_cut_outbox_with_one_plain_line(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "outbox.json").write_text('{"type": "OrderedCollection", "totalItems": 1, "orderedItems": [{"ty')
    out = subprocess.run([sys.executable, "-m", "helpers", "ingest", str(folder), "--dataset", "t",
                          "--out", str(tmp_path / "ds")], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "outbox.json" in lines[0]
