"""Notebooks 22-25 run without error on a single-account export (no traffic, no daily counts, followers with
ids only) and record every hypothesis as not estimable, with the reason; the rOpenSci case study says when its
export is absent."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import papermill
import pytest

from helpers import paths
from test_analyses_focal import _export_shaped

NOTEBOOKS = {"22_network_blog_traffic": ["H03_followers_traffic", "H04_link_post_visits"],
             "23_growth_pace": ["H05_days_to_10000", "H06_growth_quality"],
             "24_purges": ["H07_purge_engagement_per_follower"],
             "25_reciprocity_manageability": ["H09_reciprocity_engagement", "H10_reply_rate_10k"],
             "40_case_ropensci": ["H11_ropensci_followers_clicks"]}


@pytest.mark.slow
def test_the_focal_notebooks_run_on_an_export_and_record_not_estimable(tmp_path):
    ds = _export_shaped(tmp_path / "export")
    results = tmp_path / "results"

    def run(name: str) -> None:
        more = {"export_path": str(tmp_path / "no-ropensci-export")} if name == "40_case_ropensci" else {}
        papermill.execute_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
                                   parameters={"dataset": str(ds.path), "results_dir": str(results), **more},
                                   kernel_name="python3", progress_bar=False, cwd=str(paths.NOTEBOOKS))

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, NOTEBOOKS))  # list() re-raises a notebook's error here
    for name, ids in NOTEBOOKS.items():
        for hid in ids:
            result = json.loads((results / f"{hid}.json").read_text())
            assert result["verdict"] == "not estimable" and result["estimate"] is None, hid
            assert result["finding"].startswith("not estimable: ") and len(result["finding"]) > 30, hid
            assert result["notebook"] == name and result["simulated"] is False
    h11 = json.loads((results / "H11_ropensci_followers_clicks.json").read_text())
    assert h11["finding"] == f"not estimable: the rOpenSci export was not found at {tmp_path / 'no-ropensci-export'}"
    page = json.loads((tmp_path / "40_case_ropensci.ipynb").read_text())
    shown = [line for c in page["cells"] for o in c.get("outputs", []) for line in o.get("data", {}).get(
        "text/markdown", [])]
    assert any("**The rOpenSci export is not at " in line for line in shown)
