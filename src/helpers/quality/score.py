"""Score a dataset's followers (authenticity, activity, relevance, reciprocity, engagement, bin) and summarise
each studied account (bin shares with CIs, reciprocity, NQI); `score_dataset` adds both tables to the dataset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.data import dataset
from helpers.errors import DatasetError
from helpers.quality import model as authenticity
from helpers.quality import ties
from helpers.quality.account import account_quality
from helpers.quality.activity import INACTIVE_DAYS, activity
from helpers.quality.bins import PRECEDENCE, RELEVANCE_THRESHOLD, assign_bins
from helpers.quality.calibration import ErrorRates, error_rates_from_counts
from helpers.quality.features import profile_features
from helpers.quality.interests import Interests, resolve_interests
from helpers.quality.nqi import nqi_with_ci
from helpers.quality.reasons import follower_reasons, reasons_by_account
from helpers.quality.relevance import RelevanceParams, relevance
from helpers.quality.rules import rule_verdicts

# Profile fields that say something about the follower (a pseudonymised handle alone says nothing).
PROFILE_FIELDS = ["bio", "location", "created_at", "followers_count", "following_count", "posts_count",
                  "listed_count", "likes_count", "last_post_at", "default_avatar", "verified"]
NO_INTERESTS = Interests()  # relevance from the account's own posts only (frozen, so one shared default is safe)


@dataclass(frozen=True)
class ScoreOptions:
    """Thresholds of the scoring (the defaults are documented in bins.py, activity.py and nqi.py)."""

    inactive_days: int = INACTIVE_DAYS
    fake_threshold: float | None = None  # None: the model's own threshold
    relevance_threshold: float = RELEVANCE_THRESHOLD
    precedence: tuple[str, ...] = tuple(PRECEDENCE)
    relevance: RelevanceParams = field(default_factory=RelevanceParams)
    reasons: bool = True  # the reasons in words per account (reports); the world bank, which reads none, skips them


@dataclass
class ScoreResult:
    """The two score tables and what the user should know about how they were made."""

    follower_quality: pd.DataFrame
    account_quality: pd.DataFrame
    notes: list[str]


def reference_time(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """When the profiles were seen: the latest observed_at of followers or accounts, else now."""
    seen = [pd.to_datetime(tables[t]["observed_at"], utc=True).max() for t in ("followers", "accounts")
            if t in tables and "observed_at" in tables[t].columns and len(tables[t])]
    seen = [s for s in seen if pd.notna(s)]
    return max(seen) if seen else pd.Timestamp(dt.datetime.now(dt.UTC))


def has_profile(followers: pd.DataFrame) -> pd.Series:
    """Whether anything is known of each follower's profile."""
    cols = [c for c in PROFILE_FIELDS if c in followers.columns]
    if not cols:
        return pd.Series(False, index=followers.index)
    return followers[cols].notna().any(axis=1)


