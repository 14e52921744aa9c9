"""Does follower quality predict engagement once follower count is controlled, and what is it worth in followers?

Across accounts: engagement per post against follower count and the calibrated quality shares (quality_shares).
The primary model for engagement (helpers.hypotheses.decision_rule) is the OLS of log engagement per post on log
followers and the calibrated relevant and fake shares: its relevant-share coefficient is the quality contrast (H02),
its follower elasticity the quantity contrast, and their exchange rate the head-to-head (H08). Given the scorer's
measured error rates (analyses.misclassification), the share coefficients are corrected for its classification
errors and their intervals carry the rates' uncertainty. Beside them: rank and
partial rank correlations, standardised effects within size strata, ΔR² and dominance (descriptive only), and a
negative binomial model of per-post counts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from helpers import stats
from helpers.analyses import engagement as eng
from helpers.analyses import exchange_rate
from helpers.analyses import misclassification as mc
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
MIN_DRAWS = 50  # bootstrap draws needed to use their covariance for the exchange rate
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
        reliability = _ready(frame, "relevant_share")  # H02's share: too unreliable, and nothing can be estimated
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


def _coefficients(frame: pd.DataFrame, idx: np.ndarray) -> np.ndarray:
    """The main model's coefficients (log followers, then the calibrated shares) refitted on the rows idx, for the
    bootstrap of the whole procedure (calibration included); NaN when a share is then too unreliable."""
    sub = frame.iloc[idx]
    nan = np.full(len(QUANTITY) + len(QUALITY), np.nan)
    try:
        cal, rel = calibrated(sub)
    except NotEstimable:
        return nan
    if min(rel[t] for t in QUALITY) < MIN_RELIABILITY:
        return nan
    X = np.column_stack([np.ones(len(sub)), cal[[*QUANTITY, *QUALITY]].to_numpy(float)])
    return np.linalg.lstsq(X, cal[OUTCOME].to_numpy(float), rcond=None)[0][1:]


def bootstrap_coefficients(frame: pd.DataFrame, n_boot: int, seed: int = 0) -> np.ndarray:
    """Bootstrap draws over accounts (rows) of the main model's coefficients, order [*QUANTITY, *QUALITY]."""
    rng = np.random.default_rng(seed)
    draws = np.array([_coefficients(frame, rng.integers(0, len(frame), len(frame))) for _ in range(n_boot)])
    draws = draws.reshape(-1, len(QUANTITY) + len(QUALITY))  # also when n_boot is 0
    return draws[np.isfinite(draws).all(axis=1)]


def _ready(frame: pd.DataFrame, term: str) -> dict[str, float]:
    """The calibrated shares' reliabilities, or NotEstimable when the comparison cannot run."""
    if len(frame) < MIN_ACCOUNTS:
        raise NotEstimable(f"{len(frame)} account(s) with enough posts and judged followers; a comparison across "
                           f"accounts needs at least {MIN_ACCOUNTS}")
    _, reliability = calibrated(frame)
    if reliability[term] < MIN_RELIABILITY:
        raise NotEstimable(f"the measured {term.replace('_', ' ')} varies across accounts hardly more than its "
                           f"sampling error (reliability {reliability[term]:.2f}); more followers per account "
                           "are needed")
    return reliability


def _main_fit(frame: pd.DataFrame, ci: float = 0.95) -> stats.ModelFit:
    """The primary model: OLS (HC3) of log engagement per post on log followers and the calibrated shares."""
    cal, _ = calibrated(frame)
    return stats.ols_hc3(cal, _formula(), ci=ci)


