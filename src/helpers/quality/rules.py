"""The transparent rule sets that Cresci et al. (2015, "Fame for sale") evaluated, as baselines.

Only the criteria that a profile alone can decide are evaluated; criteria that need the account's tweets
(or its profile picture) are listed in NOT_EVALUATED and give no points either way. A criterion whose input is
unknown is null and, likewise, counts for nothing. Each function returns one nullable boolean column per
criterion plus the rule set's verdict `fake` (null when no criterion could be decided).

- Camisani-Calzolari (2012): one human point per criterion met, one bot point per criterion not met;
  fake when bot points exceed human points.
- StateOfSearch.com (van den Beld, 2012): signs of a bot; fake when any sign is present.
- Socialbakers FakeFollowerCheck (2012): fake when any criterion is met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.quality.features import account_age_days

NOT_EVALUATED = {
    "camisani_calzolari": ["8 geo-localised", "10 favourited by others", "11 punctuation in tweets",
                           "12 hashtags", "13 iPhone client", "14 Android client", "15 Foursquare",
                           "16 Instagram", "17 twitter.com web client", "18 mentions or replies",
                           "20 tweets that are not only URLs", "21 retweeted by others",
                           "22 several clients", "(2 bot points for API-only posting)"],
    "stateofsearch": ["3 same sentence to many accounts", "4 duplicate profile pictures", "5 tweets from API",
                      "6-7 temporal tweeting patterns"],
    "socialbakers": ["2 spam phrases in > 30 % of tweets", "3 same tweet repeated > 3 times",
                     "4 > 90 % retweets", "5 > 90 % links"],
}
TWO_MONTHS_DAYS = 61  # "more than two months old"


def _num(df: pd.DataFrame, column: str) -> pd.Series:
    """A count column as nullable Float64 (all null when absent)."""
    if column not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="Float64")
    return pd.to_numeric(df[column], errors="coerce").astype("Float64")


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column as nullable string (all null when absent)."""
    if column not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    return df[column].astype("string")


def _filled(text: pd.Series) -> pd.Series:
    """Whether a text field is filled in (null when unknown)."""
    return (text.str.strip().str.len() > 0).astype("boolean")


def _flag(df: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column as nullable boolean (all null when absent)."""
    if column not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="boolean")
    return df[column].astype("boolean")


def _ratio_at_least(following: pd.Series, followers: pd.Series, factor: int) -> pd.Series:
    """following >= factor x followers, for accounts that follow someone (null when a count is unknown)."""
    return ((following > 0) & (following >= factor * followers)).astype("boolean")


def camisani_calzolari(df: pd.DataFrame) -> pd.DataFrame:
    """Camisani-Calzolari's profile criteria (1-7, 9, 19 of 22), points and verdict."""
    followers, friends = _num(df, "followers_count"), _num(df, "following_count")
    avatar = _flag(df, "default_avatar")
    c = pd.DataFrame({
        "cc1_name": _filled(_text(df, "display_name")),
        "cc2_image": ~avatar,
        "cc3_address": _filled(_text(df, "location")),
        "cc4_biography": _filled(_text(df, "bio")),
        "cc5_30_followers": (followers >= 30).astype("boolean"),
        "cc6_listed": (_num(df, "listed_count") > 0).astype("boolean"),
        "cc7_50_tweets": (_num(df, "posts_count") >= 50).astype("boolean"),
        "cc9_url": _filled(_text(df, "url")),
        "cc19_2x_followers_ge_friends": (2 * followers >= friends).astype("boolean"),
    }, index=df.index)
    human = c.sum(axis=1, skipna=True).astype("Int64")
    bot = (c == False).sum(axis=1).astype("Int64")  # noqa: E712 - nullable comparison keeps nulls out
    decided = c.notna().any(axis=1)
    c["cc_human_points"], c["cc_bot_points"] = human, bot
    c["fake"] = (bot > human).astype("boolean").where(decided, pd.NA)
    return c


def stateofsearch(df: pd.DataFrame) -> pd.DataFrame:
    """StateOfSearch.com's profile signs (1 'bot' in the bio, 2 following:followers >= 100:1) and verdict."""
    bio = _text(df, "bio").str.casefold()
    c = pd.DataFrame({
        "sos1_bot_in_bio": bio.str.contains(r"(?<![a-z0-9])bot(?![a-z0-9])", regex=True).astype("boolean"),
        "sos2_following_100x_followers": _ratio_at_least(_num(df, "following_count"), _num(df, "followers_count"),
                                                         100),
    }, index=df.index)
    return _any_verdict(c)


def socialbakers(df: pd.DataFrame, reference: pd.Timestamp | None = None) -> pd.DataFrame:
    """Socialbakers' profile criteria (1 following >= 50x followers, 6 never tweeted, 7 default image at
    more than two months, 8 no bio, no location and following > 100) and verdict."""
    friends = _num(df, "following_count")
    age = pd.Series(account_age_days(df, reference), index=df.index).astype("Float64")
    no_bio, no_location = ~_filled(_text(df, "bio")), ~_filled(_text(df, "location"))
    c = pd.DataFrame({
        "sb1_following_50x_followers": _ratio_at_least(friends, _num(df, "followers_count"), 50),
        "sb6_never_tweeted": (_num(df, "posts_count") == 0).astype("boolean"),
        "sb7_default_image_after_2_months": ((age > TWO_MONTHS_DAYS) & _flag(df, "default_avatar")).astype("boolean"),
        "sb8_no_bio_no_location_following_100": (no_bio & no_location & (friends > 100)).astype("boolean"),
    }, index=df.index)
    return _any_verdict(c)


def _any_verdict(criteria: pd.DataFrame) -> pd.DataFrame:
    """fake = any criterion met; False when some were decided and none met; null when none was decided."""
    met = criteria.fillna(False).any(axis=1)
    decided = criteria.notna().any(axis=1)
    criteria["fake"] = pd.Series(np.where(met, True, np.where(decided, False, None)), index=criteria.index,
                                 dtype="boolean")
    return criteria


def rule_verdicts(df: pd.DataFrame, reference: pd.Timestamp | None = None) -> pd.DataFrame:
    """The three rule sets' verdicts side by side (rule_camisani, rule_stateofsearch, rule_socialbakers)."""
    return pd.DataFrame({
        "rule_camisani": camisani_calzolari(df)["fake"],
        "rule_stateofsearch": stateofsearch(df)["fake"],
        "rule_socialbakers": socialbakers(df, reference)["fake"],
    }, index=df.index)
