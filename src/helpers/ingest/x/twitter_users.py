"""Tables of Twitter API v1.1 user objects (CSV, JSONL or a JSON array) -> the followers of one placeholder account.

This is the layout of the public bot-detection datasets (Cresci et al.'s MIB `users.csv`, and lists saved from
the users/lookup or followers/list endpoints), so that anyone can score and audit such a list. The file does
not say whose followers these are: they become the followers of the account given with `--set account=NAME`
(default "users_table"). Label columns (is_fake, dataset, label, ...) and the v1.1 flags the data model has no
column for (default_profile, profile_use_background_image, lang) are kept as extra columns.

Options (`--set KEY=VALUE`): account=NAME; observed_at=DATE when the profiles were collected (default: an
`updated`/`crawled_at` column, else the time of ingest); blank_booleans=auto|false|null. The MIB export writes
true flags as 1 and false ones as blanks; with `auto`, a CSV that never writes an explicit false (0/false) has
its blank flags read as false, and otherwise blanks stay unknown.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common import delimited
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import head_text, read_text

FORMAT = "twitter_users"
LABEL = "a table of Twitter v1.1 user objects (CSV or JSON)"
SCOPE = "file"

REQUIRED = {"screen_name", "followers_count", "friends_count", "statuses_count"}
ID_KEYS = ("id_str", "id")
COUNTS = {"followers_count": "followers_count", "friends_count": "following_count",
          "statuses_count": "posts_count", "listed_count": "listed_count", "favourites_count": "likes_count"}
TEXTS = {"screen_name": "handle", "name": "display_name", "description": "bio", "location": "location",
         "url": "url"}
FLAGS = {"default_profile_image": "default_avatar", "verified": "verified", "protected": "protected"}
EXTRA_FLAGS = ("default_profile", "profile_use_background_image")
EXTRA_TEXTS = ("lang",)
LABELS = ("is_fake", "dataset", "label", "labels", "is_bot", "bot", "class", "account_type", "target")
OBSERVED_KEYS = ("observed_at", "crawled_at", "collected_at", "updated")
TRUE, FALSE = {"1", "true", "t", "yes", "y"}, {"0", "false", "f", "no", "n"}
V11_TIME = "%a %b %d %H:%M:%S %z %Y"
MIB_TIME = "%d-%m-%Y %H.%M"  # the MIB dump's `updated` column, e.g. 14-02-2015 10.54
DEFAULT_ACCOUNT = "users_table"


def _csv_header(path: Path) -> delimited.Header | None:
    """The header line of a v1.1 users table, if the file is one."""
    header = delimited.find_header(delimited.head_lines(path), REQUIRED)
    return header if header is not None and any(k in header.columns for k in ID_KEYS) else None


def _is_user(obj: object) -> bool:
    """Whether a decoded JSON value is a v1.1 user object."""
    return isinstance(obj, dict) and set(obj) >= REQUIRED and any(k in obj for k in ID_KEYS)


def detect(path: Path) -> bool:
    """A CSV whose header has id and the v1.1 names screen_name, followers_count, friends_count, statuses_count;
    or JSON lines / a JSON array of objects with those keys."""
    if delimited.is_private_name(path):
        return False
    text = head_text(path).lstrip()
    if text.startswith("{"):
        try:
            return _is_user(json.loads(text.split("\n", 1)[0]))
        except (json.JSONDecodeError, RecursionError):  # nested too deeply to be a user object
            return False
    if text.startswith("["):
        first = text[:4096]
        return all(f'"{k}"' in first for k in REQUIRED) and '"public_metrics"' not in first
    return _csv_header(path) is not None


def _count(value: object) -> int | None:
    """A non-negative count; None when blank."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "NULL")):
        return None
    number = float(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number != int(number) or number < 0:
        raise ValueError(f"count {value!r} is not a non-negative whole number")
    return int(number)


def _flag(value: object, blank: bool | None) -> bool | None:
    """A v1.1 boolean written as true/false, 1/0 or (MIB) 1/blank."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in ("", "null", "none"):
        return blank
    if text in TRUE or text in FALSE:
        return text in TRUE
    if re.fullmatch(r"[01]\.0", text):
        return text == "1.0"
    raise ValueError(f"flag {value!r} is not true/false")


def _time(value: object) -> pd.Timestamp | None:
    """A timestamp in v1.1 ("Fri Apr 06 10:58:22 +0000 2007"), MIB or ISO form; None when blank."""
    text = "" if value is None else str(value).strip()
    if text in ("", "NULL"):
        return None
    for fmt in (V11_TIME, MIB_TIME):
        try:
            stamp = pd.Timestamp(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    try:
        stamp = pd.Timestamp(text)
    except ValueError as exc:
        raise ValueError(f"time {text!r} is not a date") from exc
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _text(record: dict, key: str) -> str | None:
    """A text field: absent is unknown (None); present but blank or null is known to be empty."""
    if key not in record:
        return None
    value = record[key]
    return "" if value is None else str(value).strip()


def _url(record: dict) -> str | None:
    """The profile URL, expanded when the object carries its entities."""
    try:
        return record["entities"]["url"]["urls"][0]["expanded_url"] or _text(record, "url")
    except (KeyError, IndexError, TypeError):
        return _text(record, "url")


def _row(record: dict, blank: bool | None, observed: pd.Timestamp) -> dict:
    """One follower row from one user object; ValueError says why a record cannot be used."""
    uid = next((str(record[k]).strip() for k in ID_KEYS if record.get(k) not in (None, "")), "")
    if not uid:
        raise ValueError("no id")
    row: dict = {"follower_id": uid}
    row.update({col: _text(record, key) for key, col in TEXTS.items()})
    row["url"] = _url(record)
    row.update({col: _count(record.get(key)) for key, col in COUNTS.items()})
    row.update({col: _flag(record.get(key), blank) if key in record else None for key, col in FLAGS.items()})
    row.update({key: _flag(record.get(key), blank) if key in record else None for key in EXTRA_FLAGS})
    row["created_at"] = _time(record.get("created_at"))
    status = record.get("status")
    row["last_post_at"] = _time(status.get("created_at")) if isinstance(status, dict) else None
    seen = next((record[k] for k in OBSERVED_KEYS if record.get(k) not in (None, "")), None)
    row["observed_at"] = _time(seen) or observed
    for key in (*EXTRA_TEXTS, *LABELS):
        if key in record:
            row[key] = None if record[key] in (None, "") else str(record[key]).strip()
    return row


def _json_records(path: Path, result: ReadResult) -> list[tuple[str, object]]:
    """(location, decoded value) of every user in a JSON-lines file or JSON array."""
    text = read_text(path)
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"line {exc.lineno}", f"is not valid JSON ({exc.msg})",
                             "Save the list again; the file looks cut or damaged.") from exc
        except RecursionError as exc:
            raise InputError(path, None, "nests JSON too deeply to be a list of user objects",
                             "Give the list of users as the API returned it.") from exc
        return [(f"item {i}", item) for i, item in enumerate(items)]
    out: list[tuple[str, object]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            out.append((f"line {n}", json.loads(line)))
        except json.JSONDecodeError as exc:
            result.read_counts["followers"] = result.read_counts.get("followers", 0) + 1
            result.reject(path, f"line {n}", "followers", f"not valid JSON ({exc.msg})", line)
        except RecursionError:
            result.read_counts["followers"] = result.read_counts.get("followers", 0) + 1
            result.reject(path, f"line {n}", "followers", "JSON nested too deeply to be a user object", line[:500])
    return out


def _csv_records(path: Path, header: delimited.Header, result: ReadResult) -> list[tuple[str, object]]:
    """(location, record dict) of every data row of a users CSV; rows of the wrong width are rejected."""
    columns = [c.strip().lower() for c in header.columns]
    out: list[tuple[str, object]] = []
    for line_no, fields in delimited.records(path, delimited.whole_lines(path), header, label=LABEL):
        if len(fields) != len(columns):
            result.read_counts["followers"] = result.read_counts.get("followers", 0) + 1
            result.reject(path, f"line {line_no}", "followers",
                          f"{len(fields)} fields where the header has {len(columns)}", ",".join(fields))
            continue
        out.append((f"line {line_no}", dict(zip(columns, fields, strict=False))))
    return out


def _blank_rule(records: list[tuple[str, object]], option: str) -> tuple[bool | None, bool]:
    """What a blank flag means in a CSV: (value for blanks, whether the MIB convention was applied)."""
    if option == "false":
        return False, False
    if option == "null":
        return None, False
    keys = [*FLAGS, *EXTRA_FLAGS]
    explicit_false = any(str(rec.get(k, "")).strip().lower() in FALSE for _, rec in records
                         if isinstance(rec, dict) for k in keys)
    return (None, False) if explicit_false else (False, True)


def _read_file(path: Path, ctx: Context, observed: pd.Timestamp, result: ReadResult) -> list[dict]:
    """The follower rows of one file, rejecting records that cannot be used."""
    header = None if head_text(path).lstrip()[:1] in ("{", "[") else _csv_header(path)
    records = _csv_records(path, header, result) if header is not None else _json_records(path, result)
    blank, mib = (None, False)
    if header is not None:
        blank, mib = _blank_rule(records, str(ctx.options.get("blank_booleans", "auto")).lower())
        if mib:
            result.notes.append(f"{path.name}: flags are written as 1 or blank (the MIB export's convention), "
                                "so blank flags were read as false; pass --set blank_booleans=null to keep them "
                                "unknown")
    rows = []
    for where, record in records:
        result.read_counts["followers"] = result.read_counts.get("followers", 0) + 1
        if not _is_user(record) and header is None:
            result.reject(path, where, "followers", "not a v1.1 user object (no id, screen_name and counts)",
                          json.dumps(record)[:500] if not isinstance(record, str) else record)
            continue
        try:
            rows.append(_row(record, blank, observed))
        except (ValueError, TypeError, OverflowError) as exc:
            result.reject(path, where, "followers", str(exc), json.dumps(record, default=str)[:500])
    return rows


def _observed(ctx: Context) -> pd.Timestamp:
    """When the profiles were collected: --set observed_at, else the time of ingest."""
    given = ctx.options.get("observed_at")
    if not given:
        return pd.Timestamp(ctx.observed_at)
    try:
        return _time(given)
    except ValueError as exc:
        raise InputError("--set observed_at", None, f"{given!r} is not a date", "Write it as YYYY-MM-DD.") from exc


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Extra columns with clear types: flags boolean, labels integer when every value is a whole number."""
    for key in EXTRA_FLAGS:
        if key in df.columns:
            df[key] = df[key].astype("boolean")
    for key in (*EXTRA_TEXTS, *LABELS):
        if key in df.columns:
            numeric = pd.to_numeric(df[key], errors="coerce")
            whole = numeric.notna().eq(df[key].notna()).all() and (numeric.dropna() % 1 == 0).all()
            df[key] = numeric.astype("Int64") if whole and key in LABELS else df[key].astype("string")
    return df


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Every user of the given files as followers of one placeholder account."""
    result = ReadResult()
    account = str(ctx.options.get("account") or DEFAULT_ACCOUNT)
    observed = _observed(ctx)
    rows = [row for path in paths for row in _read_file(path, ctx, observed, result)]
    followers = _typed(pd.DataFrame(rows))
    if len(followers):
        followers.insert(0, "account_id", account)
        followers["platform"] = "x"
        followers["followed_back"] = pd.NA
        followers["sample_weight"] = 1.0
    result.tables["followers"] = followers
    result.read_counts.setdefault("followers", 0)
    result.notes.append(f"users table read as the followers of placeholder account '{account}' "
                        "(the file does not say whose followers they are)")
    return result
