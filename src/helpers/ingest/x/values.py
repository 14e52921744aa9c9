"""Turning values as X and its tools export them (string counts, dates, links, status ids) into canonical ones."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path

import pandas as pd

# A status link names the author's handle and the post id; X has used all of these hosts.
STATUS_URL = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)",
                        re.IGNORECASE)
URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids count milliseconds from this instant
FIRST_SNOWFLAKE = 2**22 * 1000  # ids below this predate snowflakes (Nov 2010) and encode no time
MISSING = {"", "-", "na", "n/a", "nan", "null", "none"}
ARCHIVE_TIME = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"


def _whole(value: float) -> int | None:
    """A float count as an int; NaN is None."""
    if math.isnan(value):
        return None
    if not value.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def _spelled(value: object) -> int | None:
    """The number a count written as text spells ("1,234", "12", "12.0"); blank is None."""
    text = str(value).strip().replace(",", "")
    if text.lower() in MISSING:
        return None
    try:
        return int(text)
    except ValueError:
        pass  # perhaps a float such as "12.0"
    try:
        as_float = float(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a count") from None
    if not as_float.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(as_float)


def count(value: object) -> int | None:
    """A non-negative whole count from an int, a float like 12.0 or a string like "12" or "12.0"; blank is None."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a count")
    if value is None:
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = _whole(value)
    else:
        number = _spelled(value)
    if number is not None and number < 0:
        raise ValueError(f"{value!r} is negative")
    return number


def counts(values: dict[str, str], columns: dict[str, str]) -> dict[str, int | None]:
    """The counts of a CSV row by canonical name (columns maps export column to canonical); errors name the column."""
    out = {}
    for column, canonical in columns.items():
        try:
            out[canonical] = count(values.get(column))
        except ValueError as exc:
            raise ValueError(f"column {column!r}: {exc}") from None
    return out


def post_id(value: object) -> str:
    """A post or account id as a string of digits; anything else raises ValueError."""
    if isinstance(value, bool) or value is None:
        raise ValueError("the id is missing")
    text = str(value).strip()
    if isinstance(value, float) or not text.isdigit():
        raise ValueError(f"id {text[:40]!r} is not a string of digits")
    return text


def optional_id(value: object) -> str | None:
    """An optional id (of a replied-to or quoted post, or of a user) as a string; blank is None."""
    if value is None or (isinstance(value, str) and value.strip().lower() in MISSING):
        return None
    return post_id(value)


def snowflake_time(value: str) -> pd.Timestamp | None:
    """The UTC instant encoded in a snowflake id (posts since November 2010), or None for older ids."""
    number = int(value)
    if number < FIRST_SNOWFLAKE:
        return None
    return pd.Timestamp((number >> 22) + TWITTER_EPOCH_MS, unit="ms", tz="UTC")


def text(value: object) -> str | None:
    """Post text with X's HTML escapes (&amp; &lt; &gt;) undone; None stays None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("the text is not a string")
    return html.unescape(value) if "&" in value else value


def urls_in(value: str | None) -> list[str]:
    """Every http(s) link written in a text, trailing punctuation removed."""
    if not value:
        return []
    return [u.rstrip(".,;:!?)…") for u in URL.findall(value)]


def status_handle(url: object) -> str | None:
    """The author's handle in a status link like https://x.com/NAME/status/ID, or None."""
    match = STATUS_URL.search(str(url or ""))
    return match.group(1) if match else None


def archive_times(values: list[object]) -> pd.Series:
    """Parse X's "Wed Oct 10 20:19:24 +0000 2018" times to UTC; unreadable ones become NaT."""
    series = pd.Series(values, dtype=object)
    return pd.to_datetime(series, format=ARCHIVE_TIME, utc=True, errors="coerce")


def utc(value: object) -> pd.Timestamp | None:
    """An ISO-8601 instant (as the API and tools write it) as a UTC timestamp; blank is None."""
    if value is None or (isinstance(value, str) and value.strip().lower() in MISSING):
        return None
    if not isinstance(value, (str, dt.datetime)):
        raise ValueError(f"{str(value)[:40]!r} is not a date and time")
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


DAY_FORMATS = ("%a, %b %d, %Y", "%a %b %d %Y", "%Y-%m-%d", "%b %d, %Y", "%d %b %Y", "%m/%d/%Y")


def day(value: object) -> pd.Timestamp:
    """A calendar date written as X's analytics write it ("Tue, Feb 18, 2025", "Mon Feb 17 2025", ISO)."""
    raw = str(value or "").strip()
    for fmt in DAY_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(raw, fmt))
        except ValueError:
            continue
    raise ValueError(f"date {raw[:40]!r} is not in a known format")


def handle_from_name(path: Path, pattern: re.Pattern) -> str | None:
    """The account handle a file name carries (e.g. tweet_activity_metrics_NAME_...), or None."""
    match = pattern.match(Path(path).name)
    return match.group(1) if match else None
