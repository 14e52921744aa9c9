"""Universal Analytics CSV exports, with the `# ----` / `# All Web Site Data` preamble or without it.

UA's "Export > CSV" writes a preamble (banner, view name, report name, `# YYYYMMDD-YYYYMMDD`), the table,
a totals row with an empty first cell, then a "Day Index" table of sessions per day; custom-report exports
and API dumps often have the bare table only. Numbers come as `"1,701"`, `32.30%` and `00:01:11`; only the
counts (sessions, users, pageviews) are read. Tables with a source, medium, full referrer, social network or
channel grouping become traffic rows (metric "sessions"); page tables become page rows; the "Day Index"
totals are counted as not traffic (they carry no channel).
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import head_text, read_text
from helpers.ingest.web import traffic as t

FORMAT = "ua_csv"
LABEL = "a Universal Analytics CSV export"
SCOPE = "file"

RANGE = re.compile(r"^#\s*(\d{8})\s*-\s*(\d{8})\s*$", re.M)
UA_METRICS = ("Sessions", "Pageviews", "Page Views", "Unique Pageviews", "Unique Page Views", "Users",
              "New Users", "Entrances")
UA_DIMENSIONS = ("Source", "Source / Medium", "Medium", "Page", "Landing Page", "Default Channel Grouping",
                 "Full Referrer", "Social Network", "Referral Path", "Campaign", "Page Title")


def _first_row(text: str) -> list[str]:
    """The header cells of the first table (after any `#` preamble)."""
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return [c.strip().strip('"') for c in line.split(",")]
    return []


def detect(path: Path) -> bool:
    """A UA export: the preamble with a YYYYMMDD-YYYYMMDD line, or a header with UA's dimension and metric names."""
    text = head_text(path, 8192).lstrip("\ufeff").replace("\r\n", "\n")
    if text.startswith("# -") and RANGE.search(text):
        return True
    header = _first_row(text)
    return bool(set(header) & set(UA_METRICS)) and bool(set(header) & set(UA_DIMENSIONS))


def read_file(path: Path, ctx: Context, result: ReadResult) -> list[dict]:
    """Traffic rows of one UA export; every data row accounted for in result."""
    text = read_text(path)
    preamble, tables = t.blocks(text, path=path, label=LABEL)
    if not tables:
        raise InputError(path, "its first table", "has no table after the preamble",
                         "Export the report again from Universal Analytics as CSV.")
    match = RANGE.search("\n".join("# " + line for line in preamble))
    period = (t.yyyymmdd(match[1]), t.yyyymmdd(match[2])) if match else (None, None)
    named = [line for line in preamble if line and not line.startswith("-") and not RANGE.match("# " + line)]
    title = named[1] if len(named) > 1 else path.name
    site = t.site_for(ctx, None)
    rows: list[dict] = []
    for i, block in enumerate(tables):
        report = title if i == 0 else block.header[0]
        rows += t.table_rows(block.header, block.rows, file=path, report=report, period=period, site=site,
                             result=result)
    result.notes.append(t.period_note(path, period, any(r["date"] is not None for r in rows)))
    return rows


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read UA CSV exports into the traffic table."""
    return t.read_all(paths, ctx, read_file)
