"""The one atomic write: a reader sees the old file or the new one, never half of one, and nothing is left behind."""

from __future__ import annotations

import stat

import pytest

from helpers.data import atomic, pseudonyms


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "deep" / "page.html"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new")
    assert target.read_text() == "new" and [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_a_write_that_fails_half_way_keeps_the_old_file(tmp_path):
    target = tmp_path / "summary.json"
    atomic.write_text(target, "old")
    with pytest.raises(RuntimeError), atomic.replacing(target) as tmp:
        tmp.write_text("half a")
        raise RuntimeError("disk full")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_the_pseudonym_key_is_private_from_the_moment_it_has_its_name(tmp_path):
    key = tmp_path / "key"
    first = pseudonyms.load_key(key)
    assert len(first) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert pseudonyms.load_key(key) == first and [p.name for p in tmp_path.iterdir()] == ["key"]
