"""Calibrated p_fake and the likely-fake call's error rates: the correction of a share for them is right on
average, and its interval carries the uncertainty of the rates as well as sampling error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.quality import calibration as calib


def _confusion(sens: list[float], spec: list[float], n: int = 400) -> list[dict]:
    """Per-set counts with the given rates exactly."""
    return [{"set": f"s{i}", "fake": n, "fake_called": int(round(se * n)), "human": n,
             "human_called": int(round((1 - sp) * n))} for i, (se, sp) in enumerate(zip(sens, spec, strict=True))]


def test_rogan_gladen_inverts_the_misclassification() -> None:
    se, sp, truth = 0.8, 0.9, 0.3
    observed = se * truth + (1 - sp) * (1 - truth)
    assert calib.rogan_gladen(observed, se, sp) == pytest.approx(truth)
    assert calib.rogan_gladen(0.05, se, sp) == 0.0  # below the false-positive floor: clipped, not negative
    assert np.isnan(calib.rogan_gladen(0.3, 0.5, 0.5))  # a call no better than chance corrects nothing


def test_error_rates_are_means_over_sets_and_their_interval_carries_between_set_spread() -> None:
    agree = calib.error_rates_from_counts(_confusion([0.7] * 6, [0.9] * 6), 0.5)
    spread = calib.error_rates_from_counts(_confusion([0.4, 0.5, 0.6, 0.8, 0.9, 1.0], [0.9] * 6), 0.5)
    assert agree.sensitivity == pytest.approx(0.7) and spread.sensitivity == pytest.approx(0.7)
    assert agree.sensitivity_ci[0] < 0.7 < agree.sensitivity_ci[1]
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    assert width(spread.sensitivity_ci) > 3 * width(agree.sensitivity_ci)
    assert len(spread.draws_sensitivity) == len(spread.draws_specificity)


def test_corrected_share_interval_covers_the_truth_when_the_rates_vary_by_collection() -> None:
    # Each follower list meets the call with its own collection's rates; the correction only knows their spread.
    sens, spec = [0.55, 0.65, 0.75, 0.85, 0.95], [0.80, 0.85, 0.90, 0.95, 0.97]
    rates = calib.error_rates_from_counts(_confusion(sens, spec), 0.5, n_boot=2000)
    rng = np.random.default_rng(3)
    covered = naive_covered = 0
    repeats = 100
    for seed in range(repeats):
        truth = rng.uniform(0.05, 0.5)
        k = rng.integers(0, len(sens))
        fake = rng.random(1500) < truth
        flagged = np.where(fake, rng.random(1500) < sens[k], rng.random(1500) < 1 - spec[k]).astype(float)
        got = calib.corrected_share(flagged, rates=rates, seed=seed)
        covered += got["ci_low"] <= truth <= got["ci_high"]
        q = flagged.mean()
        half = 1.96 * np.sqrt(q * (1 - q) / len(flagged))
        naive = calib.rogan_gladen(np.array([q - half, q + half]), rates.sensitivity, rates.specificity)
        naive_covered += naive[0] <= truth <= naive[1]
    assert covered / repeats >= 0.9, covered
    assert naive_covered / repeats < 0.8  # sampling error alone would not cover it: the test can fail


def test_corrected_share_counts_only_judged_followers_and_uses_weights() -> None:
    rates = calib.error_rates_from_counts(_confusion([0.8] * 4, [0.9] * 4), 0.5)
    got = calib.corrected_share(np.array([1, 0, np.nan, 0, 1, 0]), weights=np.array([3, 1, 1, 1, 1, 1.0]),
                                rates=rates)
    assert got["n_judged"] == 5 and got["observed"] == pytest.approx(4 / 7)
    assert got["corrected"] == pytest.approx((4 / 7 + 0.9 - 1) / (0.8 + 0.9 - 1))


def test_calibration_maps_scores_to_observed_shares_and_keeps_few_knots() -> None:
    rng = np.random.default_rng(0)
    n = 6000
    truth = rng.uniform(0, 1, n)
    label = (rng.random(n) < truth).astype(int)
    score = truth**3  # ranks well, says far too little
    preds = pd.DataFrame({"set": np.repeat(["a", "b", "c"], n // 3), "label": label, "score": score})
    for method in ("isotonic", "platt"):
        fitted = calib.fit_calibration(preds, method)
        p = calib.apply(fitted, score)
        assert calib.expected_calibration_error(label, p) < calib.expected_calibration_error(label, score) / 3
    assert len(calib.fit_calibration(preds, "isotonic")["x"]) <= calib.MAX_KNOTS
    assert np.isnan(calib.apply(fitted, np.array([np.nan]))[0])


def test_each_set_is_calibrated_by_a_map_fitted_without_it() -> None:
    rng = np.random.default_rng(1)
    preds = pd.DataFrame({"set": np.repeat(["a", "b", "c"], 500), "label": rng.integers(0, 2, 1500)})
    preds["score"] = np.clip(0.3 * preds["label"] + rng.uniform(0, 0.7, 1500), 0, 1)
    out = calib.cross_calibrated(preds, "isotonic")
    here = (preds["set"] == "a").to_numpy()
    expected = calib.apply(calib.fit_calibration(preds[~here], "isotonic"), preds["score"].to_numpy()[here])
    assert np.allclose(out[here], expected)
    assert not np.allclose(out[here], calib.apply(calib.fit_calibration(preds, "isotonic"),
                                                  preds["score"].to_numpy()[here]))


def test_reliability_bins_hold_every_account() -> None:
    p = np.linspace(0, 1, 101)
    table = calib.reliability((p > 0.5).astype(int), p)
    assert table["n"].sum() == 101 and (table["ci_low"] <= table["observed"]).all()
