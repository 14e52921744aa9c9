"""Where a dataset's hypothesis results are recorded when no folder is given: reports/<dataset>/results."""

from __future__ import annotations

from pathlib import Path

from helpers import paths


def results_dir(dataset_name: str, given: str | Path | None = None) -> str:
    """The folder given, else reports/<dataset name>/results (as a string, as notebooks pass it on)."""
    return str(given) if given else str(paths.REPORTS / dataset_name / "results")
