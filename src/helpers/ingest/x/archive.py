"""Reader of an X/Twitter account archive (zip or extracted folder): the focal account, its posts,
followers and followed accounts.

Files are opened by allow-list only (manifest, account, profile, tweets/tweet and their parts, follower,
following); direct messages, e-mail, phone, IP audit, devices and the rest are never opened. The archive's
follower and following lists hold bare account ids, so those profiles stay null. Mentions of the account are
not in an archive, so it gives no interactions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.x import archive_files as files
from helpers.ingest.x import archive_tweets as tweets
from helpers.ingest.x import values as xv

FORMAT = "x_archive"
LABEL = "an X/Twitter account archive (zip or folder)"
SCOPE = "folder"
ROW_ERRORS = tweets.ROW_ERRORS


def detect(path: Path) -> bool:
    """Whether a folder is (or holds, one level down) an X archive's data folder."""
    try:
        return bool(files.data_dirs(Path(path)))
    except OSError:
        return False


def _add(result: ReadResult, table: str, rows: int) -> None:
    """Count rows read for a table (several archives may be read in one call)."""
    result.read_counts[table] = result.read_counts.get(table, 0) + rows


def _one_record(path: Path, name: str, result: ReadResult, table: str | None) -> dict:
    """The record of a one-record file (account.js, profile.js); with a table, every other row is rejected."""
    shown = str(path)
    rows = files.rows_of(files.load(path, shown), shown)
    found: dict = {}
    for i, row in enumerate(rows):
        try:
            record = files.unwrap(row, name)
        except ValueError as exc:
            if table:
                result.reject(shown, f"{shown}[{i}]", table, str(exc), row)
            continue
        if found and table:
            result.reject(shown, f"{shown}[{i}].{name}", table, "a second account record; the first was kept", row)
        found = found or record
    if table:
        _add(result, table, len(rows))
    return found


def _manifest(folder: Path) -> tuple[dict, pd.Timestamp | None]:
    """The archive's userInfo and its generation time (None when there is no manifest.js)."""
    path = folder / "manifest.js"
    if not path.is_file():
        return {}, None
    shown = str(path)
    value = files.load(path, shown)
    if not isinstance(value, dict):
        raise InputError(shown, None, "does not hold the archive manifest object", files.REDOWNLOAD)
    user = value.get("userInfo") if isinstance(value.get("userInfo"), dict) else {}
    info = value.get("archiveInfo") if isinstance(value.get("archiveInfo"), dict) else {}
    try:
        generated = xv.utc(info.get("generationDate"))
    except ROW_ERRORS:
        generated = None
    return user, generated


def _account(folder: Path, root: Path, user: dict, observed: pd.Timestamp, result: ReadResult) -> dict:
    """The focal account row from account.js and profile.js (or the manifest's userInfo)."""
    single = files.allowed(folder)
    account = _one_record(single["account.js"], "account", result, "accounts") if "account.js" in single else {}
    profile = _one_record(single["profile.js"], "profile", result, None) if "profile.js" in single else {}
    account_id = account.get("accountId") or user.get("accountId")
    if not (isinstance(account_id, (str, int)) and str(account_id).strip().isdigit()):
        raise InputError(str(root), None, "names no account: neither data/account.js nor data/manifest.js "
                         "gives an accountId", "Give the whole archive folder or zip as X delivered it.")
    if not account:
        _add(result, "accounts", 1)  # the row comes from the manifest alone
    description = profile.get("description") if isinstance(profile.get("description"), dict) else {}
    try:
        created = xv.utc(account.get("createdAt"))
    except ROW_ERRORS:
        created = None
    return {
        "account_id": xv.post_id(account_id), "platform": "x",
        "handle": _string(account.get("username") or user.get("userName")),
        "display_name": _string(account.get("accountDisplayName") or user.get("displayName")),
        "bio": _string(description.get("bio")), "url": _string(description.get("website")),
        "location": _string(description.get("location")), "created_at": created,
        "is_focal": True, "observed_at": observed,
    }


