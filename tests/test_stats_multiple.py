"""Benjamini-Hochberg q-values."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.stats import benjamini_hochberg


def test_bh_matches_hand_computed_example():
    # sorted p: 0.001, 0.03, 0.04, 0.5 (m=4) -> p*m/rank: 0.004, 0.06, 0.0533, 0.5
    # running minimum from the top: 0.004, 0.0533, 0.0533, 0.5; then back to input order.
    q = benjamini_hochberg([0.04, 0.001, 0.03, 0.5])
    assert q == pytest.approx([0.16 / 3, 0.004, 0.16 / 3, 0.5])


def test_bh_nan_is_kept_and_not_counted():
    q = benjamini_hochberg([0.01, np.nan, 0.04])
    assert np.isnan(q[1]) and q[[0, 2]] == pytest.approx([0.02, 0.04])
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()


def test_bh_keeps_series_index():
    q = benjamini_hochberg(pd.Series([0.02, 0.01], index=["quality", "quantity"]))
    assert list(q.index) == ["quality", "quantity"] and q.tolist() == pytest.approx([0.02, 0.02])


def test_bh_rejects_invalid_p():
    with pytest.raises(ValueError):
        benjamini_hochberg([0.1, 1.2])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_bh_properties(ps):
    p = np.array(ps)
    q = benjamini_hochberg(p)
    assert (q >= p - 1e-12).all() and (q <= 1).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(q[order]) >= -1e-12).all()  # q preserves the order of p
