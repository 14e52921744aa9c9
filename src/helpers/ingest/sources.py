"""Opening what the user gives: folders, single files and zip archives (extracted safely)."""

from __future__ import annotations

import codecs
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from helpers.errors import InputError

# Parts of platform exports that are private: never opened, not even to detect their format.
PRIVATE_NAME_PARTS = ("message", "mail", "phone", "login", "security", "registration", "invitation",
                      "device", "ip_address", "ip-audit", "ip_audit", "ad_targeting", "inferences",
                      "contact", "blocks", "mutes")
MAX_ARCHIVE_BYTES = int(os.environ.get("QVQ_MAX_ARCHIVE_BYTES", 4 * 1024**3))
HEAD_BYTES = 64 * 1024


def safe_extract(archive: Path, dest: Path, max_bytes: int = MAX_ARCHIVE_BYTES) -> Path:
    """Extract a zip into dest, refusing oversize archives and entries that would land outside dest."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise InputError(archive, None, f"is not a readable zip archive ({exc})",
                         "Download the export again; the file is damaged or incomplete.") from exc
    with zf:
        total = sum(info.file_size for info in zf.infolist())
        if total > max_bytes:
            raise InputError(archive, None, f"unpacks to {total:,} bytes, over the limit of {max_bytes:,}",
                             "Set QVQ_MAX_ARCHIVE_BYTES higher if you trust this archive.")
        root = dest.resolve()
        for info in zf.infolist():
            name = info.filename
            target = (root / name).resolve()
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or not target.is_relative_to(root):
                raise InputError(archive, f"entry {name!r}", "has an absolute or parent path and was refused",
                                 "Archives from the platforms never contain such entries; check its origin.")
        # private parts (messages, e-mail, IP audit ...) are never written to disk, let alone read
        members = [i for i in zf.infolist() if not is_private_name(Path(i.filename))]
        try:
            zf.extractall(root, members=members)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(archive, None, f"could not be extracted ({exc})",
                             "Download the export again; the file is damaged or incomplete.") from exc
    return dest


def head(path: Path, n: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file, for format detection."""
    with open(path, "rb") as fh:
        return fh.read(n)


def sniff_encoding(data: bytes) -> str:
    """The encoding of a text file from its BOM, else UTF-8 (cp1252 when UTF-8 fails)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) > 3 and data[1:4:2] == b"\x00\x00" and data[0] != 0:
        return "utf-16-le"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:  # a cut multi-byte character at the end of the head is fine
            return "cp1252"
    return "utf-8"


def head_text(path: Path, n: int = HEAD_BYTES) -> str:
    """The first characters of a text file, decoded by its sniffed encoding."""
    data = head(path, n)
    return data.decode(sniff_encoding(data), errors="ignore")


def read_text(path: Path) -> str:
    """A whole text file, decoded by its sniffed encoding, with newlines normalised."""
    data = path.read_bytes()
    return data.decode(sniff_encoding(data[:HEAD_BYTES]), errors="replace").replace("\r\n", "\n")


def walk_files(folder: Path) -> list[Path]:
    """Every regular file below a folder, sorted, skipping hidden files and macOS metadata."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        out += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return out


def is_private_name(path: Path) -> bool:
    """Whether a file's name says it holds private data (messages, e-mail, phone, logins, IP audit)."""
    name = path.name.lower().replace(" ", "_")
    return any(part in name for part in PRIVATE_NAME_PARTS)


def json_lines(path: Path, redownload: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) for each non-blank line of a JSONL file; a broken line is a clear error."""
    text = read_text(path).lstrip("\ufeff")
    if not text.strip():
        raise InputError(path, None, "is empty", redownload)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"line {number}, column {exc.colno}", f"is not complete JSON ({exc.msg})",
                             redownload) from exc
        except RecursionError as exc:
            raise InputError(path, f"line {number}", "nests JSON too deeply", redownload) from exc
