"""Wilson intervals for shares, with Kish effective n for weights."""

import numpy as np
import pytest

from helpers.stats import kish_effective_n, proportion_ci


def _wilson(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_wilson_matches_formula_and_zero_count():
    est = proportion_ci(3, 10)
    assert (est.ci_low, est.ci_high) == pytest.approx(_wilson(3, 10))
    zero = proportion_ci(0, 10)
    assert zero.ci_low == pytest.approx(0, abs=1e-12) and zero.ci_high == pytest.approx(3.8415 / 13.8415, rel=1e-4)


def test_unit_outcomes_with_nan_and_equal_weights():
    x = np.r_[np.ones(30), np.zeros(70), np.nan]
    plain = proportion_ci(x)
    assert plain.n == 100 and plain.estimate == 0.3 and plain.extra["n_dropped_nan"] == 1
    weighted = proportion_ci(x, weights=np.full(101, 2.5))
    assert (weighted.ci_low, weighted.ci_high) == pytest.approx((plain.ci_low, plain.ci_high))


def test_kish_effective_n_by_hand():
    assert kish_effective_n([1, 2, 3]) == pytest.approx(36 / 14)


def test_unequal_weights_widen_interval_and_keep_coverage():
    rng = np.random.default_rng(0)
    hits, widths = [], []
    for _ in range(300):
        w = rng.lognormal(0, 1, size=200)
        x = (rng.random(200) < 0.3).astype(float)
        est = proportion_ci(x, weights=w)
        hits.append(est.covers(0.3))
        widths.append(est.ci_high - est.ci_low)
    plain_width = np.diff(_wilson(60, 200))[0]
    assert np.mean(hits) >= 0.92 and np.median(widths) > 1.3 * plain_width


def test_input_validation():
    with pytest.raises(ValueError):
        proportion_ci(3)
    with pytest.raises(ValueError):
        proportion_ci(11, 10)
    with pytest.raises(ValueError):
        proportion_ci([0, 2, 1])
