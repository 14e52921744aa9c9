"""A few followers per bin with the scores that placed them, safe to show in a rendered report."""

from __future__ import annotations

import hashlib

import pandas as pd

SHOWN = ["follower", "bin", "reason", "p_fake", "fake_reasons", "fake_rules", "rule_camisani", "rule_stateofsearch",
         "rule_socialbakers", "inactive", "days_since_last_post", "relevance", "relevance_keywords",
         "relevance_similarity", "relevance_place", "language", "interactions", "followed_back"]


def display_label(follower_id: str) -> str:
    """A short label that does not reveal the follower: a hash of its (already pseudonymous) id."""
    return "follower " + hashlib.sha256(str(follower_id).encode()).hexdigest()[:8]


def examples(follower_quality: pd.DataFrame, per_bin: int = 3, seed: int = 0) -> pd.DataFrame:
    """per_bin random followers of each bin, labelled by a hash of their id (never a handle or a bio)."""
    shuffled = follower_quality.sample(frac=1.0, random_state=seed)
    picked = shuffled.groupby("bin", observed=True).head(per_bin).sort_values("bin", kind="stable")
    out = picked.assign(follower=picked["follower_id"].map(display_label))
    return out[[c for c in SHOWN if c in out.columns]].reset_index(drop=True)
