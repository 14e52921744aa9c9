"""Scoring is its own step: `analyses` never scores a dataset unannounced; `make analyses` runs `score --if-needed`
first and says so."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import paths
from helpers.data import dataset
from helpers.reports.run import run_analyses
from helpers.simulate import build_sample, load_config

SCORES = ("follower_quality", "account_quality")


@pytest.fixture(scope="module")
def unscored(tmp_path_factory):
    """A small simulated dataset written without its score tables."""
    root = tmp_path_factory.mktemp("unscored")
    cfg = root / "small.toml"
    cfg.write_text("[cohort]\naccounts = 30\nfollowers_sampled = 20\n")
    scored = build_sample(load_config(cfg), root / "scored")
    ds = dataset.load(scored)
    tables = {name: frame for name, frame in ds.tables.items() if name not in SCORES}
    return dataset.write(tables, root / "unscored", pseudonymised=False, simulated=True,
                         extra_files={"interests.toml": (scored / "interests.toml").read_text()})


def _helpers(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True, text=True)


def test_running_the_analyses_does_not_score_the_dataset(unscored, tmp_path):
    before = (unscored / "manifest.json").read_bytes()
    run_analyses(str(unscored), tmp_path / "reports", only=["20_quantity_engagement"], progress=False)
    assert (unscored / "manifest.json").read_bytes() == before
    assert not any((unscored / f"{t}.parquet").exists() for t in SCORES)


def test_score_if_needed_scores_once_and_then_says_there_is_nothing_to_do(unscored, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(unscored, copy)
    first = _helpers("score", "--dataset", str(copy), "--if-needed")
    assert first.returncode == 0, first.stderr
    assert "scored the" in first.stdout and all(t in dataset.load(copy).tables for t in SCORES)
    stamp = (copy / "manifest.json").read_bytes()
    second = _helpers("score", "--dataset", str(copy), "--if-needed")
    assert second.returncode == 0 and "already scored" in second.stdout
    assert (copy / "manifest.json").read_bytes() == stamp


def test_make_analyses_announces_and_runs_the_scoring_step_before_the_notebooks(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    run = subprocess.run(["make", "-n", "-C", str(tmp_path), "-f", str(paths.ROOT / "Makefile"), "analyses",
                          "DATASET=mine"], capture_output=True, text=True, env=env)
    lines = run.stdout.splitlines()
    score = next(i for i, line in enumerate(lines) if "helpers score --dataset mine --if-needed" in line)
    analyses = next(i for i, line in enumerate(lines) if "helpers analyses --dataset mine" in line)
    assert score < analyses
    assert any("scoring the followers of mine" in line for line in lines[:score])
