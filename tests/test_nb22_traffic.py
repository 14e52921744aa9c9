"""Notebook 22's helpers: the focal account's daily traffic is built in one call and says what it can support;
the elasticity with scored labels recovers the planted one; the Granger reading follows the two tests; the
figures draw the series they are given."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import traffic
from helpers.reports.figures.traffic import daily_visits, elasticity_scatter, weekday_ratios
from helpers.simulate import load_config
from helpers.simulate.focal import simulate_focal


@pytest.fixture(scope="module")
def world() -> tuple[dict, dict]:
    """A simulated focal account's tables and planted truth (default configuration, nothing written)."""
    cfg = load_config(seed=3)
    return simulate_focal(np.random.default_rng(3), cfg, pd.Timestamp(cfg["observed_at"]))


def _scores_from_truth(followers: pd.DataFrame) -> pd.DataFrame:
    """Quality scores that label every follower as its planted type does (a scorer without errors)."""
    types = followers["true_type"].astype(str)
    return pd.DataFrame({"account_id": followers["account_id"], "follower_id": followers["follower_id"],
                         "bin": np.where(types == "relevant", "relevant",
                                         np.where(types == "fake", "likely_fake", "irrelevant")),
                         "relevance": np.where(types == "relevant", 1.0, 0.0)})


def test_the_focal_traffic_is_built_and_can_support_both_hypotheses(world):
    tables, _ = world
    focal = traffic.focal_traffic(tables, prefer="true_type")
    assert focal.account is not None and focal.labels.source == "true type (simulated)"
    assert traffic.focal_traffic(tables).labels.source == "none", "an analysis never sees planted labels"
    assert focal.has_traffic and focal.has_audience and focal.network == "X" and focal.platform == "X"
    assert {"sessions", "links_0", "relevant", "followers"} <= set(focal.frame.columns)


def test_without_a_focal_account_nothing_can_be_computed(world):
    tables, _ = world
    focal = traffic.focal_traffic({**tables, "accounts": tables["accounts"].assign(is_focal=False)})
    assert focal.account is None and focal.labels is None and focal.platform == ""
    assert not focal.has_traffic and not focal.has_audience and list(focal.frame.columns) == traffic.EMPTY_COLUMNS


def test_the_elasticity_with_scored_labels_recovers_the_planted_one(world):
    tables, truth = world
    focal = traffic.focal_traffic(tables, prefer="true_type")
    assert traffic.scored_elasticity(tables, focal) is None, "no scores: nothing to compare with"
    scored = {**tables, "follower_quality": _scores_from_truth(tables["followers"])}
    est = traffic.scored_elasticity(scored, traffic.focal_traffic(scored, prefer="true_type"))
    assert est.covers(truth["blog"]["x_sessions_elasticity"]), est
    assert traffic.scored_elasticity(scored, traffic.focal_traffic(scored, prefer="scores")) is None


def _tests(forward_p: float, reverse_p: float) -> dict:
    """Two Granger results with the given p-values at their chosen lag."""
    def one(p: float) -> SimpleNamespace:
        return SimpleNamespace(best=SimpleNamespace(p=p), n_diff=1,
                               as_dict=lambda: {"best_lag": 2, "F": 3.0, "p": p, "n": 100, "n_diff": 1,
                                                "stationary": True, "ic": "aic"})
    return {"relevant followers -> visits": one(forward_p), "visits -> relevant followers": one(reverse_p)}


@pytest.mark.parametrize(("forward", "reverse", "words"), [
    (0.01, 0.5, "the audience leads"), (0.01, 0.01, "shared rhythms"),
    (0.5, 0.01, "Visits forecast later changes"), (0.5, 0.5, "Neither series forecasts")])
def test_the_granger_reading_follows_both_tests(forward, reverse, words):
    reading = traffic.granger_reading(_tests(forward, reverse))
    assert reading.startswith("Both series were differenced 1 time(s)") and words in reading


def test_the_granger_table_has_one_row_per_direction():
    table = traffic.granger_table(_tests(0.01, 0.5))
    assert list(table.index) == ["relevant followers -> visits", "visits -> relevant followers"]
    assert list(table.columns) == ["best_lag", "F", "p", "n", "n_diff", "stationary"]


def test_the_traffic_figures_draw_their_series(world):
    tables, _ = world
    focal = traffic.focal_traffic(tables, prefer="true_type")
    fig = daily_visits(focal.frame, focal.network)
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "Daily visits from X and relevant followers"
    h03 = traffic.audience_elasticity(focal.frame, "relevant", 1)
    ax = elasticity_scatter(traffic.link_free_days(focal.frame, 1), h03, 1)
    assert ax.get_xscale() == "log" and ax.lines[0].get_label().startswith(f"slope {h03.estimate:.2f}")
    ax = weekday_ratios(traffic.weekday_effects(focal.frame, "relevant", 1))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
