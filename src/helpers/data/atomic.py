"""The one atomic write: a file is written beside its target under a temporary name, then renamed over it.

A reader never sees half a file, and a crash leaves the old file whole (plus at most a hidden temporary file,
which the next write replaces).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def temporary_beside(target: Path) -> Path:
    """The hidden temporary name a write to target goes through (same folder, so the rename is atomic)."""
    return target.with_name(f".{target.name}.tmp-{os.getpid()}")


@contextlib.contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces target, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | Path, text: str) -> Path:
    """Write text (UTF-8) to target atomically."""
    with replacing(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes to target atomically."""
    with replacing(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
