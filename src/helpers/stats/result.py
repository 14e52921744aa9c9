"""Shared result types: one Estimate for every scalar result, one ModelFit for coefficient tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

_CORE = ("name", "estimate", "ci_low", "ci_high", "p", "n", "method", "ci_level")


class NotEstimable(ValueError):
    """The data cannot support an estimate; the message says why, in words a reader understands."""


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval, p-value (NaN if none) and the n behind it."""

    name: str
    estimate: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    method: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    ci_level: float = 0.95

    def __post_init__(self) -> None:
        # A private copy so a caller mutating their dict cannot change a "frozen" result.
        object.__setattr__(self, "extra", dict(self.extra))

    def as_dict(self) -> dict[str, Any]:
        """Flat dict (core fields first, then extra) for building tables."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _CORE}
        for key, value in self.extra.items():
            out[f"extra_{key}" if key in out else key] = value
        return out

    def covers(self, value: float) -> bool:
        """True if value lies inside the closed confidence interval."""
        return bool(self.ci_low <= value <= self.ci_high)


@dataclass(frozen=True)
class ModelFit:
    """A fitted model: tidy coefficient table plus model-level scalars."""

    table: pd.DataFrame
    n: int
    method: str
    formula: str
    r2: float = float("nan")
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", dict(self.extra))

    def as_dict(self) -> dict[str, Any]:
        """Model-level scalars as a flat dict (the coefficient table is in .table)."""
        out: dict[str, Any] = {"formula": self.formula, "method": self.method, "n": self.n, "r2": self.r2}
        for key, value in self.extra.items():
            out[f"extra_{key}" if key in out else key] = value
        return out


def estimates_frame(estimates: Iterable[Estimate]) -> pd.DataFrame:
    """One row per Estimate, columns from as_dict()."""
    return pd.DataFrame([e.as_dict() for e in estimates])


def not_estimable(name: str, reason: str, n: int = 0) -> Estimate:
    """An estimate the data cannot support, carrying the reason (hypotheses.record.to_result records it)."""
    nan = float("nan")
    return Estimate(name, nan, nan, nan, nan, int(n), "not estimable", {"reason": reason})
