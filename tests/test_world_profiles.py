"""The simulator's follower profiles: fitted to the labelled sets by benchmarks/fit_world_profiles.py (only
parameters kept), drawn back faithfully, and not sitting in the ranges the classifier separates."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

from helpers import paths
from helpers.quality import labelled_sets
from helpers.simulate import copula, load_config
from helpers.simulate.profiles import FITTED_PROFILES, draw_profiles, fitted

OBSERVED = pd.Timestamp("2026-01-01", tz="UTC")


def _script():
    spec = importlib.util.spec_from_file_location("fit_world_profiles",
                                                  paths.ROOT / "benchmarks" / "fit_world_profiles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not labelled_sets.available(), reason="../shared/realdata-train (or realdata) is absent: the "
                                                          "fitted profiles cannot be checked against the sets")
def test_the_fitted_file_is_what_the_script_writes_from_the_labelled_sets():
    script = _script()
    written = json.loads(FITTED_PROFILES.read_text())
    assert json.loads(json.dumps(script.fit_all(script.load()), sort_keys=True)) == written


def test_the_file_holds_parameters_only():
    for c in json.loads(FITTED_PROFILES.read_text())["classes"].values():
        assert set(c) == {"accounts", "groups", "copula", "rates"}
        cop = c["copula"]
        assert all(len(q) == len(cop["probabilities"]) == 100 for q in cop["quantiles"].values())
        assert min(cop["probabilities"]) > 0 and max(cop["probabilities"]) < 1, "no single extreme account kept"
        assert c["accounts"] > 1000


def test_a_fitted_copula_is_drawn_back_with_its_marginals_and_correlation():
    rng = np.random.default_rng(0)
    x = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], 5000)
    frame = pd.DataFrame({"a": np.exp(x[:, 0]), "b": x[:, 1] * 3})
    draws = copula.sample(np.random.default_rng(1), copula.fit(frame), 20_000)
    assert draws["a"].median() == pytest.approx(1.0, abs=0.05)
    assert draws["b"].std() == pytest.approx(3.0, rel=0.05)
    assert draws.corr(method="spearman").iloc[0, 1] == pytest.approx(0.58, abs=0.04)


def _profiles(types: list[str], n: int = 4000, **profiles) -> pd.DataFrame:
    p = {**load_config()["profiles"], **profiles}
    t = np.repeat(np.array(types), n)
    return draw_profiles(np.random.default_rng(2), t, OBSERVED, np.arange(len(t)).astype(str), p)


def test_drawn_fakes_follow_the_fitted_fake_class_not_the_classifiers_ranges():
    f = _profiles(["fake"])
    fit = fitted()["fake"]["copula"]["quantiles"]
    assert np.log1p(f["followers_count"]).median() == pytest.approx(fit["log_followers"][50], abs=0.15)
    assert (f["followers_count"] > 25).mean() > 0.2, "not all in 0-25 followers"
    assert ((f["following_count"] < 300) | (f["following_count"] > 4000)).mean() > 0.2
    age = (OBSERVED - f["created_at"]).dt.days
    assert (age > 400).mean() > 0.3, "not all 10-400 days old"
    assert (f["handle"].str.extract(r"(\d*)$")[0].str.len() >= 8).mean() < 0.05, "few 8-digit handles"


def test_inactive_silence_straddles_the_scorers_90_day_rule():
    f = _profiles(["inactive", "relevant"])
    since = (OBSERVED - pd.to_datetime(f["last_post_at"], utc=True)).dt.days
    inactive = f["true_type"] == "inactive"
    assert 0.15 < (since[inactive] <= 90).mean() < 0.5, "a good part of inactive followers posted within 90 days"
    assert 0.0 < (since[~inactive] > 90).mean() < 0.05, "a few active ones are silent longer"
