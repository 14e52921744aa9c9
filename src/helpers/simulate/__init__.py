"""The built-in simulated sample: a focal account like the blog post's, and a cross-platform cohort."""

from helpers.simulate.build import build_sample
from helpers.simulate.config import load_config

__all__ = ["load_config", "build_sample"]
