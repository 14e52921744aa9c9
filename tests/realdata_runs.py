"""Shared by the real-data notebook tests: ingest real exports into a new folder, run every analysis on them once,
and check that each notebook ran to the end and each hypothesis is estimated or says why not."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from helpers.hypotheses import record, registry
from helpers.ingest.pipeline import ingest
from helpers.quality.score import score_if_needed
from helpers.reports.run import NotebooksFailed, run_analyses

FAILED_MARK = "FAILED:"  # what the index writes beside a notebook that failed
# the real exports that hold blog traffic only; every other folder is a social export or archive. The two kinds
# are run from two test files, so that pytest-xdist can run them side by side.
TRAFFIC = ("access-log-semicomplete", "ga4-exports", "ua-export-bbva-blog")
MIXES = {
    "x_archive+ua": ["twitter-archive-andreruffert", "ua-export-bbva-blog"],
    "ropensci+ga4": ["x-analytics-ropensci", "ga4-exports"],
    "mastodon_archive+access_log": ["mastodon-archive-dealingwith", "access-log-semicomplete"],
    "x_archive+cresci_users": ["twitter-archive-andreruffert", "cresci-2015-subset/users.E13.csv"],
}


def folders(realdata: Path) -> list[str]:
    """Every export folder beside the project, sorted; none when the folder is absent (the tests then skip)."""
    return sorted(p.name for p in realdata.iterdir() if p.is_dir()) if realdata.is_dir() else []


@dataclass
class Run:
    """One dataset ingested from real exports and every registered analysis run on it."""

    name: str
    out: Path
    failures: dict[str, str]
    seconds: float
    results: dict[str, dict] = field(default_factory=dict)

    def page(self, notebook: str) -> str:
        """The HTML of one report (or "index")."""
        return (self.out / f"{notebook}.html").read_text(encoding="utf-8")


class Runs:
    """Each case ingested and analysed once, on first use (the pseudonym key is the calling test's)."""

    def __init__(self, realdata: Path, root: Path) -> None:
        self.realdata, self.root, self.done = realdata, root, {}

    def run(self, name: str, inputs: list[str]) -> Run:
        """The run of one case: inputs are paths inside the real-data folder."""
        if name not in self.done:
            start = time.perf_counter()
            # a new folder named after the case (the writer writes only into folders that do not exist yet)
            path, _ = ingest([self.realdata / i for i in inputs], self.root / "datasets" / name, progress=False)
            score_if_needed(path)  # the step `make analyses` runs before the notebooks
            try:
                out, failures = run_analyses(str(path), self.root / "reports" / name, progress=False), {}
            except NotebooksFailed as exc:
                out, failures = exc.out_dir, exc.failures
            results = {r["id"]: r for r in record.load_results(out / "results")}
            self.done[name] = Run(name, out, failures, time.perf_counter() - start, results)
        return self.done[name]


def check_ran_to_the_end(run: Run) -> None:
    """Every registered notebook ran without an error and has its report; the index names no failure."""
    assert not run.failures, f"{run.name}: " + "; ".join(f"{nb}: {why}" for nb, why in run.failures.items())
    for analysis in registry.analyses():
        assert (run.out / f"{analysis.notebook}.html").is_file(), f"{run.name}: no report for {analysis.notebook}"
        nb = json.loads((run.out / "notebooks" / f"{analysis.notebook}.ipynb").read_text())
        errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{run.name}: {analysis.notebook} holds an error output"
    assert FAILED_MARK not in run.page("index"), f"{run.name}: the index lists a failed notebook"


def check_results_say_why(run: Run) -> None:
    """Every registered hypothesis has a result: an estimate inside its interval, or "not estimable" and why."""
    for hid in registry.hypothesis_ids():
        r = run.results[hid]
        assert r["verdict"] != "not run", f"{run.name}: {hid} has no recorded result"
        if r["verdict"] == "not estimable":
            reason = r["finding"].removeprefix("not estimable: ")
            assert r["finding"].startswith("not estimable: ") and len(reason) > 20, f"{run.name}: {hid}: {r}"
            assert r["estimate"] is None and r["p"] is None, f"{run.name}: {hid} is not estimable but has numbers"
        else:
            assert r["ci_low"] <= r["estimate"] <= r["ci_high"], f"{run.name}: {hid}: {r}"
