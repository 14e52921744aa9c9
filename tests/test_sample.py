"""The simulated sample: deterministic, calibrated, and carrying its planted truth."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from helpers.data import dataset
from helpers.simulate import build_sample, load_config


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The default sample, built once for this module."""
    return dataset.load(build_sample(load_config(), tmp_path_factory.mktemp("s") / "sample"))


def test_the_same_seed_and_config_give_byte_identical_files(tmp_path):
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-m", "helpers", "sample", "--out", str(tmp_path / run / "sample")],
                       check=True, capture_output=True)
    files = sorted(p.name for p in (tmp_path / "a" / "sample").iterdir())
    assert "truth.json" in files and "manifest.json" in files
    for name in files:
        assert (tmp_path / "a" / "sample" / name).read_bytes() == (tmp_path / "b" / "sample" / name).read_bytes(), name


def test_another_seed_gives_another_sample(tmp_path):
    a = build_sample(load_config(seed=1), tmp_path / "a")
    b = build_sample(load_config(seed=2), tmp_path / "b")
    assert (a / "posts.parquet").read_bytes() != (b / "posts.parquet").read_bytes()


def test_cohort_size_and_heavy_tailed_follower_counts(sample):
    cohort = sample.accounts[~sample.accounts["is_focal"]]
    assert len(cohort) >= 300
    assert set(cohort["platform"]) >= {"x", "bluesky", "mastodon"}
    f = cohort["followers_count"].astype(float)
    assert f.min() >= 100 and f.max() <= 1_000_000 and f.max() > 100_000
    assert f.mean() > 3 * f.median(), "a heavy tail: the mean far above the median"
    per_account = sample.followers.groupby("account_id").size()
    small = cohort.set_index("account_id")["followers_count"] < 100
    assert (per_account.reindex(cohort["account_id"]).fillna(0)[~small.values] >= 100).all()
    assert (sample.posts.groupby("account_id").size() >= 50).all()


def test_follower_mix_is_calibrated_to_published_figures(sample):
    f = sample.followers[sample.followers["account_id"] != "x:quality_rules"]
    w = f["sample_weight"].astype(float)
    active = f["true_type"] != "inactive"
    bots = np.average(f.loc[active, "true_type"] == "fake", weights=w[active])
    assert 0.09 <= bots <= 0.18, "Varol et al. 2017: 9-15 % bots among active accounts"
    reciprocal = np.average(f["followed_back"].astype(bool), weights=w)
    assert 0.17 <= reciprocal <= 0.27, "Kwak et al. 2010: about 22 % reciprocal ties"


def test_focal_account_grows_by_curation_is_purged_and_its_blog_grows_tenfold(sample):
    truth = json.loads((sample.path / "truth.json").read_text())["focal"]
    counts = sample.follower_counts[sample.follower_counts["account_id"] == truth["account_id"]]
    curated = counts.iloc[60:300]
    weekday = curated[curated["date"].dt.dayofweek < 5]
    assert 30 <= weekday["new_follows"].median() <= 45
    purge_day = counts[counts["date"] == truth["purge"]["date"]]
    assert int(purge_day["unfollows"].iloc[0]) >= truth["purge"]["removed"]
    assert 0.02 <= truth["purge"]["removed"] / truth["purge"]["followers_before"] <= 0.06
    daily = sample.traffic.groupby("date")["sessions"].sum()
    assert 7 <= daily.iloc[-30:].mean() / daily.iloc[:30].mean() <= 14
    x_share = sample.traffic.loc[sample.traffic["channel"] == "x", "sessions"].sum() / daily.sum()
    assert x_share > 0.3, "X is a major referrer"


def test_flags_plant_null_worlds_and_truth_records_them(tmp_path):
    cfg = load_config(no_quality_effect=True)
    assert cfg["effects"]["relevant_effect"] == 0 and cfg["effects"]["fake_effect"] == 0
    path = build_sample(load_config(no_quantity_effect=True, overrides={"cohort": {"accounts": 40}}), tmp_path / "n")
    truth = json.loads((path / "truth.json").read_text())
    assert truth["elasticity"] == 0 and truth["quantity_effect_present"] is False
    assert truth["config"]["cohort"]["accounts"] == 40


def test_a_config_file_with_an_unknown_key_is_a_clear_error(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text("[cohort]\naccountz = 3\n")
    out = subprocess.run([sys.executable, "-m", "helpers", "sample", "--config", str(bad), "--out",
                          str(tmp_path / "o")], capture_output=True, text=True)
    assert out.returncode == 2 and "accountz" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "o").exists()


def test_the_sample_says_it_is_simulated(sample):
    assert sample.simulated and sample.manifest["pseudonymised"] is False
    assert any("SIMULATED" in n for n in sample.manifest["notes"])


def test_a_scenario_is_chosen_by_name_and_recorded_in_the_truth(tmp_path):
    out = subprocess.run([sys.executable, "-m", "helpers", "sample", "--scenario", "no-quality", "--config",
                          str(_small(tmp_path)), "--out", str(tmp_path / "w")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    truth = json.loads((tmp_path / "w" / "truth.json").read_text())
    assert truth["scenario"] == "no-quality" and truth["quality_effect_present"] is False
    assert truth["planted"]["visits"] == {"quantity": True, "quality": False}
    assert truth["reciprocity_engaged_difference"] == pytest.approx(0, abs=1e-9), "H09's planted link is off too"
    bad = subprocess.run([sys.executable, "-m", "helpers", "sample", "--scenario", "nope", "--out",
                          str(tmp_path / "x")], capture_output=True, text=True)
    assert bad.returncode == 2 and "nope" in bad.stderr and "Traceback" not in bad.stderr


def _small(tmp_path) -> str:
    path = tmp_path / "small.toml"
    path.write_text("[cohort]\naccounts = 30\n")
    return path
