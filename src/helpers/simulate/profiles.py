"""Follower profiles by true type (relevant, irrelevant, inactive, fake), drawn vectorised.

Counts and account ages come from Gaussian copulas fitted to labelled real accounts (fitted_profiles.json,
written by benchmarks/fit_world_profiles.py): fakes from the fake class, every other type from the human class
(or fakes too, in the human-looking-fakes world). Default avatars, empty bios and locations and the digits
ending a handle follow each class's fitted rates. Relevant followers describe their topic with interests.toml
words only at the configured rate; the others use synonyms and other languages that share no word with it.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from helpers import paths
from helpers.simulate import copula

TYPES = np.array(["relevant", "irrelevant", "inactive", "fake"])
FITTED_PROFILES = paths.ROOT / "src" / "helpers" / "simulate" / "fitted_profiles.json"

# Bios on the focal topic in the words of data/sample/interests.toml.
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
# The same topic in synonyms and other languages: no word of interests.toml (tests/test_sample.py checks it).
SYNONYM_BIOS = [
    "Copywriter and PR person. Online advertising, audiences and storytelling.",
    "Publicidad digital, redes y posicionamiento web.",
    "Werbetexterin. Online-Werbung, Suchmaschinenoptimierung und Reichweite.",
    "Comunicazione digitale e pubbliche relazioni. Copywriter.",
    "Publicité en ligne, référencement naturel et rédaction web.",
    "Audience building, PR and copywriting for startups.",
    "Mercadóloga digital. Redes sociales y anuncios.",
    "Digital PR, podcasts and online ads.",
    "Référencement, publicité sur les réseaux et animation de forums.",
    "Storyteller for startups: landing pages, funnels and ad campaigns.",
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
]
SPAM_BIOS = ["follow back 100%", "💰 DM for promo 💰", "crypto signals daily 🚀", "lorem ipsum"]
PLACES = ["Paris", "Lyon", "London", "New York", "Montréal", "Bruxelles", "Berlin", "Toronto"]
FIRST = ["alex", "marie", "sam", "julie", "tom", "lea", "nina", "paul", "sarah", "hugo", "emma", "leo"]


@cache
def fitted() -> dict:
    """The fitted profile parameters of each class (fake, human)."""
    return json.loads(FITTED_PROFILES.read_text())["classes"]


def _pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    """n random choices from a list of strings."""
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _class_draws(rng: np.random.Generator, looks_fake: np.ndarray) -> pd.DataFrame:
    """Copula draws (log counts, log age) and rate draws for each follower, from its class's fitted parameters."""
    n = len(looks_fake)
    out = pd.DataFrame(index=range(n))
    for name, mask in (("fake", looks_fake), ("human", ~looks_fake)):
        c = fitted()[name]
        draws = copula.sample(rng, c["copula"], int(mask.sum()))
        rates = c["rates"]
        draws["default_avatar"] = rng.random(len(draws)) < rates["default_avatar"]
        draws["empty_bio"] = rng.random(len(draws)) < rates["empty_bio"]
        draws["empty_location"] = rng.random(len(draws)) < rates["empty_location"]
        digits = np.asarray(rates["handle_digits"])
        draws["digits"] = rng.choice(len(digits), len(draws), p=digits / digits.sum())  # rounded in the file
        draws.index = np.flatnonzero(mask)
        out = draws if out.empty else pd.concat([out, draws])
    return out.sort_index() if len(out) else out


def _handles(rng: np.random.Generator, digits: np.ndarray) -> np.ndarray:
    """A first name and the given number of trailing digits."""
    tails = np.array([str(rng.integers(10 ** (k - 1), 10**k)) if k else "" for k in digits], dtype=object)
    return _pick(rng, FIRST, len(digits)) + tails


def _silence(rng: np.random.Generator, types: np.ndarray, p: dict) -> np.ndarray:
    """Days since the last post: lognormal per type, overlapping the scorer's 90-day rule from both sides."""
    group = np.where(types == "inactive", "inactive", np.where(types == "fake", "fake", "active"))
    median = np.select([group == g for g in ("active", "inactive", "fake")],
                       [p[f"silence_{g}_median_days"] for g in ("active", "inactive", "fake")])
    sigma = np.select([group == g for g in ("active", "inactive", "fake")],
                      [p[f"silence_{g}_sigma"] for g in ("active", "inactive", "fake")])
    return np.floor(median * np.exp(sigma * rng.standard_normal(len(types))))


def topic_bios(rng: np.random.Generator, n: int, overlap: float) -> np.ndarray:
    """On-topic bios: in interests.toml's words with probability overlap, else in synonyms or other languages."""
    return np.where(rng.random(n) < overlap, _pick(rng, RELEVANT_BIOS, n), _pick(rng, SYNONYM_BIOS, n))


def _bios(rng: np.random.Generator, types: np.ndarray, empty: np.ndarray, p: dict) -> np.ndarray:
    """Each follower's bio by type: on topic, off topic, or spam (fakes, unless they look human)."""
    n = len(types)
    # inactive followers are half on-topic: inactivity, not topic, sets them apart
    on_topic = (types == "relevant") | ((types == "inactive") & (rng.random(n) < 0.5))
    spam = (types == "fake") & (not p["fakes_look_human"]) & (rng.random(n) < 0.5)
    bio = np.where(on_topic, topic_bios(rng, n, p["relevant_bio_overlap"]), _pick(rng, IRRELEVANT_BIOS, n))
    bio = np.where(spam, _pick(rng, SPAM_BIOS, n), bio)
    return np.where(empty, "", bio)


def draw_profiles(rng: np.random.Generator, types: np.ndarray, observed_at: pd.Timestamp,
                  ids: np.ndarray, p: dict) -> pd.DataFrame:
    """Profiles for followers of given true types, p being the config's [profiles] table."""
    n = len(types)
    fake = types == "fake"
    d = _class_draws(rng, fake & (not p["fakes_look_human"]))
    counts = {c: np.round(np.expm1(d[f"log_{c}"].to_numpy())).clip(0).astype("int64")
              for c in ("followers", "following", "posts", "likes", "listed")}
    age_days = np.expm1(d["log_age_days"].to_numpy()).clip(1)
    last_post = observed_at - pd.to_timedelta(np.minimum(_silence(rng, types, p), age_days), unit="D")
    handles = _handles(rng, d["digits"].to_numpy())
    return pd.DataFrame({
        "follower_id": ids,
        "handle": handles,
        "display_name": np.char.capitalize(handles.astype(str)),
        "bio": _bios(rng, types, d["empty_bio"].to_numpy(), p),
        "location": np.where(d["empty_location"].to_numpy(), "", _pick(rng, PLACES, n)),
        "created_at": observed_at - pd.to_timedelta(np.round(age_days * 86400), unit="s"),
        "followers_count": counts["followers"],
        "following_count": counts["following"],
        "posts_count": counts["posts"],
        "listed_count": counts["listed"],
        "likes_count": counts["likes"],
        "last_post_at": pd.Series(last_post).where(counts["posts"] > 0, pd.NaT),
        "default_avatar": d["default_avatar"].to_numpy(bool),
        "verified": ~fake & (rng.random(n) < 0.01),
        "protected": rng.random(n) < 0.03,
        "true_type": types,
    })
