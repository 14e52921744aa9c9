"""ADF and KPSS on series in levels and after the transformation an analysis uses (detrending or differencing)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .timeseries import stationarity

Transform = Literal["detrend", "difference"]


def detrended(series: pd.Series) -> pd.Series:
    """The series minus its least-squares straight line in time (row order), NaNs dropped."""
    s = pd.Series(series, dtype=float).dropna()
    t = np.arange(len(s), dtype=float)
    slope, intercept = np.polyfit(t, s.to_numpy(), 1)
    return s - (intercept + slope * t)


def transformed(series: pd.Series, how: Transform) -> pd.Series:
    """The series detrended (minus a straight line in time) or first-differenced."""
    if how == "detrend":
        return detrended(series)
    if how == "difference":
        return pd.Series(series, dtype=float).dropna().diff().dropna()
    raise ValueError(f"how must be 'detrend' or 'difference', got {how!r}")


def stationarity_report(series: dict[str, pd.Series], how: Transform, alpha: float = 0.05) -> pd.DataFrame:
    """One row per series: ADF (H0 unit root) and KPSS (H0 stationary) p-values and the joint decision, in levels
    and after the transformation; a series with fewer than 20 values is left out."""
    rows = []
    for name, s in series.items():
        s = pd.Series(s, dtype=float).dropna()
        if len(s) < 20 or s.nunique() < 3:
            continue
        level, after = stationarity(s, alpha), stationarity(transformed(s, how), alpha)
        rows.append({"series": name, "adf_p_levels": level.adf_p, "kpss_p_levels": level.kpss_p,
                     "levels": level.decision, "transformed": "detrended" if how == "detrend" else "differenced",
                     "adf_p_after": after.adf_p, "kpss_p_after": after.kpss_p, "after": after.decision,
                     "n": after.n})
    return pd.DataFrame(rows)
