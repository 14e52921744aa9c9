"""Where a collection keeps its request cache: the folder given, a throwaway one for the replay demo, else the
project's data/.cache/collect."""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers import paths
from helpers.collect import cohort


def test_the_cache_folder_given_is_used_as_is(tmp_path):
    assert cohort.cache_folder(str(tmp_path / "c"), replay_demo=True) == tmp_path / "c"


def test_the_replay_demo_caches_in_a_new_throwaway_folder():
    first, second = cohort.cache_folder(None, replay_demo=True), cohort.cache_folder(None, replay_demo=True)
    assert first != second and first.is_dir() and first.name.startswith("qvq-replay-cache-")
    assert first.parent == Path(tempfile.gettempdir())
    first.rmdir()
    second.rmdir()


def test_a_real_collection_caches_under_data():
    assert cohort.cache_folder(None, replay_demo=False) == paths.DATA / ".cache" / "collect"
