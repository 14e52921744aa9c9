"""The project's language guess (quality/language.py: lingua-language-detector restricted to six languages) against
the function-word guesser it replaced, on texts whose language another source states.

Two labelled sources, read in place: posts with the platform's own `lang` field (the X archive and the twarc2
timeline in ../shared/realdata), and bios of labelled v1.1 users (Cresci 2015, the Bot Repository 2019 sets)
with the account's language setting, a weaker label (people write bios in other languages than their
interface's). Prints, per source and method, the share of texts given a language, the accuracy when one is
given, and the share right overall.

    .venv/bin/python benchmarks/language_detectors.py
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from helpers import paths
from helpers.quality import labelled_sets
from helpers.quality.language import guess_language
from helpers.quality.text import fold

NAMES = ("en", "fr", "es", "de", "it", "pt")
NOISE = re.compile(r"https?://\S+|@\w+")


# The function-word guesser the project used before lingua, kept here as the comparison.
# Frequent function words that are rare in the other listed languages (accents already folded away).
FUNCTION_WORDS = {
    "en": [
        "the", "and", "of", "to", "in", "is", "for", "with", "on", "my", "at", "from", "about", "you", "your", "we",
        "our", "are", "this", "that", "i"
    ],
    "fr": [
        "le", "la", "les", "des", "du", "de", "et", "un", "une", "est", "pour", "avec", "sur", "dans", "mon", "ma",
        "mes", "je", "nous", "vous", "au", "aux", "qui"
    ],
    "es": [
        "el", "los", "las", "del", "y", "en", "es", "por", "con", "una", "para", "mi", "que", "su", "al", "lo", "como",
        "pero"
    ],
    "de": [
        "der", "die", "das", "und", "ist", "mit", "fur", "ein", "eine", "ich", "auf", "den", "dem", "nicht", "zu",
        "von", "auch"
    ],
    "it": [
        "il", "lo", "gli", "della", "di", "e", "che", "per", "con", "una", "sono", "nel", "sul", "mio", "mia", "non"
    ],
    "pt": [
        "o", "os", "as", "da", "do", "das", "dos", "e", "em", "para", "com", "uma", "que", "meu", "minha", "nao", "por"
    ],
}
LANGUAGES = list(FUNCTION_WORDS)
MIN_HITS = 2  # fewer function words than this says nothing about a bio's language

_VOCAB = sorted({w for words in FUNCTION_WORDS.values() for w in words})
_MEMBERSHIP = sparse.csr_matrix(np.array([[w in FUNCTION_WORDS[lang] for lang in LANGUAGES] for w in _VOCAB],
                                         dtype=np.int32))


def function_words(folded: pd.Series, min_hits: int = MIN_HITS) -> pd.Series:
    """ISO 639-1 code of each folded text's most frequent function-word language, null when unclear."""
    if len(folded) == 0:
        return pd.Series(dtype="string", index=folded.index)
    counter = CountVectorizer(vocabulary=_VOCAB, token_pattern=r"(?u)\b[a-z]+\b", lowercase=False)
    hits = (counter.transform(folded.fillna("").to_numpy(dtype=object)) @ _MEMBERSHIP).toarray()
    ranked = np.sort(hits, axis=1)
    clear = (ranked[:, -1] >= min_hits) & (ranked[:, -1] > ranked[:, -2])
    out = np.where(clear, np.asarray(LANGUAGES, dtype=object)[hits.argmax(axis=1)], None)
    return pd.Series(out, index=folded.index, dtype="string")


def posts() -> tuple[list[str], list[str]]:
    """Texts and platform language of the real posts that state one of the six languages."""
    texts, labels = [], []
    archive = paths.REALDATA / "twitter-archive-andreruffert" / "data" / "tweets.js"
    raw = archive.read_text()
    for item in json.loads(raw[raw.index("["):]):
        t = item.get("tweet", item)
        if t.get("lang") in NAMES:
            texts.append(NOISE.sub("", t.get("full_text") or t.get("text") or ""))
            labels.append(t["lang"])
    timeline = paths.REALDATA / "twarc2-jsonl" / "tweets.colbyeagan.twarc2-timeline.jsonl"
    for line in timeline.read_text().splitlines():
        page = json.loads(line)
        for t in page["data"] if isinstance(page.get("data"), list) else [page]:
            if t.get("lang") in NAMES:
                texts.append(NOISE.sub("", t.get("text", "")))
                labels.append(t["lang"])
    return texts, labels


def bios() -> tuple[list[str], list[str]]:
    """Bios of at least 20 characters of labelled users whose language setting is one of the six."""
    frames = [labelled_sets.cresci_2015().profiles, labelled_sets.botrepo_2019().profiles]
    prof = pd.concat(frames)
    prof = prof[prof["lang"].isin(list(NAMES)) & (prof["bio"].fillna("").str.len() >= 20)]
    return prof["bio"].tolist(), prof["lang"].tolist()


def measure(name: str, guess, texts: list[str], labels: list[str]) -> dict:
    """Coverage, accuracy when answered and accuracy overall of one guesser."""
    got = guess(pd.Series(texts, dtype="string")).reset_index(drop=True)
    truth = pd.Series(labels, dtype="string")
    answered = got.notna()
    return {"method": name, "texts": len(texts), "answered": round(float(answered.mean()), 3),
            "accuracy_when_answered": round(float((got[answered] == truth[answered]).mean()), 3),
            "right_overall": round(float((got == truth).fillna(False).mean()), 3)}


def main() -> None:
    """Print the comparison."""
    guessers = {"function words (before)": lambda s: function_words(s.map(fold)),
                "lingua (the project's)": guess_language}
    rows = []
    for source, (texts, labels) in {"posts (platform lang)": posts(), "bios (account language)": bios()}.items():
        for name, guess in guessers.items():
            rows.append({"source": source, **measure(name, guess, texts, labels)})
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
