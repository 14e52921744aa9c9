"""The simulated worlds plant what they say: with quality off no outcome depends on a follower's type, with
quantity off none depends on the follower count, and each scenario changes what its name says (checked on the
simulated truth, cheaply)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps

from helpers.simulate import load_config
from helpers.simulate.build import simulate_cohort
from helpers.simulate.focal import simulate_focal
from helpers.simulate.profiles import TYPES
from helpers.simulate.scenarios import SCENARIOS, planted

ALPHA = 0.001  # one world per check, fixed seed: a real channel left on shows p far below this
# Follower columns that describe the follower, not an outcome; any other column is an outcome and is checked.
NOT_OUTCOMES = {"account_id", "follower_id", "platform", "handle", "display_name", "bio", "location", "created_at",
                "followers_count", "following_count", "posts_count", "listed_count", "likes_count", "last_post_at",
                "default_avatar", "verified", "protected", "true_type", "followed_at", "sample_weight", "observed_at"}
POST_OUTCOMES = ["likes", "reposts", "replies", "quotes", "bookmarks", "impressions", "engagements", "url_clicks",
                 "profile_clicks", "reply"]
# Two focal worlds that differ only in who follows: few relevant and many fakes, or the reverse.
POOR = {"focal": {"organic_relevant_share": 0.1, "organic_fake_share": 0.5, "curated_relevant_share": 0.3,
                  "curated_fake_share": 0.3}}
RICH = {"focal": {"organic_relevant_share": 0.6, "organic_fake_share": 0.05, "curated_relevant_share": 0.95,
                  "curated_fake_share": 0.0}}


def _cohort(scenario: str, seed: int = 5) -> dict[str, pd.DataFrame]:
    cfg = load_config(seed=seed, scenario=scenario)
    return simulate_cohort(np.random.default_rng(seed), cfg, pd.Timestamp(cfg["observed_at"]))


def _focal(scenario: str, overrides: dict | None = None, seed: int = 5) -> dict[str, pd.DataFrame]:
    cfg = load_config(seed=seed, scenario=scenario, overrides=overrides)
    return simulate_focal(np.random.default_rng(seed), cfg, pd.Timestamp(cfg["observed_at"]))[0]


def _follower_outcomes(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every per-follower outcome: each non-profile column, interactions made, whether followed back."""
    f = tables["followers"].copy()
    acts = tables["interactions"].groupby("actor_id").size()
    f["interactions"] = f["follower_id"].map(acts).fillna(0)
    f["interacted"] = f["interactions"] > 0
    f["in_following"] = f["follower_id"].isin(tables["following"]["followed_id"])
    return f


def _type_dependence(f: pd.DataFrame) -> dict[str, float]:
    """p-value of the association of each outcome column with true_type (chi-square, or Kruskal for counts)."""
    out = {}
    for col in sorted(set(f.columns) - NOT_OUTCOMES):
        values = f[col]
        if values.dtype == bool or values.nunique() <= 2:
            table = pd.crosstab(f["true_type"], values.astype(str))
            out[col] = 1.0 if table.shape[1] < 2 else sps.chi2_contingency(table)[1]
        elif pd.api.types.is_numeric_dtype(values):
            groups = [values[f["true_type"] == t].to_numpy(float) for t in TYPES]
            out[col] = sps.kruskal(*[g for g in groups if len(g)])[1]
    return out


def _account_dependence(tables: dict[str, pd.DataFrame], on: str) -> dict[str, float]:
    """Per cohort account, each post outcome's mean: p of the true type shares (on="quality") or of log followers
    (on="quantity") in a regression on both."""
    posts = tables["posts"].assign(reply=lambda d: (d["kind"] == "reply").astype(float))
    means = posts.groupby("account_id")[POST_OUTCOMES].mean(numeric_only=True)
    a = tables["accounts"].set_index("account_id").join(np.log(means.astype(float) + 0.5))
    a["log_f"] = np.log(a["followers_count"].astype(float))
    out = {}
    for col in [*POST_OUTCOMES, "true_log_mu"]:
        fit = smf.ols(f"{col} ~ log_f + true_relevant_share + true_fake_share + true_inactive_share", a).fit()
        test = "log_f = 0" if on == "quantity" else \
            "true_relevant_share = 0, true_fake_share = 0, true_inactive_share = 0"
        p = float(np.asarray(fit.f_test(test).pvalue))
        out[col] = 1.0 if np.isnan(p) else p  # a constant outcome (e.g. log 0.5) depends on nothing
    return out


