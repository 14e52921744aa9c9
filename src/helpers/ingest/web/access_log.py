"""Web-server access logs in the Apache / nginx "combined" format, plain or gzip-rotated (`access.log.2.gz`).

How lines become traffic:

- Bots, crawlers, feed readers and scripts (by user agent, `web.bots`) are counted apart and left out.
- A page view is a human GET answered 2xx or 304 for something that is not an asset (images, CSS, JS,
  fonts, media, feeds, robots.txt, favicon). Other human requests are counted, not sessionised.
- A visitor is (keyed hash of the IP address, user agent); the key is random per run and never written, and
  neither the IP nor its hash is stored anywhere: rejected lines are kept with the address blanked.
- A session is a visitor's run of page views with gaps of at most 30 minutes (`--set session_minutes=N`).
  Its channel comes from its first page view: `utm_source` / `utm_medium` of the landing URL, else the
  referrer (classified by `web.channels`); no referrer is direct; a referrer on the site itself
  (a session that started before the log, or after a pause) is direct with source "(internal)".
- Rows: sessions per local day (the log's own time zone), UTC hour (`hour_start`), channel, source, medium,
  campaign and landing page; users = distinct visitors in the row; pageviews = page views of its sessions.

Accounting: the pseudo-table "log_lines" has read = every line, rejected = malformed lines (each in rejects),
kept = the well-formed lines, broken down into page views of human visitors, other human requests, and bots.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import zlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.web import traffic as t
from helpers.ingest.web.bots import is_bot
from helpers.ingest.web.channels import classify, host_of

FORMAT = "access_log"
LABEL = "an Apache or nginx access log (also gzipped)"
SCOPE = "file"

PSEUDO = "log_lines"
PAGE_VIEWS = "page views of human visitors"
OTHER = "other requests of human visitors (assets, feeds, errors, redirects, not GET)"
BOTS = "bots, crawlers, feed readers and scripts (by user agent)"

QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # unrolled loop: no backtracking per character
LINE = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] ' + QUOTED + r' (\d{3}) (\S+) ' + QUOTED + " " + QUOTED)
IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|"
                r"[0-9a-fA-F:]*::[0-9a-fA-F:]*[0-9a-fA-F]")
ASSETS = frozenset(["css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif", "bmp", "tif",
                    "tiff", "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav", "m4a", "mov",
                    "avi", "pdf", "zip", "gz", "tgz", "rar", "7z", "exe", "dmg", "iso", "xml", "rss", "atom", "json",
                    "txt", "swf", "flv"])
NOT_PAGES = ("/robots.txt", "/favicon.ico", "/feed", "/rss", "/atom", "/wp-json", "/wp-admin", "/xmlrpc.php",
             "/wp-cron.php", "/wp-login.php", "/.well-known")
MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
SITE_SAMPLE = 50_000  # referrers looked at to infer the site when --site is not given


def _open(path: Path):
    """A text stream over a plain or gzip-compressed log."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if gz:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def _head_lines(path: Path, n: int = 10) -> list[str]:
    """The first lines of a log (decompressed), tolerating a cut at the end of the head."""
    with open(path, "rb") as fh:
        data = fh.read(64 * 1024)
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
        except zlib.error:
            return []
    return [line for line in data.decode("utf-8", "replace").splitlines()[:n] if line.strip()]


def detect(path: Path) -> bool:
    """A combined-format log: most of its first lines parse as such."""
    lines = _head_lines(path)
    return bool(lines) and sum(bool(LINE.match(line)) for line in lines) > len(lines) / 2


class _Clock:
    """Turns `17/May/2015:10:05:03 +0000` into UTC epoch seconds and its UTC offset, fast (per-day cache)."""

    def __init__(self) -> None:
        self.days: dict[str, tuple[int, int]] = {}

    def __call__(self, stamp: str) -> tuple[int, int]:
        key = stamp[:11] + stamp[20:]
        cached = self.days.get(key)
        if cached is None:
            day, month, year = stamp[:2], MONTHS[stamp[3:6]], int(stamp[7:11])
            zone = stamp[21:].strip()
            sign = -1 if zone[0] == "-" else 1
            offset = sign * (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60)
            midnight = int(datetime(year, month, int(day), tzinfo=UTC).timestamp())
            cached = self.days[key] = (midnight - offset, offset)
        base, offset = cached
        return base + int(stamp[12:14]) * 3600 + int(stamp[15:17]) * 60 + int(stamp[18:20]), offset


