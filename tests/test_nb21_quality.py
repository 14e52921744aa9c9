"""Notebook 21's helpers: why a comparison cannot run, in words; the gain for ten points of a share recovers a
planted coefficient; both primary contrasts come from one model; H08 is the exchange rate and its verdict follows
its interval; the measurement sentence is computed; the tables and figures show what they say."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import stats
from helpers.analyses import exchange_rate, quality_engagement, quality_shares
from helpers.reports.figures import quality


def _estimate(value: float, low: float = math.nan, high: float = math.nan, p: float = math.nan) -> stats.Estimate:
    return stats.Estimate("x", value, low, high, p, 30, "test")


def _frame(n: int = 40, seed: int = 2) -> pd.DataFrame:
    """Accounts with log followers, noisy relevant and fake shares and their sampling variances."""
    rng = np.random.default_rng(seed)
    relevant, fake = rng.uniform(0.2, 0.8, n), rng.uniform(0.0, 0.2, n)
    judged = np.full(n, 100)
    frame = pd.DataFrame({"account_id": [f"a{i}" for i in range(n)], "followers_judged": judged,
                          "n_eff": judged.astype(float), "log_followers": rng.normal(8, 2, n),
                          "relevant_share": relevant, "fake_share": fake,
                          "var_relevant_share": relevant * (1 - relevant) / judged,
                          "var_fake_share": fake * (1 - fake) / judged, "cov_fake_share_relevant_share": 0.0})
    frame[quality_engagement.OUTCOME] = 0.7 * frame["log_followers"] + 1.5 * relevant + rng.normal(0, 0.1, n)
    return frame


def test_readiness_says_why_the_comparison_cannot_run():
    frame = _frame()
    reason, reliability = quality_engagement.readiness(frame, None, 5, 20)
    assert reason.startswith("the followers have not been scored") and reliability is None
    reason, _ = quality_engagement.readiness(frame.head(3), pd.DataFrame(), 5, 20)
    assert reason == ("3 account(s) have at least 5 original posts and 20 judged followers; a comparison across "
                      "accounts needs at least 10")
    reason, reliability = quality_engagement.readiness(frame, pd.DataFrame(), 5, 20)
    assert reason is None and set(reliability) == {"relevant_share", "fake_share"}
    assert reliability["relevant_share"] > 0.8
    # a relevant share that varies across accounts no more than its sampling error: said, not a crash later
    flat = frame.assign(relevant_share=0.5 + np.random.default_rng(0).normal(0, 0.01, len(frame)),
                        var_relevant_share=0.25 / 5)
    reason, reliability = quality_engagement.readiness(flat, pd.DataFrame(), 5, 20)
    assert reliability is None and reason.startswith("the measured relevant share varies across accounts hardly more")


def test_the_gain_for_ten_points_recovers_a_planted_coefficient():
    gain = quality_engagement.gain_pct(_estimate(10 * math.log(1.2), 0.0, 10 * math.log(1.5)))
    assert gain == pytest.approx([20.0, 0.0, 50.0])
    finding = quality_engagement.h02_finding(_estimate(10 * math.log(1.2), 0.0, 10 * math.log(1.5)), "more")
    assert finding == ("+10 points of relevant followers: +20% engagement per post (95% CI +0% to +50%) at equal "
                       "follower count and fake share; more")


def test_h08_is_the_exchange_rate_with_a_verdict_on_its_interval():
    # before: H08 was ΔR² with a verdict from the dominance weights; now it is the exchange rate
    rate = exchange_rate.exchange_rate(0.65, 1.5, np.diag([1e-4, 0.01]))
    h08 = quality_engagement.h08_estimate(rate, 300)
    assert h08.estimate == pytest.approx(100 * (math.exp(0.15 / 0.65) - 1)) and math.isnan(h08.p)
    assert h08.ci_low < h08.estimate < h08.ci_high and h08.n == 300
    assert quality_engagement.h08_verdict(rate) == ("+10 points of relevant followers are worth less than doubling "
                                                    "the follower count")
    assert quality_engagement.h08_finding(rate, "v") == rate.words + ": v"
    big = exchange_rate.exchange_rate(0.05, 1.5, np.diag([1e-6, 0.01]))
    assert quality_engagement.h08_verdict(big).endswith("worth more than doubling the follower count")
    none = quality_engagement.h08_estimate(exchange_rate.exchange_rate(-0.1, 1.5, np.diag([1e-6, 0.01])), 300)
    assert math.isnan(none.estimate) and "no number of extra followers" in none.extra["reason"]
    assert quality_engagement.planted_rate(1.5, 0.65) == pytest.approx(h08.estimate)
    assert quality_engagement.planted_rate(1.5, 0.0) is None and quality_engagement.planted_rate(None, 0.65) is None


def test_the_primary_contrasts_come_from_one_model_and_are_told_in_words():
    frame = _frame()
    draws = quality_engagement.bootstrap_coefficients(frame, 200)
    h02 = quality_engagement.share_effect(frame, draws=draws)
    quantity = quality_engagement.quantity_effect(frame)
    assert quantity.ci_low <= 0.7 <= quantity.ci_high and h02.ci_low <= 1.5 <= h02.ci_high  # planted in _frame
    assert h02.extra["n_boot"] == len(draws) and h02.n == quantity.n == 40
    contrast = quality_engagement.quantity_contrast(quantity)
    assert set(contrast) == {"estimate", "ci_low", "ci_high", "p", "n", "measure"} and contrast["n"] == 40
    text = quality_engagement.primary_text(h02, quantity)
    assert text.startswith(f"Quality contrast: coefficient **{h02.estimate:.2f}**") and "Quantity contrast" in text
    rates = quality_engagement.rates(frame, draws)
    truth = quality_engagement.planted_rate(1.5, 0.7) / 100
    assert rates["relevant"].ci_low <= truth <= rates["relevant"].ci_high
    fallback = quality_engagement.rates(frame, draws[:0])["relevant"]  # too few draws: HC3 covariance instead
    assert fallback.kind == "bounded" and fallback.ci_low <= truth <= fallback.ci_high
    table = quality_engagement.rates_table(rates)
    assert table["+10 points of"].tolist() == ["relevant followers", "real followers"]
    ax = quality.exchange_rates(rates)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["+10 points of relevant followers",
                                                            "+10 points of real followers"]
    strata = quality_engagement.size_strata(frame.assign(followers_count=np.exp(frame["log_followers"])))
    assert len(strata) == 6 and set(strata["term"]) == {"log_followers", "relevant_share"}
    assert len(quality.strata_effects(strata).get_yticklabels()) == 6


@pytest.mark.parametrize(("slope", "bias", "small"), [((0.91, 0.98), 0.01, True), ((0.3, 0.5), 0.01, False),
                                                      ((0.9, 1.1), 0.08, False)])
def test_the_measurement_sentence_is_computed_from_the_check(slope, bias, small):
    row = pd.Series({"slope_ci_low": slope[0], "slope_ci_high": slope[1], "slope_on_true": sum(slope) / 2,
                     "mean_bias": bias})
    sentence = quality_engagement.measurement_sentence(row)
    assert ("errors are small" in sentence) is small and ("NOT small" in sentence) is not small
    s = sum(slope) / 2
    if abs(s - 1) >= 0.05:  # a slope s inflates an uncorrected coefficient by 1/s, said in numbers
        assert f"about {1 / s:.1f} times the true one" in sentence and sentence.endswith("(no labelled check)")
        corrected = quality_engagement.measurement_sentence(row, corrected=True)
        assert corrected.endswith("measured on the labelled check divides out")
    else:
        assert "times the true one" not in sentence


def test_the_model_table_names_each_model_and_the_figure_leaves_out_the_intercept():
    frame = _frame()
    table = quality_engagement.model_table(quality_engagement.quality_models(frame))
    assert set(table["shares"]) == {"measured shares", "calibrated shares"} and len(table) == 8
    ax = quality.standardised_coefficients(table)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and "relevant followers (share), calibrated shares" in labels
    assert not any("intercept" in label for label in labels)


def test_the_reliability_table_and_the_unlisted_followers():
    frame = _frame()
    table = quality_shares.reliability_table({"relevant_share": 0.9, "fake_share": 0.7}, frame)
    assert table["share"].tolist() == ["relevant_share", "fake_share"] and (table["accounts"] == 40).all()
    scored = pd.DataFrame({"account_id": ["a0", "a0", "placeholder"], "follower_id": ["f1", "f2", "f3"]})
    unlisted = quality_shares.unlisted_followers(scored, pd.DataFrame({"account_id": ["a0"]}))
    assert unlisted.tolist() == ["placeholder"]
    assert quality_shares.unlisted_followers(None, pd.DataFrame({"account_id": ["a0"]})).empty


def test_the_quality_figures_label_what_they_show():
    frame = _frame()
    accounts = frame[["account_id"]].assign(true_relevant_share=frame["relevant_share"])
    ax = quality.measured_vs_planted(frame, accounts)
    assert len(ax.collections[0].get_offsets()) == 40 and ax.get_xlabel() == "planted share of relevant followers (%)"
    partial = pd.DataFrame({"share": ["relevant_share", "fake_share"], "estimate": [0.4, -0.1],
                            "ci_low": [0.3, -0.2], "ci_high": [0.5, 0.0]})
    labels = [t.get_text() for t in quality.partial_correlations(partial).get_yticklabels()]
    assert labels == ["relevant followers (share)", "likely fake followers (share)"]
    dom = pd.DataFrame({"name": ["dominance log_followers", "dominance relevant_share"], "estimate": [0.9, 0.02],
                        "ci_low": [0.8, 0.01], "ci_high": [0.95, 0.03]})
    ax = quality.dominance(dom)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["followers (log)", "relevant followers (share)"]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(90.0)
