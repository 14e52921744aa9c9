"""The hypothesis registry (notebooks/registry.toml): each question, its notebook, and its recorded result."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths
from helpers.errors import UserError

REGISTRY = paths.NOTEBOOKS / "registry.toml"


@dataclass(frozen=True)
class Analysis:
    """One analysis notebook and the hypotheses it records."""

    notebook: str
    title: str
    hypotheses: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        """The notebook file."""
        return paths.NOTEBOOKS / f"{self.notebook}.ipynb"


def analyses(registry: Path = REGISTRY) -> list[Analysis]:
    """Every registered analysis, in run order."""
    entries = tomllib.loads(registry.read_text()).get("analysis", [])
    out = [Analysis(e["notebook"], e.get("title", e["notebook"]), list(e.get("hypotheses", []))) for e in entries]
    for a in out:
        if not a.path.is_file():
            raise UserError(f"{registry}: notebook {a.notebook} is registered but {a.path} does not exist; "
                            "remove the entry or restore the notebook.")
    return out


def hypothesis_ids(registry: Path = REGISTRY) -> list[str]:
    """Every registered hypothesis id, in order."""
    return [h for a in analyses(registry) for h in a.hypotheses]


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

    def as_dict(self) -> dict:
        """Plain JSON-ready dict (NaN written as null)."""
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}


def record(results_dir: str | Path, result: Result) -> Path:
    """Write one hypothesis's result as JSON for the summary and the index (atomically)."""
    folder = Path(results_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{result.id}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result.as_dict(), indent=2, default=float) + "\n")
    tmp.replace(target)
    return target


def load_results(results_dir: str | Path, registry: Path = REGISTRY) -> list[dict]:
    """Recorded results of every registered hypothesis, in registry order (missing ones flagged)."""
    out = []
    for analysis in analyses(registry):
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
