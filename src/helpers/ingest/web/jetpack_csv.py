"""Jetpack / WordPress.com Stats CSV downloads ("Download data as CSV" on a Stats module).

The file has no header: one row per item, `"Label",value` (or `"Label",value,url`), with nested items as
`"Parent > Child"` rows after their parent. Its name says what it is and when:
`{site}-{module}-{period}-{start}-{end}.csv` (e.g. `blog.example-referrers-day-01_31_2025-01_31_2025.csv`),
so it must keep the name WordPress gave it. Jetpack counts *views* per referrer and per post, so rows carry
metric "views". Only the innermost rows are kept (a parent's value is the sum of its children); parents are
counted as group totals. Referrers become traffic rows; posts & pages become page rows; other modules
(countries, clicks, search terms, authors, ...) are counted as not traffic.
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
from helpers.ingest.web.channels import classify

FORMAT = "jetpack_csv"
LABEL = "a Jetpack / WordPress.com Stats CSV"
SCOPE = "file"

ROW = re.compile(r'^"(?:[^"]|"")*",\d+(,[^,]*)?\s*$')
MODULES = ("referrers", "posts", "clicks", "countries", "searchterms", "authors", "videoplays",
           "filedownloads", "tags-categories", "emails-open", "emails-click", "utm")
NAME = re.compile(r"^(?P<site>.+?)-(?P<module>" + "|".join(re.escape(m) for m in MODULES) +
                  r")-(?P<period>day|week|month|year)-(?P<start>\d{1,2}\D\d{1,2}\D\d{4})-"
                  r"(?P<end>\d{1,2}\D\d{1,2}\D\d{4})", re.I)


def detect(path: Path) -> bool:
    """A Jetpack stats CSV: header-less rows of a quoted label and a whole count."""
    lines = [line for line in head_text(path, 8192).lstrip("\ufeff").splitlines()[:20] if line.strip()]
    return bool(lines) and all(ROW.match(line) for line in lines[:-1] or lines)


def _date(text: str) -> dt.date:
    """A MM/DD/YYYY date from the file name, whatever the separator became."""
    month, day, year = (int(x) for x in re.split(r"\D", text))
    return dt.date(year, month, day)


def _name(path: Path) -> re.Match:
    """The parts of a Jetpack file name, or a clear error."""
    match = NAME.match(path.name)
    if not match:
        raise InputError(path, "its file name", "looks like a Jetpack stats CSV but its name does not say which "
                         "module and dates it holds (expected site-module-period-MM_DD_YYYY-MM_DD_YYYY.csv)",
                         "Download it again from Jetpack Stats and keep the name it is given.")
    return match


def read_file(path: Path, ctx: Context, result: ReadResult) -> list[dict]:
    """Traffic rows of one Jetpack CSV; every row accounted for in result."""
    parts = _name(path)
    module = parts["module"].lower()
    period = (_date(parts["start"]), _date(parts["end"]))
    site = t.site_for(ctx, parts["site"])
    reader = csv.reader(io.StringIO(read_text(path)))
    rows = [(f"line {reader.line_num}", cells) for cells in guarded(reader, path, LABEL)
            if any(c.strip() for c in cells)]
    labels = [cells[0] for _, cells in rows if cells]
    parents = {a for a in labels for b in labels if b.startswith(a + " > ")}
    out = []
    for location, cells in rows:
        if module not in ("referrers", "posts"):
            t.count_row(result, f"not traffic: Jetpack {module}")
            continue
        if len(cells) < 2:
            t.reject_row(result, path, location, "row has no count", ",".join(cells))
            continue
        if cells[0] in parents:
            t.count_row(result, "group total row (the sum of the rows below it)")
            continue
        try:
            views = t.to_int(cells[1])
        except t.BadValue as exc:
            t.reject_row(result, path, location, str(exc), ",".join(cells))
            continue
        out.append(_row(cells, module, views, site, period))
        t.count_row(result, t.TRAFFIC_ROWS)
    result.notes.append(t.period_note(path, period, False))
    return out


def _row(cells: list[str], module: str, views: int | None, site: str, period: tuple) -> dict:
    """One traffic row from a Jetpack referrer or post row."""
    path = [p.strip() for p in cells[0].split(" > ")]
    url = cells[2].strip() if len(cells) > 2 and cells[2].strip() else None
    base = {"site": site, "date": None, "medium": None, "campaign": None, "sessions": views, "users": None,
            "metric": "views", "report": module, "period_start": period[0], "period_end": period[1]}
    if module == "posts":
        return {**base, "channel": "other", "source": None, "page": url or path[-1], "pageviews": views}
    channel = classify(path[-1], referrer=url, group=path[0])
    if channel == "referral" and len(path) > 1:
        channel = classify(path[0])  # e.g. "Twitter > someone's profile" names its platform first
        channel = "referral" if channel == "direct" else channel
    return {**base, "channel": channel, "source": url or " > ".join(path), "page": None, "pageviews": None}


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read Jetpack stats CSVs into the traffic table."""
    return t.read_all(paths, ctx, read_file)
