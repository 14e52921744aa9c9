"""Projected date of reaching a follower target: coverage of the true crossing in simulated growth."""

import numpy as np
import pandas as pd
import pytest

from helpers.stats import growth_projection


def _followers(seed: int, n_obs: int = 120, drift: float = 20.0, sd: float = 15.0, target: float = 7000.0):
    """Observed first n_obs days of a random walk with drift and the true crossing, in days after the last."""
    rng = np.random.default_rng(seed)
    path = 1000 + np.cumsum(rng.normal(drift, sd, size=2000))
    dates = pd.date_range("2024-01-01", periods=2000, freq="D")
    crossing = int(np.argmax(path >= target)) - (n_obs - 1)
    return dates[:n_obs], path[:n_obs], crossing


def test_rw_drift_interval_covers_true_crossing_in_most_repeats():
    hits = []
    for s in range(120):
        dates, counts, truth = _followers(s)
        hits.append(growth_projection(dates, counts, 7000, n_sim=4000, seed=s).covers(truth))
    assert np.mean(hits) >= 0.88


def test_rw_drift_short_history_still_covers():
    hits = []
    for s in range(120):
        dates, counts, truth = _followers(1000 + s, n_obs=30, target=4000)
        hits.append(growth_projection(dates, counts, 4000, n_sim=4000, seed=s).covers(truth))
    assert np.mean(hits) >= 0.88


def test_linear_trend_interval_is_too_narrow_as_documented():
    # Trend fits to cumulative counts ignore the random-walk error; the module docstring says so.
    hits = []
    for s in range(60):
        dates, counts, truth = _followers(s)
        hits.append(growth_projection(dates, counts, 7000, model="linear").covers(truth))
    assert np.mean(hits) < 0.7


def test_point_estimate_and_dates_are_consistent():
    dates, counts, truth = _followers(7)
    est = growth_projection(dates, counts, 7000)
    assert est.estimate == pytest.approx((7000 - counts[-1]) / est.extra["drift_per_day"])
    assert est.extra["drift_per_day"] == pytest.approx((counts[-1] - counts[0]) / (len(counts) - 1))
    assert est.extra["date"] == (dates[-1] + pd.Timedelta(days=est.estimate)).round("D")
    assert est.extra["date_low"] <= est.extra["date"] <= est.extra["date_high"]
    assert est.n == 120 and est.extra["p_within_horizon"] > 0.99


def test_irregular_dates_use_total_change_over_total_days():
    dates, counts, _ = _followers(8)
    keep = np.r_[0:40, 55:120]  # a two-week gap in collection
    est = growth_projection(dates[keep], counts[keep], 7000)
    assert est.extra["drift_per_day"] == pytest.approx((counts[-1] - counts[0]) / 119)
    assert est.n == 105


def test_already_reached_and_shrinking_accounts():
    dates = pd.date_range("2024-01-01", periods=10)
    done = growth_projection(dates, np.linspace(9000, 10500, 10), 10_000)
    assert done.estimate == 0 and done.extra["already_reached"]
    wobble = np.random.default_rng(0).normal(0, 5, size=10)
    shrinking = growth_projection(dates, np.linspace(5000, 4000, 10) + wobble, 10_000)
    assert np.isinf(shrinking.estimate) and shrinking.extra["date"] is pd.NaT
    assert shrinking.extra["p_within_horizon"] < 0.05


def test_trend_models_run_and_validate_input():
    dates, counts, _ = _followers(9)
    assert np.isfinite(growth_projection(dates, counts, 7000, model="loglinear").estimate)
    with pytest.raises(ValueError):
        growth_projection(dates[:3], counts[:3], 7000)
    with pytest.raises(ValueError):
        growth_projection(dates, counts, 7000, model="cubic")
