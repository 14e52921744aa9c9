"""The exchange rate recovers a rate planted in simulated data, stays honest (unbounded) when follower count has no
effect, and the standardised effects within size strata recover planted ones."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from helpers.analyses import exchange_rate as er
from helpers.analyses import quality_engagement

SEEDS = range(50)


def _accounts(b: float, c: float, seed: int, n: int = 150, noise: float = 0.35) -> pd.DataFrame:
    """Accounts with log engagement = -2 + b·ln(followers) + c·share + noise (followers 100 to 1,000,000)."""
    rng = np.random.default_rng(seed)
    followers = np.exp(rng.uniform(np.log(100), np.log(1e6), n))
    share = rng.beta(3, 5, n)
    y = -2 + b * np.log(followers) + c * share + rng.normal(0, noise, n)
    return pd.DataFrame({"followers_count": followers, "lf": np.log(followers), "share": share, "y": y})


def _rate(b: float, c: float, seed: int) -> er.ExchangeRate:
    """The exchange rate from an OLS (HC3) fit of one simulated world."""
    fit = smf.ols("y ~ lf + share", _accounts(b, c, seed)).fit(cov_type="HC3")
    cov = fit.cov_params().loc[["lf", "share"], ["lf", "share"]].to_numpy()
    return er.exchange_rate(float(fit.params["lf"]), float(fit.params["share"]), cov)


def test_the_algebra_matches_the_model():
    # (1 + x) times the followers add b·ln(1 + x); +10 points add 0.1·c: equal by construction
    rate = er.exchange_rate(0.65, 1.5, np.diag([1e-6, 1e-6]))
    assert 0.65 * math.log(1 + rate.estimate) == pytest.approx(0.1 * 1.5)
    assert rate.estimate == pytest.approx(math.exp(0.15 / 0.65) - 1) and rate.kind == "bounded"


@pytest.mark.parametrize(("b", "c"), [(0.65, 1.5), (0.2, 3.0), (0.65, -1.0)])
def test_the_interval_covers_a_planted_rate_in_most_worlds(b, c):
    truth = math.expm1(0.1 * c / b)
    covered = [(r := _rate(b, c, seed)).ci_low <= truth <= r.ci_high for seed in SEEDS]
    assert sum(covered) >= 44, f"covered {sum(covered)} of {len(SEEDS)}"  # 95% nominal; 44 is ~2.3 SD below 47.5


def test_with_no_follower_effect_the_rate_is_unbounded_and_says_no_number_matches():
    rates = [_rate(0.0, 1.5, seed) for seed in SEEDS]
    unbounded = [r.ci_high == math.inf for r in rates]
    assert sum(unbounded) >= 44, f"unbounded in {sum(unbounded)} of {len(SEEDS)} worlds where b = 0"
    assert all("no number of extra followers" in r.words for r in rates if r.ci_high == math.inf)
    negative = next(r for r in rates if r.b <= 0)
    assert math.isnan(negative.estimate) and "does not raise the outcome" in negative.words


def test_fieller_gives_a_bounded_interval_two_rays_or_the_whole_line():
    assert er.fieller(1.0, 2.0, np.diag([0.01, 0.01])).kind == "bounded"
    rays = er.fieller(0.1, 2.0, np.diag([0.01, 0.01]))  # b not significant, c is: outside an interval
    assert rays.kind == "rays" and rays.low < 0 < rays.high < rays.estimate
    assert er.fieller(0.1, 0.1, np.diag([0.01, 0.01])).kind == "unbounded"


def test_the_whole_bootstrapped_procedure_recovers_the_planted_rate():
    rng = np.random.default_rng(4)
    n = 200
    relevant, fake = rng.uniform(0.1, 0.7, n), rng.uniform(0.0, 0.2, n)
    judged = np.full(n, 200)
    frame = pd.DataFrame({"account_id": [f"a{i}" for i in range(n)], "followers_judged": judged,
                          "n_eff": judged.astype(float), "log_followers": rng.uniform(np.log(100), np.log(1e6), n),
                          "relevant_share": relevant, "fake_share": fake,
                          "var_relevant_share": relevant * (1 - relevant) / judged,
                          "var_fake_share": fake * (1 - fake) / judged, "cov_fake_share_relevant_share": 0.0})
    frame[quality_engagement.OUTCOME] = -2 + 0.65 * frame["log_followers"] + 1.5 * relevant - fake + \
        rng.normal(0, 0.2, n)
    frame["followers_count"] = np.exp(frame["log_followers"])
    draws = quality_engagement.bootstrap_coefficients(frame, 300)
    rates = quality_engagement.rates(frame, draws)
    truth = quality_engagement.planted_rate(1.5, 0.65) / 100
    assert rates["relevant"].ci_low <= truth <= rates["relevant"].ci_high
    assert rates["real"].ci_low <= math.expm1(0.1 * 1.0 / 0.65) <= rates["real"].ci_high  # -10 points of fakes
    assert quality_engagement.h08_estimate(rates["relevant"], n).estimate == pytest.approx(100 * rates["relevant"]
                                                                                           .estimate)


def _strata_world(c: float, seed: int) -> pd.DataFrame:
    """Accounts where the share's effect c is planted and follower count's effect is 0.65."""
    d = _accounts(0.65, c, seed, n=300, noise=0.3)
    return d.rename(columns={"lf": "log_followers", "share": "relevant_share"})


def test_strata_effects_recover_a_planted_standardised_effect_and_cover_zero_under_a_null():
    covered, nulls = 0, 0
    for seed in range(10):
        d = _strata_world(1.5, seed)
        table = er.strata_effects(d, "y ~ log_followers + relevant_share", ["relevant_share"])
        labels = er.strata(d["followers_count"])
        for _, row in table.iterrows():
            part = d[labels == row["stratum"]]
            true_beta = 1.5 * part["relevant_share"].std() / part["y"].std()
            covered += row["beta_ci_low"] <= true_beta <= row["beta_ci_high"]
        null = er.strata_effects(_strata_world(0.0, seed), "y ~ log_followers + relevant_share", ["relevant_share"])
        nulls += int((null["beta_ci_low"] <= 0).sum() and (null["beta_ci_high"] >= 0).sum() == len(null))
    assert covered >= 26, f"{covered} of 30 strata cover the planted standardised effect"
    assert nulls >= 8, f"{nulls} of 10 null worlds cover 0 in every stratum"
    assert table["n"].sum() == 300 and table["stratum"].iloc[0].startswith("1 of 3: ")
