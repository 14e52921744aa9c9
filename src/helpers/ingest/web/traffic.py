"""What the web-analytics readers share: turning an exported table into traffic rows, and their accounting.

Every traffic row written by these readers carries, besides the canonical columns:

- `metric`: what `sessions` counts. "sessions" (visits, in Plausible's and Matomo's words) only when the row
  is attributed to a channel from its source, medium or channel group. Other counts that an export gives
  instead are kept under their own name and must not be added to sessions: "visitors" (Plausible's and
  Jetpack's per-source counts), "views" (Jetpack referrers; page reports), "new_users", "users", and
  "entrances" (sessions that began on a page, from page reports that say nothing of the channel; such rows
  have channel "other" and no source).
- `report`: the table the row comes from (e.g. "Session primary channel group", "sources.csv"); rows of two
  reports of one export describe the same visits split two ways and must not be summed together.
- `period_start`, `period_end`: the dates the export covers, when it says so; `date` stays null when the
  export has no per-day dates.

The pseudo-table "report_rows" accounts for every data row of every table read: read = kept + rejected,
and its breakdown says how many became traffic rows and which were left out by rule (totals rows, tables
that are not about traffic), so nothing disappears without a count in the manifest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.csv_records import guarded
from helpers.ingest.web.channels import classify

PSEUDO = "report_rows"
TRAFFIC_ROWS = "traffic rows"
EXTRA = ["metric", "report", "period_start", "period_end"]
TOTAL_LABELS = {"", "total", "totals", "grand total", "(total)", "gesamt", "total general"}

# Header names (lower-case) of the dimensions an analytics table may have.
DATE_DIMS = {"date", "day", "fecha", "day index"}
PAGE_DIMS = {"page", "page path", "page path and screen class", "page title", "page title and screen class",
             "page location", "page path + query string", "pagina", "page url", "entry page", "url"}
LANDING_DIMS = {"landing page", "landing page + query string", "entry_page", "entry page"}
METRICS = {  # our metric name -> header names that carry it, in order of preference
    "sessions": ("sessions", "visits", "nb_visits", "sesiones"),
    "views": ("views", "pageviews", "page views", "screen page views", "nb_hits", "nb_pageviews"),
    "entrances": ("entrances", "total_entrances", "entry_nb_visits"),
    "new_users": ("new users",),
    "visitors": ("visitors", "nb_uniq_visitors"),
    "users": ("users", "total users", "active users", "nb_users"),
}
USERS = ("users", "total users", "active users", "visitors", "nb_uniq_visitors", "usuarios")
PAGEVIEWS = ("pageviews", "page views", "views", "screen page views", "nb_pageviews")


class BadValue(ValueError):
    """A cell that should hold a count but does not."""


def to_int(value: str | None) -> int | None:
    """A count as exported ("1,701", "1 701", "12"), or None when the cell is empty."""
    if value is None:
        return None
    text = str(value).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if text in ("", "-", "--", "(not set)"):
        return None
    try:
        number = float(text)
    except ValueError as exc:
        raise BadValue(f"{value!r} is not a count") from exc
    if number < 0 or number != int(number):
        raise BadValue(f"{value!r} is not a non-negative whole count")
    return int(number)


def yyyymmdd(value: str) -> dt.date | None:
    """A date written 20250131 (GA and UA preambles), or None."""
    match = re.fullmatch(r"\s*(\d{4})(\d{2})(\d{2})\s*", value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_day(value: str) -> dt.date:
    """A per-row date as analytics tools write it (20250131, 2025-01-31, Jan 31, 2025, 1/31/25)."""
    day = yyyymmdd(value)
    if day:
        return day
    try:
        return pd.Timestamp(pd.to_datetime(value.strip(), format="mixed")).date()
    except (ValueError, TypeError) as exc:
        raise BadValue(f"{value!r} is not a date") from exc


def site_for(ctx: Context, inferred: str | None) -> str:
    """The site name: the --site option, else what the export says, else "site"."""
    return str(ctx.options.get("site") or inferred or "site")


def count_row(result: ReadResult, what: str, n: int = 1) -> None:
    """Account for n data rows read: kept as `what` in the report_rows breakdown."""
    if n == 0:
        return
    result.read_counts[PSEUDO] = result.read_counts.get(PSEUDO, 0) + n
    per = result.breakdown.setdefault(PSEUDO, {})
    per[what] = per.get(what, 0) + n


def reject_row(result: ReadResult, file: Path, location: str, reason: str, raw: object) -> None:
    """Account for one data row read and rejected, with its reason."""
    result.read_counts[PSEUDO] = result.read_counts.get(PSEUDO, 0) + 1
    result.reject(file, location, PSEUDO, reason, raw)


@dataclass
class Block:
    """One table of a commented CSV export: the `#` lines before it, its header and its data rows."""

    comments: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (location, cells)

    def comment(self, prefix: str) -> str | None:
        """The rest of the first comment line starting with prefix (e.g. "Start date:"), or None."""
        for line in self.comments:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None


def blocks(text: str, delimiter: str = ",", *, path: Path | str = "the file", label: str = "a CSV export"
           ) -> tuple[list[str], list[Block]]:
    """Split a GA/UA-style CSV into its leading comment lines and its tables (blank lines separate them)."""
    preamble: list[str] = []
    out: list[Block] = []
    current: Block | None = None
    pending: list[str] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for cells in guarded(reader, path, label):
        if cells and cells[0].lstrip().startswith("#"):
            line = delimiter.join(cells).lstrip()[1:].strip()
            (pending if out or current else preamble).append(line)
            current = None
            continue
        if not cells or not any(c.strip() for c in cells):
            current = None
            continue
        if current is None:
            current = Block(comments=pending, header=[c.strip() for c in cells])
            pending = []
            out.append(current)
        else:
            current.rows.append((f"line {reader.line_num}", cells))
    if not out:
        return preamble, out
    # Comments seen before the first table belong to it as well as to the file.
    out[0].comments = preamble + out[0].comments
    return preamble, out


def _find(header: list[str], names: Iterable[str]) -> int | None:
    """The index of the first header cell among names (case-insensitive), or None."""
    lower = [h.strip().lower() for h in header]
    for name in names:
        if name in lower:
            return lower.index(name)
    return None


def _roles(header: list[str], aliases: dict[str, str]) -> dict[str, int]:
    """Which column plays which role: date, group, source_medium, source, medium, campaign, page, landing."""
    roles: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = aliases.get(raw.strip().lower(), raw.strip().lower())
        if name in DATE_DIMS:
            roles.setdefault("date", i)
        elif "channel group" in name or "channel grouping" in name or name in ("referrer type", "referer_type",
                                                                                 "metadata_referer_type"):
            roles.setdefault("group", i)
        elif "source / medium" in name or "source/medium" in name:
            roles.setdefault("source_medium", i)
        elif name.endswith("source") or name in ("full referrer", "social network", "page referrer",
                                                 "referrer", "referer", "utm_source"):
            roles.setdefault("source", i)
        elif name.endswith("medium"):
            roles.setdefault("medium", i)
        elif name.endswith("campaign"):
            roles.setdefault("campaign", i)
        elif name in LANDING_DIMS:
            roles.setdefault("landing", i)
        elif name in PAGE_DIMS:
            roles.setdefault("page", i)
    return roles


def _metric(header: list[str], attributed: bool) -> tuple[str, int] | None:
    """The metric a table's count column holds, and its index: sessions first, views first on page tables."""
    order = (["sessions", "views", "new_users", "visitors", "users"] if attributed
             else ["views", "entrances", "sessions", "visitors", "users"])
    for metric in order:
        index = _find(header, METRICS[metric])
        if index is not None:
            # Sessions of a page table without a channel are the sessions that began there.
            return ("entrances" if metric == "sessions" and not attributed else metric), index
    return None