def _paired_days(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> dict[str, float]:
    """p of a paired t-test, day by day, of each daily focal outcome between two worlds (1 where every day is
    identical: the random streams stay aligned when only the types differ and nothing depends on them)."""
    def daily(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
        p = t["posts"].assign(day=pd.to_datetime(t["posts"]["created_at"]).dt.normalize().dt.tz_localize(None),
                              reply=lambda d: (d["kind"] == "reply").astype(float))
        per_post = p.groupby("day")[POST_OUTCOMES].mean(numeric_only=True)
        sessions = t["traffic"].pivot_table(index="date", columns="channel", values="sessions", aggfunc="sum")
        return per_post.join(sessions.add_prefix("sessions_"), how="inner")
    da, db = daily(a), daily(b)
    days = da.index.intersection(db.index)
    return {c: float(sps.ttest_rel(da.loc[days, c], db.loc[days, c], nan_policy="omit")[1])
            if (da.loc[days, c] != db.loc[days, c]).any() else 1.0 for c in da.columns}


def test_without_quality_no_cohort_follower_outcome_depends_on_the_followers_type():
    dependence = _type_dependence(_follower_outcomes(_cohort("no-quality")))
    assert {"followed_back", "interactions", "interacted", "in_following"} <= set(dependence)
    assert all(p > ALPHA for p in dependence.values()), dependence


def test_with_quality_the_same_check_finds_the_channels():
    dependence = _type_dependence(_follower_outcomes(_cohort("planted-both")))
    assert dependence["followed_back"] < ALPHA and dependence["interacted"] < ALPHA


def _joined_in_timeline(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The focal account's followers who joined during the timeline (the ones there before have their own mix)."""
    f = _follower_outcomes(tables)
    return f[pd.to_datetime(f["followed_at"], utc=True) >= pd.to_datetime(tables["follower_counts"]["date"].min(),
                                                                          utc=True)]


def test_without_quality_no_focal_follower_outcome_depends_on_the_followers_type():
    dependence = _type_dependence(_joined_in_timeline(_focal("no-quality")))
    assert {"followed_back", "interacted", "curated"} <= set(dependence)  # curated: who joins on fast days
    assert all(p > ALPHA for p in dependence.values()), dependence
    planted_world = _type_dependence(_joined_in_timeline(_focal("planted-both")))
    assert planted_world["followed_back"] < ALPHA and planted_world["interacted"] < ALPHA
    assert planted_world["curated"] < ALPHA


def test_without_quality_no_cohort_account_outcome_depends_on_its_follower_mix():
    dependence = _account_dependence(_cohort("no-quality"), on="quality")
    assert all(p > ALPHA for p in dependence.values()), dependence
    assert _account_dependence(_cohort("planted-both"), on="quality")["likes"] < ALPHA


def test_without_quality_the_focal_accounts_engagement_and_visits_ignore_who_follows():
    dependence = _paired_days(_focal("no-quality", POOR), _focal("no-quality", RICH))
    assert {"likes", "sessions_x"} <= set(dependence)
    assert all(p > ALPHA for p in dependence.values()), dependence
    planted_world = _paired_days(_focal("planted-both", POOR), _focal("planted-both", RICH))
    assert planted_world["likes"] < ALPHA and planted_world["sessions_x"] < ALPHA


def test_without_quality_no_parameter_differs_by_follower_type():
    def tables(node: object) -> list[dict]:
        if not isinstance(node, dict):
            return []
        found = [node] if set(node) == set(TYPES) else []
        return found + [t for v in node.values() for t in tables(v)]
    cfg = load_config(no_quality_effect=True)
    per_type = tables(cfg)
    assert len(per_type) >= 4
    assert all(len(set(t.values())) == 1 for t in per_type), per_type
    assert planted(cfg) == {"engagement": {"quantity": True, "quality": False},
                            "visits": {"quantity": True, "quality": False}}


def test_without_quantity_no_cohort_outcome_depends_on_the_follower_count():
    dependence = _account_dependence(_cohort("no-quantity"), on="quantity")
    assert all(p > ALPHA for p in dependence.values()), dependence
    assert _account_dependence(_cohort("planted-both"), on="quantity")["likes"] < ALPHA
    cfg = load_config(scenario="no-quantity")
    assert cfg["focal"]["reply_share_after"] == cfg["focal"]["reply_share_before"]
    assert planted(cfg)["visits"] == {"quantity": False, "quality": True}


def test_neither_world_plants_nothing_and_planted_both_plants_what_the_primaries_can_see():
    assert planted(load_config(scenario="neither")) == {"engagement": {"quantity": False, "quality": False},
                                                        "visits": {"quantity": False, "quality": False}}
    # the default's visits grow as relevant followers^1.8: total followers add nothing once those are held fixed
    assert planted(load_config()) == {"engagement": {"quantity": True, "quality": True},
                                      "visits": {"quantity": False, "quality": True}}
    more = load_config(overrides={"blog": {"x_sessions_elasticity": 2.3}})
    assert planted(more)["visits"] == {"quantity": True, "quality": True}


def test_visits_by_total_followers_ignore_relevance_but_engagement_does_not():
    dependence = _paired_days(_focal("visits-by-total-followers", POOR), _focal("visits-by-total-followers", RICH))
    assert dependence["sessions_x"] > ALPHA and dependence["likes"] < ALPHA


def test_mismatched_vocabulary_leaves_no_interest_word_in_relevant_bios():
    from helpers import paths
    from helpers.quality.interests import load_interests
    from helpers.quality.relevance import keyword_hits
    from helpers.quality.text import fold_series

    interests = load_interests(paths.SAMPLE_CONFIG_DIR / "interests.toml")

    def hit_rate(scenario: str) -> float:
        f = _cohort(scenario)["followers"]
        bios = f.loc[(f["true_type"] == "relevant") & (f["bio"] != ""), "bio"]
        return float((keyword_hits(fold_series(bios), interests) > 0).mean())
    assert hit_rate("mismatched-vocabulary") == 0
    assert 0.5 < hit_rate("planted-both") < 0.7, "the default overlap is 0.6"


def test_human_looking_fakes_are_drawn_like_humans():
    def ks(scenario: str, column: str) -> float:
        f = _cohort(scenario)["followers"]
        fake, human = f["true_type"] == "fake", f["true_type"].isin(["relevant", "irrelevant"])
        return sps.ks_2samp(np.log1p(f.loc[fake, column]), np.log1p(f.loc[human, column]))[1]
    for column in ("followers_count", "following_count", "posts_count"):
        assert ks("human-looking-fakes", column) > ALPHA, column
        assert ks("planted-both", column) < ALPHA, column


def test_size_correlated_quality_gives_bigger_accounts_more_fakes():
    def corr(scenario: str) -> float:
        a = _cohort(scenario)["accounts"]
        return sps.spearmanr(a["followers_count"], a["true_fake_share"])[0]
    assert corr("size-correlated-quality") > 0.3
    assert abs(corr("planted-both")) < 0.15


def test_every_scenario_builds_and_is_recorded():
    for name in SCENARIOS:
        assert load_config(scenario=name)["world"]["scenario"] == name
    with pytest.raises(Exception, match="not a known scenario"):
        load_config(scenario="nope")
