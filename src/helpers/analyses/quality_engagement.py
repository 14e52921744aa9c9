"""Does follower quality predict engagement once follower count is controlled?

Across accounts: engagement per post against follower count and the calibrated quality shares (quality_shares),
with the models that weigh quality against quantity: rank and partial rank correlations, OLS with HC3 errors,
ΔR², dominance analysis, and a negative binomial model of per-post counts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from helpers import stats
from helpers.analyses import engagement as eng
from helpers.analyses.quality_shares import (
    CALIBRATED,
    COVARIANCES,
    MIN_RELIABILITY,
    SHARES,
    account_shares,
    calibrated,
    follower_flags,
)
from helpers.quality.bins import RELEVANCE_THRESHOLD
from helpers.stats import NotEstimable

QUALITY = CALIBRATED  # the quality block of the models: relevant and likely-fake shares, corrected for sampling error
QUANTITY = ["log_followers"]
OUTCOME = "log_engagement_per_post"
MIN_ACCOUNTS = 10
LABELS = {"log_followers": "followers (log)", "relevant_share": "relevant followers (share)",
          "engaged_share": "engaged followers (share)", "fake_share": "likely fake followers (share)",
          "inactive_share": "inactive followers (share)", "Intercept": "intercept"}


def quality_frame(accounts: pd.DataFrame, posts: pd.DataFrame, follower_quality: pd.DataFrame | None,
                  min_posts: int = 5, min_judged: int = 20,
                  relevance_threshold: float = RELEVANCE_THRESHOLD) -> pd.DataFrame:
    """One row per account with enough posts and judged followers: engagement, followers and quality shares."""
    per_account = eng.account_engagement(accounts, posts, min_posts=min_posts)
    columns = ["followers_judged", "n_eff", *SHARES, *COVARIANCES, "log_followers", OUTCOME]
    if follower_quality is None or per_account.empty or follower_quality.empty:
        return per_account.iloc[0:0].assign(**{c: pd.Series(dtype=float) for c in columns})
    shares = account_shares(follower_flags(follower_quality, relevance_threshold))
    out = per_account.merge(shares, on="account_id", how="inner")
    out = out[(out["followers_judged"] >= min_judged) & (out["engagement_per_post"] > 0)].copy()
    out["log_followers"] = np.log(out["followers_count"])
    out[OUTCOME] = np.log(out["engagement_per_post"])
    return out.reset_index(drop=True)


def readiness(frame: pd.DataFrame, follower_quality: pd.DataFrame | None, min_posts: int,
              min_judged: int) -> tuple[str | None, dict[str, float] | None]:
    """Why the comparison across accounts cannot run (None when it can), and the calibrated shares' reliabilities."""
    if follower_quality is None:
        return ("the followers have not been scored (no follower_quality table): run python -m helpers score "
                "--dataset NAME; followers known only by id, as in an X archive, carry nothing to score"), None
    if len(frame) < MIN_ACCOUNTS:
        return (f"{len(frame)} account(s) have at least {min_posts} original posts and {min_judged} judged followers; "
                f"a comparison across accounts needs at least {MIN_ACCOUNTS}"), None
    try:
        _, reliability = calibrated(frame)
    except NotEstimable as exc:
        return str(exc), None
    return None, reliability


def _formula(shares: list[str] = QUALITY, covariates: list[str] = QUANTITY) -> str:
    """log engagement per post on the covariates and shares."""
    return f"{OUTCOME} ~ {' + '.join([*covariates, *shares])}"


def quality_models(frame: pd.DataFrame) -> dict[str, stats.ModelFit]:
    """OLS (HC3) of log engagement per post on log followers and the quality shares: measured and calibrated."""
    cal, _ = calibrated(frame)
    return {"measured shares": stats.ols_hc3(frame, _formula()), "calibrated shares": stats.ols_hc3(cal, _formula())}


def model_table(fits: dict[str, stats.ModelFit]) -> pd.DataFrame:
    """The coefficients of each model of quality_models in one table, the model named in the column shares."""
    return pd.concat([f.table.assign(shares=name) for name, f in fits.items()])


