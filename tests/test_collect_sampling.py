"""Follower sampling designs: which rows are kept and what each row weighs."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers.collect.sampling import choose

FOLLOWERS = [f"f{i:03d}" for i in range(120)]  # newest first, as the APIs list them


def test_a_short_complete_list_is_kept_whole_with_weight_one():
    rows, design = choose(FOLLOWERS[:30], 50, complete=True, total=30, seed="s")
    assert rows == FOLLOWERS[:30]
    assert (design.kind, design.weight, design.probability_sample) == ("full", 1.0, True)
    assert design.describe() == "full list (30 of 30 listed)"


def test_uniform_draw_from_a_fully_paged_list_weighs_listed_over_sampled():
    rows, design = choose(FOLLOWERS, 40, complete=True, total=125, seed="acct-1")
    assert len(rows) == 40 and len(set(rows)) == 40 and set(rows) <= set(FOLLOWERS)
    assert design.weight == pytest.approx(120 / 40)
    assert design.weight * len(rows) == pytest.approx(len(FOLLOWERS))  # Horvitz-Thompson total = list size
    assert design.describe() == "uniform 40 of 120 (full list paged)"
    assert rows != FOLLOWERS[:40]  # not simply the most recent


def test_the_draw_repeats_for_the_same_seed_so_a_resumed_run_asks_for_the_same_profiles():
    assert choose(FOLLOWERS, 40, complete=True, total=120, seed="a")[0] == \
        choose(FOLLOWERS, 40, complete=True, total=120, seed="a")[0]
    assert choose(FOLLOWERS, 40, complete=True, total=120, seed="a")[0] != \
        choose(FOLLOWERS, 40, complete=True, total=120, seed="b")[0]


def test_every_follower_has_the_same_chance_of_being_drawn():
    draws = 3000
    counts = Counter(f for k in range(draws) for f in choose(FOLLOWERS, 30, complete=True, total=120, seed=f"k{k}")[0])
    expected = draws * 30 / 120  # 750 each
    assert set(counts) == set(FOLLOWERS)
    # binomial sd is about 23.7; 5 sd either way
    assert all(abs(c - expected) < 120 for c in counts.values()), (min(counts.values()), max(counts.values()))


def test_an_incomplete_listing_keeps_the_most_recent_and_says_so():
    rows, design = choose(FOLLOWERS[:60], 50, complete=False, total=20_000, seed="s",
                          reason="20000 followers is above the paging limit of 10000")
    assert rows == FOLLOWERS[:50]
    assert design.kind == "most_recent" and not design.probability_sample
    assert design.weight == pytest.approx(20_000 / 50)
    assert design.describe() == ("most recent 50 of 20000 (list could not be paged completely: 20000 followers is "
                                 "above the paging limit of 10000)")


def test_a_server_that_knows_part_of_the_followers_gives_a_non_probability_sample():
    rows, design = choose(FOLLOWERS[:80], 50, complete=True, total=300, seed="s", known_to="mastodon.example")
    assert len(rows) == 50 and not design.probability_sample
    assert design.weight == pytest.approx(300 / 50)
    assert "known to mastodon.example" in design.describe() and "not a probability sample" in design.describe()


def test_an_empty_listing_of_a_followed_account_has_no_rows_and_no_weight():
    rows, design = choose([], 50, complete=True, total=153, seed="s", reason="the account hides its followers")
    assert rows == [] and design.weight is None and design.kind == "none"
    assert design.describe() == "none: the server listed 0 of 153 followers (the account hides its followers)"
    rows, design = choose([], 50, complete=True, total=0, seed="s")
    assert design.kind == "full" and design.describe() == "full list (0 of 0 listed)"
