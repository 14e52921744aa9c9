"""TF-IDF on character n-grams within words (scikit-learn's analyzer="char_wb"), each distinct word analysed once.

char_wb n-grams never cross whitespace, so a text's n-gram counts are the sum of its words' counts: the
texts × n-grams count matrix is the product (texts × words) · (words × n-grams). sklearn analyses every text
character by character in Python; bios share most of their words, so analysing each distinct word once and
multiplying two sparse matrices gives the same counts several times faster (issue 16). The weighting is
sklearn's own TfidfTransformer on those counts, so the vectors equal TfidfVectorizer(analyzer="char_wb")'s
(tests/test_char_tfidf.py checks it on the sample's bios and on edge cases).
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer


class WordComposedTfidf:
    """A drop-in for TfidfVectorizer(analyzer="char_wb", ngram_range, sublinear_tf, dtype): fit and transform."""

    def __init__(self, ngram_range: tuple[int, int] = (3, 5), sublinear_tf: bool = True,
                 dtype: type = np.float32) -> None:
        reference = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=sublinear_tf,
                                    dtype=dtype)
        self.ngram_range, self.dtype = ngram_range, dtype
        self._preprocess = reference.build_preprocessor()  # lower-casing, as the reference does before analysing
        self._analyse = reference.build_analyzer()
        self._tfidf = TfidfTransformer(norm=reference.norm, use_idf=reference.use_idf,
                                       smooth_idf=reference.smooth_idf, sublinear_tf=sublinear_tf)
        self.vocabulary_: dict[str, int] | None = None

    def _text_words(self, texts: list[str]) -> tuple[sparse.csr_matrix, list[str]]:
        """(texts × distinct words) counts, and the distinct words, split as char_wb splits a text."""
        words = [self._preprocess(t).split() for t in texts]
        lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(words)), dtype=object))
        rows = np.repeat(np.arange(len(texts)), lengths)
        counts = sparse.csr_matrix((np.ones(len(codes), dtype=self.dtype), (rows, codes)),
                                   shape=(len(texts), len(uniques)))
        counts.sum_duplicates()
        return counts, list(uniques)

    def _counts(self, texts: list[str]) -> sparse.csr_matrix:
        """The texts × n-grams count matrix over the fitted vocabulary, composed from distinct words."""
        text_words, words = self._text_words(texts)
        if not words:
            return sparse.csr_matrix((len(texts), len(self.vocabulary_)), dtype=self.dtype)
        word_ngrams = CountVectorizer(analyzer=self._analyse, vocabulary=self.vocabulary_,
                                      dtype=self.dtype).transform(words)
        return (text_words @ word_ngrams).tocsr()

    def fit(self, texts: list[str]) -> WordComposedTfidf:
        """The n-gram vocabulary (of the texts' distinct words) and the IDF weights of the texts."""
        _, words = self._text_words(texts)
        self.vocabulary_ = CountVectorizer(analyzer=self._analyse, dtype=self.dtype).fit(words).vocabulary_
        self._tfidf.fit(self._counts(texts))
        return self

    def transform(self, texts: list[str] | np.ndarray) -> sparse.csr_matrix:
        """Each text's TF-IDF vector (rows L2-normalised), as TfidfVectorizer.transform gives it."""
        if self.vocabulary_ is None:
            raise ValueError("WordComposedTfidf is not fitted")
        return self._tfidf.transform(self._counts(list(texts)), copy=False)