def _coefficient(frame: pd.DataFrame, idx: np.ndarray, term: str) -> float:
    """Coefficient of a calibrated share in the main model refitted on the rows idx (for the bootstrap)."""
    sub = frame.iloc[idx]
    try:
        cal, rel = calibrated(sub)
    except NotEstimable:
        return np.nan
    if rel[term] < MIN_RELIABILITY:
        return np.nan
    X = np.column_stack([np.ones(len(sub)), cal[[*QUANTITY, *QUALITY]].to_numpy(float)])
    beta = np.linalg.lstsq(X, cal[OUTCOME].to_numpy(float), rcond=None)[0]
    return float(beta[1 + len(QUANTITY) + QUALITY.index(term)])


def share_effect(frame: pd.DataFrame, term: str = "relevant_share", n_boot: int = 0, seed: int = 0,
                 ci: float = 0.95) -> stats.Estimate:
    """Effect of a calibrated quality share on log engagement per post, given log followers and the other share.

    CI and p from HC3 errors of the calibrated regression; with n_boot > 0, extra holds a percentile bootstrap
    CI over accounts of the whole procedure (calibration included) as a check.
    """
    if len(frame) < MIN_ACCOUNTS:
        raise NotEstimable(f"{len(frame)} account(s) with enough posts and judged followers; a comparison across "
                           f"accounts needs at least {MIN_ACCOUNTS}")
    cal, reliability = calibrated(frame)
    if reliability[term] < MIN_RELIABILITY:
        raise NotEstimable(f"the measured {term.replace('_', ' ')} varies across accounts hardly more than its "
                           f"sampling error (reliability {reliability[term]:.2f}); more followers per account "
                           "are needed")
    fit = stats.ols_hc3(cal, _formula(), ci=ci)
    row = fit.table.set_index("term").loc[term]
    naive = stats.ols_hc3(frame, _formula(), ci=ci).table.set_index("term").loc[term]
    extra = {"reliability": reliability[term], "reliabilities": reliability, "beta": float(row["beta"]),
             "measured_estimate": float(naive["estimate"]), "measured_ci_low": float(naive["ci_low"]),
             "measured_ci_high": float(naive["ci_high"]), "r2": fit.r2}
    if n_boot:
        rng = np.random.default_rng(seed)
        draws = np.array([_coefficient(frame, rng.integers(0, len(frame), len(frame)), term) for _ in range(n_boot)])
        draws = draws[np.isfinite(draws)]
        extra.update({"boot_ci_low": float(np.quantile(draws, (1 - ci) / 2)),
                      "boot_ci_high": float(np.quantile(draws, (1 + ci) / 2)), "n_boot": len(draws)})
    return stats.Estimate(f"effect of calibrated {term} on {OUTCOME}", float(row["estimate"]), float(row["ci_low"]),
                          float(row["ci_high"]), float(row["p"]), fit.n,
                          "OLS on regression-calibrated shares, HC3 SEs", extra, ci)


def partial_spearman(frame: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Partial Spearman of each measured share with engagement per post, controlling log followers."""
    rows = []
    for share in SHARES:
        if frame[share].notna().sum() < MIN_ACCOUNTS:
            continue
        est = stats.partial_correlation(frame, share, "engagement_per_post", ["log_followers"], "spearman",
                                        n_boot=n_boot)
        rows.append({"share": share, **est.as_dict()})
    return pd.DataFrame(rows)


def rank_correlations(frame: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Spearman of each share with engagement per post: all accounts, and the top decile by followers."""
    rows = []
    for share in SHARES:
        if frame[share].notna().sum() < MIN_ACCOUNTS:
            continue
        full, top = stats.top_decile_correlation(frame, share, "engagement_per_post", by="followers_count",
                                                 n_boot=n_boot)
        rows += [{"share": share, "design": "all accounts", **full.as_dict()},
                 {"share": share, "design": "top 10% by followers", **top.as_dict()}]
    return pd.DataFrame(rows)


def negbin_posts(posts: pd.DataFrame, frame: pd.DataFrame, maxiter: int = 300) -> stats.ModelFit:
    """Negative binomial (NB2) of each original post's engagement on log followers and the calibrated shares,
    with errors clustered by account (posts of one account share its unobserved level)."""
    cal, _ = calibrated(frame)
    own = eng.original_posts(posts)
    data = own[["account_id", "engagement"]].merge(cal[["account_id", *QUANTITY, *QUALITY]], on="account_id")
    data["engagement"] = data["engagement"].astype(float)
    groups = pd.factorize(data["account_id"])[0]
    formula = f"engagement ~ {' + '.join([*QUANTITY, *QUALITY])}"
    # helpers.stats.negbin_glm offers no clustered errors; per-post rows of one account are not independent.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        res = smf.negativebinomial(formula, data, loglike_method="nb2").fit(
            disp=0, maxiter=maxiter, cov_type="cluster", cov_kwds={"groups": groups})
    table = stats.tidy_coefficients(res)
    is_coef = table["term"] != "alpha"
    for src, dst in (("estimate", "irr"), ("ci_low", "irr_ci_low"), ("ci_high", "irr_ci_high")):
        table[dst] = np.where(is_coef, np.exp(table[src]), np.nan)
    extra = {"converged": bool(res.mle_retvals.get("converged", False)), "accounts": int(groups.max() + 1),
             "alpha": float(res.params["alpha"])}
    return stats.ModelFit(table, int(res.nobs), "NB2 MLE on calibrated shares, SEs clustered by account", formula,
                          float("nan"), extra)