def table_rows(header: list[str], rows: Iterable[tuple[str, list[str]]], *, file: Path, report: str,
               period: tuple[dt.date | None, dt.date | None], site: str, result: ReadResult,
               aliases: dict[str, str] | None = None) -> list[dict]:
    """Traffic rows from one exported table (header + (location, cells) rows); accounts for every row."""
    roles = _roles(header, aliases or {})
    attributed = bool({"group", "source_medium", "source", "medium"} & set(roles))
    metric = _metric(header, attributed)
    rows = list(rows)
    if metric is None or not (attributed or {"page", "landing"} & set(roles)):
        what = "totals by day without a channel" if set(roles) == {"date"} else "no channel, source or page"
        count_row(result, f"not traffic: {what} ({report})", len(rows))
        return []
    name, value_col = metric
    users_col, views_col = _find(header, USERS), _find(header, PAGEVIEWS)
    out = []
    for location, cells in rows:
        if len(cells) < len(header):
            reject_row(result, file, location, f"row has {len(cells)} fields, the header has {len(header)}",
                       ",".join(cells))
            continue
        first = cells[0].strip().lower()
        if first in TOTAL_LABELS and not any(cells[i].strip() for i in roles.values() if i != 0):
            count_row(result, "totals row (the sum of the rows above)")
            continue
        try:
            row = _row(cells, roles, name, value_col, users_col, views_col)
        except BadValue as exc:
            reject_row(result, file, location, str(exc), ",".join(cells))
            continue
        if row["sessions"] is None:
            reject_row(result, file, location, f"no {name} count", ",".join(cells))
            continue
        row.update(site=site, report=report, period_start=period[0], period_end=period[1])
        out.append(row)
        count_row(result, TRAFFIC_ROWS)
    return out


