"""The built-in simulated sample: a focal account like the blog post's, and a cross-platform cohort."""

from __future__ import annotations

__all__ = ["load_config", "build_sample"]


def __getattr__(name: str) -> object:
    """build_sample and load_config, imported on first use (so the CLI lists the scenarios without pandas)."""
    if name == "build_sample":
        from helpers.simulate.build import build_sample
        return build_sample
    if name == "load_config":
        from helpers.simulate.config import load_config
        return load_config
    raise AttributeError(name)
