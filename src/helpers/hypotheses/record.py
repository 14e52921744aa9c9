"""The one recorded result of a hypothesis: Result, written as JSON for the summary; an Estimate turned into a
Result (not estimable when it is missing, with the reason); the value planted in a simulated dataset."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import helpers.hypotheses.registry as hypothesis_registry
from helpers.data import atomic
from helpers.data.dataset import Dataset
from helpers.hypotheses.registry import REGISTRY
from helpers.stats import Estimate


def _no_nan(value: object) -> object:
    """NaN as None, also inside dicts, so results are strict JSON."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


@dataclass
class Result:
    """One hypothesis's test result, as the summary tabulates it."""

    id: str
    question: str
    estimate: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    verdict: str
    finding: str
    measure: str = ""
    notebook: str = ""
    simulated: bool = False
    supports: str = ""  # "quantity", "quality" or "" : which side of the question a positive result backs
    truth: float | None = None  # the planted value, on simulated data
    case_data: str = ""  # set when the estimate comes from a fixed case study, not the report's dataset
    # further named numbers, e.g. extra["primary"] of an outcome's primary record (hypotheses/decision_rule.py)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON-ready dict (NaN written as null)."""
        return {k: _no_nan(v) for k, v in self.__dict__.items()}


def save(results_dir: str | Path, result: Result) -> Path:
    """Write one hypothesis's result as JSON for the summary and the index (atomically)."""
    return atomic.write_text(Path(results_dir) / f"{result.id}.json",
                             json.dumps(result.as_dict(), indent=2, default=float) + "\n")


def load_results(results_dir: str | Path, registry: Path = REGISTRY) -> list[dict]:
    """Recorded results of every registered hypothesis, in registry order (missing ones flagged)."""
    out = []
    for analysis in hypothesis_registry.analyses(registry):
        for hid in analysis.hypotheses:
            path = Path(results_dir) / f"{hid}.json"
            if path.is_file():
                out.append(json.loads(path.read_text()))
            else:
                out.append({"id": hid, "notebook": analysis.notebook, "question": analysis.title,
                            "verdict": "not run", "finding": f"no result recorded; run {analysis.notebook}"})
    return out


def verdict(ci_low: float, ci_high: float, positive: str, negative: str, null: str) -> str:
    """Plain words for an interval: above zero, below zero, or spanning it."""
    if ci_low > 0:
        return positive
    if ci_high < 0:
        return negative
    return null


def planted(ds: Dataset, *keys: str) -> object | None:
    """The value at keys in truth.json of a simulated dataset; None for real data or a missing key."""
    path = ds.path / "truth.json"
    if not ds.simulated or not path.is_file():
        return None
    value: object = json.loads(path.read_text())
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def to_result(est: Estimate, *, hid: str, question: str, verdict: str, finding: str, measure: str, notebook: str,
              simulated: bool, supports: str = "", truth: float | None = None, case_data: str = "",
              extra: dict | None = None) -> Result:
    """A Result from an Estimate; when the estimate is missing, verdict "not estimable" and the reason why."""
    ok = math.isfinite(est.estimate)
    nan = float("nan")
    reason = est.extra.get("reason", "not enough data")
    return Result(
        id=hid, question=question, estimate=est.estimate if ok else nan, ci_low=est.ci_low if ok else nan,
        ci_high=est.ci_high if ok else nan, p=est.p if ok else nan, n=int(est.n),
        verdict=verdict if ok else "not estimable", finding=finding if ok else f"not estimable: {reason}",
        measure=measure, notebook=notebook, simulated=simulated, supports=supports,
        truth=float(truth) if truth is not None else None, case_data=case_data,
        extra=dict(extra or {}) if ok else {})
