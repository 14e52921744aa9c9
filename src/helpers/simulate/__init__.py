"""The built-in simulated sample: a focal account like the blog post's, and a cross-platform cohort."""

from helpers.simulate.config import load_config
from helpers.simulate.build import build_sample

__all__ = ["load_config", "build_sample"]
