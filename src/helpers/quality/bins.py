"""One bin per follower, by a documented precedence, beside the raw scores that decided it.

Precedence (the first that applies wins):
  1. likely_fake  p_fake >= fake threshold. A bought account's likes are part of what was bought, so profile
                  evidence of fakeness outranks its interactions.
  2. engaged      it liked, replied to, reposted, quoted or mentioned the account's posts (in `interactions`).
  3. inactive     no post for N days (90), or never posted.
  4. relevant     relevance >= relevance threshold (0.5), for a follower known to be active and judged real.
  5. irrelevant   relevance below the threshold, for a follower known to be active and judged real.
  unknown         what could not be judged: no profile data and no interaction; or, for a follower that is
                  neither likely fake, engaged nor inactive, an unknown activity (no date of its last post), an
                  unknown authenticity (no counts, so no p_fake) or nothing to judge relevance on (no bio,
                  location or interests). `reason` says which. A follower is never binned active (relevant or
                  irrelevant) on what is not known; shares are reported over the followers that could be judged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BINS = ["engaged", "relevant", "irrelevant", "inactive", "likely_fake"]
UNKNOWN = "unknown"
ALL_BINS = [*BINS, UNKNOWN]
PRECEDENCE = ["likely_fake", "engaged", "inactive", "relevant", "irrelevant"]
FAKE_THRESHOLD = 0.5
RELEVANCE_THRESHOLD = 0.5


def assign_bins(scores: pd.DataFrame, fake_threshold: float = FAKE_THRESHOLD,
                relevance_threshold: float = RELEVANCE_THRESHOLD, inactive_days: int = 90,
                precedence: list[str] = PRECEDENCE) -> pd.DataFrame:
    """bin and reason from p_fake, engaged, inactive, relevance and has_profile columns."""
    if sorted(precedence) != sorted(BINS):
        raise ValueError(f"precedence must order exactly {BINS}, got {precedence}")
    p_fake = scores["p_fake"].astype("float64")
    relevance = scores["relevance"].astype("float64")
    tests = {
        "likely_fake": (p_fake >= fake_threshold).to_numpy(),
        "engaged": scores["engaged"].fillna(False).to_numpy(dtype=bool),
        "inactive": scores["inactive"].fillna(False).to_numpy(dtype=bool),
        "relevant": (relevance >= relevance_threshold).to_numpy(),
        "irrelevant": np.ones(len(scores), dtype=bool),
    }
    reasons = {
        "likely_fake": f"p_fake >= {fake_threshold:.2f}",
        "engaged": "interacted with the account's posts",
        "inactive": f"no post for more than {inactive_days} days, or never posted",
        "relevant": f"relevance >= {relevance_threshold:.2f}",
        "irrelevant": f"relevance < {relevance_threshold:.2f}",
    }
    has_profile = scores["has_profile"].to_numpy(dtype=bool)
    known_active = scores["inactive"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    judged_real = p_fake.notna().to_numpy()
    rel_known = relevance.notna().to_numpy()
    tests["relevant"] &= known_active & judged_real
    tests["irrelevant"] = ~tests["relevant"] & known_active & judged_real & rel_known
    conditions = [~has_profile & ~tests["engaged"]] + [tests[b] for b in precedence]
    bins = np.select(conditions, [UNKNOWN, *precedence], default=UNKNOWN)
    why = np.select(conditions, ["no profile data and no interaction", *[reasons[b] for b in precedence]],
                    default="")
    unknown_why = np.select([~known_active, ~judged_real, ~rel_known],
                            ["activity unknown (no date of the last post)",
                             "authenticity unknown (no follower, following or post counts)",
                             "nothing to judge relevance on (no bio, location or interests)"], default="")
    why = np.where((bins == UNKNOWN) & (why == ""), unknown_why, why)
    return pd.DataFrame({"bin": pd.Categorical(bins, categories=ALL_BINS),
                         "reason": pd.Categorical(why)}, index=scores.index)
