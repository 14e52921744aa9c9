"""Does follower count predict engagement? The across-account measures of notebook 20 (hypothesis H01): rank
correlations on all accounts and the top decile, and the log-log elasticity of engagement per post on followers."""

from __future__ import annotations

import pandas as pd

from helpers import stats

MIN_ACCOUNTS = 10  # a comparison across accounts needs at least this many
FOLLOWERS, OUTCOME = "followers_count", "engagement_per_post"
CORRELATION_COLUMNS = ["name", "estimate", "ci_low", "ci_high", "p", "n", "n_extra_ties"]


def correlations(per_account: pd.DataFrame, n_boot: int = 2000) -> tuple[stats.Estimate, stats.Estimate,
                                                                          pd.DataFrame]:
    """Spearman of followers with engagement per post on all accounts and the top decile, and both as a table."""
    full, top = stats.top_decile_correlation(per_account, FOLLOWERS, OUTCOME, n_boot=n_boot)
    return full, top, stats.estimates_frame([full, top])[CORRELATION_COLUMNS]


def followers_elasticity(per_account: pd.DataFrame) -> stats.Estimate:
    """Elasticity of engagement per post with respect to followers (log-log OLS, HC3)."""
    return stats.elasticity(per_account, FOLLOWERS, OUTCOME)


def too_few_accounts(per_account: pd.DataFrame, min_posts: int) -> stats.Estimate:
    """H01 as not estimable: too few accounts with enough posts for a comparison across accounts."""
    return stats.not_estimable(
        "elasticity of engagement per post", f"{len(per_account)} account(s) with at least {min_posts} original posts "
        f"with known engagement; a comparison across accounts needs at least {MIN_ACCOUNTS}", n=len(per_account))


def proportion_note(est: stats.Estimate) -> str:
    """The verdict's addition when the whole interval lies below 1: engagement grows less than followers."""
    return ", but less than in proportion (engagement per follower falls)" if est.ci_high < 1 else ""

