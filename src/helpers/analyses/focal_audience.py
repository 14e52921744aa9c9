"""The focal account's audience over time: which followers are relevant, daily counts, purges, and how many
relevant followers the account had on each day.

A follower is *relevant* when the quality scores say it is real, active and on topic: bin `engaged` or
`relevant` with a relevance score at or above the scorer's threshold (an engaged follower can be off topic,
so engagement alone does not make it relevant), and *likely fake* when its bin is `likely_fake`. The analyses
see only these scores, on the simulated sample as on real data (so the sample tests the analysis with the
scorer's errors in it); the planted `true_type` is read only when asked for by name (prefer="true_type"), for
checks against the truth. Without scores there are no labels.

Relevant followers on past days are rebuilt from today's follower list by follow date (`followed_at`).
People who have since left are missing from that list, so each past day is scaled up by the account's
daily churn (unfollows / followers, from `follower_counts`, leaving out the purge day, which removed
accounts flagged as spam rather than relevant people).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data.vocabulary import PLATFORM_NAMES

RELEVANT_BINS = ("engaged", "relevant")
FAKE_BIN = "likely_fake"
DEFAULT_RELEVANCE_THRESHOLD = 0.5
PURGE_MIN_SHARE = 0.005  # a purge removes at least 0.5 % of followers in a day ...
PURGE_MIN_ROBUST_Z = 6.0  # ... and is far outside the usual day-to-day changes


@dataclass(frozen=True)
class Labels:
    """Per follower of one account: relevant and likely fake (nullable booleans), and where that came from."""

    frame: pd.DataFrame  # follower_id, followed_at, relevant, fake
    source: str  # "quality scores", "true type (simulated)" or "none"

    @property
    def known(self) -> bool:
        """Whether any follower has a relevance label."""
        return self.source != "none" and bool(self.frame["relevant"].notna().any())


def platform_name(platform: object) -> str:
    """A platform's name as people write it (X, LinkedIn, ...)."""
    return PLATFORM_NAMES.get(str(platform), str(platform))


def focal_account(accounts: pd.DataFrame) -> pd.Series | None:
    """The user's own account (is_focal), the first by id when several are flagged; None when none is."""
    flagged = accounts[accounts["is_focal"].astype("boolean").fillna(False).astype(bool)]
    if flagged.empty:
        return None
    return flagged.sort_values("account_id").iloc[0]


def relevance_threshold(account_quality: pd.DataFrame | None, account_id: str) -> float:
    """The relevance threshold the scores were made with (the scorer's default when unknown)."""
    if account_quality is None or "relevance_threshold" not in account_quality:
        return DEFAULT_RELEVANCE_THRESHOLD
    row = account_quality[account_quality["account_id"] == account_id]["relevance_threshold"].dropna()
    return float(row.iloc[0]) if len(row) else DEFAULT_RELEVANCE_THRESHOLD


