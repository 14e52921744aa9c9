"""The traffic readers on the real exports, against totals computed here with the csv module and plain splits."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from helpers.data import dataset
from helpers.ingest.pipeline import ingest

GA4 = Path("ga4-exports/Reports_snapshot.joel-hanson-blog.csv")
UA = Path("ua-export-bbva-blog/blog_analytics.csv")
LOG = Path("access-log-semicomplete/apache_logs")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> callable:
    """Ingest one real file into a temporary dataset (once per file) and load it."""
    cache: dict[Path, dataset.Dataset] = {}

    def load(path: Path) -> dataset.Dataset:
        if path not in cache:
            out = tmp_path_factory.mktemp("traffic") / "ds"
            ingest([path], out, progress=False)
            cache[path] = dataset.load(out)
        return cache[path]
    return load


def test_ua_sessions_per_source(realdata: Path, ingested: callable) -> None:
    """Every UA row is kept, and sessions per source equal the file's own sums."""
    with open(realdata / UA, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected = Counter()
    for row in rows:
        expected[row["Source"]] += int(row["Sessions"].replace(",", ""))
    traffic = ingested(realdata / UA).traffic
    got = traffic.groupby("source")["sessions"].sum()
    assert len(traffic) == len(rows) == 17243
    assert {k: int(v) for k, v in got.items()} == dict(expected)
    assert int(traffic["sessions"].sum()) == sum(expected.values()) == 56001


def test_ua_tco_rows_land_in_x(realdata: Path, ingested: callable) -> None:
    """The t.co rows are channel x with the file's t.co total; x adds the twitter rows and nothing else."""
    with open(realdata / UA, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    tco = sum(int(r["Sessions"].replace(",", "")) for r in rows if r["Source"] == "t.co")
    twitter = sum(int(r["Sessions"].replace(",", "")) for r in rows
                  if r["Source"] in ("t.co", "twitter", "twitter.com"))
    traffic = ingested(realdata / UA).traffic
    assert set(traffic.loc[traffic["source"] == "t.co", "channel"]) == {"x"}
    assert int(traffic.loc[traffic["source"] == "t.co", "sessions"].sum()) == tco == 4300
    assert int(traffic.loc[traffic["channel"] == "x", "sessions"].sum()) == twitter == 4479
    assert traffic["date"].isna().all() and (traffic["metric"] == "sessions").all()


def test_ua_without_dates_says_so(realdata: Path, ingested: callable) -> None:
    """The UA export has no dates and no stated period; the manifest says so."""
    ds = ingested(realdata / UA)
    assert any("no per-day dates and no stated period" in n for n in ds.manifest["notes"])


def _ga4_blocks(path: Path) -> list[tuple[str, list[list[str]]]]:
    """The GA4 file's tables as (header, rows), by reading its lines with the csv module."""
    blocks, header, rows = [], None, []
    with open(path, newline="", encoding="utf-8") as fh:
        for cells in csv.reader(fh):
            if not cells or cells[0].startswith("#") or not any(cells):
                if header:
                    blocks.append((header, rows))
                header, rows = None, []
            elif header is None:
                header = cells
            else:
                rows.append(cells)
    if header:
        blocks.append((header, rows))
    return blocks


def test_ga4_snapshot_organic_social(realdata: Path, ingested: callable) -> None:
    """The session channel-group table is in traffic, Organic Social's 24 sessions as other_social."""
    blocks = _ga4_blocks(realdata / GA4)
    (header, rows), = [b for b in blocks if b[0][0].startswith("Session primary channel group")]
    expected = {r[0]: int(r[1]) for r in rows}
    traffic = ingested(realdata / GA4).traffic
    sessions = traffic[traffic["metric"] == "sessions"]
    assert dict(zip(sessions["source"], sessions["sessions"].astype(int), strict=False)) == expected
    social = sessions[sessions["channel"] == "other_social"]
    assert list(social["sessions"]) == [expected["Organic Social"]] == [24]
    assert set(sessions["period_start"].dt.date) == {dt.date(2025, 1, 1)}
    assert set(sessions["period_end"].dt.date) == {dt.date(2025, 12, 31)}


def test_ga4_snapshot_accounts_for_every_row(realdata: Path, ingested: callable) -> None:
    """Every data row of the 16 tables is read and kept (as traffic or counted as not traffic)."""
    blocks = _ga4_blocks(realdata / GA4)
    assert len(blocks) == 16
    n_rows = sum(len(rows) for _, rows in blocks)
    ds = ingested(realdata / GA4)
    counts = ds.manifest["inputs"][0]["tables"]["report_rows"]
    assert counts["read"] == counts["kept"] == n_rows
    assert sum(counts["breakdown"].values()) == n_rows
    page_rows = [b for b in blocks if b[0][0] == "Page title and screen class"][0][1]
    views = ds.traffic[ds.traffic["metric"] == "views"]
    assert int(views["sessions"].sum()) == sum(int(r[1]) for r in page_rows)


BOT = re.compile(r"(?i)bot|spider|crawl|slurp|feed|rss|^-?$|ezooms|chef client|^mozilla/\d\.\d( \(compatible;\))?$|"
                 r"externalhit|preview|embedly|phantomjs|libfetch|python|wget|^ruby$|http_request|validator|"
                 r"libwww-perl|curl|"
                 # what crawlerdetect adds over the old hand-written list (web.bots uses it since issue 11)
                 r"favicon|siteexplorer|flipboardproxy|livejournal|liferea|appengine|reeder|xenu|dts agent|daumoa|"
                 r"binlar|nutch|theoldreader|protocol discovery|imageproxy|indy library|genieo|lynx|google desktop|"
                 r"robosourcer")
ASSET = {"css", "js", "png", "jpg", "jpeg", "gif", "svg", "ico", "woff", "ttf", "eot", "pdf", "xml", "txt",
         "json", "zip", "gz", "rss", "atom", "mp4", "map", "tgz", "swf"}


def _log_by_hand(path: Path) -> tuple[int, int, int, Counter, list[str]]:
    """Lines, malformed lines, bot lines, sessions per day and page-view referrers, by plain splitting."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    malformed = bots = 0
    pages = []
    for line in lines:
        parts = line.split('"')
        if len(parts) != 7:
            malformed += 1
            continue
        if BOT.search(parts[5]):
            bots += 1
            continue
        request, status = parts[1].split(), parts[2].split()[0]
        if len(request) < 2 or request[0] != "GET" or not (status[0] == "2" or status == "304"):
            continue
        target = request[1].split("?")[0]
        last = target.rsplit("/", 1)[-1]
        if ("." in last and last.rsplit(".", 1)[1].lower() in ASSET) or target.startswith(
                ("/robots.txt", "/favicon.ico", "/feed", "/rss", "/atom")):
            continue
        when = dt.datetime.strptime(parts[0].split("[")[1].split("]")[0], "%d/%b/%Y:%H:%M:%S %z")
        pages.append(((parts[0].split()[0], parts[5]), when, parts[3]))
    pages.sort(key=lambda p: (p[0], p[1]))
    per_day, previous, entries = Counter(), None, []
    for visitor, when, referrer in pages:
        if previous is None or previous[0] != visitor or (when - previous[1]).total_seconds() > 1800:
            per_day[when.date()] += 1
            entries.append(referrer)
        previous = (visitor, when)
    return len(lines), malformed, bots, per_day, entries


def test_access_log_accounting_and_bots(realdata: Path, ingested: callable) -> None:
    """Every line is accounted for; bots are counted apart, as many as an independent UA list finds."""
    n, malformed, bots, _, _ = _log_by_hand(realdata / LOG)
    counts = ingested(realdata / LOG).manifest["inputs"][0]["tables"]["log_lines"]
    assert counts["read"] == n == 10000
    assert counts["rejected"] == malformed == 1
    assert counts["kept"] == n - malformed
    assert counts["breakdown"]["bots, crawlers, feed readers and scripts (by user agent)"] == bots == 2873


def test_access_log_daily_sessions(realdata: Path, ingested: callable) -> None:
    """Daily sessions equal a hand-made 30-minute sessionisation; the t.co sessions are channel x."""
    _, _, _, per_day, entries = _log_by_hand(realdata / LOG)
    ds = ingested(realdata / LOG)
    daily = ds.traffic.groupby(ds.traffic["date"].dt.date)["sessions"].sum()
    assert {k: int(v) for k, v in daily.items()} == dict(per_day)
    assert sum(per_day.values()) == 1103
    tco = sum(1 for r in entries if r.startswith("http://t.co/"))
    x = ds.traffic[ds.traffic["channel"] == "x"]
    assert int(x["sessions"].sum()) == tco == 2
    assert set(x["source"]) == {"t.co"}
    by_channel = ds.traffic.groupby(["date", "channel"])["sessions"].sum()
    assert int(by_channel.sum()) == 1103 and {"direct", "search", "referral", "x"} <= set(ds.traffic["channel"])


def test_access_log_stores_no_ip(realdata: Path, ingested: callable) -> None:
    """No IP address of the log appears in any table or the rejects."""
    ds = ingested(realdata / LOG)
    ips = {line.split(" ", 1)[0] for line in (realdata / LOG).read_text(errors="replace").splitlines()}
    text = "\n".join(df.astype(str).to_csv() for df in ds.tables.values())
    assert not [ip for ip in ips if ip in text]
    assert ds.rejects["raw"].str.startswith("[ip]").all()
