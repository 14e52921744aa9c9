"""The labelled relevance check file: followers a person labels by hand, so the scorer's errors can be measured.

The check is a CSV in the dataset's folder, `relevance_check.csv`, one row per follower drawn at random from the
judged followers (`draw`). The person labelling sees the profile, never the scorer's call, and fills in:

- `relevant`: yes when the follower is a real, active person or organisation whose profile is on the account's
  topics (interests.toml), no otherwise (off topic, inactive, fake); blank when unsure (the row is left out);
- `fake` (optional): yes when the follower looks like a fake or automated account, no when not, blank when unsure.

`python -m helpers relevance-check --dataset NAME` writes the file to fill in; it is the user's file from then on
(a later rewrite of the dataset keeps it, and the command never overwrites it). The simulated sample writes its
own, labelled from the planted types, as a person with perfect judgement would. helpers.quality.relevance_check
measures the scorer against it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError

FILE = "relevance_check.csv"
N_DEFAULT = 300  # followers to label: about 100 relevant ones at the sample's share, enough for se ± 0.1
LABELS = ("relevant", "fake")
YES, NO = {"yes", "y", "1", "true"}, {"no", "n", "0", "false"}
PROFILE = ["handle", "display_name", "bio", "location", "url"]
KEYS = ["account_id", "follower_id"]


def draw(followers: pd.DataFrame, n: int = N_DEFAULT, seed: int = 0,
         follower_quality: pd.DataFrame | None = None) -> pd.DataFrame:
    """A uniform random sample of n followers (of the judged ones when follower_quality is given), with their
    profile and blank label columns; never the scorer's calls, which would sway the person labelling."""
    pool = followers[KEYS].drop_duplicates()
    if follower_quality is not None:
        pool = follower_quality.loc[follower_quality["bin"].astype(str) != "unknown", KEYS].drop_duplicates()
    picked = pool.sample(n=min(n, len(pool)), random_state=seed)
    profile = [c for c in PROFILE if c in followers.columns]
    out = picked.merge(followers[[*KEYS, *profile]].drop_duplicates(KEYS), on=KEYS, how="left")
    return out.assign(**{label: "" for label in LABELS}).reset_index(drop=True)


def _label(value: object, path: Path, line: int, column: str) -> float:
    """yes -> 1, no -> 0, blank -> NaN; anything else is an error naming the file and line."""
    text = "" if pd.isna(value) else str(value).strip().lower()
    if not text:
        return np.nan
    if text in YES or text in NO:
        return float(text in YES)
    raise InputError(path, f"line {line}, column {column}", f"expected yes, no or blank, found {value!r}",
                     "Fix the label and run again.")


def read(path: Path, followers: pd.DataFrame) -> pd.DataFrame:
    """The rows of a check file: account_id, follower_id, relevant and fake as 1/0/NaN (NaN: blank, unsure).

    Errors name the file and line: a missing column, a label other than yes/no/blank, a follower the dataset
    does not list, or a follower labelled twice.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"a CSV file ({exc})", "Save it as CSV (UTF-8) and run again.") from exc
    missing = [c for c in [*KEYS, "relevant"] if c not in raw.columns]
    if missing:
        raise InputError(path, "line 1", f"columns {', '.join(KEYS)} and relevant (missing: {', '.join(missing)})",
                         "Draw a new file with `python -m helpers relevance-check`, or add the columns.")
    out = raw[KEYS].copy()
    for label in LABELS:
        column = raw[label] if label in raw.columns else pd.Series("", index=raw.index)
        out[label] = [_label(v, path, i + 2, label) for i, v in enumerate(column)]
    listed = pd.MultiIndex.from_frame(followers[KEYS].astype(str))
    unknown = ~pd.MultiIndex.from_frame(out[KEYS]).isin(listed)
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise InputError(path, f"line {i + 2}", f"a follower the dataset lists, found account "
                         f"{out.at[i, 'account_id']!r}, follower {out.at[i, 'follower_id']!r}",
                         "Label followers from a file drawn from this dataset.")
    twice = out.duplicated(KEYS, keep="first").to_numpy()
    if twice.any():
        raise InputError(path, f"line {int(np.flatnonzero(twice)[0]) + 2}", "each follower once, found one "
                         "labelled twice", "Keep one row per follower.")
    return out
