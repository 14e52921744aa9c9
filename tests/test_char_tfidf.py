"""The word-composed character TF-IDF equals scikit-learn's TfidfVectorizer(analyzer="char_wb") exactly: on real
bios of labelled accounts (thousands of distinct texts in several languages and scripts), on the simulated
sample's bios, and on the edge cases of whitespace, case, short words and emoji."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from helpers.quality.char_tfidf import WordComposedTfidf
from helpers.simulate.build import NICHE_BIOS

EDGES = ["", "   ", "A", "ab", "Ça  va\tbien\nÉTÉ", "x\u00a0y", "emoji 🚀🚀 ok", "UPPER lower MiXeD", "a b c d",
         "\u2003wide\u2003space", "ÆØÅ straße İstanbul", "日本語のテキスト と 空白", "http://t.co/xyz #tag @who"]


def _same(fit_texts: list[str], other: list[str]) -> None:
    """Vocabulary and vectors of the two vectorizers are identical, on the fitted texts and on new ones."""
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
    reference.fit(fit_texts)
    composed = WordComposedTfidf().fit(fit_texts)
    assert composed.vocabulary_ == reference.vocabulary_
    for texts in (fit_texts, other):
        a, b = reference.transform(texts), composed.transform(texts)
        assert a.shape == b.shape and a.dtype == b.dtype
        assert abs(a - b).max() <= 1e-6, "vectors differ"


def test_equal_on_edge_cases_and_simulated_bios():
    _same([*NICHE_BIOS, *EDGES], ["marketing digital à Paris", "nouveau zzqx", "", *EDGES[::-1]])


def test_equal_on_real_bios_of_labelled_accounts(realdata_train: Path):
    from helpers.quality import labelled_sets

    bios = []
    for name in ("cresci-2015", "botrepo-2019", "bluesky-108"):
        profiles = labelled_sets.load_sets([name])[0].profiles
        bios += profiles["bio"].dropna().astype(str).tolist()
    distinct = list(dict.fromkeys(bios))
    assert len(distinct) > 1000, "enough real bios to mean something"
    rng = np.random.default_rng(0)
    fit = [distinct[i] for i in rng.choice(len(distinct), 1500, replace=False)]
    _same(fit, [*distinct[:3000], *EDGES])


def test_an_unfitted_vectorizer_says_so():
    with pytest.raises(ValueError, match="not fitted"):
        WordComposedTfidf().transform(["x"])
