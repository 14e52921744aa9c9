"""Rank, top-decile and partial correlations: planted effects, null error rate, ties, NaNs."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers.stats import kendall_ci, partial_correlation, spearman_ci, top_decile_correlation, top_share_threshold


def _binormal(rho: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)


def test_spearman_ci_covers_planted_rho_in_most_repeats():
    rho = 0.5
    truth = 6 / np.pi * np.arcsin(rho / 2)  # population Spearman of a bivariate normal
    hits = [spearman_ci(*_binormal(rho, 100, s), n_boot=500, seed=s).covers(truth) for s in range(60)]
    assert np.mean(hits) >= 0.88


def test_kendall_ci_covers_planted_tau_and_uses_tau_b():
    x, y = _binormal(0.6, 400, 1)
    est = kendall_ci(x, y, n_boot=400)
    assert est.covers(2 / np.pi * np.arcsin(0.6))  # population Kendall of a bivariate normal
    assert est.n == 400 and "tau-b" in est.method


def test_spearman_null_false_positive_rate_is_controlled():
    excl, sig = 0, 0
    for s in range(200):
        x, y = _binormal(0.0, 30, 10_000 + s)
        est = spearman_ci(x, y, n_boot=400, seed=s)
        excl += not est.covers(0.0)
        sig += est.p < 0.05
    assert excl / 200 <= 0.08
    assert sig / 200 <= 0.08


def test_heavy_ties_match_scipy_average_ranks_and_tau_b():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=300)
    y = np.clip(x + rng.integers(-1, 2, size=300), 0, 3)
    sp = spearman_ci(x, y, n_boot=300)
    kd = kendall_ci(x, y, n_boot=200)
    assert sp.estimate == pytest.approx(stats.spearmanr(x, y).statistic)
    assert kd.estimate == pytest.approx(stats.kendalltau(x, y, variant="b").statistic)
    assert kd.estimate != pytest.approx(stats.kendalltau(x, y, variant="c").statistic)
    assert sp.extra["n_tied_x"] == 297 and sp.extra["n_tied_y"] == 296
    for est in (sp, kd):
        assert np.isfinite([est.ci_low, est.ci_high]).all() and est.ci_low < est.estimate < est.ci_high


def test_nan_pairs_are_dropped_and_counted():
    x, y = _binormal(0.4, 200, 5)
    xn, yn = x.copy(), y.copy()
    xn[[0, 5]] = np.nan
    yn[[5, 9, 11]] = np.nan
    est = spearman_ci(pd.Series(xn, name="a"), pd.Series(yn, name="b"), n_boot=200)
    keep = np.ones(200, bool)
    keep[[0, 5, 9, 11]] = False
    ref = spearman_ci(x[keep], y[keep], n_boot=200)
    assert est.n == 196 and est.extra["n_dropped_nan"] == 4
    assert (est.estimate, est.ci_low, est.ci_high) == (ref.estimate, ref.ci_low, ref.ci_high)
    assert est.name == "spearman(a, b)"


def test_constant_input_gives_nan_not_an_error():
    est = spearman_ci(np.ones(20), np.arange(20.0), n_boot=100)
    assert np.isnan(est.estimate) and est.n == 20


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=5, max_size=40))
def test_rank_correlations_are_invariant_to_monotone_transforms(values):
    x = np.array(values, dtype=float)
    y = np.sin(x) + 0.001 * x
    for fn in (spearman_ci, kendall_ci):
        a = fn(x, y, n_boot=0).estimate
        b = fn(x**3, y, n_boot=0).estimate  # exact in float64 for |x| <= 1000, so ties are kept
        assert a == pytest.approx(b, abs=1e-12) or (np.isnan(a) and np.isnan(b))


def test_top_share_threshold_avoids_float_rounding():
    assert top_share_threshold(pd.Series(np.arange(100.0)), 0.9) == (90.0, 10)


def test_top_decile_includes_and_reports_ties_at_the_cut():
    # 8 clear leaders, then five users tied at 50: the 10th-largest value is 50, so all five are in.
    by = np.r_[np.arange(100, 92, -1), [50] * 5, np.linspace(0, 40, 87)]
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"followers": by.astype(float), "eng": rng.normal(size=100)})
    full, top = top_decile_correlation(df, "followers", "eng", n_boot=200)
    assert full.n == 100
    assert top.n == 13
    assert top.extra["threshold"] == 50 and top.extra["n_nominal"] == 10
    assert top.extra["n_at_threshold"] == 5 and top.extra["n_extra_ties"] == 3


def test_top_decile_by_another_column_and_range_restriction():
    rng = np.random.default_rng(7)
    n = 1000
    x, y = _binormal(0.6, n, 7)
    df = pd.DataFrame({"x": x, "y": y, "rank_by": x + rng.normal(size=n)})
    df.loc[:4, "y"] = np.nan
    full, top = top_decile_correlation(df, "x", "y", n_boot=300)
    assert full.n == n - 5 and full.extra["n_dropped_nan"] == 5
    assert full.covers(6 / np.pi * np.arcsin(0.3))
    assert top.n == 100 and top.estimate < full.estimate  # range restriction attenuates
    _, top_by = top_decile_correlation(df, "x", "y", by="rank_by", n_boot=100)
    assert top_by.extra["by"] == "rank_by" and top_by.n == 100


def _gaussian_partial_frame(n: int, seed: int, direct: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = z + rng.normal(size=n)
    y = direct * x + z + rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": y, "z": z})


def test_partial_correlation_removes_confounding():
    df = _gaussian_partial_frame(400, 11, direct=0.0)
    raw = spearman_ci(df["x"], df["y"], n_boot=0)
    part = partial_correlation(df, "x", "y", ["z"], method="pearson", n_boot=300)
    assert raw.estimate > 0.4
    assert part.covers(0.0) and part.n == 400 and part.extra["df_resid"] == 397


def test_partial_correlation_recovers_planted_direct_effect():
    df = _gaussian_partial_frame(500, 12, direct=0.5)
    df.loc[3, "z"] = np.nan
    part = partial_correlation(df, "x", "y", ["z"], method="pearson", n_boot=300)
    assert part.covers(0.5 / np.sqrt(1.25))  # corr(e1, 0.5 e1 + e2)
    assert part.n == 499 and part.p < 1e-10


def test_partial_spearman_equals_precision_matrix_of_ranks():
    df = _gaussian_partial_frame(300, 13, direct=0.3)
    df["w"] = np.random.default_rng(1).normal(size=300) + df["z"]
    est = partial_correlation(df, "x", "y", ["z", "w"], n_boot=0)
    prec = np.linalg.inv(np.corrcoef(stats.rankdata(df.to_numpy(), axis=0), rowvar=False))
    assert est.estimate == pytest.approx(-prec[0, 1] / np.sqrt(prec[0, 0] * prec[1, 1]))
