"""BotometerLite features: rates per day of age, missing inputs stay missing, pseudonymised names say nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.quality.features import FEATURES, NAME_FEATURES, botometer_lite, fit_bigrams, local_handle

SEEN = pd.Timestamp("2020-01-11", tz="UTC")


def _profiles() -> pd.DataFrame:
    return pd.DataFrame({
        "handle": ["alice", "h_0123456789abcdef", "@bob@mastodon.social", None],
        "display_name": ["Alice 2", None, "", "X"],
        "bio": ["hello", None, "", "bio"],
        "created_at": pd.to_datetime(["2020-01-01", "2019-01-11", "2020-01-11", None], utc=True),
        "observed_at": [SEEN] * 4,
        "followers_count": pd.array([10, 0, None, 5], dtype="Int64"),
        "following_count": pd.array([20, 0, 3, 5], dtype="Int64"),
        "posts_count": pd.array([100, 5, 7, None], dtype="Int64"),
        "listed_count": pd.array([None, 1, 0, 0], dtype="Int64"),
        "likes_count": pd.array([1, 2, 3, 4], dtype="Int64"),
        "verified": pd.array([True, False, None, False], dtype="boolean"),
    })


def test_twenty_features_in_botometer_lite_order() -> None:
    X = botometer_lite(_profiles())
    assert list(X.columns) == FEATURES and len(FEATURES) == 20


def test_rates_are_per_day_of_age_and_ratio_guards_zero() -> None:
    X = botometer_lite(_profiles())
    assert X.loc[0, "tweet_freq"] == pytest.approx(100 / 10)
    assert X.loc[1, "tweet_freq"] == pytest.approx(5 / 365)
    assert X.loc[2, "tweet_freq"] == pytest.approx(7.0)  # created the day it was seen: age clipped to 1 day
    assert X.loc[0, "followers_friends_ratio"] == pytest.approx(0.5)
    assert X.loc[1, "followers_friends_ratio"] == 0.0  # 0 followers, 0 friends: 0 / max(0, 1)


def test_unknown_inputs_are_nan_never_zero() -> None:
    X = botometer_lite(_profiles())
    assert np.isnan(X.loc[0, "listed_count"]) and np.isnan(X.loc[0, "listed_growth_rate"])
    assert np.isnan(X.loc[2, "followers_count"]) and np.isnan(X.loc[2, "followers_friends_ratio"])
    assert np.isnan(X.loc[3, "tweet_freq"])  # no creation date: no age
    assert np.isnan(X.loc[2, "verified"]) and X.loc[0, "verified"] == 1.0
    assert X[["default_profile", "profile_use_background_image"]].isna().all().all()  # not in the data model
    assert np.isnan(X.loc[1, "description_length"]) and X.loc[2, "description_length"] == 0


def test_name_features_and_pseudonyms() -> None:
    X = botometer_lite(_profiles())
    assert X.loc[0, "screen_name_length"] == 5 and X.loc[0, "num_digits_in_screen_name"] == 0
    assert X.loc[0, "name_length"] == 7 and X.loc[0, "num_digits_in_name"] == 1
    assert X.loc[1, NAME_FEATURES].isna().all()  # hashed handle, cleared name
    assert X.loc[2, "screen_name_length"] == 3  # Mastodon address: the user part
    assert list(local_handle(pd.Series(["@Ann@host.social", "bob.bsky.social", "h_0123456789abcdef"]))
                .fillna("<NA>")) == ["ann", "bob", "<NA>"]


def test_screen_name_likelihood_prefers_common_bigrams() -> None:
    names = pd.Series(["anna", "annie", "hannah", "joanna", "nina", "anne", "diana"] * 20)
    table = fit_bigrams(names)
    X = botometer_lite(pd.DataFrame({"handle": ["annabel", "xq7zk9v"]}), bigram_log_probs=table)
    assert X.loc[0, "screen_name_likelihood"] > 5 * X.loc[1, "screen_name_likelihood"]
