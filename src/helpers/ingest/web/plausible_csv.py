"""Plausible Analytics CSV exports: the dashboard's zip (visitors.csv, sources.csv, pages.csv, ...) and the
`imported_*.csv` files of its site export.

Each CSV is recognised by its header (lower-case snake_case columns with `visitors`), and what its rows are
by its file name, as Plausible names them. In the dashboard export only `visitors.csv` has dates; the others
cover its date range, which becomes their period. `sources.csv`, `channels.csv`, `referrers.csv` and
`utm_*.csv` count unique *visitors* per source (metric "visitors", not sessions); `imported_sources.csv`
counts visits per day and source (metric "sessions"). Pages tables become page rows (views / entrances);
countries, browsers, devices and the like are counted as not traffic.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.csv_records import guarded
from helpers.ingest.common.sources import head_text, read_text
from helpers.ingest.web import traffic as t

FORMAT = "plausible_csv"
LABEL = "Plausible Analytics CSVs"
SCOPE = "file"

METRIC_COLUMNS = {"visitors", "visits", "pageviews", "bounce_rate", "visit_duration", "views_per_visit",
                  "unique_entrances", "total_entrances", "time_on_page", "exits", "conversion_rate",
                  "unique_conversions", "total_conversions", "events", "bounces", "entrances", "scroll_depth"}
# What the `name` column of each dashboard CSV holds, as a header the shared table reader understands.
NAME_MEANS = {"sources": "source", "referrers": "referrer", "utm_sources": "utm_source",
              "utm_mediums": "medium", "utm_campaigns": "campaign", "channels": "channel group",
              "pages": "page", "entry_pages": "entry page"}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _header(path: Path) -> list[str]:
    """The first line's column names."""
    first = head_text(path, 4096).lstrip("\ufeff").splitlines()[:1]
    return next(csv.reader(first), []) if first else []


def detect(path: Path) -> bool:
    """A Plausible CSV: snake_case header starting with name or date, with a visitors column."""
    header = _header(path)
    return (len(header) >= 2 and header[0] in ("name", "date") and "visitors" in header
            and all(SNAKE.match(h) for h in header) and bool(set(header[1:]) & METRIC_COLUMNS)
            and "nb_visits" not in header)


def _kind(path: Path) -> str:
    """Which Plausible table a file is, from its name (e.g. "sources", "imported_sources")."""
    stem = path.stem.lower()
    match = re.match(r"(imported_[a-z_]+?)(_\d{8}_\d{8})?$", stem)
    return match[1] if match else stem


def _table(path: Path) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Header and (location, cells) rows of one CSV."""
    reader = csv.reader(io.StringIO(read_text(path)))
    lines = guarded(reader, path, LABEL)
    header = next(lines, [])
    rows = [(f"line {reader.line_num}", cells) for cells in lines if any(c.strip() for c in cells)]
    return header, rows


def _period(paths: list[Path]) -> tuple[dt.date | None, dt.date | None]:
    """The date range of the dashboard export, from visitors.csv when it is among the files."""
    for path in paths:
        if _kind(path) == "visitors":
            header, rows = _table(path)
            days = sorted(d for d in (t.yyyymmdd(c[0].replace("-", "")) for _, c in rows if c) if d)
            if days:
                return days[0], days[-1]
    return None, None


def _site(paths: list[Path], ctx: Context) -> str:
    """The site: --site, else the hostname column of imported_pages.csv."""
    for path in paths:
        if _kind(path) == "imported_pages":
            header, rows = _table(path)
            if "hostname" in header and rows:
                return t.site_for(ctx, rows[0][1][header.index("hostname")].strip() or None)
    return t.site_for(ctx, None)


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read the Plausible CSVs of one export into the traffic table."""
    result = ReadResult()
    period, site = _period(paths), _site(paths, ctx)
    rows: list[dict] = []
    for path in paths:
        kind = _kind(path)
        header, table = _table(path)
        aliases = {"name": NAME_MEANS[kind]} if kind in NAME_MEANS else {"name": "unknown dimension"}
        dated = header[:1] == ["date"]
        got = t.table_rows(header, table, file=path, report=f"{kind}.csv", site=site, result=result,
                           period=(None, None) if dated else period, aliases=aliases)
        rows += got
        if got:
            result.notes.append(t.period_note(path, period, dated))
    result.tables["traffic"] = t.frame(rows)
    return result
