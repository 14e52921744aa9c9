"""Activity: a follower is inactive when it has not posted for N days (default 90), a state apart from fake.

inactive is True when the last post is known and older than N days at the time the profile was observed, or
when the profile says the account never posted; False when the last post is recent; null otherwise (nothing
known about when it last posted).
"""

from __future__ import annotations

import pandas as pd

INACTIVE_DAYS = 90


def activity(df: pd.DataFrame, days: int = INACTIVE_DAYS, reference: pd.Timestamp | None = None) -> pd.DataFrame:
    """days_since_last_post and inactive for each follower."""
    index = df.index
    last = pd.to_datetime(df["last_post_at"], utc=True) if "last_post_at" in df.columns else pd.Series(
        pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    seen = pd.to_datetime(df["observed_at"], utc=True) if "observed_at" in df.columns else pd.Series(
        pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    if reference is not None:
        seen = seen.fillna(pd.Timestamp(reference))
    since = ((seen - last).dt.total_seconds() / 86400).clip(lower=0)
    posts = pd.to_numeric(df["posts_count"], errors="coerce").astype("Float64") if "posts_count" in df.columns \
        else pd.Series(pd.NA, index=index, dtype="Float64")
    never = (posts == 0).fillna(False).to_numpy(dtype=bool)
    inactive = pd.Series(pd.NA, index=index, dtype="boolean")
    known = since.notna().to_numpy()
    inactive[known] = (since[known] > days).to_numpy()
    inactive[never] = True
    return pd.DataFrame({"days_since_last_post": since.round(1), "inactive": inactive}, index=index)