def _is_page(method: str, status: str, path: str) -> bool:
    """Whether a request is a page view: GET, 2xx or 304, not an asset, feed or machine endpoint."""
    if method != "GET" or not (status[0] == "2" or status == "304"):
        return False
    if path.startswith(NOT_PAGES):
        return False
    slash, dot = path.rfind("/"), path.rfind(".")
    return not (dot > slash and path[dot + 1:].lower() in ASSETS)


class _Lines:
    """Columns of the human page views read so far, and the counts of everything else."""

    def __init__(self) -> None:
        self.visitor: list[int] = []
        self.epoch: list[int] = []
        self.offset: list[int] = []
        self.page: list[str] = []
        self.referrer: list[str] = []
        self.query: list[str] = []
        self.visitors: dict[tuple[bytes, str], int] = {}
        self.ip_hash: dict[str, bytes] = {}
        self.key = os.urandom(16)
        self.counts = Counter()
        self.hosts = Counter()
        self.sampled = 0
        self.clock = _Clock()

    def visitor_id(self, ip: str, agent: str) -> int:
        """A number for (keyed hash of the IP, user agent); the hash key lives only in this object."""
        hashed = self.ip_hash.get(ip)
        if hashed is None:
            hashed = self.ip_hash[ip] = hashlib.blake2b(ip.encode(), key=self.key, digest_size=12).digest()
        return self.visitors.setdefault((hashed, agent), len(self.visitors))


def _redact(line: str) -> str:
    """A log line with its IP addresses blanked (the first field and any address in it), for rejects."""
    first, sep, rest = line.partition(" ")
    return "[ip]" + sep + IP.sub("[ip]", rest) if sep else IP.sub("[ip]", line)


def _read_lines(path: Path, lines: _Lines, result: ReadResult) -> None:
    """Parse one log file into lines; malformed lines go to rejects; a damaged gzip is a clear error."""
    match, clock, n = LINE.match, lines.clock, 0
    try:
        with _open(path) as fh:
            for n, raw in enumerate(fh, start=1):
                m = match(raw)
                if m is None:
                    result.reject(path, f"line {n}", PSEUDO, "not a combined-format log line",
                                  _redact(raw.rstrip("\r\n")))
                    continue
                ip, stamp, request, status, _, referrer, agent = m.groups()
                if is_bot(agent):
                    lines.counts[BOTS] += 1
                    continue
                method, _, rest = request.partition(" ")
                target = rest.rpartition(" ")[0] or rest
                path_part, _, query = target.partition("?")
                if lines.sampled < SITE_SAMPLE and referrer not in ("-", ""):
                    lines.sampled += 1
                    lines.hosts[host_of(referrer)] += 1
                if not _is_page(method, status, path_part):
                    lines.counts[OTHER] += 1
                    continue
                try:
                    epoch, offset = clock(stamp)
                except (KeyError, ValueError, IndexError):
                    result.reject(path, f"line {n}", PSEUDO, f"unreadable time [{stamp}]", _redact(raw.rstrip()))
                    continue
                lines.visitor.append(lines.visitor_id(ip, agent))
                lines.epoch.append(epoch)
                lines.offset.append(offset)
                lines.page.append(path_part)
                lines.referrer.append(referrer)
                lines.query.append(query)
                lines.counts[PAGE_VIEWS] += 1
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise InputError(path, f"after line {n}", f"is a damaged or truncated gzip file ({exc})",
                         "Copy the rotated log again from the server; nothing was written.") from exc
    result.read_counts[PSEUDO] = result.read_counts.get(PSEUDO, 0) + n


def _utm(query: str) -> tuple[str | None, str | None, str | None]:
    """utm_source, utm_medium and utm_campaign of a landing URL's query string."""
    if "utm_" not in query:
        return None, None, None
    values = parse_qs(query)
    get = (lambda k: (values.get(k) or [None])[0])  # noqa: E731 - a tiny local accessor
    return get("utm_source"), get("utm_medium"), get("utm_campaign")


