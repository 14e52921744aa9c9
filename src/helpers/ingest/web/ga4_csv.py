"""Google Analytics 4 CSV downloads: the multi-table "Reports snapshot" and single-table reports.

A GA4 download opens with a `# ----` banner naming the report, account and property, and puts
`# Start date: YYYYMMDD` / `# End date: YYYYMMDD` lines before each table; tables are separated by blank
lines (CRLF in the files GA4 writes). Tables that split sessions by channel group or source / medium become
traffic rows (metric "sessions"); page tables ("Pages and screens", "Views by Page title") become page rows
(metric "views"); the rest (users by week, countries, events, retention) are counted as "not traffic".
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import head_text, read_text
from helpers.ingest.web import traffic as t

FORMAT = "ga4_csv"
LABEL = "a Google Analytics 4 CSV download"
SCOPE = "file"

START = re.compile(r"^#\s*Start date:\s*\d{8}\s*$", re.M)


def detect(path: Path) -> bool:
    """A GA4 download: a `# ----` first line and a `# Start date: YYYYMMDD` line."""
    text = head_text(path, 8192).lstrip("\ufeff")
    return text.startswith("# -") and bool(START.search(text.replace("\r\n", "\n")))


def _title(preamble: list[str]) -> str:
    """The report's name: the first comment line that is not a banner, account or property line."""
    for line in preamble:
        if line and not line.startswith(("-", "Account:", "Property:", "Start date", "End date")):
            return line
    return "GA4 report"


def read_file(path: Path, ctx: Context, result: ReadResult) -> list[dict]:
    """Traffic rows of one GA4 download; every data row accounted for in result."""
    preamble, tables = t.blocks(read_text(path), path=path, label=LABEL)
    if not tables:
        raise InputError(path, "its tables", "holds the GA4 banner but no table",
                         "Download the report again from GA4 (Share this report > Download file > CSV).")
    prop = next((line.partition(":")[2].strip() for line in preamble if line.startswith("Property:")), None)
    site = t.site_for(ctx, prop)
    title = _title(preamble)
    rows: list[dict] = []
    for block in tables:
        period = (t.yyyymmdd(block.comment("Start date:") or ""), t.yyyymmdd(block.comment("End date:") or ""))
        report = block.header[0] if len(tables) > 1 else title
        rows += t.table_rows(block.header, block.rows, file=path, report=report, period=period, site=site,
                             result=result)
    has_dates = any(r["date"] is not None for r in rows)
    spans = {(r["period_start"], r["period_end"]) for r in rows}
    for span in sorted(spans, key=str) or [(None, None)]:
        result.notes.append(t.period_note(path, span, has_dates))
    return rows


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read GA4 CSV downloads into the traffic table."""
    return t.read_all(paths, ctx, read_file)
