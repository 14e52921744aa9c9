"""Post-level attribution on planted simulated traffic: a post that brings N extra visits is found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analyses.post_visits import daily_sessions, hourly_sessions, link_posts, post_visits

START = pd.Timestamp("2025-01-06", tz="UTC")  # a Monday
HOURS = pd.date_range(START, periods=24 * 7 * 8, freq="h")
PLANTED = 60


def _traffic(seed: int, plant_at: pd.Timestamp | None) -> pd.DataFrame:
    """Eight weeks of hourly x and search sessions with a daily rhythm; PLANTED extra x visits after plant_at."""
    rng = np.random.default_rng(seed)
    rate = 2 + 1.5 * np.sin(2 * np.pi * HOURS.hour / 24)
    x, search = rng.poisson(rate), rng.poisson(3 * rate)
    if plant_at is not None:
        i = HOURS.get_loc(plant_at)
        decay = np.exp(-np.arange(48) / 8)
        x[i:i + 48] += rng.multinomial(PLANTED, decay / decay.sum())
    frames = [pd.DataFrame({"hour_start": HOURS, "channel": ch, "sessions": v}) for ch, v in
              (("x", x), ("search", search))]
    out = pd.concat(frames, ignore_index=True)
    out["date"] = out["hour_start"].dt.tz_convert(None).dt.normalize()
    out["metric"] = "sessions"
    return out


POSTS = pd.DataFrame({
    "post_id": ["linked", "quiet", "elsewhere", "no-link"],
    "platform": ["x", "x", "x", "x"],
    "created_at": pd.to_datetime(["2025-02-25 10:20", "2025-02-13 15:00", "2025-02-20 09:00", "2025-02-21 09:00"],
                                 utc=True),
    "link_urls": [["https://blog.example.org/a"], ["https://www.blog.example.org/b"],
                  ["https://other.example.com/"], []],
})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_post_is_found(seed: int) -> None:
    """The post followed by PLANTED extra visits shows about that many extra; the quiet one about none."""
    traffic = _traffic(seed, pd.Timestamp("2025-02-25 10:00", tz="UTC"))
    result = post_visits(POSTS, traffic, site="blog.example.org").set_index("post_id")
    assert list(result.index) == ["linked", "quiet"]
    linked, quiet = result.loc["linked"], result.loc["quiet"]
    assert linked["covered"] and linked["resolution"] == "hour" and linked["comparable_periods"] == 4
    assert abs(linked["extra"] - PLANTED) < 3 * linked["se"]
    assert linked["extra"] > 2 * linked["se"]
    assert abs(quiet["extra"]) < 3 * quiet["se"]


def test_null_case_finds_nothing() -> None:
    """With nothing planted, the extra visits of link posts average about zero over many seeds."""
    z = []
    for seed in range(20):
        result = post_visits(POSTS, _traffic(100 + seed, None), site="blog.example.org")
        z += list(result["extra"] / result["se"])
    assert abs(np.mean(z)) < 0.6 and 0.5 < np.std(z) < 1.6


def test_daily_resolution_without_hours() -> None:
    """Daily-only traffic uses day windows and same-weekday baselines."""
    traffic = _traffic(7, pd.Timestamp("2025-02-25 10:00", tz="UTC"))
    daily = daily_sessions(traffic)
    result = post_visits(POSTS, daily, site="blog.example.org").set_index("post_id")
    linked = result.loc["linked"]
    assert linked["resolution"] == "day" and linked["covered"]
    assert abs(linked["extra"] - PLANTED) < 3 * linked["se"]


def test_window_outside_the_data_is_unknown() -> None:
    """A post after the data end has no estimate (unknown, not zero)."""
    posts = POSTS.assign(created_at=POSTS["created_at"] + pd.Timedelta(days=30))
    result = post_visits(posts, _traffic(1, None), site="blog.example.org")
    assert not result["covered"].any() and result["extra"].isna().all()


def test_helpers() -> None:
    """Link posts are those pointing at the site; hourly sessions add up per hour and channel."""
    assert list(link_posts(POSTS, "blog.example.org")["post_id"]) == ["linked", "quiet"]
    traffic = _traffic(1, None)
    hourly = hourly_sessions(traffic)
    assert int(hourly["sessions"].sum()) == int(traffic["sessions"].sum())
