"""Each likely-fake call carries its reasons (the features that pushed p_fake most, the rule sets that agree),
and reports summarise them in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.quality import model as authenticity
from helpers.quality import reasons


def test_phrases_say_what_the_value_means() -> None:
    assert reasons.phrase("followers_friends_ratio", 0.025) == "follows 40 times more accounts than follow it"
    assert reasons.phrase("default_profile_image", 1.0) == "default avatar"
    assert reasons.phrase("description_length", 0.0) == "no bio"
    assert reasons.phrase("followers_count", 3.0) == "3 followers"


def test_the_feature_that_drives_the_score_is_the_top_reason() -> None:
    X = pd.DataFrame({"followers_friends_ratio": [0.01, 2.0, 0.02], "default_profile_image": [0.0, 0.0, 1.0],
                      "description_length": [50.0, 50.0, np.nan]})

    def predict(Z: pd.DataFrame) -> np.ndarray:
        return 1 / (1 + np.exp(-(-3 * np.log10(Z["followers_friends_ratio"]) + 2 * Z["default_profile_image"] - 3)))

    push = reasons.pushes(predict, X, list(X.columns), {"followers_friends_ratio": 1.5, "default_profile_image": 0.0,
                                                        "description_length": 80.0})
    names, words = reasons.top_reasons(push, X)
    assert names[0] == "followers_friends_ratio"  # avatar is the reference value: no push
    assert names[1] == ""  # a human-looking profile has no reason
    assert names[2].split(",")[:2] == ["followers_friends_ratio", "default_profile_image"]
    assert words[2].startswith("follows 50 times more accounts than follow it; default avatar")
    assert np.isnan(push.loc[2, "description_length"])  # unknown values are not reasons


def test_summary_names_the_most_common_reasons_with_their_shares() -> None:
    fq = pd.DataFrame({"bin": ["likely_fake"] * 5 + ["relevant"] * 5,
                       "fake_reason_features": ["default_profile_image,followers_friends_ratio"] * 3 +
                                               ["followers_friends_ratio"] * 2 + [None] * 5,
                       "fake_rules": ["Camisani-Calzolari"] * 4 + [""] + [None] * 5})
    features = pd.DataFrame({"default_profile_image": [1.0] * 10, "followers_friends_ratio": [0.025] * 10})
    text = reasons.summarise(fq, features)
    assert text.startswith("most flagged followers: follow 40 times more accounts than follow them (median; 100 %); "
                           "default avatar (60 %)")
    assert "80 % also called fake by at least one Cresci rule set" in text
    assert reasons.summarise(fq.assign(bin="relevant")) == "no follower was binned likely fake"


def test_each_account_gets_the_summary_of_its_own_flagged_followers() -> None:
    fq = pd.DataFrame({"account_id": ["a", "a", "b", "b"], "bin": ["likely_fake", "relevant", "relevant", "engaged"],
                       "fake_reason_features": ["default_profile_image", None, None, None],
                       "fake_rules": ["", None, None, None]}, index=[7, 3, 9, 1])
    features = pd.DataFrame({"default_profile_image": [1.0, 0.0, 0.0, 0.0]}, index=[7, 3, 9, 1])
    got = reasons.reasons_by_account(fq, features, pd.Series(["b", "a", "c"]))
    assert got.tolist() == ["no follower was binned likely fake",
                            "most flagged followers: default avatar (100 %); 0 % also called fake by at least one "
                            "Cresci rule set", "no follower scored"]


def test_a_bought_looking_follower_is_flagged_with_reasons_in_words() -> None:
    from helpers.quality.score import score_tables

    seen = pd.Timestamp("2024-06-01", tz="UTC")
    followers = pd.DataFrame({
        "account_id": "a", "follower_id": ["f1", "f2"], "handle": ["jane_doe", "xk83920174"],
        "display_name": ["Jane Doe", ""], "bio": ["Gardener and reader in Lyon", ""], "location": ["Lyon", ""],
        "followers_count": pd.array([320, 1], dtype="Int64"), "following_count": pd.array([280, 2400], dtype="Int64"),
        "posts_count": pd.array([2100, 0], dtype="Int64"), "listed_count": pd.array([4, 0], dtype="Int64"),
        "likes_count": pd.array([900, 0], dtype="Int64"), "default_avatar": pd.array([False, True], dtype="boolean"),
        "verified": pd.array([False, False], dtype="boolean"),
        "created_at": pd.to_datetime(["2015-03-01", "2024-04-01"], utc=True),
        "last_post_at": pd.to_datetime(["2024-05-30", None], utc=True), "observed_at": [seen, seen]})
    out = score_tables({"followers": followers}, model=authenticity.load()).follower_quality
    fake = out.set_index("follower_id").loc["f2"]
    assert fake["bin"] == "likely_fake" and fake["fake_reasons"]
    assert pd.isna(out.set_index("follower_id").loc["f1", "fake_reasons"])
    assert "Camisani-Calzolari" in fake["fake_rules"]