def _references(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Each account's own texts: its posts and its bio."""
    refs: dict[str, list[str]] = {}
    posts = tables.get("posts")
    if posts is not None and len(posts):
        for account, texts in posts.dropna(subset=["text"]).groupby("account_id")["text"]:
            refs[account] = texts.astype(str).tolist()
    accounts = tables.get("accounts")
    if accounts is not None and len(accounts) and "bio" in accounts.columns:
        for account, bio in zip(accounts["account_id"], accounts["bio"], strict=True):
            if isinstance(bio, str) and bio.strip():
                refs.setdefault(account, []).append(bio)
    return refs


def _own_locations(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Each account's own location, where known."""
    accounts = tables.get("accounts")
    if accounts is None or not len(accounts) or "location" not in accounts.columns:
        return {}
    return {a: loc for a, loc in zip(accounts["account_id"], accounts["location"], strict=True) if isinstance(loc, str)}


def follower_scores(followers: pd.DataFrame, tables: dict[str, pd.DataFrame], interests: Interests,
                    options: ScoreOptions, model: authenticity.AuthenticityModel, fake_threshold: float
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row of scores and a bin per follower, the authenticity features behind p_fake)."""
    reference = reference_time(tables)
    features = profile_features(followers, reference, model.bigram_log_probs)
    scores = pd.DataFrame({
        "account_id": followers["account_id"].astype("string"),
        "follower_id": followers["follower_id"].astype("string"),
        "p_fake": authenticity.predict_p_fake(model, features),
        "features_known": features.notna().sum(axis=1).astype("int64"),
    })
    scores = scores.join(rule_verdicts(followers, reference))
    scores = scores.join(activity(followers, options.inactive_days, reference))
    scores = scores.join(relevance(followers, _references(tables), interests, _own_locations(tables),
                                   options.relevance))
    scores = scores.join(ties.interactions(followers, tables.get("interactions")))
    scores["followed_back"] = ties.followed_back(followers, tables.get("following"))
    weight = followers["sample_weight"] if "sample_weight" in followers.columns else None
    scores["sample_weight"] = 1.0 if weight is None else \
        pd.to_numeric(weight, errors="coerce").fillna(1.0).astype("float64")
    scores["has_profile"] = has_profile(followers)
    scores = scores.join(assign_bins(scores, fake_threshold, options.relevance_threshold, options.inactive_days,
                                     list(options.precedence)))
    flagged = scores["bin"].astype(str).eq("likely_fake").to_numpy()
    scores = scores.join(follower_reasons(model, features, scores, flagged))
    return scores, features


def model_error_rates(model: authenticity.AuthenticityModel, fake_threshold: float) -> ErrorRates | None:
    """The error rates measured for the model's likely-fake call, if it carries them and the threshold is its."""
    counts = getattr(model, "error_counts", None)
    if not counts or fake_threshold != model.threshold:
        return None
    return error_rates_from_counts(counts, model.threshold)


def score_tables(tables: dict[str, pd.DataFrame], interests: Interests = NO_INTERESTS,
                 options: ScoreOptions = ScoreOptions(), model: authenticity.AuthenticityModel | None = None
                 ) -> ScoreResult:
    """Score the followers of every account in a set of canonical tables."""
    followers = tables.get("followers")
    if followers is None or not len(followers):
        raise DatasetError("the dataset has no followers to score; ingest a followers list or a users table first")
    followers = followers.reset_index(drop=True)
    if not has_profile(followers).any():
        raise DatasetError("the followers in this dataset carry no profile (no counts, dates, bio or location: an "
                           "X archive's follower.js, for one, lists ids only), so there is nothing to judge them on; "
                           "add their profiles, e.g. a table of v1.1 user objects via `python -m helpers ingest`")
    model = model or authenticity.load()
    fake_threshold = model.threshold if options.fake_threshold is None else options.fake_threshold
    scores, features = follower_scores(followers, tables, interests, options, model, fake_threshold)
    rates = model_error_rates(model, fake_threshold)
    summary = account_quality(scores, rates, fake_threshold).merge(nqi_with_ci(scores), on="account_id", how="left")
    summary["fake_threshold"] = fake_threshold
    summary["relevance_threshold"] = options.relevance_threshold
    summary["inactive_days"] = options.inactive_days
    summary["fake_reasons_summary"] = (reasons_by_account(scores, features, summary["account_id"]) if options.reasons
                                       else "")
    return ScoreResult(scores, summary, _notes(scores, interests, features, rates))


def _notes(scores: pd.DataFrame, interests: Interests, features: pd.DataFrame, rates: ErrorRates | None = None
           ) -> list[str]:
    """What the user should know about the inputs that were missing."""
    notes = [interests.describe()]
    if rates is None:
        notes.append("no measured error rates for this threshold or model: the fake share is not corrected")
    else:
        notes.append(f"likely-fake call on collections the model never saw: sensitivity {rates.sensitivity:.0%} "
                     f"[{rates.sensitivity_ci[0]:.0%}, {rates.sensitivity_ci[1]:.0%}], specificity "
                     f"{rates.specificity:.0%} [{rates.specificity_ci[0]:.0%}, {rates.specificity_ci[1]:.0%}]; "
                     "share_fake_corrected corrects each account's share for them (Rogan-Gladen)")
    if scores["relevance"].isna().all():
        notes.append("relevance unknown for every follower: no interests file, no posts or bio of the account, or "
                     "no bio or location of the followers")
    if interests.ignored:
        notes.append(f"interests keys ignored (not one of topics, keywords, places, languages): "
                     f"{', '.join(interests.ignored)}")
    missing = [c for c in features.columns if features[c].isna().all()]
    if missing:
        notes.append(f"authenticity features unknown for every follower (left missing, not 0): {', '.join(missing)}")
    no_p = int(scores["p_fake"].isna().sum())
    if no_p:
        notes.append(f"{no_p:,} follower(s) have no follower/following/post counts: p_fake left null")
    if scores["interactions"].isna().all():
        notes.append("no interactions in the dataset: nobody can be binned 'engaged'")
    if scores["followed_back"].isna().all():
        notes.append("reciprocity unknown (no followed_back and no following list): NQI leaves it out")
    unknown = scores["bin"] == "unknown"
    if unknown.any():
        why = scores.loc[unknown, "reason"].astype(str).value_counts()
        notes.append(f"{int(unknown.sum()):,} follower(s) could not be judged (bin 'unknown'; shares are over the "
                     f"{int((~unknown).sum()):,} judged): " + "; ".join(f"{k:,} {r}" for r, k in why.items()))
    return notes


def score_dataset(name: str | Path, interests: str | Path | None = None, options: ScoreOptions = ScoreOptions(),
                  write: bool = True) -> ScoreResult:
    """Score a dataset and (by default) add follower_quality and account_quality to it."""
    ds = dataset.load(name)
    chosen = resolve_interests(interests, ds.path)
    result = score_tables(ds.tables, chosen, options)
    if write:
        note = (f"scored {len(result.follower_quality):,} followers on "
                f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}: {chosen.describe()}")
        dataset.add_tables(ds.path, {"follower_quality": result.follower_quality,
                                     "account_quality": result.account_quality}, note)
    return result


def score_if_needed(name: str | Path) -> str:
    """Score a dataset that has no follower_quality yet; say in words what was done (nothing, scored, or why not)."""
    ds = dataset.load(name)
    if "follower_quality" in ds.tables:
        return f"{ds.name} is already scored (follower_quality present); nothing to do"
    try:
        result = score_dataset(ds.path)
    except DatasetError as exc:
        return f"{ds.name} not scored: {exc} (the analyses that need follower quality will say so)"
    return (f"scored the {len(result.follower_quality):,} followers of {ds.name} "
            "(follower_quality and account_quality added)")
