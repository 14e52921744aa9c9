"""Do posts with a link get more engagement than the same account's posts without one? (the template's example)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.analyses.engagement import original_posts
from helpers.stats import Estimate

MIN_EACH = 10  # posts with a link and posts without one needed, over the accounts that posted both
NAME = "within-account difference in engagement per post, link vs no link (%)"


def link_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Original posts with known engagement and link flag, from accounts that posted both kinds."""
    own = original_posts(posts)
    own = own[own["has_link"].notna()]
    both = own.groupby("account_id")["has_link"].nunique()
    own = own[own["account_id"].isin(both.index[both == 2])]
    out = own[["post_id", "account_id", "platform", "has_link", "engagement"]].copy()
    out["has_link"] = out["has_link"].astype(bool)
    out["engagement"] = out["engagement"].astype(float)
    return out.reset_index(drop=True)


def link_table(per_post: pd.DataFrame) -> pd.DataFrame:
    """Posts, median and mean engagement per post, with and without a link."""
    g = per_post.groupby("has_link")["engagement"]
    out = pd.DataFrame({"posts": g.size(), "median_engagement": g.median(), "mean_engagement": g.mean()})
    out.index = out.index.map({True: "with a link", False: "without a link"}).rename(None)
    return out


def _pct(log_ratio: float) -> float:
    """A difference on the log scale as a percentage difference."""
    return float(100 * np.expm1(log_ratio))


def link_effect(per_post: pd.DataFrame, ci: float = 0.95) -> Estimate:
    """Percentage difference in engagement of link posts within accounts: OLS of log(1+engagement), HC3.

    Account fixed effects by the within transformation (both sides demeaned per account), so accounts
    that post more links and happen to be bigger do not drive the difference. HC3 on the demeaned data
    ignores the degrees of freedom the account means use: negligible with many posts per account.
    """
    n_link, n_plain = int(per_post["has_link"].sum()), int((~per_post["has_link"]).sum())
    extra = {"n_link": n_link, "n_plain": n_plain, "n_accounts": int(per_post["account_id"].nunique())}
    if min(n_link, n_plain) < MIN_EACH:
        extra["reason"] = (f"needs at least {MIN_EACH} original posts with and {MIN_EACH} without a link, with known "
                           f"engagement, from accounts that posted both; found {n_link} and {n_plain}")
        return Estimate(NAME, np.nan, np.nan, np.nan, np.nan, n_link + n_plain, "not estimable", extra, ci)
    y = np.log1p(per_post["engagement"])
    x = per_post["has_link"].astype(float)
    by = per_post["account_id"]
    y_within = y - y.groupby(by).transform("mean")
    x_within = x - x.groupby(by).transform("mean")
    res = sm.OLS(y_within.to_numpy(), x_within.to_numpy()[:, None]).fit(cov_type="HC3")
    low, high = np.asarray(res.conf_int(alpha=1 - ci))[0]
    extra["log_ratio"] = float(res.params[0])
    return Estimate(NAME, _pct(res.params[0]), _pct(low), _pct(high), float(res.pvalues[0]), int(res.nobs),
                    "OLS of log(1+engagement) on has_link, account fixed effects (within), HC3 SEs", extra, ci)
