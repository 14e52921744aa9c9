"""Opening what the user gives: folders, single files and zip archives (extracted safely)."""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from helpers.errors import InputError

# Parts of platform exports that are private: never opened, not even to detect their format. A file or folder
# whose name holds one of these is private, and so is everything below such a folder (X keeps direct-message
# images in data/direct_messages_media/, whose file names alone say nothing).
PRIVATE_NAME_PARTS = ("message", "mail", "phone", "login", "security", "registration", "invitation",
                      "device", "ip_address", "ip-audit", "ip_audit", "ad_targeting", "inferences",
                      "contact", "blocks", "mutes")
MAX_ARCHIVE_BYTES = 4 * 1024**3  # defaults; QVQ_MAX_ARCHIVE_BYTES and QVQ_MAX_ARCHIVE_MEMBERS override them
MAX_ARCHIVE_MEMBERS = 20_000
HEAD_BYTES = 64 * 1024
WORK_PREFIX = "qvq-ingest-"
WORK_NAME = re.compile(rf"^{WORK_PREFIX}(\d+)-")  # qvq-ingest-<pid>-<random>: the pid says whose it is
REDOWNLOAD_ZIP = "Download the export again; the file is damaged or incomplete."


def _limit(name: str, default: int) -> int:
    """A limit from the environment variable `name`, else the default; a bad value is a plain error."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value.replace("_", ""))
    except ValueError:
        raise InputError(name, None, f"is {value!r}, not a whole number",
                         f"Set {name} to a number or unset it.") from None


MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp", ".tif", ".tiff", ".mp4", ".mov",
                  ".m4v", ".webm", ".avi", ".mkv", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".wav"}


def is_media_member(name: str) -> bool:
    """Whether a zip member is a photo, video or sound (X keeps them in data/*_media/): no reader opens them."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.suffix.lower() in MEDIA_SUFFIXES or any(p.lower().endswith("_media") for p in path.parts[:-1])


def _members(zf: zipfile.ZipFile, archive: Path, max_bytes: int, max_members: int) -> list[zipfile.ZipInfo]:
    """The members to extract (no private ones, no media), after refusing bombs, escaping paths and passwords."""
    infos = zf.infolist()
    root = Path("/qvq-archive-root")  # where a member would land, checked without touching the disk
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or not (root / name).resolve().is_relative_to(root):
            raise InputError(archive, f"entry {name!r}", "has an absolute or parent path and was refused",
                             "Archives from the platforms never contain such entries; check its origin.")
    # private parts (messages, e-mail, IP audit ... and every file under such a folder) are never written to disk;
    # nor are photos and videos, which no reader opens and which make a real archive many gigabytes
    members = [i for i in infos if not is_private_member(i.filename) and not is_media_member(i.filename)]
    if len(members) > max_members:
        raise InputError(archive, None, f"holds {len(members):,} files to unpack besides media, over the limit of "
                         f"{max_members:,} (platform exports hold far fewer; this looks like a zip bomb)",
                         "Set QVQ_MAX_ARCHIVE_MEMBERS higher if you trust this archive.")
    total = sum(info.file_size for info in members)
    if total > max_bytes:
        raise InputError(archive, None, f"unpacks to {total:,} bytes besides media, over the limit of {max_bytes:,}",
                         "Set QVQ_MAX_ARCHIVE_BYTES higher if you trust this archive.")
    for info in members:
        if info.flag_bits & 0x1:
            raise InputError(archive, f"entry {info.filename!r}", "is encrypted (the archive was saved with a "
                             "password)", "Export the data again, or zip it again without a password.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            raise InputError(archive, f"entry {info.filename!r}", f"uses a compression method this tool cannot "
                             f"unpack (method {info.compress_type})",
                             "Unzip it yourself and give the folder, or zip it again with ordinary compression.")
    return members


def safe_extract(archive: Path, dest: Path, max_bytes: int | None = None, max_members: int | None = None) -> Path:
    """Extract a zip into dest, refusing bombs, encrypted members and entries that would land outside dest."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(archive, None, f"is not a readable zip archive ({exc})", REDOWNLOAD_ZIP) from exc
    with zf:
        if max_bytes is None:
            max_bytes = _limit("QVQ_MAX_ARCHIVE_BYTES", MAX_ARCHIVE_BYTES)
        if max_members is None:
            max_members = _limit("QVQ_MAX_ARCHIVE_MEMBERS", MAX_ARCHIVE_MEMBERS)
        members = _members(zf, archive, max_bytes, max_members)
        root = dest.resolve()
        try:
            zf.extractall(root, members=members)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise InputError(archive, None, f"could not be extracted ({exc})", REDOWNLOAD_ZIP) from exc
    return dest


def work_root() -> Path:
    """Where ingest extracts archives: $QVQ_TMPDIR, else the system's temporary folder."""
    return Path(os.environ.get("QVQ_TMPDIR") or tempfile.gettempdir())


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reclaim_work_folders(root: Path | None = None) -> list[Path]:
    """Remove the work folders of ingests that died (killed, power cut): those whose pid no longer runs."""
    root = root or work_root()
    removed = []
    try:
        candidates = list(root.iterdir())
    except OSError:
        return removed
    for folder in candidates:
        match = WORK_NAME.match(folder.name)
        if not match or int(match[1]) == os.getpid() or _alive(int(match[1])):
            continue
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def work_folder() -> Path:
    """A new work folder named after this process (qvq-ingest-<pid>-...), so a later run can reclaim it."""
    root = work_root()
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=root))


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


def walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """Every regular file below a folder, sorted, and the private folders met (never entered, contents unlisted).

    Hidden files and folders and macOS metadata are skipped.
    """
    files_out, private = [], []
    for root, dirs, files in os.walk(folder):
        visible = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        private += [Path(root) / d for d in visible if _private_part(d)]
        dirs[:] = [d for d in visible if not _private_part(d)]
        files_out += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return files_out, private


def walk_files(folder: Path) -> list[Path]:
    """Every regular file below a folder, sorted, skipping hidden files, macOS metadata and private folders."""
    return walk(folder)[0]


def _private_part(name: str) -> bool:
    """Whether one file or folder name says it holds private data."""
    lowered = name.lower().replace(" ", "_")
    return any(part in lowered for part in PRIVATE_NAME_PARTS)


def is_private_name(path: Path, root: Path | None = None) -> bool:
    """Whether a file's name, or (given the root it was found under) any folder between, says it is private."""
    if root is None:
        return _private_part(path.name)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    return any(_private_part(part) for part in parts)


def is_private_member(name: str) -> bool:
    """Whether a zip member is private: its name or any folder in its path says so."""
    return any(_private_part(part) for part in PurePosixPath(name.replace("\\", "/")).parts)


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
