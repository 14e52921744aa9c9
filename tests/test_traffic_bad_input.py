"""Bad traffic inputs: one clear line, exit 2, and the previous dataset left as it was."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from helpers import cli
from helpers.ingest.pipeline import ingest

LINE = ('192.0.2.{i} - - [04/Mar/2025:09:{m:02d}:00 +0000] "GET /post-{i}/ HTTP/1.1" 200 1234 '
        '"https://bsky.app/profile/someone" "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0 visitor-{i}"')


def _previous(tmp_path: Path) -> tuple[Path, bytes]:
    """A dataset already at the output path, and its manifest's bytes."""
    good = tmp_path / "good.log"
    good.write_text("\n".join(LINE.format(i=i, m=i % 60) for i in range(20)) + "\n")
    out = tmp_path / "ds"
    ingest([good], out, progress=False)
    return out, (out / "manifest.json").read_bytes()


def _fails(args: list[str], capsys: pytest.CaptureFixture) -> str:
    """Run the CLI, expect exit 2 and one `error:` line; return it."""
    code = cli.main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_truncated_gzip_log(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A gzip log cut short is refused with a clear line; the previous dataset survives."""
    out, before = _previous(tmp_path)
    data = gzip.compress("\n".join(LINE.format(i=i, m=i % 60) for i in range(5000)).encode())
    cut = tmp_path / "access.log.3.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    message = _fails(["ingest", str(cut), "--dataset", "x", "--out", str(out)], capsys)
    assert "truncated gzip" in message and "access.log.3.gz" in message
    assert (out / "manifest.json").read_bytes() == before


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An empty export is refused with a clear line; the previous dataset survives."""
    out, before = _previous(tmp_path)
    empty = tmp_path / "Reports_snapshot.csv"
    empty.write_text("")
    assert "is empty" in _fails(["ingest", str(empty), "--dataset", "x", "--out", str(out)], capsys)
    assert (out / "manifest.json").read_bytes() == before


def test_ga4_banner_without_table(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A GA4 file cut after its banner is refused with what to do."""
    path = tmp_path / "snapshot.csv"
    path.write_text("# ----------------------------------------\n# Reports snapshot\n# Property: p\n"
                    "# ----------------------------------------\n#\n# Start date: 20250101\n# End date: 20250131\n")
    assert "no table" in _fails(["ingest", str(path), "--dataset", "x", "--out", str(tmp_path / "o")], capsys)
    assert not (tmp_path / "o").exists()
