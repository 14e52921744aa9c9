"""Each rule set reproduces its published definition (Cresci et al. 2015, tables of rules) on hand-made profiles."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.quality.rules import camisani_calzolari, rule_verdicts, socialbakers, stateofsearch

SEEN = pd.Timestamp("2015-02-14", tz="UTC")


def _profile(**values) -> pd.DataFrame:
    """One complete, clearly human profile, with some fields changed."""
    base = {"display_name": "Ann", "default_avatar": False, "location": "Pisa", "bio": "Researcher",
            "followers_count": 30, "listed_count": 1, "posts_count": 50, "url": "http://a.example",
            "following_count": 60, "created_at": pd.Timestamp("2012-01-01", tz="UTC"), "observed_at": SEEN}
    base.update(values)
    df = pd.DataFrame([base])
    for col in ("followers_count", "listed_count", "posts_count", "following_count"):
        df[col] = df[col].astype("Int64")
    df["default_avatar"] = df["default_avatar"].astype("boolean")
    for col in ("display_name", "location", "bio", "url"):
        df[col] = df[col].astype("string")
    return df


def test_camisani_thresholds_at_their_boundaries() -> None:
    cc = camisani_calzolari(_profile()).iloc[0]
    assert cc["cc5_30_followers"] and cc["cc7_50_tweets"] and cc["cc19_2x_followers_ge_friends"]  # 30, 50, 60=2x30
    cc = camisani_calzolari(_profile(followers_count=29, posts_count=49, following_count=59, listed_count=0)).iloc[0]
    assert not cc["cc5_30_followers"] and not cc["cc7_50_tweets"] and not cc["cc6_listed"]
    assert not cc["cc19_2x_followers_ge_friends"]  # 2 x 29 = 58 < 59 friends


def test_camisani_points_and_verdict() -> None:
    human = camisani_calzolari(_profile()).iloc[0]
    assert (human["cc_human_points"], human["cc_bot_points"], human["fake"]) == (9, 0, False)
    empty = _profile(display_name="", default_avatar=True, location="", bio="", followers_count=0, listed_count=0,
                     posts_count=0, url="", following_count=10)
    cc = camisani_calzolari(empty).iloc[0]
    assert (cc["cc_human_points"], cc["cc_bot_points"], cc["fake"]) == (0, 9, True)
    # 4 met, 5 not met -> fake; a tie (unknown criteria give no points) is human
    mixed = _profile(location="", bio="", url="", listed_count=0, posts_count=3)
    cc = camisani_calzolari(mixed).iloc[0]
    assert (cc["cc_human_points"], cc["cc_bot_points"], cc["fake"]) == (4, 5, True)
    tie = _profile(location="", bio="", url="", listed_count=0, display_name=None)
    cc = camisani_calzolari(tie).iloc[0]
    assert (cc["cc_human_points"], cc["cc_bot_points"], cc["fake"]) == (4, 4, False)


def test_unknown_fields_count_for_nothing() -> None:
    unknown = pd.DataFrame({"bio": pd.array([None], dtype="string")})
    assert camisani_calzolari(unknown).iloc[0][["cc_human_points", "cc_bot_points"]].tolist() == [0, 0]
    verdicts = rule_verdicts(unknown)
    assert verdicts.isna().all().all()  # nothing decided: no verdict, not "human"


@pytest.mark.parametrize("bio, expected", [("I am a bot", True), ("BOT account", True), ("robotics fan", False),
                                           ("bottle collector", False), ("Researcher", False)])
def test_stateofsearch_bot_in_biography(bio: str, expected: bool) -> None:
    assert stateofsearch(_profile(bio=bio)).iloc[0]["sos1_bot_in_bio"] == expected


def test_stateofsearch_following_to_followers_100_to_1() -> None:
    assert stateofsearch(_profile(followers_count=3, following_count=300)).iloc[0]["fake"]
    assert not stateofsearch(_profile(followers_count=3, following_count=299)).iloc[0]["fake"]
    assert not stateofsearch(_profile(followers_count=0, following_count=0)).iloc[0]["fake"]  # follows nobody


def test_socialbakers_criteria() -> None:
    sb = lambda **v: socialbakers(_profile(**v)).iloc[0]  # noqa: E731
    assert sb(followers_count=2, following_count=100)["sb1_following_50x_followers"]
    assert not sb(followers_count=2, following_count=99)["sb1_following_50x_followers"]
    assert sb(posts_count=0)["sb6_never_tweeted"] and not sb(posts_count=1)["sb6_never_tweeted"]
    old = pd.Timestamp("2014-12-01", tz="UTC")  # 75 days before SEEN
    new = pd.Timestamp("2014-12-20", tz="UTC")  # 56 days
    assert sb(default_avatar=True, created_at=old)["sb7_default_image_after_2_months"]
    assert not sb(default_avatar=True, created_at=new)["sb7_default_image_after_2_months"]
    assert not sb(default_avatar=False, created_at=old)["sb7_default_image_after_2_months"]
    assert sb(bio="", location="", following_count=101)["sb8_no_bio_no_location_following_100"]
    assert not sb(bio="", location="", following_count=100)["sb8_no_bio_no_location_following_100"]
    assert not sb(bio="x", location="", following_count=500)["sb8_no_bio_no_location_following_100"]
    assert not sb()["fake"] and sb(posts_count=0)["fake"]  # any one criterion makes it fake