def _theta_cov(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The primary model's coefficients (order [*QUANTITY, *QUALITY]) and their HC3 covariance."""
    cal, _ = calibrated(frame)
    fit = smf.ols(_formula(), cal).fit(cov_type="HC3")
    terms = [*QUANTITY, *QUALITY]
    return fit.params[terms].to_numpy(float), fit.cov_params().loc[terms, terms].to_numpy(float)


def _interval(column: np.ndarray, ci: float) -> tuple[float, float]:
    """The percentile interval of draws."""
    return float(np.quantile(column, (1 - ci) / 2)), float(np.quantile(column, (1 + ci) / 2))


def share_effect(frame: pd.DataFrame, term: str = "relevant_share", n_boot: int = 0, seed: int = 0,
                 ci: float = 0.95, draws: np.ndarray | None = None,
                 corrections: mc.Corrections | None = None) -> stats.Estimate:
    """Effect of a calibrated quality share on log engagement per post, given log followers and the other share.

    CI and p from HC3 errors of the calibrated regression; with n_boot > 0 (or bootstrap draws given), extra holds
    a percentile bootstrap CI over accounts of the whole procedure (calibration included) as a check. With
    corrections holding the share's factor, the estimate is corrected for the scorer's classification errors and
    its interval drawn over the coefficient's HC3 law and the error rates (p unchanged: the factor is positive).
    """
    reliability = _ready(frame, term)
    fit = _main_fit(frame, ci)
    row = fit.table.set_index("term").loc[term]
    naive = stats.ols_hc3(frame, _formula(), ci=ci).table.set_index("term").loc[term]
    extra = {"reliability": reliability[term], "reliabilities": reliability, "beta": float(row["beta"]),
             "measured_estimate": float(naive["estimate"]), "measured_ci_low": float(naive["ci_low"]),
             "measured_ci_high": float(naive["ci_high"]), "r2": fit.r2}
    estimate, low, high = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    method = "OLS on regression-calibrated shares, HC3 SEs"
    if draws is None and n_boot:
        draws = bootstrap_coefficients(frame, n_boot, seed)
    terms, k = [*QUANTITY, *QUALITY], len(QUANTITY) + QUALITY.index(term)
    factor = corrections.factors.get(term) if corrections is not None else None
    if factor is not None:
        mc.check_informative(corrections, term)
        theta, cov = _theta_cov(frame)
        corrected = mc.corrected_draws(theta, cov, terms, corrections, seed=seed)[:, k]
        extra.update({"uncorrected_estimate": estimate, "uncorrected_ci_low": low, "uncorrected_ci_high": high,
                      "misclassification_factor": factor.j, "misclassification_factor_ci": list(factor.ci)})
        estimate, (low, high) = estimate * factor.j, _interval(corrected, ci)
        method = ("OLS on regression-calibrated shares corrected for the scorer's measured errors (× se + sp − 1); "
                  "HC3 p; interval from draws over the HC3 coefficients and the error rates")
        if draws is not None and len(draws):
            draws = mc.corrected_draws(theta, cov, terms, corrections, boot=draws, seed=seed)
    if corrections is not None:
        extra["misclassification"] = corrections.as_dict()
        extra["measurement"] = mc.sentence(corrections, term, (estimate, low, high), (
            extra.get("uncorrected_estimate", estimate), extra.get("uncorrected_ci_low", low),
            extra.get("uncorrected_ci_high", high)))
    if draws is not None and len(draws):
        extra.update(dict(zip(("boot_ci_low", "boot_ci_high"), _interval(draws[:, k], ci), strict=True)))
        extra["n_boot"] = len(draws)
    return stats.Estimate(f"effect of calibrated {term} on {OUTCOME}", estimate, low, high, float(row["p"]), fit.n,
                          method, extra, ci)


def quantity_effect(frame: pd.DataFrame, ci: float = 0.95) -> stats.Estimate:
    """The quantity contrast of the same model as share_effect: the elasticity of engagement per post on followers
    at equal (calibrated) relevant and fake shares, HC3."""
    _ready(frame, "relevant_share")
    cal, _ = calibrated(frame)
    fit = stats.ols_hc3(cal, _formula(), ci=ci)
    row = fit.table.set_index("term").loc["log_followers"]
    return stats.Estimate(f"elasticity of {OUTCOME.removeprefix('log_')} on followers at equal quality shares",
                          float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"]), float(row["p"]), fit.n,
                          "OLS on regression-calibrated shares, HC3 SEs", {"beta": float(row["beta"])}, ci)


QUANTITY_MEASURE = ("elasticity of engagement per post on follower count at equal calibrated relevant and fake "
                    "shares (same OLS as the quality contrast, HC3): 0.65 = +0.65 % per +1 % followers")


def rates(frame: pd.DataFrame, draws: np.ndarray, ci: float = 0.95,
          corrections: mc.Corrections | None = None) -> dict[str, exchange_rate.ExchangeRate]:
    """The exchange rates of +10 points of relevant followers and of real (not likely fake) followers, from the
    main model's point estimates and the bootstrap covariance of the coefficients (HC3 with fewer than MIN_DRAWS);
    with corrections, the share coefficients corrected for the scorer's errors and the covariance carrying them."""
    theta, hc3 = _theta_cov(frame)
    terms = [*QUANTITY, *QUALITY]
    # the bootstrap covariance carries the calibration's own uncertainty; HC3 when too few draws are usable
    boot = draws if len(draws) >= MIN_DRAWS else None
    cov = np.cov(draws, rowvar=False) if boot is not None else hc3
    if corrections is not None and corrections.factors:
        cov = np.cov(mc.corrected_draws(theta, hc3, terms, corrections, boot=boot), rowvar=False)
        theta = mc.point(theta, terms, corrections)
    b = float(theta[0])
    i_rel, i_fake = 1 + QUALITY.index("relevant_share"), 1 + QUALITY.index("fake_share")
    # +10 points of real followers are -10 points of likely fake ones: c_real = -c_fake
    flip = np.diag([1.0, 1.0, -1.0])
    real_cov = (flip @ cov[np.ix_([0, i_rel, i_fake], [0, i_rel, i_fake])] @ flip)[np.ix_([0, 2], [0, 2])]
    return {"relevant": exchange_rate.exchange_rate(b, float(theta[i_rel]), cov[np.ix_([0, i_rel], [0, i_rel])],
                                                    ci=ci),
            "real": exchange_rate.exchange_rate(b, -float(theta[i_fake]), real_cov, ci=ci,
                                                label="real (not likely fake) followers")}


def size_strata(frame: pd.DataFrame, groups: int = 3) -> pd.DataFrame:
    """Standardised effects of follower count and of the relevant share within follower-count strata (calibrated
    shares, HC3), so that a share is compared with follower count over a narrow range of sizes."""
    cal, _ = calibrated(frame)
    return exchange_rate.strata_effects(cal, _formula(), ["log_followers", "relevant_share"], groups=groups)


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


def h08_estimate(rate: exchange_rate.ExchangeRate, n: int) -> stats.Estimate:
    """H08, the head-to-head: the exchange rate in percent (no p-value: it decides nothing, the primaries do);
    not estimable, with the reason in words, when follower count does not raise engagement in the model."""
    if not np.isfinite(rate.estimate):
        return stats.not_estimable("exchange rate", rate.words, n=n)
    return stats.Estimate("exchange rate (% more followers worth +10 points of relevant followers)",
                          100 * rate.estimate, 100 * rate.ci_low, 100 * rate.ci_high, float("nan"), n,
                          "Fieller interval for c/b, bootstrap covariance of the calibrated model", rate.as_dict())


def h08_verdict(rate: exchange_rate.ExchangeRate) -> str:
    """H08's verdict: whether +10 points of relevant followers are worth more than, less than, or about as much as
    doubling the follower count, judged on the rate's interval."""
    if rate.ci_low > 1:
        return "+10 points of relevant followers are worth more than doubling the follower count"
    if rate.ci_high < 1:
        return "+10 points of relevant followers are worth less than doubling the follower count"
    return "whether +10 points of relevant followers are worth more than doubling the follower count is not settled"


def h08_finding(rate: exchange_rate.ExchangeRate, verdict: str) -> str:
    """H08's finding: the exchange rate in words, then the verdict."""
    return f"{rate.words}: {verdict}"


PRIMARY_RATE_MEASURE = ("% more followers giving the same gain in engagement per post as +10 points of relevant "
                        "followers, 100·(exp(0.1·c/b) − 1) in the primary model (Fieller 95% interval, bootstrap "
                        "covariance; an unbounded end is +inf)")


def primary_rate(rate: exchange_rate.ExchangeRate) -> dict:
    """The primary-result convention's exchange_rate, in percent (25 = 25 % more followers), as notebook 22 writes
    it for visits; an unbounded end is +inf, and the estimate None when follower count does not raise engagement."""
    pct = [100 * v if np.isfinite(v) or v == np.inf else np.nan for v in (rate.estimate, rate.ci_low, rate.ci_high)]
    return {"estimate": pct[0] if np.isfinite(pct[0]) else None, "ci_low": pct[1], "ci_high": pct[2],
            "measure": PRIMARY_RATE_MEASURE, "words": rate.words}


def quantity_contrast(est: stats.Estimate) -> dict:
    """The quantity contrast as the primary-result convention records it (estimate, interval, p, n, measure)."""
    return {"estimate": est.estimate, "ci_low": est.ci_low, "ci_high": est.ci_high, "p": est.p, "n": est.n,
            "measure": QUANTITY_MEASURE}


def primary_text(h02: stats.Estimate, quantity: stats.Estimate) -> str:
    """The two primary contrasts of the engagement model in words: +10 points of relevant followers, and +10 %
    followers, each with its interval and n."""
    gain = gain_pct(h02)
    follow = 100 * (1.1 ** np.array([quantity.estimate, quantity.ci_low, quantity.ci_high]) - 1)
    return (f"Quality contrast: coefficient **{h02.estimate:.2f}** per unit of share (95% CI {h02.ci_low:.2f} to "
            f"{h02.ci_high:.2f}, p = {h02.p:.2g}, n = {h02.n} accounts): ten more percentage points of relevant "
            f"followers go with **{gain[0]:+.0f}%** engagement per post ({gain[1]:+.0f}% to {gain[2]:+.0f}%) at equal "
            f"follower count and fake share. Quantity contrast, same model: elasticity **{quantity.estimate:.2f}** "
            f"(95% CI {quantity.ci_low:.2f} to {quantity.ci_high:.2f}, p = {quantity.p:.2g}): 10 % more followers go "
            f"with {follow[0]:+.1f}% engagement per post ({follow[1]:+.1f}% to {follow[2]:+.1f}%) at equal shares. "
            f"Without the correction for sampling error the quality coefficient is "
            f"{h02.extra['measured_estimate']:.2f} ({h02.extra['measured_ci_low']:.2f} to "
            f"{h02.extra['measured_ci_high']:.2f}); a bootstrap over accounts of the whole corrected procedure gives "
            f"{h02.extra.get('boot_ci_low', float('nan')):.2f} to {h02.extra.get('boot_ci_high', float('nan')):.2f}.")


def rates_table(rates: dict[str, exchange_rate.ExchangeRate]) -> pd.DataFrame:
    """The exchange rates in percent, one row per kind of follower (relevant, real), with their reading."""
    return pd.DataFrame([{"+10 points of": f"{kind} followers", "% more followers (estimate)": 100 * r.estimate,
                          "95% CI low": 100 * r.ci_low, "95% CI high": 100 * r.ci_high, "interval": r.kind,
                          "in words": r.words} for kind, r in rates.items()])


def measurement_sentence(row: pd.Series, corrected: bool = False) -> str:
    """What the comparison with the planted truth says about the scorer's errors, computed: a slope on the truth
    within 10 % of 1 and a bias under 5 points count as small. A slope s makes an uncorrected coefficient about 1/s
    times the true one (the measured share moves s points per true point); `corrected` says whether the estimates
    divide that out with the error rates measured on the labelled check."""
    slope_ok = row["slope_ci_high"] >= 0.9 and row["slope_ci_low"] <= 1.1
    small = slope_ok and abs(row["mean_bias"]) < 0.05
    s = float(row.get("slope_on_true", np.nan))
    scale = (f"; a slope of {s:.2f} makes an uncorrected coefficient about {1 / s:.1f} times the true one"
             if np.isfinite(s) and s > 0 and abs(s - 1) >= 0.05 else "")
    fix = (", which the correction for the error rates measured on the labelled check divides out" if corrected
           else ", and the estimates here are not corrected for it (no labelled check)")
    if small:
        return "on this sample the scorer's classification errors are small (slope on the truth within 10 % of 1, " \
               "bias under 5 points)" + (scale + fix if scale else "")
    return ("the scorer's classification errors are NOT small here: the measured share "
            + ("is biased" if not abs(row["mean_bias"]) < 0.05 else "does not move one for one with the truth")
            + scale + fix)


H08_MEASURE = ("exchange rate: % more followers giving the same gain in engagement per post as +10 points of relevant "
               "followers, 100·(exp(0.1·c/b) − 1) in the primary model; Fieller 95% interval, bootstrap covariance "
               "(an unbounded end is +inf)")


def planted_rate(relevant_effect: object, elasticity: object) -> float | None:
    """The exchange rate in percent that a simulated sample's planted effects imply (None when not planted)."""
    if not isinstance(relevant_effect, (int, float)) or not isinstance(elasticity, (int, float)) or elasticity <= 0:
        return None
    return float(100 * np.expm1(0.1 * relevant_effect / elasticity))
