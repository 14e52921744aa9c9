"""Keyed-hash pseudonyms for third parties; the key stays on the user's machine, outside git."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data import atomic


def load_key(path: Path | None = None) -> bytes:
    """Read the local pseudonymisation key, creating it (0600) on first use."""
    path = Path(path or os.environ.get("QVQ_PSEUDONYM_KEY") or paths.PSEUDONYM_KEY)
    if not path.exists():
        with atomic.replacing(path) as tmp:  # private before it gets its name
            tmp.write_text(secrets.token_hex(32))
            os.chmod(tmp, 0o600)
    return bytes.fromhex(path.read_text().strip())


def pseudonym(value: object, key: bytes, prefix: str = "p_") -> str | None:
    """A stable pseudonym for one identifier (None stays None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    digest = hmac.new(key, str(value).strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return prefix + digest[:16]


def pseudonymise_column(series: pd.Series, key: bytes, prefix: str = "p_") -> pd.Series:
    """Pseudonymise every value of a column, keeping nulls."""
    return series.map(lambda v: pseudonym(v, key, prefix)).astype("string")


# Profile fields that identify a third party; cleared (not hashed) when pseudonymising.
IDENTIFYING = ["handle", "display_name", "url"]


def pseudonymise_tables(tables: dict[str, pd.DataFrame], key: bytes) -> dict[str, pd.DataFrame]:
    """Replace third parties' ids and handles in followers, following and interactions."""
    out = dict(tables)
    id_cols = {"followers": ["follower_id"], "following": ["followed_id"], "interactions": ["actor_id"]}
    for table, cols in id_cols.items():
        if table not in out:
            continue
        df = out[table].copy()
        for col in cols:
            if col in df.columns:
                df[col] = pseudonymise_column(df[col], key)
        for col in IDENTIFYING:
            if col in df.columns:
                df[col] = pseudonymise_column(df[col], key, prefix="h_") if col == "handle" else pd.Series(
                    pd.NA, index=df.index, dtype="string")
        out[table] = df
    return out
