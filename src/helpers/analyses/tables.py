"""Tables and words the analysis notebooks show beside their numbers: recorded hypothesis results, one column each,
and whether an interval covers the value planted in a simulated dataset."""

from __future__ import annotations

import pandas as pd


def result_column(result: dict, name: str) -> pd.DataFrame:
    """One recorded result (Result.as_dict()) as a column headed name, one row per field."""
    return pd.DataFrame([result]).T.rename(columns={0: name})


def result_columns(results: list[dict]) -> pd.DataFrame:
    """Several recorded results side by side, one column per hypothesis id, one row per other field."""
    return pd.DataFrame(results).set_index("id").T


def covers(ci_low: float, ci_high: float, truth: float) -> str:
    """Whether an interval covers a planted value, in the word the reports use."""
    return "covers" if ci_low <= truth <= ci_high else "MISSES"
