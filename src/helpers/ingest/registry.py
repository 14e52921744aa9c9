"""Finds the reader modules of helpers.ingest: any module with FORMAT, SCOPE, detect() and read().

Each reader also has LABEL, what it reads in words, from which the list of supported formats shown to users is made.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

import helpers.ingest as package

NOT_READERS = {"base", "sources", "registry", "pipeline"}


@lru_cache(maxsize=1)
def readers() -> list[ModuleType]:
    """All reader modules, in detection order (PRIORITY, then name)."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in NOT_READERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"helpers.ingest.{info.name}")
        if all(hasattr(module, a) for a in ("FORMAT", "SCOPE", "detect", "read")):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "PRIORITY", 50), m.__name__))


def folder_readers() -> list[ModuleType]:
    """Readers that claim a whole folder (account archives)."""
    return [m for m in readers() if m.SCOPE == "folder"]


def file_readers() -> list[ModuleType]:
    """Readers of single files."""
    return [m for m in readers() if m.SCOPE == "file"]


def formats() -> list[str]:
    """The names of every format the suite reads."""
    return [m.FORMAT for m in readers()]


def labels() -> list[str]:
    """What each reader reads, in words (its LABEL), in detection order."""
    return [m.LABEL for m in readers()]


def supported_sentence() -> str:
    """One sentence naming, in words, every format the suite reads (from the readers' LABELs)."""
    names = labels()
    listed = "; ".join(names[:-1]) + f"; or {names[-1]}" if len(names) > 1 else "".join(names)
    return f"This suite reads {listed}"