def quality_vs_quantity(frame: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> dict[str, stats.Estimate]:
    """ΔR² of quality over quantity and of quantity over quality (F-test p), and general dominance weights."""
    r2 = stats.delta_r2(frame, OUTCOME, QUANTITY, QUALITY, n_boot=n_boot, seed=seed)
    dom = stats.dominance_analysis(frame, OUTCOME, [*QUANTITY, *QUALITY], n_boot=n_boot, seed=seed)
    out = dict(zip(["r2_full", "r2_quantity", "r2_quality", "delta_quality", "delta_quantity"], r2, strict=True))
    out.update({e.name.removeprefix("dominance "): e for e in dom})
    return out


def dominance_share_of_quality(frame: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> stats.Estimate:
    """Share of the explained variance that general dominance gives to the quality block, with a bootstrap CI."""
    data = frame[[OUTCOME, *QUANTITY, *QUALITY]].dropna().to_numpy(float)
    q = len(QUANTITY)

    def share(idx: np.ndarray) -> float:
        weights = stats.general_dominance(stats.subset_r2(data[idx]))
        return float(weights[q:].sum() / weights.sum())

    point = share(np.arange(len(data)))
    rng = np.random.default_rng(seed)
    draws = np.array([share(rng.integers(0, len(data), len(data))) for _ in range(n_boot)])
    return stats.Estimate("quality share of explained variance (general dominance)", point,
                          float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975)), float("nan"),
                          len(data), f"general dominance; percentile bootstrap ({n_boot})")


def gain_pct(est: stats.Estimate, points: float = 10) -> np.ndarray:
    """% change in engagement per post for `points` more percentage points of a share: estimate, CI low, CI high."""
    return 100 * (np.exp(points / 100 * np.array([est.estimate, est.ci_low, est.ci_high])) - 1)


def h02_finding(est: stats.Estimate, verdict: str) -> str:
    """H02's finding: the gain in engagement per post for ten more points of relevant followers, and the verdict."""
    gain = gain_pct(est)
    return (f"+10 points of relevant followers: {gain[0]:+.0f}% engagement per post (95% CI {gain[1]:+.0f}% to "
            f"{gain[2]:+.0f}%) at equal follower count and fake share; {verdict}")


def h08_verdict(qq: dict[str, stats.Estimate]) -> str:
    """H08's verdict: whether quality adds to follower count (F-test at 5 %), and which explains more (dominance)."""
    adds = qq["delta_quality"].p < 0.05
    quality_weight = sum(qq[k].estimate for k in QUALITY)
    more = "follower count" if qq["log_followers"].estimate > quality_weight else "follower quality"
    return ("follower quality adds to what follower count explains" if adds else
            "no clear gain from follower quality beyond follower count") + f"; {more} explains more"


def h08_finding(dq: stats.Estimate, quality_share: stats.Estimate, verdict: str) -> str:
    """H08's finding: quality's ΔR² over follower count and its dominance share, then the verdict."""
    return (f"quality adds ΔR² = {dq.estimate:.3f} (95% CI {dq.ci_low:.3f}–{dq.ci_high:.3f}, p = {dq.p:.2g}) "
            f"to follower count; quality's dominance share {100 * quality_share.estimate:.0f}% "
            f"({100 * quality_share.ci_low:.0f}–{100 * quality_share.ci_high:.0f}%): {verdict}")


def h08_extra(quality_share: stats.Estimate) -> dict[str, float]:
    """The further numbers H08 records: quality's dominance share and its interval."""
    return {"quality_share": quality_share.estimate, "quality_share_ci_low": quality_share.ci_low,
            "quality_share_ci_high": quality_share.ci_high}
