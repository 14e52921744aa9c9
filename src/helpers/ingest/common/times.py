"""Turning the date strings of exports into UTC instants, or None when a string is not a date."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def parse_utc(value: object, formats: tuple[str, ...] = ()) -> pd.Timestamp | None:
    """An ISO 8601 string (or one of the given strptime formats) as a UTC Timestamp; None if not a date.

    A time without a zone is taken as UTC: the exports read here write UTC or do not say.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in formats:
        try:
            return _in_range(dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC))
        except ValueError:
            continue
    try:
        return _in_range(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        return None


def _in_range(when: dt.datetime) -> pd.Timestamp:
    """A datetime as a UTC Timestamp in nanoseconds; ValueError when outside the years 1678-2261."""
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return pd.Timestamp(when).as_unit("ns")
