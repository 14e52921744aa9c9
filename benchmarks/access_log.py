"""Benchmark: the access-log reader against a plain regex loop over the same generated combined log.

    .venv/bin/python benchmarks/access_log.py [--size-mb 1024] [--keep PATH]

Generates a synthetic Apache/nginx combined log of about --size-mb megabytes (human visitors browsing pages
and assets, bots, social and search referrers), then times, in the same run, (1) a loop that only matches
each line with the reader's regex and (2) the reader itself (parsing, bot filtering, sessionising,
classifying, aggregating). Prints lines per second of each and their ratio. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers.ingest.common.base import Context
from helpers.ingest.web import access_log

AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Safari/605.1.15",
          "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "Version/17.4 Mobile/15E148 Safari/604.1"]
BOTS = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "curl/8.5.0"]
REFERRERS = ["-", "-", "https://www.google.com/", "https://t.co/AbCdEf", "https://bsky.app/",
             "https://mastodon.social/@someone/1", "https://www.linkedin.com/", "https://news.ycombinator.com/"]
PAGES = [f"/posts/{i}/" for i in range(300)] + ["/", "/about/"]
ASSETS = ["/css/site.css", "/js/app.js", "/img/logo.png", "/img/cover.jpg"]


def generate(path: Path, size_mb: int, seed: int = 1) -> int:
    """Write a synthetic combined log of about size_mb MB; return its line count."""
    rng = random.Random(seed)
    target, written, lines = size_mb * 1024 * 1024, 0, 0
    clock = datetime(2025, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            chunk = []
            for _ in range(10_000):
                clock += timedelta(seconds=rng.random() * 0.6)
                stamp = clock.strftime("%d/%b/%Y:%H:%M:%S +0000")
                ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                if rng.random() < 0.2:
                    agent, target_path, ref = rng.choice(BOTS), rng.choice(PAGES), "-"
                elif rng.random() < 0.5:
                    agent, target_path = rng.choice(AGENTS), rng.choice(ASSETS)
                    ref = "https://blog.example.org" + rng.choice(PAGES)
                else:
                    agent, target_path, ref = rng.choice(AGENTS), rng.choice(PAGES), rng.choice(REFERRERS)
                chunk.append(f'{ip} - - [{stamp}] "GET {target_path} HTTP/1.1" 200 {rng.randrange(200, 90000)} '
                             f'"{ref}" "{agent}"\n')
            text = "".join(chunk)
            fh.write(text)
            written += len(text)
            lines += len(chunk)
    return lines


def plain_regex(path: Path) -> int:
    """Match every line with the reader's regex and nothing else; return the matches."""
    match, n = access_log.LINE.match, 0
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            n += match(line) is not None
    return n


def main() -> None:
    """Generate, time both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated log in MB (default 1024)")
    parser.add_argument("--keep", type=Path, help="write the log here and keep it (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "access.log"
        started = time.perf_counter()
        lines = generate(path, args.size_mb)
        print(f"generated {lines:,} lines ({path.stat().st_size / 1e6:,.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        matched = plain_regex(path)
        regex_s = time.perf_counter() - started
        started = time.perf_counter()
        result = access_log.read([path], Context(options={"site": "blog.example.org"}))
        reader_s = time.perf_counter() - started
    sessions = int(result.tables["traffic"]["sessions"].sum())
    print(f"plain regex loop : {matched / regex_s:>12,.0f} lines/s ({regex_s:.1f} s)")
    print(f"access_log.read  : {lines / reader_s:>12,.0f} lines/s ({reader_s:.1f} s, {sessions:,} sessions)")
    print(f"ratio reader / regex: {regex_s / reader_s:.2f} (1.00 = as fast as the bare regex)")


if __name__ == "__main__":
    main()
