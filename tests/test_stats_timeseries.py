"""Stationarity decisions, differencing, cross-correlation sign convention and Granger tests."""

import numpy as np
import pandas as pd
import pytest

from helpers.stats import granger, lagged_xcorr, make_stationary, stationarity


def _rw(n: int, seed: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=n))


def test_stationarity_decisions_for_white_noise_and_random_walk():
    noise = stationarity(np.random.default_rng(0).normal(size=300))
    walk = stationarity(_rw(300, 1))
    assert noise.decision == "stationary" and noise.n == 300
    assert walk.decision == "non-stationary"
    assert walk.kpss_p_clipped  # KPSS p is only known to be <= 0.01 here


@pytest.mark.parametrize(("order", "expected"), [(0, 0), (1, 1), (2, 2)])
def test_make_stationary_finds_the_integration_order(order, expected):
    x = np.random.default_rng(2).normal(size=400)
    for _ in range(order):
        x = np.cumsum(x)
    res = make_stationary(pd.Series(x))
    assert res.n_diff == expected and res.stationary
    assert len(res.series) == 400 - expected and len(res.tests) == expected + 1


def test_lagged_xcorr_peak_at_planted_lead_with_sign_convention():
    rng = np.random.default_rng(3)
    x = rng.normal(size=500)
    y = np.r_[np.zeros(3), x[:-3]] + rng.normal(size=500)  # x leads y by 3
    tab = lagged_xcorr(x, y, 6).set_index("lag")
    assert tab["r"].abs().idxmax() == 3
    assert tab.loc[3, "r"] == pytest.approx(np.corrcoef(x[:-3], y[3:])[0, 1], abs=0.01)
    assert tab.loc[3, "band_high"] == pytest.approx(1.96 / np.sqrt(500), rel=1e-3)
    assert lagged_xcorr(y, x, 6).set_index("lag")["r"].abs().idxmax() == -3


def test_lagged_xcorr_band_false_positive_rate_for_independent_noise():
    rng = np.random.default_rng(4)
    outside = [lagged_xcorr(rng.normal(size=300), rng.normal(size=300), 10)["outside_band"].mean()
               for _ in range(30)]
    assert np.mean(outside) <= 0.08


def test_lag_functions_trim_edges_but_refuse_interior_gaps():
    x = np.r_[np.nan, np.random.default_rng(5).normal(size=50)]
    y = np.r_[np.random.default_rng(6).normal(size=50), np.nan]
    assert lagged_xcorr(x, y, 3)["n"].iloc[0] == 49
    x[10] = np.nan
    with pytest.raises(ValueError, match="interior"):
        lagged_xcorr(x, y, 3)
    with pytest.raises(ValueError, match="interior"):
        make_stationary(x)


def _granger_frame(n: int, seed: int, effect: float) -> pd.DataFrame:
    # Followers (random walk) drive traffic growth two days later; both series are I(1).
    rng = np.random.default_rng(seed)
    shocks = rng.normal(size=n)
    traffic_growth = effect * np.r_[0.0, 0.0, shocks[:-2]] + rng.normal(size=n)
    return pd.DataFrame({"followers": np.cumsum(shocks), "traffic": np.cumsum(traffic_growth)})


def test_granger_detects_planted_lag_two_and_not_the_reverse():
    df = _granger_frame(300, 7, effect=0.6)
    fwd = granger(df, "followers", "traffic", max_lag=5)
    rev = granger(df, "traffic", "followers", max_lag=5)
    assert fwd.n_diff == 1 and rev.n_diff == 1 and fwd.stationary
    assert fwd.best_lag == 2 and fwd.best.p < 1e-6
    assert fwd.table.set_index("lag").loc[1, "p"] > fwd.best.p  # lag 1 alone misses most of it
    assert rev.best.p > 0.05 and rev.table["p"].min() > 0.05


def test_granger_false_positive_rate_under_independence():
    ps = [granger(_granger_frame(150, 100 + s, effect=0.0), "followers", "traffic", max_lag=4).best.p
          for s in range(60)]
    assert np.mean(np.array(ps) < 0.05) <= 0.12
