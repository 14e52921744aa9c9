"""The collection and scoring notebooks execute with their parameters, writing only to temporary folders."""

from __future__ import annotations

import json

import papermill
import pytest

from helpers import paths
from helpers.simulate import build_sample, load_config


def _execute(name: str, tmp_path, **parameters) -> dict:
    """Run one notebook with papermill and return the executed notebook."""
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False, cwd=str(paths.NOTEBOOKS))
    return json.loads(out.read_text())


def _errors(nb: dict) -> list:
    """Error outputs of an executed notebook."""
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    """A small simulated sample."""
    cfg = load_config(overrides={"cohort": {"accounts": 40, "followers_sampled": 40}})
    return build_sample(cfg, tmp_path_factory.mktemp("s") / "sample")


def test_export_notebook_ingests_the_real_archive(realdata, tmp_path):
    nb = _execute("01_collect_from_export", tmp_path, dataset_name=str(tmp_path / "export"))
    assert not _errors(nb) and (tmp_path / "export" / "manifest.json").is_file()


def test_export_notebook_explains_what_to_do_without_an_export(tmp_path):
    nb = _execute("01_collect_from_export", tmp_path, export_paths=[], dataset_name=str(tmp_path / "none"))
    assert not _errors(nb) and not (tmp_path / "none").exists()


def test_blog_traffic_notebook_ingests_the_real_web_analytics_exports(realdata, tmp_path):
    nb = _execute("05_collect_blog_traffic", tmp_path, out_dataset=str(tmp_path / "blog"))
    assert not _errors(nb) and (tmp_path / "blog" / "traffic.parquet").is_file()


def test_scoring_notebook_runs_on_the_sample(small_sample, tmp_path):
    nb = _execute("10_clean_and_score", tmp_path, dataset=str(small_sample), n_draws=100)
    assert not _errors(nb) and (small_sample / "follower_quality.parquet").is_file()


def test_training_notebook_writes_its_model_where_told(realdata, tmp_path):
    model, metrics = tmp_path / "m.joblib", tmp_path / "m.json"
    nb = _execute("11_train_authenticity", tmp_path, model_path=str(model), metrics_path=str(metrics), n_boot=200)
    assert not _errors(nb) and model.is_file()
    assert json.loads(metrics.read_text())
