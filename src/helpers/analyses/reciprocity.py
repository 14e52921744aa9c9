"""Reciprocity: are the followers an account follows back more often engaged with its posts than the others?"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep

from helpers import stats
from helpers.analyses.quality_shares import follower_flags
from helpers.analyses.wording import points, points_interval
from helpers.quality import ties
from helpers.quality.bins import RELEVANCE_THRESHOLD
from helpers.stats import NotEstimable

MIN_GROUP = 5  # followers needed in each group (reciprocal, not) to compare an account's two groups


def reciprocity_flags(followers: pd.DataFrame, following: pd.DataFrame | None, interactions: pd.DataFrame | None,
                      follower_quality: pd.DataFrame | None = None,
                      relevance_threshold: float = RELEVANCE_THRESHOLD) -> pd.DataFrame:
    """Followers whose reciprocity and engagement are both known: account, followed_back, engaged, weight, and
    relevant (a relevant profile, from the scores; null when the dataset is not scored).

    Reciprocity is followed_back, else the account's following list; engagement is any interaction with the
    account's posts, unknown for an account without interaction data. Neither needs the followers' profiles.
    """
    weight = (pd.to_numeric(followers["sample_weight"], errors="coerce") if "sample_weight" in followers.columns
              else pd.Series(np.nan, index=followers.index)).fillna(1.0)
    flags = pd.DataFrame({
        "account_id": followers["account_id"].astype(str).to_numpy(),
        "follower_id": followers["follower_id"].astype(str).to_numpy(),
        "followed_back": ties.followed_back(followers, following).astype("Float64").to_numpy(
            dtype=float, na_value=np.nan),
        "engaged": ties.interactions(followers, interactions)["engaged"].astype("Float64").to_numpy(
            dtype=float, na_value=np.nan),
        "weight": weight.to_numpy(dtype=float)})
    flags = flags.dropna(subset=["followed_back", "engaged"])
    flags["relevant"] = np.nan
    if follower_quality is not None and len(follower_quality):
        judged = follower_flags(follower_quality, relevance_threshold)
        flags = flags.drop(columns="relevant").merge(judged[["account_id", "follower_id", "relevant"]],
                                                     on=["account_id", "follower_id"], how="left")
    return flags.reset_index(drop=True)


def _share(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
    """Weighted share, its Wilson CI (Kish n) and the Kish effective n."""
    if len(x) == 0:
        return np.nan, np.nan, np.nan, 0.0
    est = stats.proportion_ci(x, weights=w)
    return est.estimate, est.ci_low, est.ci_high, est.extra["n_eff"]


def group_difference(g: pd.DataFrame, outcome: str = "engaged", by: str = "followed_back") -> dict:
    """Weighted share of the outcome in each group and the difference (group 1 minus group 0), Newcombe CI
    on Kish effective counts."""
    x1, w1 = g.loc[g[by] == 1, outcome].to_numpy(float), g.loc[g[by] == 1, "weight"].to_numpy(float)
    x0, w0 = g.loc[g[by] == 0, outcome].to_numpy(float), g.loc[g[by] == 0, "weight"].to_numpy(float)
    p1, lo1, hi1, n1 = _share(x1, w1)
    p0, lo0, hi0, n0 = _share(x0, w0)
    row = {"n_reciprocal": len(x1), "n_other": len(x0), "engaged_reciprocal": p1, "engaged_reciprocal_ci_low": lo1,
           "engaged_reciprocal_ci_high": hi1, "engaged_other": p0, "engaged_other_ci_low": lo0,
           "engaged_other_ci_high": hi0, "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if min(len(x1), len(x0)) >= MIN_GROUP:
        low, high = confint_proportions_2indep(p1 * n1, n1, p0 * n0, n0, method="newcomb", compare="diff")
        row.update({"difference": p1 - p0, "ci_low": float(low), "ci_high": float(high)})
    return row


def engaged_by_reciprocity(flags: pd.DataFrame) -> pd.DataFrame:
    """Per account: share engaged among reciprocal and other followers, and the difference with its CI."""
    rows = [{"account_id": a, **group_difference(g)} for a, g in flags.groupby("account_id", sort=True)]
    columns = ["account_id", *group_difference(flags.iloc[0:0])]
    return pd.DataFrame(rows, columns=columns)


def pooled_difference(per_account: pd.DataFrame, ci: float = 0.95) -> stats.Estimate:
    """The typical account's difference: the mean of per-account differences, t interval over accounts.

    Each account counts once, so a few very large accounts cannot decide the answer; with one account, its own
    difference and interval.
    """
    d = per_account.dropna(subset=["difference"])
    if d.empty:
        raise NotEstimable("no account has at least "
                           f"{MIN_GROUP} reciprocal and {MIN_GROUP} other followers with known engagement")
    if len(d) == 1:
        row = d.iloc[0]
        return stats.Estimate("engaged share, reciprocal minus other followers (one account)", row["difference"],
                              row["ci_low"], row["ci_high"], np.nan, int(row["n_reciprocal"] + row["n_other"]),
                              "difference of weighted shares, Newcombe CI (Kish effective n)",
                              {"accounts": 1, "unit": "followers"}, ci)
    test = sps.ttest_1samp(d["difference"].to_numpy(float), 0.0)
    interval = test.confidence_interval(ci)
    return stats.Estimate("engaged share, reciprocal minus other followers (mean over accounts)",
                          float(d["difference"].mean()), float(interval.low), float(interval.high),
                          float(test.pvalue), len(d), "mean of per-account differences, t interval over accounts",
                          {"accounts": len(d), "accounts_left_out": int(len(per_account) - len(d)),
                           "unit": "accounts"}, ci)


def ties_difference(flags: pd.DataFrame, n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> stats.Estimate:
    """Over all follower ties (each sampled follower weighted by sample_weight): engaged share of reciprocal minus
    other followers, with a bootstrap CI that resamples accounts (followers of one account are not independent)."""
    accounts = flags["account_id"].to_numpy()
    codes, uniques = pd.factorize(accounts)
    w, e, b = flags["weight"].to_numpy(float), flags["engaged"].to_numpy(float), flags["followed_back"].to_numpy(float)
    sums = np.zeros((len(uniques), 4))
    for j, v in enumerate([w * e * b, w * b, w * e * (1 - b), w * (1 - b)]):
        sums[:, j] = np.bincount(codes, weights=v, minlength=len(uniques))

    def diff(s: np.ndarray) -> float:
        tot = s.sum(axis=0)
        return float(tot[0] / tot[1] - tot[2] / tot[3]) if tot[1] > 0 and tot[3] > 0 else np.nan

    point = diff(sums)
    rng = np.random.default_rng(seed)
    draws = np.array([diff(sums[rng.integers(0, len(uniques), len(uniques))]) for _ in range(n_boot)])
    draws = draws[np.isfinite(draws)]
    low, high = ((np.quantile(draws, (1 - ci) / 2), np.quantile(draws, (1 + ci) / 2)) if len(uniques) > 1 and
                 len(draws) else (np.nan, np.nan))
    n_eff = w.sum() ** 2 / (w**2).sum() if len(w) else 0.0
    return stats.Estimate("engaged share, reciprocal minus other, over all follower ties (weighted)", point,
                          float(low), float(high), np.nan, len(uniques),
                          f"weighted difference; percentile bootstrap over accounts ({n_boot})",
                          {"followers": len(flags), "kish_n_eff": float(n_eff)}, ci)


def difference_within_relevance(flags: pd.DataFrame) -> pd.DataFrame:
    """The reciprocal-minus-other difference among followers with a relevant profile and among the others:
    how much of the gap remains when like is compared with like."""
    rows = []
    for label, stratum in (("relevant profile", 1.0), ("other profiles", 0.0)):
        sub = flags[flags["relevant"] == stratum]
        per_account = engaged_by_reciprocity(sub)
        try:
            est = pooled_difference(per_account)
        except NotEstimable:
            rows.append({"followers": label, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0})
            continue
        rows.append({"followers": label, "estimate": est.estimate, "ci_low": est.ci_low, "ci_high": est.ci_high,
                     "n": est.n})
    return pd.DataFrame(rows)


def intro_text(flags: pd.DataFrame, account: str) -> str:
    """The opening sentence: followers compared, their accounts, and the account whose replies are studied
    (already escaped; "" when none is marked as focal)."""
    who = account or "no account (none is marked as focal)"
    return (f"**{len(flags):,}** followers of **{flags['account_id'].nunique()}** account(s) have both a known "
            "reciprocity (followed back or not) and a known engagement (interacted with the account's posts or not); "
            f"the reply share is studied for **{who}**.")


NO_FLAGS = ("no follower has both a known reciprocity (followed_back or a following list) and a known engagement "
            "(interactions on the account's posts, with who made them)")


def compare(flags: pd.DataFrame) -> tuple[pd.DataFrame | None, stats.Estimate | None, str | None]:
    """Per-account differences and their pooled mean; or the reason they cannot be estimated."""
    if flags.empty:
        return None, None, NO_FLAGS
    per_account = engaged_by_reciprocity(flags)
    try:
        return per_account, pooled_difference(per_account), None
    except NotEstimable as exc:
        return per_account, None, str(exc)


def per_account_summary(per_account: pd.DataFrame) -> pd.DataFrame:
    """Count, mean and quartiles of each per-account column."""
    return per_account.describe().T[["count", "mean", "25%", "50%", "75%"]].round(3)


def per_account_text(per_account: pd.DataFrame) -> str:
    """How many accounts show a difference whose interval is above zero."""
    shown = per_account.dropna(subset=["difference"])
    return (f"Per account, {int((shown['ci_low'] > 0).sum())} of {len(shown)} accounts show a difference whose 95% "
            "interval is above zero; a single account's sample is small, so most intervals are wide and the pooled "
            "figure below is the one to read.")


def pooled_table(pooled: stats.Estimate, ties_est: stats.Estimate) -> pd.DataFrame:
    """The pooled difference over accounts and over all follower ties, side by side."""
    return pd.DataFrame([
        {"design": pooled.name, "estimate": pooled.estimate, "ci_low": pooled.ci_low,
         "ci_high": pooled.ci_high, "n": pooled.n, "unit": pooled.extra["unit"]},
        {"design": "all follower ties (weighted by sample_weight)", "estimate": ties_est.estimate,
         "ci_low": ties_est.ci_low, "ci_high": ties_est.ci_high, "n": ties_est.n, "unit": "accounts (bootstrap)"}])


def pooled_text(pooled: stats.Estimate, ties_est: stats.Estimate) -> str:
    """The pooled difference in words, with the all-ties check."""
    return (f"Among an account's followers, those it follows back are **{points(pooled.estimate)} percentage "
            f"points** more often engaged (95% CI {points_interval(pooled)}, n = {pooled.n} {pooled.extra['unit']}). "
            f"Over all follower ties, where large accounts weigh more, the difference is {points(ties_est.estimate)} "
            f"points ({points_interval(ties_est)}; Kish effective n {ties_est.extra['kish_n_eff']:,.0f} followers).")


def h09_parts(pooled: stats.Estimate | None, reason: str | None, verdict: str,
              n: int) -> tuple[stats.Estimate, str, str]:
    """H09's estimate, finding and measure; not estimable with the reason when there is one."""
    measure = "difference in engaged share, reciprocal minus other followers"
    if reason is not None:
        return stats.not_estimable("reciprocal minus other engaged share", reason, n=n), "", measure
    how = "mean over accounts (t interval)" if pooled.extra["unit"] == "accounts" else "one account (Newcombe interval)"
    finding = (f"engaged share {100 * pooled.estimate:+.1f} points for reciprocal followers (95% CI "
               f"{100 * pooled.ci_low:+.1f} to {100 * pooled.ci_high:+.1f}): {verdict}")
    return pooled, finding, f"difference in weighted engaged share, reciprocal minus other followers, {how}"


def truth_text(truth: float, low: float, high: float) -> str:
    """The difference the generator implies and whether the interval covers it."""
    return (f"Simulated data: the difference implied by the generator (engagement and following back both depend "
            f"on the follower's type) is **{truth:.3f}** on average over the cohort's accounts; the interval "
            f"{'covers' if low <= truth <= high else 'MISSES'} it.")
