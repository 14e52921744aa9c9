"""Notebook 20's helpers: the elasticity and correlations recover what a small planted world holds, too few
accounts are not estimable in words, the recorded result shows as one column, and the tier figure has two panels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.analyses import engagement, quantity_engagement, tables
from helpers.reports.figures.engagement import tier_rate_panels

PLANTED = 0.6


def _accounts(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """Per-account engagement growing as followers ** PLANTED, with log-normal noise."""
    rng = np.random.default_rng(seed)
    followers = np.exp(rng.uniform(np.log(100), np.log(2_000_000), n))
    per_post = 0.05 * followers**PLANTED * np.exp(rng.normal(0, 0.3, n))
    frame = pd.DataFrame({"account_id": [f"a{i}" for i in range(n)], "platform": "bluesky",
                          "followers_count": followers, "engagement_per_post": per_post})
    frame["engagement_per_follower"] = frame["engagement_per_post"] / frame["followers_count"]
    frame["engagement_per_impression"] = np.nan
    frame["tier"] = pd.cut(frame["followers_count"], engagement.TIERS, labels=engagement.TIER_LABELS, right=False)
    return frame


def test_the_elasticity_recovers_the_planted_one():
    est = quantity_engagement.followers_elasticity(_accounts())
    assert est.ci_low <= PLANTED <= est.ci_high and est.n == 200
    assert quantity_engagement.proportion_note(est) == ", but less than in proportion (engagement per follower falls)"


def test_the_correlations_cover_all_accounts_and_the_top_decile():
    full, top, table = quantity_engagement.correlations(_accounts(), n_boot=200)
    assert full.n == 200 and 20 <= top.n <= 25 and full.estimate > 0.8
    assert list(table.columns) == quantity_engagement.CORRELATION_COLUMNS and len(table) == 2


def test_too_few_accounts_is_not_estimable_with_the_reason():
    est = quantity_engagement.too_few_accounts(_accounts(3), min_posts=5)
    assert math.isnan(est.estimate) and est.n == 3
    assert est.extra["reason"] == ("3 account(s) with at least 5 original posts with known engagement; a comparison "
                                   "across accounts needs at least 10")
    assert quantity_engagement.proportion_note(est) == ""


def test_a_result_shows_as_one_column_and_several_side_by_side():
    one = {"id": "H01", "estimate": 0.5, "n": 3}
    assert tables.result_column(one, "H01").to_dict() == {"H01": {"id": "H01", "estimate": 0.5, "n": 3}}
    both = tables.result_columns([one, {"id": "H02", "estimate": 1.0, "n": 4}])
    assert list(both.columns) == ["H01", "H02"] and list(both.index) == ["estimate", "n"]


def test_covers_says_whether_the_interval_holds_the_truth():
    assert tables.covers(0.1, 0.3, 0.2) == "covers"
    assert tables.covers(0.1, 0.3, 0.4) == "MISSES"


def test_the_tier_figure_has_a_panel_per_measure_and_says_when_one_is_missing():
    fig = tier_rate_panels(engagement.tier_rates(_accounts(), n_boot=50))
    first, second = fig.axes
    assert first.get_title() == "Median engagement rate per follower"
    assert second.get_title() == "per impression: not reported by these platforms" and not second.axison
