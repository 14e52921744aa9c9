"""Follower profiles by true type (relevant, irrelevant, inactive, fake), drawn vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

TYPES = np.array(["relevant", "irrelevant", "inactive", "fake"])

RELEVANT_BIOS = [
    "Community manager. Marketing digital, social media and content strategy.",
    "SEO & content marketing nerd. Blogging since 2009.",
    "Responsable communication : réseaux sociaux, stratégie de contenu, marketing.",
    "Growth marketer | newsletters | community building",
    "Je blogue sur le marketing d'influence et les communautés en ligne.",
    "Digital marketing consultant. Brands, blogs and engagement.",
    "Social media manager @ agency. Talks about content, SEO and analytics.",
    "Rédactrice web et consultante SEO. Passionnée de contenus.",
    "Content strategist. Community > audience.",
    "Marketing automation, emailing et acquisition. Blogueur.",
]
IRRELEVANT_BIOS = [
    "Dad of two, football fan, coffee addict.",
    "Passionné de cuisine et de voyages.",
    "Gamer. Streamer. Pizza enthusiast.",
    "Nurse, runner, dog person.",
    "Amateur photographer. Mountains and lakes.",
    "Fan de rugby et de bonne musique.",
    "Student. Physics and chess.",
    "Retired teacher, gardening and grandchildren.",
    "",
]
FAKE_BIOS = ["", "", "", "follow back 100%", "💰 DM for promo 💰", "crypto signals daily 🚀", "lorem ipsum"]
PLACES = ["Paris", "Lyon", "London", "New York", "Montréal", "Bruxelles", "Berlin", "Toronto", "", ""]
FIRST = ["alex", "marie", "sam", "julie", "tom", "lea", "nina", "paul", "sarah", "hugo", "emma", "leo"]


def _pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    """n random choices from a list of strings."""
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def draw_profiles(rng: np.random.Generator, types: np.ndarray, observed_at: pd.Timestamp,
                  ids: np.ndarray) -> pd.DataFrame:
    """Profiles for followers of given true types; counts follow each type's typical shape."""
    n = len(types)
    is_ = {t: types == t for t in TYPES}
    age_days = np.where(is_["fake"], rng.integers(10, 400, n), rng.integers(200, 5000, n))
    followers = np.where(is_["fake"], rng.integers(0, 25, n), np.round(rng.lognormal(5.3, 1.3, n)))
    following = np.where(is_["fake"], rng.integers(300, 4000, n), np.round(rng.lognormal(5.6, 1.0, n)))
    posts = np.where(is_["fake"], rng.integers(0, 40, n), np.round(rng.lognormal(6.5, 1.5, n)))
    likes = np.where(is_["fake"], rng.integers(0, 20, n), np.round(rng.lognormal(6.0, 1.6, n)))
    listed = np.where(is_["fake"], 0, rng.poisson(np.clip(followers / 80, 0, 500)))
    days_since_post = np.where(is_["inactive"], rng.integers(120, 1500, n), rng.integers(0, 60, n))
    last_post = observed_at - pd.to_timedelta(days_since_post, unit="D")
    never_posted = is_["fake"] & (posts == 0)
    bio = np.where(is_["relevant"], _pick(rng, RELEVANT_BIOS, n),
                   np.where(is_["fake"], _pick(rng, FAKE_BIOS, n), _pick(rng, IRRELEVANT_BIOS, n)))
    # inactive followers are half relevant-looking: inactivity, not topic, sets them apart
    inactive_relevant = is_["inactive"] & (rng.random(n) < 0.5)
    bio = np.where(inactive_relevant, _pick(rng, RELEVANT_BIOS, n), bio)
    handles = _pick(rng, FIRST, n) + np.where(is_["fake"], rng.integers(10_000_000, 99_999_999, n),
                                              rng.integers(0, 100, n)).astype(str)
    return pd.DataFrame({
        "follower_id": ids,
        "handle": handles,
        "display_name": np.where(is_["fake"], "", np.char.capitalize(handles.astype(str))),
        "bio": bio,
        "location": np.where(is_["fake"], "", _pick(rng, PLACES, n)),
        "created_at": observed_at - pd.to_timedelta(age_days, unit="D"),
        "followers_count": followers.astype("int64"),
        "following_count": following.astype("int64"),
        "posts_count": posts.astype("int64"),
        "listed_count": listed.astype("int64"),
        "likes_count": likes.astype("int64"),
        "last_post_at": pd.Series(last_post).where(~never_posted, pd.NaT),
        "default_avatar": np.where(is_["fake"], rng.random(n) < 0.7, rng.random(n) < 0.05),
        "verified": ~is_["fake"] & (rng.random(n) < 0.01),
        "protected": rng.random(n) < 0.03,
        "true_type": types,
    })
