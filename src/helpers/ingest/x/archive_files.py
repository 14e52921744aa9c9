"""Finding an X archive's data folder and reading its `window.YTD.<name>.partN = [...]` files, by allow-list only.

Only the files named here are ever opened. Direct messages, e-mail, phone numbers, IP audit, devices,
login history and everything else in the archive stay unread.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common.sources import HEAD_BYTES, is_private_name, sniff_encoding

SINGLE = ("manifest.js", "account.js", "profile.js", "follower.js", "following.js")
TWEETS = re.compile(r"^tweets?(?:-part(\d+))?\.js$")  # tweets.js (2022+), tweet.js (older), and split parts
MARKERS = ("manifest.js", "account.js", "tweets.js", "tweet.js", "tweets-part1.js", "tweet-part1.js")
WRAPPER = re.compile(r"\A\s*window\.[A-Za-z_$][\w$.]*\s*=\s*")
WRAPPER_BYTES = re.compile(WRAPPER.pattern.encode())
REDOWNLOAD = ("The archive file is damaged or was cut short; download your archive again from X "
              "(Settings, Your account, Download an archive of your data).")


def _is_data_dir(folder: Path) -> bool:
    """Whether a folder holds an archive's data files (a marker file whose text starts like X's)."""
    for name in MARKERS:
        path = folder / name
        if path.is_file():
            try:
                with open(path, "rb") as fh:
                    start = fh.read(256)
            except OSError:
                continue
            decoded = start.decode(sniff_encoding(start), errors="ignore").lstrip("\ufeff \t\r\n")
            if decoded.startswith(("window.YTD.", "window.__THAR_CONFIG")):
                return True
    return False


def data_dirs(root: Path) -> list[Path]:
    """The archives' data folders: root/data or root itself, else every one a level down (root/X/data or root/X)."""
    if not root.is_dir():
        return []
    for candidate in (root / "data", root):
        if candidate.is_dir() and _is_data_dir(candidate):
            return [candidate]
    try:
        children = sorted(p for p in root.iterdir()
                          if p.is_dir() and not p.name.startswith((".", "__MACOSX")) and not is_private_name(p))
    except OSError:
        return []
    found = []
    for child in children:
        found += next(([c] for c in (child / "data", child) if c.is_dir() and _is_data_dir(c)), [])
    return found


def tweet_files(folder: Path) -> list[Path]:
    """The tweets files of an archive (tweets.js or tweet.js, then their parts in order)."""
    found = [p for p in folder.iterdir() if p.is_file() and TWEETS.match(p.name)]
    return sorted(found, key=lambda p: (int(TWEETS.match(p.name).group(1) or 0), p.name))


def allowed(folder: Path) -> dict[str, Path]:
    """The allow-listed single files present, by name."""
    return {name: folder / name for name in SINGLE if (folder / name).is_file()}


def decode(path: Path, data: bytes) -> str:
    """A file's bytes as text, by its sniffed encoding (UTF-8, BOM, UTF-16)."""
    return data.decode(sniff_encoding(data[:HEAD_BYTES]), errors="replace").lstrip("\ufeff")


def json_start(text: str) -> int:
    """Where the JSON value starts: after a `window.NAME = ` wrapper, or at the first character."""
    match = WRAPPER.match(text)
    return match.end() if match else len(text) - len(text.lstrip())


def place(text: str, pos: int) -> str:
    """A character offset as 'line L, column C'."""
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def load(path: Path, shown: str) -> object:
    """The JSON value of one archive file; a damaged file raises one InputError naming the file and place."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, None, f"could not be opened ({exc.strerror or exc})", "Check its permissions.") from exc
    if not data.strip():
        raise InputError(shown, None, "is empty", REDOWNLOAD)
    text = decode(path, data)
    start = json_start(text)
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise InputError(shown, place(text, exc.pos), f"is not complete JSON ({exc.msg})", REDOWNLOAD) from exc
    except RecursionError as exc:
        raise InputError(shown, None, "nests JSON too deeply to be an X archive file", REDOWNLOAD) from exc
    rest = text[end:].strip().rstrip(";").strip()
    if rest:
        raise InputError(shown, place(text, end), "has more text after its JSON value", REDOWNLOAD)
    return value


def rows_of(value: object, shown: str) -> list:
    """The list a YTD file holds; anything else raises InputError."""
    if not isinstance(value, list):
        raise InputError(shown, None, "does not hold a list of records (expected `window.YTD.NAME.partN = [...]`)",
                         REDOWNLOAD)
    return value


def unwrap(row: object, name: str) -> dict:
    """A record's object, whether wrapped ({"tweet": {...}}) or not (older archives)."""
    if isinstance(row, dict) and isinstance(row.get(name), dict):
        return row[name]
    if isinstance(row, dict) and name not in row:
        return row
    raise ValueError(f"record is not an object with a '{name}' object")
