"""Files of one export given as separate arguments are read exactly as when given together in one folder."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "x"


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a dataset, rows in a fixed order."""
    out = {}
    for file in sorted(path.glob("*.parquet")):
        frame = pd.read_parquet(file)
        order = frame.astype(str).sort_values(list(frame.columns)).index  # list cells (link_urls) sort as text
        out[file.stem] = frame.loc[order].reset_index(drop=True)
    return out


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """Two datasets hold the same tables with the same rows."""
    assert sorted(a) == sorted(b)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


def _copy(folder: Path, tmp_path: Path) -> Path:
    """A copy of a fixture folder (so its paths are the same whichever way the files are given)."""
    return Path(shutil.copytree(folder, tmp_path / folder.name))


@pytest.mark.parametrize("order", [0, 1])
def test_x_analytics_2024_content_and_overview_given_apart_read_as_in_one_folder(tmp_path: Path, order: int) -> None:
    """The overview given as its own argument is assigned to the account of the content export beside it."""
    folder = _copy(FIXTURES / "analytics_2024", tmp_path)
    files = sorted(folder.glob("*.csv"))
    together, entries = ingest([folder], tmp_path / "together", pseudonymise=False, progress=False)
    given = files if order == 0 else files[::-1]
    apart, apart_entries = ingest(given, tmp_path / "apart", pseudonymise=False, progress=False)
    _same(_tables(together), _tables(apart))
    assert len(_tables(apart)["follower_counts"]) == 4
    assert [e["tables"] for e in apart_entries] == [e["tables"] for e in entries]
    assert {f["path"] for f in apart_entries[0]["files"]} == {str(f) for f in files}
    assert apart_entries[0]["given"] == [str(f) for f in given]
    assert apart_entries[0]["path"] == f"{given[0]} and 1 more"


def test_legacy_tweet_activity_files_given_apart_read_as_in_one_folder(tmp_path: Path) -> None:
    """Monthly exports and the hand-kept log: the latest period wins and the log finds its account, either way."""
    folder = _copy(FIXTURES / "analytics_legacy", tmp_path)
    files = sorted(folder.glob("*.csv"))
    together, _ = ingest([folder], tmp_path / "together", pseudonymise=False, progress=False)
    for i, order in enumerate(itertools.permutations(files)):
        apart, _ = ingest(list(order), tmp_path / f"apart{i}", pseudonymise=False, progress=False)
        _same(_tables(together), _tables(apart))


def test_a_folder_and_a_file_of_one_export_are_read_together(tmp_path: Path) -> None:
    """Part of an export in a folder and the rest given as a file still form one export."""
    folder = _copy(FIXTURES / "analytics_2024", tmp_path)
    (tmp_path / "overview").mkdir()
    overview = Path(shutil.move(folder / "account_overview_analytics.csv", tmp_path / "overview"))
    together, _ = ingest([_copy(FIXTURES / "analytics_2024", tmp_path / "all")], tmp_path / "t", pseudonymise=False,
                         progress=False)
    mixed, _ = ingest([overview.parent, folder], tmp_path / "m", pseudonymise=False, progress=False)
    expected = _tables(together)
    got = _tables(mixed)
    for table in ("posts", "follower_counts", "accounts"):
        pd.testing.assert_frame_equal(got[table], expected[table], obj=table)


def test_real_ropensci_exports_given_as_separate_files_read_as_their_folder(realdata: Path, tmp_path: Path) -> None:
    """The 60 monthly Tweet activity CSVs and the monthly log, one argument each, give the folder's tables."""
    folder = realdata / "x-analytics-ropensci"
    files = sorted(folder.glob("*.csv"))
    assert len(files) == 61
    together, entries = ingest([folder], tmp_path / "together", pseudonymise=False, progress=False)
    apart, apart_entries = ingest(files[::-1], tmp_path / "apart", pseudonymise=False, progress=False)
    _same(_tables(together), _tables(apart))
    assert [e["tables"] for e in apart_entries] == [e["tables"] for e in entries]
