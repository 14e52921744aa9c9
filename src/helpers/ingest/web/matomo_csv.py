"""Matomo (Piwik) report exports: CSV and TSV from the export button or the Reporting API.

Matomo writes a header row of API column names (`label`, `nb_visits`, `nb_uniq_visitors`, ...), preceded by
a `date` column when several periods were exported, and `metadata_*` columns. The API's CSV and TSV are
UTF-16LE with a byte-order mark (so Excel opens them); the export dialog can also give UTF-8. What `label`
holds depends on the report: referrer reports (Referrers.getAll with its `referer_type` column, getWebsites,
getSocials, getSearchEngines) give sources, Referrers.getReferrerType gives channel groups ("Direct Entry",
"Search Engines", ...), Actions reports give pages. It is inferred from the columns and labels; set it with
`--set matomo_label=source|group|page` when the guess is wrong. `nb_visits` is read as sessions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.csv_records import guarded
from helpers.ingest.common.sources import head_text, read_text
from helpers.ingest.web import traffic as t

FORMAT = "matomo_csv"
LABEL = "a Matomo CSV or TSV export"
SCOPE = "file"

GROUP_LABELS = {"direct entry", "search engines", "websites", "campaigns", "social networks"}
TYPE_COLUMNS = ("referer_type", "metadata_referer_type", "referrer_type", "metadata_referrer_type")
LABEL_MEANS = {"source": "source", "group": "channel group", "page": "page"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _delimiter(first_line: str) -> str:
    """Tab for TSV, else comma."""
    return "\t" if "\t" in first_line else ","


def detect(path: Path) -> bool:
    """A Matomo export: a header with `label` and Matomo's `nb_` metric columns."""
    lines = head_text(path, 8192).lstrip("\ufeff").splitlines()
    if not lines:
        return False
    header = [h.strip() for h in next(csv.reader(lines[:1], delimiter=_delimiter(lines[0])), [])]
    return "label" in header and any(h in header for h in ("nb_visits", "nb_uniq_visitors", "nb_hits"))


def _label_means(header: list[str], rows: list[tuple[str, list[str]]], ctx: Context) -> str:
    """What the label column holds: source, group or page (option, else inferred)."""
    chosen = str(ctx.options.get("matomo_label") or "").lower()
    if chosen in LABEL_MEANS:
        return chosen
    if any(c in header for c in TYPE_COLUMNS):
        return "source"
    i = header.index("label")
    labels = [cells[i].strip().lower() for _, cells in rows if len(cells) > i]
    if labels and all(label in GROUP_LABELS for label in labels):
        return "group"
    if labels and sum(label.startswith(("/", "http")) for label in labels) > len(labels) / 2:
        return "page"
    return "source"


def _period_of(value: str) -> tuple[dt.date | None, dt.date | None]:
    """The dates a Matomo period key covers: 2024-01-15, 2024-01-15,2024-01-21, 2024-01 or 2024."""
    parts = [p.strip() for p in re.split(r",|\s+to\s+", value) if p.strip()]
    try:
        if len(parts) == 2 and all(DAY.match(p) for p in parts):
            return dt.date.fromisoformat(parts[0]), dt.date.fromisoformat(parts[1])
        if re.fullmatch(r"\d{4}-\d{2}", value.strip()):
            start = dt.date.fromisoformat(value.strip() + "-01")
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return start, end
        if re.fullmatch(r"\d{4}", value.strip()):
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
    except ValueError:
        pass
    return None, None


def read_file(path: Path, ctx: Context, result: ReadResult) -> list[dict]:
    """Traffic rows of one Matomo export; every data row accounted for in result."""
    text = read_text(path).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    lines = guarded(reader, path, LABEL)
    header = [h.strip() for h in next(lines, [])]
    if "label" not in header:
        raise InputError(path, "line 1", "has no `label` column", "Export the report again from Matomo.")
    rows = [(f"line {reader.line_num}", cells) for cells in lines if any(c.strip() for c in cells)]
    aliases = {"label": LABEL_MEANS[_label_means(header, rows, ctx)]}
    site = t.site_for(ctx, None)
    if "date" not in header or all(DAY.match(cells[0].strip()) for _, cells in rows if cells):
        out = t.table_rows(header, rows, file=path, report=path.stem, period=(None, None), site=site,
                           result=result, aliases=aliases)
        result.notes.append(t.period_note(path, (None, None), "date" in header))
        return out
    # One table per period key (months, weeks, ranges): per-row dates are not days.
    aliases["date"] = "period key"
    out = []
    i = header.index("date")
    for key in dict.fromkeys(cells[i].strip() for _, cells in rows if len(cells) > i):
        period = _period_of(key)
        part = [(loc, cells) for loc, cells in rows if len(cells) > i and cells[i].strip() == key]
        out += t.table_rows(header, part, file=path, report=path.stem, period=period, site=site,
                            result=result, aliases=aliases)
        result.notes.append(t.period_note(f"{path} [{key}]", period, False))
    short = [(loc, cells) for loc, cells in rows if len(cells) <= i]
    for loc, cells in short:
        t.reject_row(result, path, loc, "row has no period key", "\t".join(cells))
    return out


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read Matomo CSV/TSV exports into the traffic table."""
    return t.read_all(paths, ctx, read_file)
