"""Relevance of each follower to the studied account: interest terms, similarity to its posts, place, language.

relevance = (1 - (1 - k)(1 - s)(1 - place_weight * p)) * language factor, over the parts that are known:
  k = 1 - 0.5 ** (interest terms found in the bio)      1 term -> 0.5, 2 -> 0.75, 3 -> 0.875
  s = TF-IDF (character 3-5-grams) cosine of the bio with the account's own posts and bio, rescaled linearly
      from [sim_floor, sim_ceiling] = [0.02, 0.15] to [0, 1]
  p = 1 when the follower's location names one of the interests' places (else the account's own location);
      place_weight = 0.4, so a place alone does not make a follower relevant
  language factor = 0.5 when the bio's language is known and not among the interests' languages, else 1
A part whose input is unknown (no bio, no location, no interests file, no posts) is left out, never taken as 0;
relevance is null when no part is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from helpers.quality.char_tfidf import WordComposedTfidf
from helpers.quality.interests import Interests
from helpers.quality.language import guess_language
from helpers.quality.text import fold_series, term_pattern


@dataclass(frozen=True)
class RelevanceParams:
    """The documented constants of the relevance formula."""

    place_weight: float = 0.4
    language_mismatch: float = 0.5
    # Cosines of short bios with the centroid of many posts are small; on the sample, 90 % of irrelevant bios
    # fall below 0.03 and half of the relevant ones above 0.09 (notebook 10 shows the distribution).
    sim_floor: float = 0.02    # cosine at or below which a bio shares nothing specific with the posts
    sim_ceiling: float = 0.15  # cosine at or above which it counts as fully similar
    max_fit_bios: int = 10_000  # bios sampled to fit the IDF weights (all of them below this)
    chunk: int = 200_000


def keyword_hits(folded_bio: pd.Series, interests: Interests) -> pd.Series:
    """Occurrences of the interests' topics and keywords in each bio (null where the bio is unknown)."""
    pattern = term_pattern(interests.terms)
    if pattern is None:
        return pd.Series(pd.NA, index=folded_bio.index, dtype="Int64")
    return folded_bio.str.count(pattern).astype("Int64")


def place_match(folded_location: pd.Series, places: list[str]) -> pd.Series:
    """Whether each location names one of the places (null where the location is unknown)."""
    pattern = term_pattern(places)
    if pattern is None:
        return pd.Series(pd.NA, index=folded_location.index, dtype="boolean")
    return folded_location.str.contains(pattern).astype("boolean")


Vectorizer = WordComposedTfidf | TfidfVectorizer


def fit_vectorizer(references: list[str], bios: np.ndarray, params: RelevanceParams = RelevanceParams(),
                   seed: int = 0, composed: bool = True) -> Vectorizer:
    """TF-IDF on character 3-5-grams within words, its IDF fitted on the accounts' own texts and (a sample of) the
    bios; computed word by word (char_tfidf), or with composed=False by sklearn's TfidfVectorizer itself (the
    same vectors, slower; the scoring benchmark's row-wise baseline uses it)."""
    if len(bios) > params.max_fit_bios:
        bios = np.random.default_rng(seed).choice(bios, params.max_fit_bios, replace=False)
    vectorizer = (WordComposedTfidf() if composed else
                  TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32))
    return vectorizer.fit(list(dict.fromkeys([*references, *bios])))  # each distinct text once


