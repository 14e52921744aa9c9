"""Rows read by a reader as a table frame; no rows gives the table's typed empty frame."""

from __future__ import annotations

import pandas as pd

from helpers.data import schemas


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """The rows as a DataFrame, or the canonical empty frame (typed columns) when there are none."""
    # An untyped empty frame would get a float link_urls column when conformed, which fails validation.
    return pd.DataFrame(rows) if rows else schemas.empty(table)
