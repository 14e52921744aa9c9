"""A hand-kept monthly log of X analytics (rOpenSci's `twitter_metrics_monthly_<handle>.csv` layout).

Columns: commit_date, date, month, followers, new_followers, tweets, tweet_impressions, profile_visits, mentions;
missing values are `NA`. Each row was copied on `date` from analytics.twitter.com: `followers` is the count
seen that day, `new_followers` the gross new followers of the month named in `month` (the month before `date`).
A row whose `month` is not the month before its `date` cannot be placed in time and is rejected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.ingest.common import csv_records as _csv_records
from helpers.ingest.common.base import ReadResult
from helpers.ingest.x import values as xv

COLUMNS = {"date", "month", "followers", "new_followers"}
NAME = re.compile(r"^twitter_metrics_monthly_([A-Za-z0-9_]{1,15})\.csv$", re.IGNORECASE)
SOURCE = "manual monthly log"
ROW_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)


def matches(path: Path) -> bool:
    """Whether a CSV has the monthly log's columns (and none of the per-tweet export's)."""
    names = {n.lower() for n in _csv_records.header(path)}
    return names >= COLUMNS and "tweet id" not in names


def handle(path: Path) -> str | None:
    """The account handle in the log's file name, if it follows the twitter_metrics_monthly_NAME.csv pattern."""
    return xv.handle_from_name(path, NAME)


def _row(values: dict[str, str]) -> dict:
    """One log row as a follower_counts row; raises ValueError when it cannot be placed or read."""
    date = xv.day(values["date"])
    month = values["month"].strip()[:3].title()
    expected = (date - pd.DateOffset(months=1)).strftime("%b")
    if month != expected:
        raise ValueError(f"month {values['month']!r} is not the month before {date.date()} ({expected}); "
                         "the row cannot be placed in time (a typing error in date or month?)")
    return {"date": date, **xv.counts(values, {"followers": "followers_count", "new_followers": "new_follows"}),
            "source": SOURCE}


def read(path: Path, account_id: str, shown: str, result: ReadResult) -> pd.DataFrame:
    """follower_counts rows of one log; unusable rows go to rejects."""
    names, rows = _csv_records.records(path, "a monthly log of X analytics")
    lower = [n.lower() for n in names]
    out, seen = [], {}
    read = 0
    for location, fields in rows:
        read += 1
        values = dict(zip(lower, fields, strict=False))
        try:
            if len(fields) != len(names):
                raise ValueError(f"row has {len(fields)} fields, the header {len(names)}")
            row = _row(values)
        except ROW_ERRORS as exc:
            result.reject(shown, location, "follower_counts", str(exc), ",".join(fields))
            continue
        if row["date"] in seen:
            result.reject(shown, location, "follower_counts", f"date {row['date'].date()} already given at "
                          f"{seen[row['date']]}", ",".join(fields))
            continue
        seen[row["date"]] = location
        out.append({"account_id": account_id, **row})
    result.read_counts["follower_counts"] = result.read_counts.get("follower_counts", 0) + read
    frame = pd.DataFrame(out, columns=["account_id", "date", "followers_count", "new_follows", "source"])
    return frame.astype({"followers_count": "Int64", "new_follows": "Int64"})
