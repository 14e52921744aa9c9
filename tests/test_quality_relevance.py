"""Relevance on French and English bios: interest terms with accents and case folded, similarity to the
account's posts, place and language; interests.toml errors are clear."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.quality.interests import Interests, load_interests, resolve_interests
from helpers.quality.language import guess_language
from helpers.quality.relevance import relevance
from helpers.quality.text import fold, fold_series

INTERESTS = Interests(topics=("marketing", "réseaux sociaux", "SEO"), keywords=("communauté", "blog"),
                      places=("Montréal", "Paris"), languages=("en", "fr"), source="test")
POSTS = {"a": ["Comment animer une communauté en ligne : nos conseils de community management",
               "How we grew our newsletter with community building and content marketing",
               "Stratégie de contenu pour les réseaux sociaux"]}


def _followers(bios: list[str | None], locations: list[str | None] | None = None) -> pd.DataFrame:
    n = len(bios)
    return pd.DataFrame({"account_id": ["a"] * n, "follower_id": [str(i) for i in range(n)],
                         "bio": pd.array(bios, dtype="string"),
                         "location": pd.array(locations or [None] * n, dtype="string")})


def test_fold_removes_case_and_accents() -> None:
    assert fold("Réseaux SOCIAUX à Montréal") == "reseaux sociaux a montreal"
    assert fold_series(pd.Series(["Ça", None])).tolist()[0] == "ca"


@pytest.mark.parametrize("bio", [
    "Passionnée de RÉSEAUX SOCIAUX et de marketing d'influence",  # French, accents and case
    "Je blogue sur la communaute des créateurs",                   # accent missing in the bio
    "Digital marketing and SEO consultant",                        # English
    "Social media manager, #SEO, blogs",                           # hashtag and plural
])
def test_french_and_english_bios_on_topic_are_relevant(bio: str) -> None:
    r = relevance(_followers([bio]), POSTS, INTERESTS).iloc[0]
    assert r["relevance_keywords"] >= 1 and r["relevance"] >= 0.5


@pytest.mark.parametrize("bio", ["Papa de deux enfants, fan de rugby", "Nurse, runner, dog person",
                                 "Seoul food lover"])  # "seo" inside a word does not count
def test_off_topic_bios_are_not_relevant(bio: str) -> None:
    r = relevance(_followers([bio]), POSTS, INTERESTS).iloc[0]
    assert r["relevance_keywords"] == 0 and r["relevance"] < 0.5


def test_similarity_to_the_accounts_posts_without_interests() -> None:
    r = relevance(_followers(["Community management et stratégie de contenu", "Football, pizza et jeux vidéo"]),
                  POSTS, Interests())
    assert r.loc[0, "relevance_similarity"] > 2 * r.loc[1, "relevance_similarity"]
    assert r.loc[0, "relevance"] > r.loc[1, "relevance"]
    assert r["relevance_keywords"].isna().all()  # no interests: the keyword part is unknown, not 0


def test_place_and_language() -> None:
    r = relevance(_followers(["Nurse", "Nurse", "Der Hund und die Katze ist mit dem Ball"],
                             ["Montreal, QC", "Berlin", None]), {}, INTERESTS)
    assert r.loc[0, "relevance_place"] == True and r.loc[1, "relevance_place"] == False  # noqa: E712
    assert r.loc[0, "relevance"] == pytest.approx(0.4) and r.loc[1, "relevance"] == 0
    assert pd.isna(r.loc[2, "relevance_place"]) and r.loc[2, "language"] == "de"
    german = "Marketing und SEO: ich schreibe über meinen Blog, nicht über die Katze"
    on_topic_german = relevance(_followers([german]), {}, INTERESTS).iloc[0]
    assert on_topic_german["language"] == "de"  # not among the interests' languages: halved
    assert on_topic_german["relevance"] == pytest.approx(0.5 * (1 - 0.5**3))


def test_nothing_known_gives_null_relevance() -> None:
    r = relevance(_followers([None], [None]), POSTS, INTERESTS).iloc[0]
    assert np.isnan(r["relevance"])


def test_guess_language_french_english_or_unclear() -> None:
    texts = pd.Series(["Je suis une passionnée de la mode et des voyages",
                       "I write about the future of work and remote teams",
                       "Periodista. Me gusta el fútbol y la política", "Ich schreibe über Marketing und Medien",
                       "SEO", None, "", "https://example.com @someone #seo", "東京で働くエンジニアです", "🙂🙂"],
                      index=[5, 3, 9, 1, 0, 2, 4, 6, 7, 8])
    got = guess_language(texts)
    assert got.index.tolist() == texts.index.tolist()
    assert got.fillna("?").tolist() == ["fr", "en", "es", "de", "?", "?", "?", "?", "?", "?"]


def test_guess_language_detects_each_distinct_text_once_and_keeps_the_order() -> None:
    texts = pd.Series(["I write about the future of work and remote teams", "Je suis une passionnée de la mode"] * 500)
    got = guess_language(texts)
    assert got.tolist() == ["en", "fr"] * 500


def test_load_interests(tmp_path: Path) -> None:
    path = tmp_path / "interests.toml"
    path.write_text('[interests]\ntopics = ["SEO"]\nplaces = "Lyon"\nlanguages = ["FR", "en-GB"]\n'
                    '[interests.keywords]\nfr = ["communauté"]\nen = ["community"]\n', encoding="utf-8")
    got = load_interests(path)
    assert got.terms == ["SEO", "communauté", "community"] and got.places == ("Lyon",)
    assert got.languages == ("fr", "en")
    assert resolve_interests(None, tmp_path) == got
    assert resolve_interests(None, tmp_path / "elsewhere").source is None


@pytest.mark.parametrize("text, says", [("topics = [1, 2]", "not a list of strings"), ("topics = [", "not valid TOML"),
                                        ("colour = 'blue'", "names none of")])
def test_bad_interests_file_is_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "interests.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=says):
        load_interests(path)
