"""CSV exports read with the csv module: encoding sniffed (BOM, UTF-16), quoted multi-line fields kept whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.sources import head_text, read_text


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


def records(path: Path) -> tuple[list[str], Iterator[tuple[str, list[str]]]]:
    """The header and, lazily, (location, fields) for every non-blank data row of a CSV file."""
    try:
        data = read_text(path)
    except OSError as exc:
        raise InputError(path, None, f"could not be opened ({exc.strerror or exc})",
                         "Check the file's permissions.") from exc
    if not data.strip():
        raise InputError(path, None, "is empty", "Export the data again; nothing can be read from an empty file.")
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        names = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except csv.Error as exc:
        raise InputError(path, "line 1", f"has no readable header row ({exc})",
                         "Export the file again without editing it.") from exc

    def rows() -> Iterator[tuple[str, list[str]]]:
        """Data rows with their record number and line."""
        number = 0
        try:
            for fields in reader:
                number += 1
                if fields and any(f.strip() for f in fields):
                    yield f"record {number} (line {reader.line_num})", fields
        except csv.Error as exc:
            raise InputError(path, f"line {reader.line_num}", f"is not valid CSV ({exc})",
                             "Export the file again without editing it.") from exc

    return names, rows()
