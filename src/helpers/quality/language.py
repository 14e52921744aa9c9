"""A transparent guess of a short text's language from common function words (no model download)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

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


def guess_language(folded: pd.Series, min_hits: int = MIN_HITS) -> pd.Series:
    """ISO 639-1 code of each folded text's most frequent function-word language, null when unclear."""
    if len(folded) == 0:
        return pd.Series(dtype="string", index=folded.index)
    counter = CountVectorizer(vocabulary=_VOCAB, token_pattern=r"(?u)\b[a-z]+\b", lowercase=False)
    hits = (counter.transform(folded.fillna("").to_numpy(dtype=object)) @ _MEMBERSHIP).toarray()
    ranked = np.sort(hits, axis=1)
    clear = (ranked[:, -1] >= min_hits) & (ranked[:, -1] > ranked[:, -2])
    out = np.where(clear, np.asarray(LANGUAGES, dtype=object)[hits.argmax(axis=1)], None)
    return pd.Series(out, index=folded.index, dtype="string")
