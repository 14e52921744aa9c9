"""Replacing a dataset folder safely: only one this tool wrote, under a lock, crash-safe, leftovers reclaimed.

A dataset folder is replaced by swapping in a finished sibling folder. Where the system can (Linux
renameat2 with RENAME_EXCHANGE) the swap is one atomic step; elsewhere it is two renames, and a crash between
them is repaired by the next run, which restores the old dataset. Everything happens under a file lock beside
the folder, so a second writer stops with a plain sentence instead of silently winning.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from helpers.errors import DatasetError

MANIFEST = "manifest.json"
FORMAT = "qvq-dataset"  # the marker in manifest.json that says this tool wrote the folder
FORMAT_VERSION = 1
USER_FILES = ("interests.toml", "relevance_check.csv")  # a user's own files in a dataset folder: kept when the
# tool replaces it (interests.toml; the labelled relevance check, helpers.data.relevance_check)
PARTIAL = ".qvq-partial"  # marks a sibling folder being written, so a later run knows it may remove it
_LOCKS: dict[Path, filelock.FileLock] = {}


def marker() -> dict:
    """The manifest fields that mark a folder as a dataset written by this tool."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION}


def _manifest(folder: Path) -> dict | None:
    """A folder's manifest as a dict, or None when it has none or it is not JSON."""
    try:
        value = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def is_ours(folder: Path) -> bool:
    """Whether a folder is a dataset this tool wrote: its manifest carries the marker."""
    manifest = _manifest(folder)
    return bool(manifest) and manifest.get("format") == FORMAT and isinstance(manifest.get("format_version"), int)


def _strangers(folder: Path) -> list[str]:
    """Entries of a dataset folder that its manifest does not list: someone else put them there."""
    listed = set((_manifest(folder) or {}).get("files", [])) | {MANIFEST, *USER_FILES}
    return sorted(p.name for p in folder.iterdir() if p.name not in listed)


def user_files(folder: Path, written: list[str]) -> list[Path]:
    """The user's own files in a dataset folder (e.g. interests.toml) that a new version must carry over."""
    return [folder / n for n in USER_FILES if n not in written and (folder / n).is_file()]


def refusal(target: Path) -> str | None:
    """Why the tool must not write a dataset at target, in one sentence; None when it may."""
    if target.is_symlink():
        return f"{target} is a symbolic link; give a new folder's real path instead (nothing was changed)"
    if not target.exists():
        return None
    if not target.is_dir():
        return f"{target} exists and is a file, not a dataset written by this tool; choose a new folder"
    real, cwd = target.resolve(), Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        return f"{target} is the current folder or holds it; choose a new folder for the dataset"
    if not any(target.iterdir()):
        return None
    if not is_ours(target):
        return f"{target} exists and is not a dataset written by this tool; choose a new folder (nothing was changed)"
    strangers = _strangers(target)
    if strangers:
        shown = ", ".join(strangers[:5]) + (" …" if len(strangers) > 5 else "")
        return (f"{target} holds files this tool did not write ({shown}); move them out or choose a new folder "
                "(nothing was changed)")
    return None


def _lock_for(target: Path) -> filelock.FileLock:
    """The one lock object of a dataset folder in this process (reentrant).

    Lock files live in a per-user folder of the temporary directory, not beside the dataset: nothing is left
    in the user's folders, and a lock only has to outlive the processes that hold it.
    """
    real = target.parent.resolve() / target.name
    key = _lock_dir() / f"{hashlib.sha256(os.fsencode(real)).hexdigest()[:32]}.lock"
    if key not in _LOCKS:
        _LOCKS[key] = filelock.FileLock(key)
    return _LOCKS[key]


def _lock_dir() -> Path:
    """The folder of this user's dataset locks."""
    folder = Path(os.environ.get("QVQ_LOCK_DIR") or Path(tempfile.gettempdir()) / f"qvq-locks-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@contextmanager
def _held(target: Path, then: str) -> Iterator[None]:
    """Hold a dataset folder's lock, or stop at once with a plain sentence when another run holds it."""
    lock = _lock_for(target)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        raise DatasetError(f"{target} is being written by another run of this tool right now; wait for it to "
                           f"finish, then {then}") from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def claim(target: Path) -> Iterator[Path]:
    """Hold a dataset folder for writing: refuse folders the tool did not write, lock it, repair leftovers."""
    reason = refusal(target)
    if reason:
        raise DatasetError(reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _held(target, "run the command again"):
        recover(target)
        reason = refusal(target)  # checked again under the lock: another run may have written meanwhile
        if reason:
            raise DatasetError(reason)
        yield target


def _siblings(target: Path) -> list[Path]:
    """The temporary and old sibling folders that a write of target leaves behind when it is killed."""
    name = glob.escape(target.name)
    return sorted(target.parent.glob(f".{name}.tmp-*")) + sorted(target.parent.glob(f".{name}.old"))


def recover(target: Path) -> None:
    """Repair what a killed write left: restore the old dataset if none is in place, remove the rest (locked)."""
    if not target.parent.is_dir():
        return
    leftovers = [p for p in _siblings(target) if p.is_dir() and ((p / PARTIAL).exists() or is_ours(p))]
    old = target.parent / f".{target.name}.old"
    if not target.exists() and old in leftovers:
        os.replace(old, target)
        leftovers.remove(old)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def recover_unlocked(target: Path) -> None:
    """Recover a dataset that a killed write left missing, if no other run holds it right now."""
    with _held(target, "try again"):
        recover(target)


def has_leftovers(target: Path) -> bool:
    """Whether a killed write left sibling folders that recover() would act on."""
    return target.parent.is_dir() and any(_siblings(target))


def new_sibling(target: Path) -> Path:
    """A fresh, marked temporary folder beside target, on the same file system so it can be swapped in."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    (tmp / PARTIAL).touch()
    return tmp


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # a file system without exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(a))


def swap_into_place(tmp: Path, target: Path) -> None:
    """Put a finished folder at target; at every instant the old or the new dataset is there (caller holds the lock)."""
    (tmp / PARTIAL).unlink(missing_ok=True)
    if not target.exists():
        os.replace(tmp, target)
        return
    if os.environ.get("QVQ_NO_RENAME_EXCHANGE") != "1" and _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old dataset
        return
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)  # a crash here leaves .old, which the next run's recover() puts back
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
