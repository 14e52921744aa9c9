"""Bins partition the followers, by the documented precedence; inactivity is a state apart from fake."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.quality.activity import activity
from helpers.quality.bins import ALL_BINS, BINS, PRECEDENCE, assign_bins

SEEN = pd.Timestamp("2025-01-01", tz="UTC")


def _scores(p_fake, engaged, inactive, relevance, has_profile=None) -> pd.DataFrame:
    n = len(p_fake)
    return pd.DataFrame({"p_fake": pd.array(p_fake, dtype="Float64"), "engaged": pd.array(engaged, dtype="boolean"),
                         "inactive": pd.array(inactive, dtype="boolean"),
                         "relevance": pd.array(relevance, dtype="Float64"),
                         "has_profile": has_profile if has_profile is not None else [True] * n})


def test_precedence_fake_engaged_inactive_relevant_irrelevant() -> None:
    s = _scores([0.9, 0.1, 0.1, 0.1, 0.1, None, None],
                [True, True, False, False, False, None, True],
                [True, True, True, False, False, None, None],
                [0.9, 0.9, 0.9, 0.9, 0.1, None, None],
                [True, True, True, True, True, False, False])
    got = assign_bins(s)
    assert got["bin"].tolist() == ["likely_fake", "engaged", "inactive", "relevant", "irrelevant", "unknown",
                                   "engaged"]
    assert got["reason"].iloc[0] == "p_fake >= 0.50"


def test_nothing_to_judge_relevance_on_is_unknown_not_irrelevant() -> None:
    got = assign_bins(_scores([0.1], [False], [False], [None]))
    assert got["bin"].iloc[0] == "unknown" and "nothing to judge" in got["reason"].iloc[0]


def test_a_follower_whose_activity_is_unknown_is_unknown_never_irrelevant_or_active() -> None:
    # as in Cresci 2017's genuine users: posts counted, but no date of the last post
    got = assign_bins(_scores([0.1, 0.1, 0.1], [False, None, True], [None, None, None], [0.2, 0.9, 0.2]))
    assert got["bin"].tolist() == ["unknown", "unknown", "engaged"]
    assert got["reason"].iloc[0] == "activity unknown (no date of the last post)"


def test_a_follower_without_counts_has_no_p_fake_and_is_not_judged_real() -> None:
    got = assign_bins(_scores([None, None], [False, False], [False, True], [0.9, 0.9]))
    assert got["bin"].tolist() == ["unknown", "inactive"]
    assert got["reason"].iloc[0].startswith("authenticity unknown")


def test_thresholds_and_custom_precedence() -> None:
    s = _scores([0.6], [True], [False], [0.4])
    assert assign_bins(s)["bin"].iloc[0] == "likely_fake"
    assert assign_bins(s, fake_threshold=0.7)["bin"].iloc[0] == "engaged"
    order = ["engaged", "likely_fake", "inactive", "relevant", "irrelevant"]
    assert assign_bins(s, precedence=order)["bin"].iloc[0] == "engaged"
    assert assign_bins(_scores([0.1], [False], [False], [0.4]), relevance_threshold=0.3)["bin"].iloc[0] == "relevant"
    with pytest.raises(ValueError):
        assign_bins(s, precedence=["engaged"])


maybe_bool = st.one_of(st.none(), st.booleans())
maybe_unit = st.one_of(st.none(), st.floats(0, 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(maybe_unit, maybe_bool, maybe_bool, maybe_unit, st.booleans()), min_size=1, max_size=40),
       st.permutations(BINS))
def test_bins_partition_the_followers(rows, precedence) -> None:
    p, e, i, r, h = (list(c) for c in zip(*rows, strict=True))
    got = assign_bins(_scores(p, e, i, r, h), precedence=list(precedence))
    assert len(got) == len(rows) and got["bin"].notna().all()  # exactly one bin each
    assert set(got["bin"]) <= set(ALL_BINS)
    # profile-less followers who did not interact are unknown; the active bins need what they claim to be known
    unknown = (got["bin"] == "unknown").to_numpy()
    assert unknown[~np.array(h) & ~np.array([bool(v) for v in e])].all()
    active = got["bin"].isin(["relevant", "irrelevant"]).to_numpy()
    assert all(i[k] is False and p[k] is not None for k in np.flatnonzero(active))
    assert all(r[k] is not None for k in np.flatnonzero((got["bin"] == "irrelevant").to_numpy()))
    shares = got["bin"].value_counts(normalize=True)
    assert shares.sum() == pytest.approx(1.0)


def test_default_precedence_is_documented_order() -> None:
    assert PRECEDENCE == ["likely_fake", "engaged", "inactive", "relevant", "irrelevant"]


def test_inactive_when_last_post_is_old_or_never_posted() -> None:
    df = pd.DataFrame({
        "last_post_at": pd.to_datetime(["2024-12-01", "2024-09-01", None, None], utc=True),
        "posts_count": pd.array([10, 10, 0, 10], dtype="Int64"),
        "observed_at": [SEEN] * 4,
    })
    got = activity(df, days=90)
    assert got["days_since_last_post"].iloc[0] == 31
    assert got["inactive"].tolist()[:3] == [False, True, True]
    assert pd.isna(got["inactive"].iloc[3])  # posts exist but when is unknown: unknown, not active
    assert activity(df, days=30)["inactive"].iloc[0] == True  # noqa: E712