def relevance_labels(followers: pd.DataFrame, account_id: str, follower_quality: pd.DataFrame | None = None,
                     threshold: float = DEFAULT_RELEVANCE_THRESHOLD, prefer: str = "auto") -> Labels:
    """Relevant and likely-fake flags for the account's followers, and where they came from.

    prefer="auto" or "scores": the quality scores, else none (an analysis never sees planted labels);
    "true_type": the simulated sample's planted types, for checks against the truth only.
    """
    own = followers[followers["account_id"] == account_id]
    frame = pd.DataFrame({"follower_id": own["follower_id"].astype("string").to_numpy()})
    followed = own["followed_at"] if "followed_at" in own else pd.Series(pd.NaT, index=own.index)
    frame["followed_at"] = pd.to_datetime(followed, utc=True).reset_index(drop=True)
    has_truth = "true_type" in own and bool(own["true_type"].notna().any())
    has_scores = follower_quality is not None and bool((follower_quality["account_id"] == account_id).any())
    if prefer == "true_type" and has_truth:
        types = pd.Series(own["true_type"].to_numpy(), index=frame.index)
        frame["relevant"] = (types == "relevant").astype("boolean").where(types.notna(), pd.NA)
        frame["fake"] = (types == "fake").astype("boolean").where(types.notna(), pd.NA)
        return Labels(frame, "true type (simulated)")
    if prefer in ("auto", "scores") and has_scores:
        scores = follower_quality[follower_quality["account_id"] == account_id]
        scores = scores.drop_duplicates("follower_id").set_index(scores["follower_id"].astype("string"))
        bins = frame["follower_id"].map(scores["bin"].astype("string"))
        relevance = frame["follower_id"].map(scores["relevance"].astype(float))
        judged = bins.notna() & (bins != "unknown")
        relevant = bins.isin(RELEVANT_BINS) & (relevance >= threshold)
        frame["relevant"] = relevant.astype("boolean").where(judged, pd.NA)
        frame["fake"] = (bins == FAKE_BIN).astype("boolean").where(judged, pd.NA)
        return Labels(frame, "quality scores")
    frame["relevant"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    frame["fake"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    return Labels(frame, "none")


def daily_counts(follower_counts: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """The account's follower count on each calendar day (a full daily grid; days not observed are NaN)."""
    own = follower_counts[(follower_counts["account_id"] == account_id) & follower_counts["date"].notna()]
    own = own.assign(date=pd.to_datetime(own["date"]).dt.normalize()).sort_values("date")
    own = own.drop_duplicates("date", keep="last").set_index("date")
    cols = ["followers_count", "new_follows", "unfollows"]
    out = own.reindex(columns=cols).astype("Float64").astype(float)
    out.index = pd.DatetimeIndex(out.index, name="date")
    if len(out) < 2:
        return out
    return out.reindex(pd.date_range(out.index[0], out.index[-1], freq="D", name="date"))


def detect_purge(counts: pd.DataFrame) -> dict | None:
    """The day with the largest one-day drop in followers, if it stands out as a purge; None otherwise.

    A purge here is a one-day drop of at least PURGE_MIN_SHARE of the followers that is more than
    PURGE_MIN_ROBUST_Z robust standard deviations (1.4826 x MAD) below the median day-to-day change.
    """
    if len(counts) < 2:
        return None
    count = counts["followers_count"].dropna()
    count = count.reindex(pd.date_range(count.index.min(), count.index.max(), freq="D"))  # gaps stay gaps
    change = count.diff().dropna()
    if len(change) < 14:
        return None
    day = change.idxmin()
    drop = -float(change.loc[day])
    before = float(count.shift(1).loc[day])
    scale = 1.4826 * float((change - change.median()).abs().median()) or 1.0
    z = (float(change.median()) + drop) / scale
    if drop < PURGE_MIN_SHARE * before or z < PURGE_MIN_ROBUST_Z:
        return None
    return {"date": day, "drop": drop, "followers_before": before, "followers_after": before - drop,
            "share_removed": drop / before, "robust_z": z}


def churn_rate(counts: pd.DataFrame, purge: dict | None = None) -> float:
    """Mean daily share of followers who unfollow, leaving out the purge day; NaN when unfollows are unknown."""
    unfollows = counts["unfollows"]
    if unfollows.isna().all() and counts["new_follows"].notna().any():
        # net change = new - lost, so lost = new - net change
        unfollows = counts["new_follows"] - counts["followers_count"].diff()
    rate = unfollows / counts["followers_count"].shift(1)
    if purge is not None:
        rate = rate.drop(purge["date"], errors="ignore")
    rate = rate.replace([np.inf, -np.inf], np.nan).dropna()
    return float(rate.clip(lower=0).mean()) if len(rate) else float("nan")


def join_dates(labels: Labels) -> pd.Series:
    """Each follower's follow date as a calendar day (UTC), NaT when the source does not say."""
    return labels.frame["followed_at"].dt.tz_convert(None).dt.normalize()


def daily_relevant(labels: Labels, days: pd.DatetimeIndex, counts: pd.DataFrame | None = None,
                   observed: pd.Timestamp | None = None) -> tuple[pd.Series, str]:
    """Relevant followers on each day, rebuilt from today's list by follow date and corrected for churn.

    Returns the series (NaN when it cannot be rebuilt) and one sentence saying how it was made.
    """
    joined = join_dates(labels)
    usable = labels.frame["relevant"].fillna(False).astype(bool) & joined.notna()
    if not labels.known or not joined.notna().any():
        return pd.Series(np.nan, index=days), "not available (no relevance labels or no follow dates)"
    first = days[0]
    per_day = joined[usable].clip(lower=first).value_counts()
    survivors = per_day.reindex(days, fill_value=0).cumsum().astype(float)
    purge = detect_purge(counts) if counts is not None and len(counts) > 1 else None
    rate = churn_rate(counts, purge) if counts is not None and len(counts) > 1 else float("nan")
    end = (observed.tz_convert(None).normalize() if observed is not None and observed.tzinfo
           else observed if observed is not None else days[-1])
    undated = int((labels.frame["relevant"].fillna(False).astype(bool) & joined.isna()).sum())
    left_out = f"; {undated:,} relevant followers without a follow date are left out" if undated else ""
    if np.isfinite(rate):
        ahead = np.asarray((end - days) / pd.Timedelta(days=1), dtype=float).clip(min=0)
        how = (f"rebuilt from today's {int(usable.sum()):,} relevant followers by follow date, scaled up for "
               f"those who left since ({100 * rate:.3f} % of followers unfollow on an average day){left_out}")
        return survivors * np.exp(rate * ahead), how
    how = (f"rebuilt from today's {int(usable.sum()):,} relevant followers by follow date; people who left since "
           f"are missing (no unfollow counts to correct for them){left_out}")
    return survivors, how


def focal_names(account: pd.Series | None) -> tuple[str, str]:
    """The focal account's handle and its platform's name ("" and "" when there is no focal account)."""
    return ("", "") if account is None else (str(account["handle"]), platform_name(account["platform"]))


def estimated(est: object) -> bool:
    """Whether an estimate (or a recorded result) has a finite value."""
    return bool(np.isfinite(est.estimate))
