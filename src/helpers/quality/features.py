"""The 20 profile features of BotometerLite (Yang et al., AAAI 2020), from whatever the platform gives.

Counts map from the data model (posts_count -> statuses_count, following_count -> friends_count,
likes_count -> favourites_count). Rates are per day of account age at the time the profile was observed
(age clipped to at least one day). A feature whose input is unknown is NaN, never 0: a pseudonymised handle
(h_ + 16 hex digits) or a cleared display name says nothing about the name's shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = {"statuses_count": "posts_count", "followers_count": "followers_count",
          "friends_count": "following_count", "favourites_count": "likes_count", "listed_count": "listed_count"}
# Twitter v1.1 flags that only some sources give; the data model has no column for the first two.
FLAGS = {"default_profile": "default_profile", "profile_use_background_image": "profile_use_background_image",
         "verified": "verified"}
RATES = {"tweet_freq": "statuses_count", "followers_growth_rate": "followers_count",
         "friends_growth_rate": "friends_count", "favourites_growth_rate": "favourites_count",
         "listed_growth_rate": "listed_count"}
NAME_FEATURES = ["screen_name_length", "num_digits_in_screen_name", "name_length", "num_digits_in_name",
                 "screen_name_likelihood"]
FEATURES = [*COUNTS, *FLAGS, *RATES, "followers_friends_ratio", "screen_name_length",
            "num_digits_in_screen_name", "name_length", "num_digits_in_name", "description_length",
            "screen_name_likelihood"]
# Profile fields beyond BotometerLite's 20 that most labelled sets and sources give; candidates for the model,
# kept only if they help on collections left out of training (training.select_features).
EXTRA = {"default_profile_image": "default_avatar"}
CANDIDATES = [*FEATURES, *EXTRA]

PSEUDONYM = r"^h_[0-9a-f]{16}$"
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
OTHER = len(ALPHABET)  # code of any other character
SYMBOLS = len(ALPHABET) + 1
MAX_HANDLE = 32


def _numeric(df: pd.DataFrame, column: str) -> pd.Series:
    """A column as float64 with NaN for unknown (absent column: all NaN)."""
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    col = df[column]
    if pd.api.types.is_bool_dtype(col.dtype) or str(col.dtype) == "boolean":
        col = col.astype("Float64")
    return pd.to_numeric(col, errors="coerce").astype("Float64").astype("float64")


def _no_text(df: pd.DataFrame) -> pd.Series:
    """An all-unknown text column."""
    return pd.Series(pd.NA, index=df.index, dtype="string")


def local_handle(handles: pd.Series) -> pd.Series:
    """The user part of a handle ('@alice', 'alice@host', 'alice.bsky.social' -> 'alice'), null if pseudonymised."""
    s = handles.astype("string").str.strip().str.lstrip("@")
    s = s.where(~s.str.match(PSEUDONYM, na=False))
    return s.str.split("@", n=1).str[0].str.split(".", n=1).str[0].str.lower()


def _codes(handles: pd.Series) -> np.ndarray:
    """Handles as a (n, MAX_HANDLE) array of character codes, -1 past the end."""
    filled = handles.fillna("").str.slice(0, MAX_HANDLE).to_numpy(dtype=object)
    raw = np.array(filled, dtype=f"<U{MAX_HANDLE}").view(np.uint32).reshape(len(filled), MAX_HANDLE)
    lookup = np.full(0x110000 if raw.size and raw.max() >= 128 else 128, OTHER, dtype=np.int16)
    for i, ch in enumerate(ALPHABET):
        lookup[ord(ch)] = i
    codes = lookup[raw].astype(np.int16)
    codes[raw == 0] = -1
    return codes


def fit_bigrams(handles: pd.Series) -> np.ndarray:
    """Log-probabilities of character bigrams in handles (add-one smoothed), as a flat array: aggregate
    counts only, from which no handle can be read back."""
    codes = _codes(local_handle(handles).dropna())
    first, second = codes[:, :-1], codes[:, 1:]
    valid = (first >= 0) & (second >= 0)
    counts = np.bincount((first * SYMBOLS + second)[valid], minlength=SYMBOLS * SYMBOLS).astype(float)
    return np.log((counts + 1) / (counts.sum() + SYMBOLS * SYMBOLS))


def screen_name_likelihood(local: pd.Series, log_probs: np.ndarray) -> pd.Series:
    """Geometric mean of a local handle's bigram probabilities (BotometerLite); NaN below two characters."""
    codes = _codes(local)
    first, second = codes[:, :-1], codes[:, 1:]
    valid = (first >= 0) & (second >= 0)
    logp = np.where(valid, log_probs[np.clip(first * SYMBOLS + second, 0, None)], 0.0)
    n = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(logp.sum(axis=1) / n)
    out[(n == 0) | local.isna().to_numpy()] = np.nan
    return pd.Series(out, index=local.index)


def account_age_days(df: pd.DataFrame, reference: pd.Timestamp | None) -> pd.Series:
    """Days from creation to when the profile was observed (observed_at, else the reference), at least 1."""
    if "created_at" not in df.columns:
        return pd.Series(np.nan, index=df.index)
    created = pd.to_datetime(df["created_at"], utc=True)
    seen = pd.to_datetime(df["observed_at"], utc=True) if "observed_at" in df.columns else None
    if reference is not None:
        at = pd.Timestamp(reference)
        ref = pd.Series(at, index=df.index) if seen is None else seen.fillna(at)
    else:
        ref = seen if seen is not None else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    return ((ref - created).dt.total_seconds() / 86400).clip(lower=1.0)


def botometer_lite(df: pd.DataFrame, reference: pd.Timestamp | None = None,
                   bigram_log_probs: np.ndarray | None = None) -> pd.DataFrame:
    """The 20 BotometerLite features of each profile (NaN where the platform does not give the input)."""
    out = pd.DataFrame(index=df.index)
    for name, column in COUNTS.items():
        out[name] = _numeric(df, column)
    for name, column in FLAGS.items():
        out[name] = _numeric(df, column)
    age = account_age_days(df, reference)
    for name, count in RATES.items():
        out[name] = out[count] / age
    out["followers_friends_ratio"] = out["followers_count"] / out["friends_count"].clip(lower=1)
    handle = local_handle(df["handle"]) if "handle" in df.columns else _no_text(df)
    name = df["display_name"].astype("string") if "display_name" in df.columns else _no_text(df)
    out["screen_name_length"] = handle.str.len().astype("Float64").astype("float64")
    out["num_digits_in_screen_name"] = handle.str.count(r"\d").astype("Float64").astype("float64")
    out["name_length"] = name.str.len().astype("Float64").astype("float64")
    out["num_digits_in_name"] = name.str.count(r"\d").astype("Float64").astype("float64")
    bio = df["bio"].astype("string") if "bio" in df.columns else _no_text(df)
    out["description_length"] = bio.str.len().astype("Float64").astype("float64")
    table = bigram_log_probs if bigram_log_probs is not None else fit_bigrams(handle)
    out["screen_name_likelihood"] = screen_name_likelihood(handle, table)
    return out[FEATURES]


def profile_features(df: pd.DataFrame, reference: pd.Timestamp | None = None,
                     bigram_log_probs: np.ndarray | None = None) -> pd.DataFrame:
    """The 20 BotometerLite features and the EXTRA candidates (NaN where the source does not give the input)."""
    out = botometer_lite(df, reference, bigram_log_probs)
    for name, column in EXTRA.items():
        out[name] = _numeric(df, column)
    return out[CANDIDATES]