def centroid(vectorizer: Vectorizer, texts: list[str]) -> np.ndarray:
    """The unit-length mean of the texts' unit TF-IDF vectors (each distinct text transformed once)."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    counts = np.bincount(codes, minlength=len(uniques)).astype(np.float32)
    mean = counts @ normalize(vectorizer.transform(list(uniques))) / counts.sum()
    return normalize(np.asarray(mean).reshape(1, -1))


def similarity_by_account(followers: pd.DataFrame, references: dict[str, list[str]],
                          params: RelevanceParams = RelevanceParams()) -> pd.Series:
    """Cosine similarity of each follower's bio to the centroid of its account's own texts (posts and bio).

    NaN where the bio is unknown or the account has no text of its own. Each distinct bio is transformed once,
    in chunks, whatever the number of accounts that share it.
    """
    out = np.full(len(followers), np.nan)
    refs = {a: [t for t in texts if isinstance(t, str) and t.strip()] for a, texts in references.items()}
    refs = {a: texts for a, texts in refs.items() if texts}
    if "bio" not in followers.columns or not refs or followers["bio"].isna().all():
        return pd.Series(out, index=followers.index)
    bios = followers["bio"].astype("string")
    known = bios.notna().to_numpy()
    codes = np.full(len(followers), -1, dtype=np.int64)
    codes[known], uniques = pd.factorize(bios[known].astype(str))
    uniques = np.asarray(uniques, dtype=object)
    vectorizer = fit_vectorizer([t for texts in refs.values() for t in texts], uniques, params)
    centroids = {a: centroid(vectorizer, texts) for a, texts in refs.items()}
    groups = {a: pos[known[pos]] for a, pos in followers.groupby("account_id", sort=False).indices.items()
              if a in centroids}
    for start in range(0, len(uniques), params.chunk):
        stop = start + params.chunk
        block = normalize(vectorizer.transform(uniques[start:stop]))
        for account, pos in groups.items():
            sel = pos[(codes[pos] >= start) & (codes[pos] < stop)]
            if len(sel):
                out[sel] = np.asarray(block[codes[sel] - start] @ centroids[account].T).ravel()
    return pd.Series(out, index=followers.index)


def _rescale(similarity: pd.Series, params: RelevanceParams) -> pd.Series:
    """Cosine similarity mapped linearly from [floor, ceiling] onto [0, 1]."""
    return ((similarity - params.sim_floor) / (params.sim_ceiling - params.sim_floor)).clip(0, 1)


def follower_language(followers: pd.DataFrame, bio: pd.Series) -> pd.Series:
    """The follower's language: the platform's `lang` where given, else guessed from the raw bio (accents help)."""
    given = (followers["lang"].astype("string").str.lower().str[:2] if "lang" in followers.columns
             else pd.Series(pd.NA, index=followers.index, dtype="string"))
    known = given.notna() & (given != "")
    if known.all():
        return given
    return given.where(known, guess_language(bio[~known]).reindex(bio.index))


def combine(keywords: pd.Series, similarity: pd.Series, place: pd.Series, language: pd.Series,
            interests: Interests, params: RelevanceParams = RelevanceParams()) -> pd.Series:
    """The relevance formula of this module's docstring, null where no part is known."""
    parts = pd.DataFrame({
        "k": 1 - 0.5 ** keywords.astype("float64"),
        "s": _rescale(similarity, params),
        "p": params.place_weight * place.astype("float64"),
    })
    miss = (1 - parts).prod(axis=1, skipna=True)
    score = (1 - miss).where(parts.notna().any(axis=1))
    if interests.languages:
        mismatch = language.notna() & ~language.isin(list(interests.languages))
        score = score.where(~mismatch.to_numpy(dtype=bool), score * params.language_mismatch)
    return score.astype("float64")


def places_by_account(followers: pd.DataFrame, folded_location: pd.Series, interests: Interests,
                      own_location: dict[str, str]) -> pd.Series:
    """place_match() against the interests' places, else against each account's own location."""
    if interests.places:
        return place_match(folded_location, list(interests.places))
    out = pd.Series(pd.NA, index=followers.index, dtype="boolean")
    for account, idx in followers.groupby("account_id", sort=False).groups.items():
        where = own_location.get(account)
        if isinstance(where, str) and where.strip():
            out.loc[idx] = place_match(folded_location.loc[idx], [where])
    return out


def relevance(followers: pd.DataFrame, references: dict[str, list[str]], interests: Interests,
              own_location: dict[str, str] | None = None, params: RelevanceParams = RelevanceParams()
              ) -> pd.DataFrame:
    """Relevance and its parts for every follower, given each account's own texts (posts and bio)."""
    empty = pd.Series(pd.NA, index=followers.index, dtype="string")
    bio = followers["bio"].astype("string") if "bio" in followers.columns else empty
    location = followers["location"].astype("string") if "location" in followers.columns else empty
    folded_bio = fold_series(bio)
    keywords = keyword_hits(folded_bio, interests)
    similarity = similarity_by_account(followers, references, params)
    place = places_by_account(followers, fold_series(location), interests, own_location or {})
    language = follower_language(followers, bio)
    return pd.DataFrame({
        "relevance": combine(keywords, similarity, place, language, interests, params),
        "relevance_keywords": keywords,
        "relevance_similarity": similarity.round(4),
        "relevance_place": place,
        "language": language,
    }, index=followers.index)
