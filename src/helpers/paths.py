"""Project paths, found from the package's location so any working directory works."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the project root: the folder holding pyproject.toml above this package."""
    override = os.environ.get("QVQ_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "helpers").is_dir():
            return parent
    # Installed without the source tree (a wheel): fall back to the working directory.
    return Path.cwd().resolve()


ROOT = project_root()
DATA = ROOT / "data"
PROCESSED = DATA / "processed"
SAMPLE_CONFIG_DIR = DATA / "sample"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
SHARED = ROOT.parent / "shared"
REALDATA = SHARED / "realdata"
PSEUDONYM_KEY = DATA / ".pseudonym_key"
