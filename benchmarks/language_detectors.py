"""The bio-language guesser of quality/language.py (function words) against lingua-language-detector restricted
to the same six languages, on texts whose language another source states.

Two labelled sources, read in place: posts with the platform's own `lang` field (the X archive and the twarc2
timeline in ../shared/realdata), and bios of labelled v1.1 users (Cresci 2015, the Bot Repository 2019 sets)
with the account's language setting, a weaker label (people write bios in other languages than their
interface's). Prints, per source and method, the share of texts given a language, the accuracy when one is
given, and the share right overall.

    .venv/bin/pip install lingua-language-detector   # not a dependency of the project
    .venv/bin/python benchmarks/language_detectors.py
"""

from __future__ import annotations

import json
import re
import sys

import pandas as pd

from helpers import paths
from helpers.quality import labelled_sets
from helpers.quality.language import LANGUAGES, guess_language
from helpers.quality.text import fold

NAMES = {"en": "ENGLISH", "fr": "FRENCH", "es": "SPANISH", "de": "GERMAN", "it": "ITALIAN", "pt": "PORTUGUESE"}
NOISE = re.compile(r"https?://\S+|@\w+")


def lingua_guesser():
    """A lingua detector restricted to the guesser's languages (None when lingua is not installed)."""
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    codes = {getattr(Language, NAMES[c]): c for c in LANGUAGES}
    detector = LanguageDetectorBuilder.from_languages(*codes).with_minimum_relative_distance(0.1).build()
    return lambda texts: pd.Series([codes.get(r) for r in detector.detect_languages_in_parallel_of(list(texts))],
                                   dtype="string")


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
    other = lingua_guesser()
    if other is None:
        sys.exit("lingua-language-detector is not installed: pip install lingua-language-detector to compare")
    function_words = lambda s: guess_language(s.map(fold))  # noqa: E731
    rows = []
    for source, (texts, labels) in {"posts (platform lang)": posts(), "bios (account language)": bios()}.items():
        for name, guess in (("function words", function_words), ("lingua", other)):
            rows.append({"source": source, **measure(name, guess, texts, labels)})
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
