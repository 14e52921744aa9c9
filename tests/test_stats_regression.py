"""OLS with HC3, elasticities and negative binomial counts recover planted coefficients."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from helpers.stats import elasticity, negbin_glm, ols_hc3


def _hetero_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.uniform(0, 3, size=n)
    # Noise grows with |x1|: plain OLS SEs would be too small for b1, HC3 should not be.
    y = 1.0 + 0.8 * x1 - 0.5 * x2 + rng.normal(size=n) * (0.3 + np.abs(x1))
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2})


def test_ols_hc3_recovers_planted_coefficients_and_betas():
    df = _hetero_frame(2000, 0)
    df.loc[[1, 2], "x2"] = np.nan
    fit = ols_hc3(df, "y ~ x1 + x2")
    tab = fit.table.set_index("term")
    # CI validity is checked by the coverage test below; here: estimates within 3 robust SEs.
    for term, truth in {"Intercept": 1.0, "x1": 0.8, "x2": -0.5}.items():
        assert abs(tab.loc[term, "estimate"] - truth) <= 3 * tab.loc[term, "se"], term
        assert tab.loc[term, "ci_low"] < tab.loc[term, "estimate"] < tab.loc[term, "ci_high"]
    assert fit.n == 1998 and fit.extra["n_dropped_nan"] == 2 and (tab["n"] == 1998).all()
    z = df.dropna().apply(lambda c: (c - c.mean()) / c.std())
    ref = smf.ols("y ~ x1 + x2", z).fit()
    assert tab.loc[["x1", "x2"], "beta"].to_numpy() == pytest.approx(ref.params[["x1", "x2"]].to_numpy())
    assert np.isnan(tab.loc["Intercept", "beta"])
    assert fit.r2 == pytest.approx(ref.rsquared)


def test_ols_hc3_coverage_under_heteroskedasticity():
    hits = []
    for s in range(150):
        tab = ols_hc3(_hetero_frame(80, 100 + s), "y ~ x1 + x2").table.set_index("term")
        hits.append(tab.loc["x1", "ci_low"] <= 0.8 <= tab.loc["x1", "ci_high"])
    assert np.mean(hits) >= 0.9


def test_elasticity_recovers_planted_exponent_and_reports_dropped_rows():
    rng = np.random.default_rng(1)
    followers = np.exp(rng.normal(6, 1.5, size=800))
    views = 3 * followers**0.7 * np.exp(rng.normal(0, 0.5, size=800))
    df = pd.DataFrame({"followers": followers, "views": views})
    df.loc[:9, "views"] = 0.0
    df.loc[10, "followers"] = np.nan
    est = elasticity(df, "followers", "views")
    assert est.covers(0.7)
    assert est.n == 789 and est.extra["n_nonpositive"] == 10 and est.extra["n_dropped"] == 11
    kept = elasticity(df, "followers", "views", nonpositive="log1p")
    assert kept.n == 799 and kept.extra["n_dropped"] == 1
    with pytest.raises(ValueError):
        elasticity(df, "followers", "views", nonpositive="clip")


def _nb_frame(n: int, seed: int, alpha: float, confound: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(1, 30, size=n).astype(float)
    x = rng.normal(size=n) + confound * np.log(days)
    mu = np.exp(0.2 + 0.4 * x) * days
    counts = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return pd.DataFrame({"replies": counts, "x": x, "days": days})


def test_negbin_recovers_irr_alpha_and_uses_exposure():
    df = _nb_frame(3000, 2, alpha=0.6)
    df.loc[0, "days"] = 0.0
    df.loc[1, "x"] = np.nan
    fit = negbin_glm(df, "replies ~ x", exposure="days")
    tab = fit.table.set_index("term")
    assert tab.loc["x", "irr_ci_low"] <= np.exp(0.4) <= tab.loc["x", "irr_ci_high"]
    assert tab.loc["Intercept", "ci_low"] <= 0.2 <= tab.loc["Intercept", "ci_high"]
    assert fit.extra["alpha_ci_low"] <= 0.6 <= fit.extra["alpha_ci_high"]
    assert fit.extra["converged"] and fit.n == 2998 and fit.extra["n_bad_exposure"] == 1
    assert np.isnan(tab.loc["alpha", "irr"])


def test_negbin_without_exposure_is_biased_when_exposure_matters():
    df = _nb_frame(3000, 3, alpha=0.6, confound=0.5)  # users observed longer have higher x
    with_offset = negbin_glm(df, "replies ~ x", exposure="days").table.set_index("term")
    without = negbin_glm(df, "replies ~ x").table.set_index("term")
    assert with_offset.loc["x", "ci_low"] <= 0.4 <= with_offset.loc["x", "ci_high"]
    assert not without.loc["x", "ci_low"] <= 0.4 <= without.loc["x", "ci_high"]
