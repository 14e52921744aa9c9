"""Regression tables: OLS with HC3 errors, log-log elasticities, negative binomial counts."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .result import Estimate, ModelFit


def tidy_coefficients(res: object, ci: float = 0.95) -> pd.DataFrame:
    """term, estimate, se, ci_low, ci_high, p, n for any statsmodels results object."""
    conf = np.asarray(res.conf_int(alpha=1 - ci))
    return pd.DataFrame(
        {
            "term": list(getattr(res.params, "index", res.model.exog_names)),
            "estimate": np.asarray(res.params),
            "se": np.asarray(res.bse),
            "ci_low": conf[:, 0],
            "ci_high": conf[:, 1],
            "p": np.asarray(res.pvalues),
            "n": int(res.nobs),
        }
    )


def ols_hc3(df: pd.DataFrame, formula: str, ci: float = 0.95) -> ModelFit:
    """OLS with HC3 standard errors; tidy table with standardised betas (b·sd(x)/sd(y)) and R²."""
    res = smf.ols(formula, data=df).fit(cov_type="HC3")
    table = tidy_coefficients(res, ci)
    sd_x = np.asarray(res.model.exog).std(axis=0, ddof=1)
    sd_y = np.asarray(res.model.endog).std(ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Constant columns (the intercept) have no standardised coefficient.
        scale = np.where(sd_x > 0, sd_x / sd_y, np.nan)
    table["beta"] = table["estimate"] * scale
    table["beta_ci_low"] = table["ci_low"] * scale
    table["beta_ci_high"] = table["ci_high"] * scale
    extra = {
        "r2_adj": float(res.rsquared_adj),
        "f_p_robust": float(np.squeeze(res.f_pvalue)) if res.df_model > 0 else float("nan"),
        "n_dropped_nan": len(df) - int(res.nobs),
    }
    return ModelFit(table, int(res.nobs), "OLS, HC3 SEs", formula, float(res.rsquared), extra)


def elasticity(
    df: pd.DataFrame,
    x: str,
    y: str,
    nonpositive: Literal["drop", "log1p"] = "drop",
    ci: float = 0.95,
) -> Estimate:
    """Slope of log(y) on log(x) with HC3 CI: % change in y per 1% change in x.

    nonpositive="drop" (default) removes rows where x or y <= 0, so the slope is a true elasticity
    of the positive part; "log1p" keeps zeros by using log(1+v), which bends the elasticity
    towards zero for small values. Either way extra reports how many rows were affected.
    """
    data = df[[x, y]].dropna()
    n_nan = len(df) - len(data)
    nonpos = (data[x] <= 0) | (data[y] <= 0)
    if nonpositive == "drop":
        data = data[~nonpos]
        lx, ly = np.log(data[x]), np.log(data[y])
    elif nonpositive == "log1p":
        data = data[(data[x] > -1) & (data[y] > -1)]
        lx, ly = np.log1p(data[x]), np.log1p(data[y])
    else:
        raise ValueError(f"nonpositive must be 'drop' or 'log1p', got {nonpositive!r}")
    extra = {"nonpositive": nonpositive, "n_nonpositive": int(nonpos.sum()),
             "n_dropped": n_nan + int(nonpos.sum()) if nonpositive == "drop" else n_nan, "n_dropped_nan": n_nan}
    name = f"elasticity of {y} wrt {x}"
    if len(data) < 3 or np.ptp(lx) == 0:
        return Estimate(name, np.nan, np.nan, np.nan, np.nan, len(data), "log-log OLS; undefined", extra, ci)
    res = sm.OLS(ly.to_numpy(), sm.add_constant(lx.to_numpy())).fit(cov_type="HC3")
    low, high = np.asarray(res.conf_int(alpha=1 - ci))[1]
    extra["intercept"] = float(res.params[0])
    return Estimate(name, float(res.params[1]), float(low), float(high), float(res.pvalues[1]), int(res.nobs),
                    f"log-log OLS ({nonpositive}), HC3 SEs", extra, ci)


def negbin_glm(
    df: pd.DataFrame,
    formula: str,
    exposure: str | None = None,
    ci: float = 0.95,
    cov_type: str = "nonrobust",
    maxiter: int = 200,
) -> ModelFit:
    """NB2 count model (statsmodels NegativeBinomial, alpha by MLE); tidy table with incidence-rate ratios.

    exposure names a column of positive exposures (e.g. days observed, impressions) entering as a
    log offset; rows with a missing or non-positive exposure are dropped and counted.
    cov_type="HC0" gives sandwich SEs that survive a misspecified variance function.
    """
    data, kwargs, n_bad = df, {}, 0
    if exposure is not None:
        ok = np.isfinite(df[exposure].astype(float)) & (df[exposure] > 0)
        n_bad = int((~ok).sum())
        data = df[ok]
        kwargs["exposure"] = data[exposure].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        res = smf.negativebinomial(formula, data, loglike_method="nb2", **kwargs).fit(
            disp=0, maxiter=maxiter, cov_type=cov_type)
    converged = bool(res.mle_retvals.get("converged", False))
    if not converged:
        warnings.warn(f"negbin_glm did not converge for {formula!r}", ConvergenceWarning, stacklevel=2)
    table = tidy_coefficients(res, ci)
    is_coef = table["term"] != "alpha"
    for src, dst in (("estimate", "irr"), ("ci_low", "irr_ci_low"), ("ci_high", "irr_ci_high")):
        table[dst] = np.where(is_coef, np.exp(table[src]), np.nan)
    alpha_row = table.loc[~is_coef].iloc[0]
    extra = {
        "alpha": float(alpha_row["estimate"]),
        "alpha_ci_low": float(alpha_row["ci_low"]),
        "alpha_ci_high": float(alpha_row["ci_high"]),
        "converged": converged,
        "pseudo_r2": float(res.prsquared),
        "aic": float(res.aic),
        "exposure": exposure,
        "n_dropped": len(df) - int(res.nobs),
        "n_bad_exposure": n_bad,
    }
    return ModelFit(table, int(res.nobs), f"NB2 MLE, {cov_type} SEs", formula, float("nan"), extra)
