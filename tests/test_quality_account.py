"""Per-account shares: 95 % intervals that use sample_weight cover the truth; NQI agrees with its formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.quality.account import account_quality
from helpers.quality.bins import BINS
from helpers.quality.nqi import BIN_VALUES, nqi_from_shares, nqi_with_ci, rank_sensitivity

# Two strata with different bin mixes, the first sampled at four times the rate of the second, so the
# weights matter (an unweighted share would be biased towards the first stratum's mix).
MIX_A = [0.15, 0.35, 0.30, 0.10, 0.10]
MIX_B = [0.05, 0.15, 0.35, 0.20, 0.25]


def _sampled_account(seed: int, population: int = 10_000) -> tuple[pd.DataFrame, dict[str, float]]:
    """A population with known bin shares, Poisson-sampled with unequal inclusion probabilities."""
    rng = np.random.default_rng(seed)
    in_a = rng.random(population) < 0.3
    bins = np.where(in_a, rng.choice(BINS, population, p=MIX_A), rng.choice(BINS, population, p=MIX_B))
    inclusion = np.where(in_a, 0.12, 0.03)
    take = rng.random(population) < inclusion
    truth = {b: float((bins == b).mean()) for b in BINS}
    n = int(take.sum())
    fq = pd.DataFrame({"account_id": "a", "follower_id": np.arange(n).astype(str), "bin": bins[take],
                       "followed_back": pd.array(rng.random(n) < 0.2, dtype="boolean"),
                       "sample_weight": 1 / inclusion[take], "p_fake": 0.1, "interactions": 0})
    return fq, truth


def test_weighted_intervals_cover_the_truth_in_90_percent_of_seeded_repeats() -> None:
    repeats = 200
    covered = {b: 0 for b in BINS}
    unweighted_covered = 0
    for seed in range(repeats):
        fq, truth = _sampled_account(seed)
        row = account_quality(fq).iloc[0]
        for b in BINS:
            covered[b] += row[f"share_{b}_ci_low"] <= truth[b] <= row[f"share_{b}_ci_high"]
        unweighted = account_quality(fq.assign(sample_weight=1.0)).iloc[0]
        unweighted_covered += unweighted["share_likely_fake_ci_low"] <= truth["likely_fake"] <= \
            unweighted["share_likely_fake_ci_high"]
    rates = {b: c / repeats for b, c in covered.items()}
    assert min(rates.values()) >= 0.90, rates
    assert unweighted_covered / repeats < 0.90  # the test can fail: ignoring the weights does


def test_shares_sum_to_one_and_reciprocity_is_weighted() -> None:
    fq, _ = _sampled_account(1)
    row = account_quality(fq).iloc[0]
    assert sum(row[f"share_{b}"] for b in [*BINS, "unknown"]) == pytest.approx(1.0)
    w, back = fq["sample_weight"], fq["followed_back"].astype(float)
    assert row["reciprocity"] == pytest.approx((w * back).sum() / w.sum())
    assert row["n_eff"] < len(fq)  # unequal weights cost precision


def test_nqi_from_shares_equals_mean_follower_value() -> None:
    fq, _ = _sampled_account(2)
    aq = account_quality(fq)
    by_formula = nqi_from_shares(aq).iloc[0]
    with_ci = nqi_with_ci(fq).iloc[0]
    assert by_formula == pytest.approx(with_ci["nqi"])
    assert with_ci["nqi_ci_low"] < with_ci["nqi"] < with_ci["nqi_ci_high"]
    # by hand for a tiny account: two engaged, one fake, half followed back, reciprocity weight 0.1
    tiny = pd.DataFrame({"account_id": "t", "follower_id": ["1", "2", "3", "4"],
                         "bin": ["engaged", "engaged", "likely_fake", "relevant"],
                         "followed_back": pd.array([True, False, False, True], dtype="boolean"),
                         "sample_weight": 1.0, "p_fake": 0.0, "interactions": 0})
    expected = 100 * (0.9 * (2 * BIN_VALUES["engaged"] + BIN_VALUES["relevant"]) / 4 + 0.1 * 0.5)
    assert nqi_from_shares(account_quality(tiny)).iloc[0] == pytest.approx(expected)


def test_rank_sensitivity_reports_each_account() -> None:
    frames = [_sampled_account(s)[0].assign(account_id=f"acct{s}") for s in range(5)]
    aq = account_quality(pd.concat(frames, ignore_index=True))
    summary, taus = rank_sensitivity(aq, n_draws=50)
    assert sorted(summary["rank"]) == [1, 2, 3, 4, 5]
    assert (summary["rank_p05"] <= summary["rank_median"]).all()
    assert (summary["rank_median"] <= summary["rank_p95"]).all()
    assert len(taus) == 50 and np.all((taus >= -1) & (taus <= 1))


def test_shares_are_over_the_followers_that_could_be_judged_with_that_n() -> None:
    fq = pd.DataFrame({"account_id": "a", "follower_id": [str(i) for i in range(10)],
                       "bin": ["unknown"] * 4 + ["relevant"] * 3 + ["irrelevant"] * 2 + ["likely_fake"],
                       "followed_back": pd.array([None] * 10, dtype="boolean"), "sample_weight": 1.0,
                       "p_fake": [np.nan] * 4 + [0.1] * 5 + [0.9], "interactions": 0})
    row = account_quality(fq).iloc[0]
    assert row["followers_scored"] == 10 and row["followers_judged"] == 6
    assert row["share_relevant"] == pytest.approx(0.5) and row["share_unknown"] == pytest.approx(0.4)
    assert sum(row[f"share_{b}"] for b in BINS) == pytest.approx(1.0)
    assert row["fake_judged"] == 6 and np.isnan(row["share_fake_corrected"])  # no error rates given


def test_fake_share_is_corrected_for_the_measured_error_rates() -> None:
    from helpers.quality.calibration import error_rates_from_counts

    rates = error_rates_from_counts([{"set": "s", "fake": 1000, "fake_called": 800, "human": 1000,
                                      "human_called": 100}] * 3, 0.5)
    n = 1000
    fq = pd.DataFrame({"account_id": "a", "follower_id": [str(i) for i in range(n)],
                       "bin": ["likely_fake"] * 310 + ["relevant"] * 690,
                       "followed_back": pd.array([None] * n, dtype="boolean"), "sample_weight": 1.0,
                       "p_fake": [0.9] * 310 + [0.1] * 690, "interactions": 0})
    row = account_quality(fq, rates, 0.5).iloc[0]
    assert row["share_likely_fake"] == pytest.approx(0.31)
    assert row["share_fake_corrected"] == pytest.approx(0.3)  # (0.31 + 0.9 - 1) / (0.8 + 0.9 - 1)
    assert row["share_fake_corrected_ci_low"] < 0.3 < row["share_fake_corrected_ci_high"]
    assert np.isnan(account_quality(fq, rates, 0.6).iloc[0]["share_fake_corrected"])  # rates are for 0.5 only
