"""Text folding for matching: case and accents removed, vectorised over pandas Series."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# Unicode blocks of combining marks (accents) that NFKD splits off letters.
_COMBINING_BLOCKS = [(0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F)]
_DROP_MARKS = {cp: None for lo, hi in _COMBINING_BLOCKS for cp in range(lo, hi + 1)
               if unicodedata.combining(chr(cp))}
_APOSTROPHES = {ord(c): "'" for c in "\u2019\u2018\u02bc\u00b4`"}


def fold(text: str) -> str:
    """One string without case or accents ("Réseaux Sociaux" -> "reseaux sociaux")."""
    return unicodedata.normalize("NFKD", text).translate(_DROP_MARKS).translate(_APOSTROPHES).casefold()


def fold_series(values: pd.Series) -> pd.Series:
    """fold() over a Series of strings, nulls kept as nulls."""
    s = values.astype("string")
    return s.str.normalize("NFKD").str.translate(_DROP_MARKS).str.translate(_APOSTROPHES).str.casefold()


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """A regex matching any folded term as whole words, allowing a plural s/x/es; None for no terms."""
    folded = sorted({fold(t).strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not folded:
        return None
    # Spaces inside a term match any run of spaces, hyphens or underscores ("social-media", "social_media").
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"[\s_\-]+") for t in folded)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:s|x|es)?(?!\w)")
