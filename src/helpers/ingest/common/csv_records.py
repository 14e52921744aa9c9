"""CSV exports read with the csv module: encoding sniffed (BOM, UTF-16), quoted multi-line fields kept whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common.sources import head_text, read_text


def header(path: Path) -> list[str]:
    """The first row of a CSV file (from its first bytes), names stripped; [] when unreadable."""
    try:
        first = next(csv.reader(io.StringIO(head_text(path, 16 * 1024))), [])
    except (OSError, csv.Error, UnicodeError):
        return []
    return [name.strip().lstrip("\ufeff") for name in first]


def has_columns(path: Path, required: set[str]) -> bool:
    """Whether a CSV file's header holds every required column (compared case-insensitively)."""
    names = {name.lower() for name in header(path)}
    return bool(names) and {r.lower() for r in required} <= names


EXPORT_AGAIN = "Export the file again without editing it."


def _why(exc: csv.Error, label: str) -> str:
    """What a csv error means, in words."""
    if "field larger than field limit" in str(exc):
        # No field of a real export comes near the csv module's limit (131,072 characters; X's longest posts
        # hold 25,000), so the limit stays: a field past it is a quote left open or a file that is no export.
        return (f"has a field longer than {csv.field_size_limit():,} characters, longer than any field of "
                f"{label} (a quote left open, or a file edited or made by another program)")
    return f"is not valid CSV ({exc})"


def guarded(reader, path: Path | str, label: str, offset: int = 0, todo: str = EXPORT_AGAIN) -> Iterator[list[str]]:
    """The rows of a csv.reader; a csv error is one InputError naming the line its record starts on.

    offset: lines of the file before the text the reader reads (line numbers are of the file).
    """
    start = offset + 1
    try:
        for fields in reader:
            yield fields
            start = offset + reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"line {start}", _why(exc, label), todo) from exc


def records(path: Path, label: str = "a CSV export") -> tuple[list[str], Iterator[tuple[str, list[str]]]]:
    """The header and, lazily, (location, fields) for every non-blank data row of a CSV file."""
    try:
        data = read_text(path)
    except OSError as exc:
        raise InputError(path, None, f"could not be opened ({exc.strerror or exc})",
                         "Check the file's permissions.") from exc
    if not data.strip():
        raise InputError(path, None, "is empty", "Export the data again; nothing can be read from an empty file.")
    reader = csv.reader(io.StringIO(data, newline=""))
    lines = guarded(reader, path, label)
    names = [name.strip().lstrip("\ufeff") for name in next(lines, [])]

    def rows() -> Iterator[tuple[str, list[str]]]:
        """Data rows with their record number and line."""
        for number, fields in enumerate(lines, start=1):
            if fields and any(f.strip() for f in fields):
                yield f"record {number} (line {reader.line_num})", fields

    return names, rows()
