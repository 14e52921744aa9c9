"""The collection notebooks run offline on their default parameters (the replay demo) and validate."""

from __future__ import annotations

import papermill
import pytest

from helpers import paths
from helpers.data import dataset


@pytest.mark.slow
@pytest.mark.parametrize("name", ["02_collect_bluesky", "03_collect_mastodon", "04_collect_snscrape"])
def test_collection_notebook_runs_its_replay_demo(name, tmp_path):
    out = tmp_path / "ds"
    papermill.execute_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
                               parameters={"dataset": str(out)}, progress_bar=False, cwd=str(tmp_path))
    ds = dataset.load(out)
    assert ds.simulated and ds.manifest["collection"]["replay_demo"] and len(ds.accounts) > 0
