"""Delimited text exports whose encoding, delimiter and preamble vary: find the header, then split records."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers.ingest.common.csv_records import guarded
from helpers.ingest.common.sources import head_text, is_private_name, read_text  # noqa: F401 (re-exported for readers)

DELIMITERS = (",", "\t", ";")
HEADER_SEARCH_LINES = 12  # LinkedIn's Connections.csv puts a 3-line "Notes:" preamble and a blank line first


@dataclass
class Header:
    """Where a table's header line is, its delimiter and its column names."""

    line: int  # 0-based index of the header line
    delimiter: str
    columns: list[str]


def delimiter_of(line: str) -> str:
    """The delimiter used most in one line (comma when none is used)."""
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def split_line(line: str, delimiter: str) -> list[str]:
    """The fields of one line, each trimmed of spaces and of any byte-order mark."""
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [f.replace("\ufeff", "").strip() for f in fields]


def find_header(lines: list[str], wanted: set[str]) -> Header | None:
    """The first of the first lines whose fields include every wanted column name."""
    for i, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        delimiter = delimiter_of(line)
        fields = split_line(line, delimiter)
        if wanted <= set(fields):
            return Header(i, delimiter, fields)
    return None


def head_lines(path: Path) -> list[str]:
    """The first lines of a text file (by its sniffed encoding), for format detection."""
    return head_text(path, 16 * 1024).replace("\r\n", "\n").split("\n")[:HEADER_SEARCH_LINES]


def whole_lines(path: Path) -> list[str]:
    """Every line of a text file, decoded by its sniffed encoding."""
    return read_text(path).split("\n")


def records(path: Path, lines: list[str], header: Header, escapechar: str | None = None,
            label: str = "a CSV export") -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank record after the header; csv errors become InputError."""
    body = "\n".join(lines[header.line + 1:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=header.delimiter, escapechar=escapechar)
    start = header.line + 2  # 1-based line number of the first record
    for fields in guarded(reader, path, label, offset=header.line + 1,
                          todo="Export the file again; it looks damaged or was saved by another program."):
        if any(f.strip() for f in fields):
            yield start, fields
        start = header.line + 2 + reader.line_num
