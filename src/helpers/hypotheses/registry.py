"""The hypothesis registry (notebooks/registry.toml): each analysis notebook and the hypotheses it records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths
from helpers.errors import UserError

REGISTRY = paths.NOTEBOOKS / "registry.toml"
TEMPLATE = paths.NOTEBOOKS / "template_hypothesis.ipynb"
SUMMARY_NUMBER = 30  # analysis notebooks are numbered below the summary's number
SIDES = ("quantity", "quality")
SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Analysis:
    """One analysis notebook and the hypotheses it records."""

    notebook: str
    title: str
    hypotheses: list[str] = field(default_factory=list)
    summary: bool = False  # the summary reads every other result, so it always runs last

    @property
    def path(self) -> Path:
        """The notebook file."""
        return paths.NOTEBOOKS / f"{self.notebook}.ipynb"


def analyses(registry: Path = REGISTRY) -> list[Analysis]:
    """Every registered analysis, in run order (summary entries last, whatever their place in the file)."""
    entries = tomllib.loads(registry.read_text()).get("analysis", [])
    out = [Analysis(e["notebook"], e.get("title", e["notebook"]), list(e.get("hypotheses", [])),
                    bool(e.get("summary", False))) for e in entries]
    out = [a for a in out if not a.summary] + [a for a in out if a.summary]
    for a in out:
        if not a.path.is_file():
            raise UserError(f"{registry}: notebook {a.notebook} is registered but {a.path} does not exist; "
                            "remove the entry or restore the notebook.")
    return out


def hypothesis_ids(registry: Path = REGISTRY) -> list[str]:
    """Every registered hypothesis id, in order."""
    return [h for a in analyses(registry) for h in a.hypotheses]
