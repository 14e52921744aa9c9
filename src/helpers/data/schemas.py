"""The canonical tables of DATA_MODEL.md as pandera schemas, and a function that conforms a frame to them."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from helpers.data.vocabulary import CHANNELS

STR, INT, FLOAT, BOOL = "string", "Int64", "float64", "boolean"
TS = "datetime64[ns, UTC]"  # timezone-aware UTC instants
DAY = "datetime64[ns]"  # calendar dates, stored as midnight without a zone
LIST = "object"  # list of strings

POST_KINDS = ["post", "reply", "repost", "quote"]
INTERACTION_KINDS = ["like", "reply", "repost", "quote", "mention"]

PROFILE = {
    "handle": STR, "display_name": STR, "bio": STR, "location": STR, "url": STR, "created_at": TS,
    "followers_count": INT, "following_count": INT, "posts_count": INT, "listed_count": INT,
}

COLUMNS: dict[str, dict[str, str]] = {
    "accounts": {
        "account_id": STR, "platform": STR, **PROFILE,
        "verified": BOOL, "is_focal": BOOL, "observed_at": TS,
    },
    "followers": {
        "account_id": STR, "follower_id": STR, "platform": STR, **PROFILE,
        "likes_count": INT, "last_post_at": TS, "default_avatar": BOOL, "verified": BOOL, "protected": BOOL,
        "followed_back": BOOL, "followed_at": TS, "sample_weight": FLOAT, "observed_at": TS,
    },
    "following": {
        "account_id": STR, "followed_id": STR, "platform": STR, "handle": STR,
        "followed_at": TS, "observed_at": TS,
    },
    "posts": {
        "post_id": STR, "account_id": STR, "platform": STR, "created_at": TS, "text": STR, "kind": STR,
        "lang": STR, "link_urls": LIST, "has_link": BOOL, "likes": INT, "reposts": INT, "replies": INT,
        "quotes": INT, "bookmarks": INT, "impressions": INT, "engagements": INT, "url_clicks": INT,
        "profile_clicks": INT, "new_follows": INT, "observed_at": TS,
    },
    "follower_counts": {
        "account_id": STR, "date": DAY, "followers_count": INT, "new_follows": INT, "unfollows": INT,
        "source": STR,
    },
    "traffic": {
        "site": STR, "date": DAY, "channel": STR, "source": STR, "medium": STR, "campaign": STR,
        "page": STR, "sessions": INT, "users": INT, "pageviews": INT,
    },
    "interactions": {
        "account_id": STR, "post_id": STR, "actor_id": STR, "kind": STR, "created_at": TS,
    },
    "rejects": {
        "source_file": STR, "location": STR, "table": STR, "reason": STR, "raw": STR,
    },
}

KEYS: dict[str, list[str]] = {
    "accounts": ["account_id"],
    "followers": ["account_id", "follower_id"],
    "following": ["account_id", "followed_id"],
    "posts": ["post_id"],
    "follower_counts": ["account_id", "date"],
}

REQUIRED: dict[str, list[str]] = {
    "accounts": ["account_id", "platform"],
    "followers": ["account_id", "follower_id"],
    "following": ["account_id", "followed_id"],
    "posts": ["post_id", "account_id"],
    "follower_counts": ["account_id", "date"],
    "traffic": ["channel", "sessions"],
    "interactions": ["account_id", "kind"],
    "rejects": ["source_file", "reason"],
}

ALLOWED: dict[tuple[str, str], list[str]] = {
    ("posts", "kind"): POST_KINDS,
    ("traffic", "channel"): CHANNELS,
    ("interactions", "kind"): INTERACTION_KINDS,
}

NON_NEGATIVE = {c for cols in COLUMNS.values() for c, t in cols.items() if t == INT}
TABLES = [t for t in COLUMNS if t != "rejects"]


def _column(table: str, name: str, dtype: str) -> pa.Column:
    """One pandera column with the checks the data model states."""
    checks = []
    if (table, name) in ALLOWED:
        checks.append(pa.Check.isin(ALLOWED[(table, name)]))
    if dtype == INT and name in NON_NEGATIVE:
        checks.append(pa.Check.ge(0))
    if name == "sample_weight":
        checks.append(pa.Check.gt(0))
    nullable = name not in REQUIRED.get(table, [])
    return pa.Column(dtype, checks=checks, nullable=nullable, coerce=False)


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one canonical table."""
    cols = {name: _column(table, name, dtype) for name, dtype in COLUMNS[table].items()}
    unique = KEYS.get(table)
    return pa.DataFrameSchema(cols, strict=False, unique=unique, report_duplicates="exclude_first",
                              name=table)


SCHEMAS = {t: schema(t) for t in COLUMNS}


def empty(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and types."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in COLUMNS[table].items()})


def _as_list(value: object) -> list[str]:
    """A list of strings from a list, array, single string or null."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [str(v) for v in list(value)]
    return []


def _coerce(series: pd.Series, dtype: str) -> pd.Series:
    """Cast a column to its canonical type, keeping unknown values as null."""
    if dtype == TS:
        out = pd.to_datetime(series, utc=True, errors="raise", format="mixed") if len(series) else series
        return out.astype(TS) if len(series) else pd.Series(dtype=TS, index=series.index)
    if dtype == DAY:
        if len(series) == 0:
            return pd.Series(dtype=DAY, index=series.index)
        out = pd.to_datetime(series, errors="raise", format="mixed")
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.dt.normalize().astype(DAY)
    if dtype == LIST:
        return series.map(_as_list).astype(object)
    if dtype == BOOL:
        return series.astype("boolean")
    if dtype == INT:
        numbers = pd.to_numeric(series, errors="raise") if series.dtype == object else series
        return numbers.astype("Int64")
    return series.astype(dtype)


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Add missing canonical columns as nulls, cast to canonical types, canonical columns first."""
    out = df.copy()
    for name, dtype in COLUMNS[table].items():
        if name not in out.columns:
            if dtype == LIST:
                out[name] = pd.Series([[] for _ in range(len(out))], index=out.index, dtype=object)
            else:
                missing = float("nan") if dtype == FLOAT else pd.NA
                out[name] = pd.Series([missing] * len(out), index=out.index, dtype=dtype)
        else:
            try:
                out[name] = _coerce(out[name], dtype)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"table {table}, column {name}: cannot be read as {dtype} ({exc})") from exc
    extra = [c for c in out.columns if c not in COLUMNS[table]]
    return out[list(COLUMNS[table]) + extra].reset_index(drop=True)


def validate(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Conform and validate one table; raise pandera's error listing every failing check."""
    return SCHEMAS[table].validate(conform(table, df), lazy=True)
