"""Turn an analysis Estimate into a recorded hypothesis Result (not estimable when it is missing), and read the
value planted in a simulated dataset's truth.json."""

from __future__ import annotations

import json
import math

from helpers.hypotheses import registry as hypotheses
from helpers.data.dataset import Dataset
from helpers.stats import Estimate


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


def not_estimable(name: str, reason: str, n: int = 0) -> Estimate:
    """An estimate the data cannot support, carrying the reason that to_result records."""
    nan = float("nan")
    return Estimate(name, nan, nan, nan, nan, int(n), "not estimable", {"reason": reason})


def to_result(est: Estimate, *, hid: str, question: str, verdict: str, finding: str, measure: str, notebook: str,
              simulated: bool, supports: str = "", truth: float | None = None, case_data: str = "",
              extra: dict | None = None) -> hypotheses.Result:
    """A Result from an Estimate; when the estimate is missing, verdict "not estimable" and the reason why."""
    ok = math.isfinite(est.estimate)
    nan = float("nan")
    reason = est.extra.get("reason", "not enough data")
    return hypotheses.Result(
        id=hid, question=question, estimate=est.estimate if ok else nan, ci_low=est.ci_low if ok else nan,
        ci_high=est.ci_high if ok else nan, p=est.p if ok else nan, n=int(est.n),
        verdict=verdict if ok else "not estimable", finding=finding if ok else f"not estimable: {reason}",
        measure=measure, notebook=notebook, simulated=simulated, supports=supports,
        truth=float(truth) if truth is not None else None, case_data=case_data,
        extra=dict(extra or {}) if ok else {})
