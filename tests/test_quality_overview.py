"""What the scoring notebook shows: weighted bin shares, per-account intervals, rule agreement, the planted truth,
the NQI's stability, and the figures drawn from them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers.quality import overview  # noqa: E402
from helpers.quality.bins import ALL_BINS, BINS  # noqa: E402
from helpers.reports.figures import scores  # noqa: E402


def _followers(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Followers with a bin, a weight, rule flags and a planted type: fakes weigh 3, the rest 1."""
    rng = np.random.default_rng(seed)
    true_type = rng.choice(["fake", "real"], size=n, p=[0.2, 0.8])
    fake = true_type == "fake"
    binned = np.where(fake, "likely_fake", rng.choice(["engaged", "relevant", "irrelevant", "inactive"], size=n))
    binned[np.flatnonzero(~fake)[:8]] = "likely_fake"  # a few real followers called fake
    return pd.DataFrame({
        "account_id": "a", "follower_id": [f"f{i}" for i in range(n)],
        "bin": pd.Categorical(binned, categories=ALL_BINS), "sample_weight": np.where(fake, 3.0, 1.0),
        "rule_camisani": fake, "rule_stateofsearch": ~fake, "rule_socialbakers": pd.array([None] * n, dtype="boolean"),
        "true_type": true_type})


def _accounts(n: int = 12) -> pd.DataFrame:
    """account_quality rows with shares, intervals, followers scored and a planted fake share."""
    rng = np.random.default_rng(1)
    planted = rng.uniform(0.05, 0.5, n)
    rows = {"account_id": [f"acc{i}" for i in range(n)], "followers_scored": np.arange(n) * 10 + 5,
            "share_likely_fake": planted + 0.01, "share_fake_corrected": planted}
    for b in ALL_BINS:
        rows.setdefault(f"share_{b}", np.full(n, (1 - planted) / (len(ALL_BINS) - 1)))
        rows[f"share_{b}_ci_low"] = rows[f"share_{b}"] - 0.01
        rows[f"share_{b}_ci_high"] = rows[f"share_{b}"] + 0.02
    return pd.DataFrame(rows)


def _planted(n: int = 12) -> pd.DataFrame:
    """The accounts table of a simulated dataset: each account's planted fake share."""
    aq = _accounts(n)
    return pd.DataFrame({"account_id": aq["account_id"], "true_fake_share": aq["share_likely_fake"] - 0.01})


def test_pooled_shares_weigh_each_follower_by_what_it_stands_for():
    fq = _followers()
    pooled = overview.pooled_shares(fq)
    fake = (fq["true_type"] == "fake").sum() * 3
    assert pooled["likely_fake"] == pytest.approx((fake + 8) / fq["sample_weight"].sum())
    assert pooled.sum() == pytest.approx(1.0) and list(pooled.index) == ALL_BINS


def test_pooled_shares_are_over_the_judged_followers_and_unknown_over_all():
    fq = pd.DataFrame({"bin": ["likely_fake", "relevant", "relevant", "unknown"],
                       "sample_weight": [1.0, 1.0, 2.0, 4.0]})
    pooled = overview.pooled_shares(fq)
    assert pooled["likely_fake"] == pytest.approx(0.25) and pooled["relevant"] == pytest.approx(0.75)
    assert pooled["unknown"] == pytest.approx(0.5) and pooled[["engaged", "irrelevant", "inactive"]].eq(0).all()


def test_the_overview_puts_the_median_account_beside_the_pooled_share():
    aq = _accounts()
    table = overview.bin_overview(overview.pooled_shares(_followers()), aq)
    assert table.loc["likely_fake", "median account's share"] == pytest.approx(aq["share_likely_fake"].median())


def test_the_focal_accounts_are_shown_else_the_one_with_most_followers_scored():
    aq = _accounts()
    accounts = pd.DataFrame({"account_id": ["acc3", "acc4"], "is_focal": pd.array([True, None], dtype="boolean")})
    assert overview.focal_ids(accounts) == {"acc3"}
    assert overview.shown_accounts(aq, {"acc3"})["account_id"].tolist() == ["acc3"]
    assert overview.shown_accounts(aq, set())["account_id"].tolist() == ["acc11"]


def test_an_accounts_bin_table_holds_each_share_inside_its_interval():
    table = overview.account_bin_table(_accounts().iloc[0].to_dict())
    assert table["bin"].tolist() == BINS and (table["low"] < table["share"]).all()
    assert (table["share"] < table["high"]).all()


def test_rule_agreement_counts_the_followers_the_model_also_flags():
    fq = _followers()
    agreement = overview.rule_agreement(fq)
    fake = fq["true_type"] == "fake"
    assert agreement.loc["camisani", "also flagged by the model"] == pytest.approx(1.0)
    assert agreement.loc["stateofsearch", "also flagged by the model"] == pytest.approx(8 / (~fake).sum())
    assert agreement.loc["socialbakers", "share flagged"] == 0.0  # unknown counts as not flagged


def test_the_planted_types_are_recovered_with_their_rates():
    fq = _followers()
    truth = overview.with_truth(fq.drop(columns="true_type"), fq[["account_id", "follower_id", "true_type"]])
    found, flagged = overview.planted_type_rates(truth)
    assert found == 1.0 and flagged == pytest.approx(8 / (truth["true_type"] == "real").sum())
    assert overview.truth_table(truth).loc["fake", "likely_fake"] == 1.0


def test_the_planted_fake_share_text_gives_the_correlation_and_the_means():
    planted = overview.planted_shares(_accounts(), _planted())
    text = overview.planted_text(planted)
    assert len(planted) == 12 and "correlates **1.00**" in text
    assert f"binned {planted['share_likely_fake'].mean():.1%}" in text


def test_the_sensitivity_text_reports_the_median_tau_and_the_spread_of_ranks():
    sensitivity = pd.DataFrame({"rank_p05": [1.0, 1.0], "rank_p95": [2.0, 2.0]})
    text = overview.sensitivity_text(sensitivity, np.array([0.5, 0.7, 0.9]), 2)
    assert "median **0.700**" in text and "median **50.0%**" in text


def test_the_scoring_figures_are_drawn_and_returned():
    fq = _followers().assign(p_fake=0.3, relevance=0.6, days_since_last_post=10.0)
    aq = _accounts().assign(nqi=50.0)
    sensitivity = pd.DataFrame({"rank": [1, 2], "rank_median": [1.0, 2.0], "rank_p05": [1.0, 1.0],
                                "rank_p95": [2.0, 2.0]})
    accounts = aq[["account_id"]].assign(followers_count=100)
    drawn = [scores.pooled_bins(overview.pooled_shares(fq)), scores.bin_share_boxplot(aq),
             scores.account_bins(aq.iloc[0].to_dict()), scores.nqi_against_followers(aq, accounts)]
    assert all(isinstance(ax, plt.Axes) for ax in drawn)
    assert len(scores.raw_scores(fq, 0.75, 0.5, 90).axes) == 3
    assert len(scores.rank_sensitivity(sensitivity, np.array([0.8, 0.9])).axes) == 2
    plt.close("all")