def _string(value: object) -> str | None:
    """A profile text with X's HTML escapes undone; blank or non-text values are unknown."""
    return xv.text(value) if isinstance(value, str) and value.strip() else None


def _ids(path: Path, name: str, table: str, result: ReadResult) -> list[str]:
    """The account ids listed in follower.js or following.js; unusable and repeated rows are rejected."""
    shown = str(path)
    rows = files.rows_of(files.load(path, shown), shown)
    _add(result, table, len(rows))
    ids: dict[str, int] = {}
    for i, row in enumerate(rows):
        try:
            account_id = xv.post_id(files.unwrap(row, name).get("accountId"))
        except ROW_ERRORS as exc:
            result.reject(shown, f"{shown}[{i}].{name}", table, f"no usable accountId: {exc}", row)
            continue
        if account_id in ids:
            result.reject(shown, f"{shown}[{i}].{name}", table, f"account {account_id} already listed at "
                          f"{shown}[{ids[account_id]}]", row)
            continue
        ids[account_id] = i
    return list(ids)


def _network(folder: Path, focal: str, observed: pd.Timestamp, result: ReadResult) -> dict:
    """The followers and following tables (bare ids; followed_back from following.js, unknown without it)."""
    single = files.allowed(folder)
    out = {}
    following = None
    if "following.js" in single:
        following = _ids(single["following.js"], "following", "following", result)
        out["following"] = pd.DataFrame({"account_id": focal, "followed_id": following, "platform": "x",
                                         "observed_at": observed})
    if "follower.js" in single:
        followers = _ids(single["follower.js"], "follower", "followers", result)
        known = set(following or [])
        back = [f in known if following is not None else None for f in followers]
        out["followers"] = pd.DataFrame({"account_id": focal, "follower_id": followers, "platform": "x",
                                         "followed_back": pd.array(back, dtype="boolean"), "sample_weight": 1.0,
                                         "observed_at": observed})
    return out


def _read_one(root: Path, folder: Path, ctx: Context, result: ReadResult) -> dict[str, pd.DataFrame]:
    """All tables of one archive (its data folder inside root)."""
    user, generated = _manifest(folder)
    observed = generated or ctx.observed_at
    account = _account(folder, root, user, observed, result)
    focal = account["account_id"]
    tables = {"accounts": pd.DataFrame([account])}
    parts = []
    for path in files.tweet_files(folder):
        shown = str(path)
        posts = tweets.read_file(path, shown, result)
        _add(result, "posts", posts.rows)
        parts.append(posts)
    if parts:
        tables["posts"] = tweets.finish(parts, focal, observed)
    tables.update(_network(folder, focal, observed, result))
    if "followers" in tables and generated is not None:
        tables["follower_counts"] = pd.DataFrame([{
            "account_id": focal, "date": generated.tz_convert("UTC").tz_localize(None).normalize(),
            "followers_count": len(tables["followers"]), "source": "x_archive follower.js"}])
        _add(result, "follower_counts", 1)
    return tables


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read the archives in the given folders (usually one unzipped archive) into canonical tables."""
    result = ReadResult()
    collected: dict[str, list[pd.DataFrame]] = {}
    for root in map(Path, paths):
        folders = files.data_dirs(root)
        if not folders:
            raise InputError(str(root), None, "holds no X archive data folder (data/manifest.js, "
                             "data/account.js or data/tweets.js)", "Give the archive zip or the folder it unpacks to.")
        for folder in folders:  # several archives side by side are all read; the pipeline rejects repeats
            for table, frame in _read_one(root, folder, ctx, result).items():
                collected.setdefault(table, []).append(frame)
    result.tables = {t: pd.concat(frames, ignore_index=True) for t, frames in collected.items()}
    return result


def inputs(root: Path) -> list[Path]:
    """The files this reader opens (its allow-list), for the manifest; no other file is touched."""
    return [p for folder in files.data_dirs(root)
            for p in [*files.tweet_files(folder), *files.allowed(folder).values()]]