def _cell(cells: list[str], roles: dict[str, int], role: str) -> str | None:
    """The stripped cell of a role, or None when the table has no such column or the cell is empty."""
    if role not in roles:
        return None
    value = cells[roles[role]].strip()
    return value or None


def _row(cells: list[str], roles: dict[str, int], metric: str, value_col: int, users_col: int | None,
         views_col: int | None) -> dict:
    """One traffic row from the cells of an exported row."""
    source, medium = _cell(cells, roles, "source"), _cell(cells, roles, "medium")
    both = _cell(cells, roles, "source_medium")
    if both:
        source, _, medium = (part.strip() for part in both.partition(" / "))
        medium = medium or None
    group = _cell(cells, roles, "group")
    attributed = bool({"group", "source_medium", "source", "medium"} & set(roles))
    channel = classify(source, medium, group=group) if attributed else "other"
    day = _cell(cells, roles, "date")
    return {
        "date": parse_day(day) if day else None,
        "channel": channel,
        "source": source if source is not None else group,
        "medium": medium,
        "campaign": _cell(cells, roles, "campaign"),
        "page": _cell(cells, roles, "landing") or _cell(cells, roles, "page"),
        "sessions": to_int(cells[value_col]),
        "users": to_int(cells[users_col]) if users_col is not None else None,
        "pageviews": to_int(cells[views_col]) if views_col is not None and metric != "entrances" else None,
        "metric": metric,
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    """A traffic frame with canonical and extra columns, dates as calendar days."""
    columns = ["site", "date", "channel", "source", "medium", "campaign", "page", "sessions", "users",
               "pageviews", *EXTRA]
    df = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    for col in ("date", "period_start", "period_end"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]") if len(df) else df[col].astype(
            "datetime64[ns]")
    for col in ("sessions", "users", "pageviews"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df


def period_note(file: Path | str, period: tuple[dt.date | None, dt.date | None], has_dates: bool) -> str:
    """The manifest note saying what time a file covers."""
    if has_dates:
        return f"{file}: traffic by day"
    if period[0] or period[1]:
        return f"{file}: no per-day dates; traffic covers {period[0]} to {period[1]} (period_start/period_end)"
    return f"{file}: no per-day dates and no stated period; date, period_start and period_end are null"


def read_all(paths: list[Path], ctx: Context, read_file) -> ReadResult:
    """Read every file of one web-analytics format with its read_file() into one traffic table."""
    result = ReadResult()
    rows: list[dict] = []
    for path in paths:
        rows += read_file(path, ctx, result)
    result.tables["traffic"] = frame(rows)
    return result