def _attribute(referrer: str, query: str, site: str) -> tuple[str, str, str | None, str | None]:
    """Channel, source, medium and campaign of a session from its first page view."""
    source, medium, campaign = _utm(query)
    if source:
        return classify(source, medium), source, medium, campaign
    host = host_of(referrer) if referrer not in ("-", "") else None
    if host is None:
        return "direct", "(direct)", "(none)", None
    if host == site or host.endswith("." + site):
        return "direct", "(internal)", "(none)", None
    return classify(None, None, referrer=referrer), host, "referral", None


def _sessions(lines: _Lines, timeout: int, site: str) -> pd.DataFrame:
    """One row per session: start, visitor, attribution, landing page and page views."""
    visitor = np.asarray(lines.visitor, dtype=np.int64)
    epoch = np.asarray(lines.epoch, dtype=np.int64)
    order = np.lexsort((epoch, visitor))
    visitor, epoch = visitor[order], epoch[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (visitor[1:] != visitor[:-1]) | (np.diff(epoch) > timeout)
    first = order[new]
    views = np.diff(np.append(np.flatnonzero(new), len(order)))
    cache: dict[tuple[str, str], tuple] = {}
    attributed = [cache.setdefault((lines.referrer[i], lines.query[i]) if "utm_" in lines.query[i]
                                   else (lines.referrer[i], ""),
                                   _attribute(lines.referrer[i], lines.query[i], site)) for i in first]
    start = epoch[new]
    offset = np.asarray(lines.offset, dtype=np.int64)[first]
    local = pd.to_datetime(start + offset, unit="s")
    return pd.DataFrame({
        "date": local.normalize(),
        "hour_start": pd.to_datetime((start // 3600) * 3600, unit="s", utc=True),
        "channel": [a[0] for a in attributed], "source": [a[1] for a in attributed],
        "medium": [a[2] for a in attributed], "campaign": [a[3] for a in attributed],
        "page": [lines.page[i] for i in first], "visitor": visitor[new], "pageviews": views,
    })


def _site(ctx: Context, lines: _Lines) -> tuple[str, str | None]:
    """The site: --site, else the most common referrer host (its own pages refer to its assets)."""
    given = ctx.options.get("site")
    if given:
        return str(given).lower().removeprefix("www."), None
    hosts = Counter({h: c for h, c in lines.hosts.items() if h})
    if not hosts:
        return "site", "no referrers to infer the site from; pass --site"
    host = hosts.most_common(1)[0][0]
    return host, f"site inferred as {host} (most common referrer host); pass --site to set it"


def _rows(sessions: pd.DataFrame, site: str) -> pd.DataFrame:
    """Traffic rows: sessions per local day, UTC hour, channel, source, medium, campaign, landing page."""
    keys = ["date", "hour_start", "channel", "source", "medium", "campaign", "page"]
    grouped = sessions.groupby(keys, dropna=False, sort=True).agg(
        sessions=("visitor", "size"), users=("visitor", "nunique"), pageviews=("pageviews", "sum"))
    out = grouped.reset_index()
    out.insert(0, "site", site)
    for col in ("sessions", "users", "pageviews"):
        out[col] = out[col].astype("Int64")
    out["metric"], out["report"] = "sessions", "access log"
    out["period_start"] = out["period_end"] = pd.NaT
    return out


def read(paths: list[Path], ctx: Context) -> ReadResult:
    """Read combined-format logs (plain or gzip) into sessions per day, hour, channel and landing page."""
    result = ReadResult()
    lines = _Lines()
    for path in sorted(paths):
        _read_lines(path, lines, result)
    site, note = _site(ctx, lines)
    timeout = int(float(ctx.options.get("session_minutes", 30)) * 60)
    if lines.epoch:
        sessions = _sessions(lines, timeout, site)
        result.tables["traffic"] = _rows(sessions, site)
    else:
        sessions = pd.DataFrame()
        result.tables["traffic"] = t.frame([]).assign(hour_start=pd.Series(dtype="datetime64[ns, UTC]"))
    result.breakdown[PSEUDO] = {k: lines.counts.get(k, 0) for k in (PAGE_VIEWS, OTHER, BOTS)}
    if note:
        result.notes.append(note)
    names = ", ".join(p.name for p in sorted(paths))
    result.notes.append(f"access log ({names}): {len(sessions):,} sessions of human visitors "
                        f"({timeout // 60}-minute timeout); {lines.counts.get(BOTS, 0):,} bot lines left out")
    return result
