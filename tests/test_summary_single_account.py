"""The summary, the hypothesis template and the rOpenSci case run without error on a one-account export."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import papermill
import pytest

from helpers import paths
from helpers.data import dataset, schemas
from helpers.hypotheses import registry


@pytest.fixture(scope="module")
def export_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One focal account as an X archive gives it: posts with likes, followers with ids only, no traffic."""
    n = 30
    tables = {
        "accounts": pd.DataFrame({"account_id": ["me"], "platform": "x", "handle": ["me"], "is_focal": True}),
        "posts": pd.DataFrame({
            "post_id": [str(i) for i in range(n)], "account_id": "me", "platform": "x", "kind": "post",
            "created_at": pd.date_range("2024-01-01", periods=n, freq="D", tz="UTC"),
            "has_link": [i % 3 == 0 for i in range(n)], "likes": [i % 7 for i in range(n)], "reposts": 1}),
        "followers": pd.DataFrame({"account_id": "me", "follower_id": [f"f{i}" for i in range(12)], "platform": "x",
                                   "sample_weight": 1.0}),  # the full list; conform() cannot yet fill a float column
    }
    tables = {t: schemas.conform(t, df) for t, df in tables.items()}
    return dataset.write(tables, tmp_path_factory.mktemp("export") / "one_account", pseudonymised=True)


def _run(notebook: str, ds: Path, results: Path, **params) -> None:
    """Execute one notebook with papermill (raises on any error)."""
    papermill.execute_notebook(str(paths.NOTEBOOKS / f"{notebook}.ipynb"), str(results.parent / f"{notebook}.ipynb"),
                               parameters={"dataset": str(ds), "results_dir": str(results), **params},
                               kernel_name="python3", progress_bar=False, cwd=str(paths.NOTEBOOKS))


def test_the_template_the_case_and_the_summary_run_on_one_account(export_like: Path, tmp_path: Path):
    results = tmp_path / "report" / "results"
    results.mkdir(parents=True)
    _run("template_hypothesis", export_like, results)
    _run("40_case_ropensci", export_like, results, export_path=str(tmp_path / "no_export_here"))
    _run("30_summary", export_like, results)

    example = json.loads((results / "H00_links_engagement.json").read_text())
    assert example["n"] == 30 and example["estimate"] is not None  # 10 link posts, 20 others: estimable
    case = json.loads((results / "H11_ropensci_followers_clicks.json").read_text())
    assert case["verdict"] == "not estimable" and "not found" in case["finding"] and case["case_data"]
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert [h["id"] for h in summary["hypotheses"]] == registry.hypothesis_ids()
    # before: "not estimable" or "neither"; under the rule a dataset without primaries cannot tell, and says why
    assert summary["simulated"] is False and summary["answer"]["answer"] == "can't tell"
    assert summary["answers"]["overall"] == "can't tell"
    for outcome in ("engagement", "social visits"):
        assert summary["answers"][outcome]["answer"] == "can't tell"
        assert summary["answers"][outcome]["reason"].startswith("not estimable: "), summary["answers"][outcome]
