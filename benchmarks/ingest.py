"""How fast is the X archive reader on a large archive, next to pandas.read_json and json.loads + DataFrame?

Generates a synthetic X archive (100,000 tweets by default: about 130 MB of data/tweets.js in X's own
pretty-printed layout, with the fields of a 2022+ archive) in a temporary folder, then times, in the same run:

1. helpers.ingest.x.archive.read (the whole archive: account, profile, tweets, followers, following);
2. pandas.read_json on the JSON array of tweets.js (file read and wrapper stripped inside the timing);
3. json.loads of the same array, then pd.DataFrame of the unwrapped tweet objects.

Prints MB/s for each and the ratios. Run: `.venv/bin/python benchmarks/ingest.py [--tweets N] [--repeat R]`.

With `--memory`, it measures instead the peak memory of the reader: a fresh Python process reads the archive
once, and prints its peak resident set size (VmHWM) after its imports and after the read, next to the size
of tweets.js and the read's wall time (the goal: peak under 2x the file). 250,000 tweets make about 320 MB.
Not part of the test suite (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from helpers.ingest.common.base import Context
from helpers.ingest.x import archive as x_archive

ACCOUNT_ID = "1000000001"
WORDS = ["data", "blog", "post", "quality", "network", "followers", "engagement", "release", "notes", "python",
         "notebook", "research", "thanks", "great", "idea", "meetup", "tonight", "slides", "video", "open", "source",
         "community"]


def _when(rng: random.Random, i: int) -> str:
    """A created_at in X's format, going back in time with i."""
    stamp = pd.Timestamp("2024-06-01", tz="UTC") - pd.Timedelta(minutes=37 * i + rng.randrange(30))
    return stamp.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _tweet(rng: random.Random, i: int) -> dict:
    """One synthetic tweet object with the fields and nesting of a 2022+ archive."""
    tid = str(1_500_000_000_000_000_000 + i * 4096)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 20)))
    urls, kind = [], rng.random()
    text = words
    if rng.random() < 0.5:
        urls = [{"url": "https://t.co/abcdefghij", "expanded_url": f"https://blog.example.org/post/{i}",
                 "display_url": f"blog.example.org/post/{i}", "indices": ["0", "23"]}]
        text = f"{words} https://t.co/abcdefghij"
    tweet = {
        "edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": "2024-06-01T10:00:00.000Z",
                                  "editsRemaining": "5", "isEditEligible": False}},
        "retweeted": False,
        "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
        "entities": {"hashtags": [{"text": "rstats", "indices": ["3", "10"]}] if rng.random() < 0.2 else [],
                     "symbols": [], "user_mentions": [], "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(rng.randrange(0, 200)),
        "id_str": tid,
        "truncated": False,
        "retweet_count": str(rng.randrange(0, 40)),
        "id": tid,
        "created_at": _when(rng, i),
        "favorited": False,
        "full_text": text,
        "lang": "en",
    }
    if kind < 0.25:
        parent = str(int(tid) - 4096)
        tweet.update({"in_reply_to_status_id_str": parent, "in_reply_to_status_id": parent, "in_reply_to_user_id": "42",
                      "in_reply_to_user_id_str": "42", "in_reply_to_screen_name": "friend"})
        tweet["full_text"] = "@friend " + text
        tweet["entities"]["user_mentions"] = [{"name": "Friend", "screen_name": "friend", "indices": ["0", "7"],
                                               "id_str": "42", "id": "42"}]
    elif kind < 0.45:
        tweet["full_text"] = "RT @friend: " + text
    return tweet


def _write_js(path: Path, name: str, rows: list) -> None:
    """Write rows as X does: `window.YTD.<name>.part0 = [...]`, two-space indent, ' : ' separators."""
    path.write_text(f"window.YTD.{name}.part0 = " + json.dumps(rows, indent=2, separators=(",", " : "),
                                                                ensure_ascii=False), encoding="utf-8")


def generate(folder: Path, n_tweets: int, seed: int = 7) -> Path:
    """A synthetic archive with n_tweets tweets, 5,000 followers and 800 followed accounts."""
    rng = random.Random(seed)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "manifest.js").write_text('window.__THAR_CONFIG = ' + json.dumps({
        "userInfo": {"accountId": ACCOUNT_ID, "userName": "bench", "displayName": "Bench"},
        "archiveInfo": {"generationDate": "2024-06-02T00:00:00.000Z", "isPartialArchive": False}}, indent=2))
    _write_js(data / "account.js", "account", [{"account": {"username": "bench", "accountId": ACCOUNT_ID,
                                                             "createdAt": "2012-01-01T00:00:00.000Z",
                                                             "accountDisplayName": "Bench"}}])
    _write_js(data / "profile.js", "profile", [{"profile": {"description": {"bio": "b", "website": "",
                                                                             "location": ""}}}])
    _write_js(data / "follower.js", "follower", [{"follower": {"accountId": str(10**9 + i)}} for i in range(5000)])
    _write_js(data / "following.js", "following", [{"following": {"accountId": str(10**9 + 3 * i)}}
                                                   for i in range(800)])
    _write_js(data / "tweets.js", "tweets", [{"tweet": _tweet(rng, i)} for i in range(n_tweets)])
    return data / "tweets.js"


def _array_text(path: Path) -> str:
    """The JSON array of a YTD file, wrapper stripped."""
    text = path.read_text(encoding="utf-8")
    return text[text.index("["):]


def _time(label: str, func, repeat: int) -> float:
    """Best wall time of func over repeat runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<42} {best:7.2f} s", flush=True)
    return best


def _peak_mb() -> float:
    """This process's peak resident set size so far, in MiB: VmHWM on Linux (ru_maxrss would include the
    peak of the parent that forked it), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)


def measure_child(root: Path) -> dict:
    """In this (fresh) process: read the archive once; peak RSS after imports and after the read, and the time."""
    import pyarrow  # noqa: F401 (imported before the baseline, as the reader imports it)

    from helpers.ingest.x import archive_arrow as _x_archive_arrow  # noqa: F401

    before = _peak_mb()
    start = time.perf_counter()
    result = x_archive.read([root], Context())
    seconds = time.perf_counter() - start
    return {"baseline_mb": before, "peak_mb": _peak_mb(), "seconds": seconds, "posts": len(result.tables["posts"])}


def memory(args: argparse.Namespace) -> int:
    """Generate the archive, then measure the reader's peak memory in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="qvq-bench-") as tmp:
        tweets_js = generate(Path(tmp), args.tweets)
        mb = tweets_js.stat().st_size / 2**20
        print(f"synthetic archive: {args.tweets:,} tweets, data/tweets.js {mb:.1f} MiB", flush=True)
        for run in range(args.repeat):
            child = subprocess.run([sys.executable, __file__, "--child-memory", tmp], capture_output=True, text=True,
                                   check=True)
            got = json.loads(child.stdout.strip().splitlines()[-1])
            assert got["posts"] == args.tweets, f"reader kept {got['posts']} of {args.tweets} tweets"
            added = (got["peak_mb"] - got["baseline_mb"]) / mb
            print(f"  run {run + 1}: peak RSS {got['peak_mb']:.0f} MiB = {got['peak_mb'] / mb:.2f}x tweets.js "
                  f"(after imports {got['baseline_mb']:.0f} MiB; the read adds {added:.2f}x); "
                  f"read in {got['seconds']:.2f} s = {mb / got['seconds']:.1f} MiB/s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Generate the archive, time the three ways, print MB/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=100_000, help="tweets in the synthetic archive (default 100000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; the best is kept (default 1)")
    parser.add_argument("--memory", action="store_true", help="measure the reader's peak memory instead of speed")
    parser.add_argument("--child-memory", metavar="ARCHIVE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_memory:
        print(json.dumps(measure_child(Path(args.child_memory))))
        return 0
    if args.memory:
        return memory(args)
    with tempfile.TemporaryDirectory(prefix="qvq-bench-") as tmp:
        tweets_js = generate(Path(tmp), args.tweets)
        mb = tweets_js.stat().st_size / 1e6
        print(f"synthetic archive: {args.tweets:,} tweets, data/tweets.js {mb:.1f} MB")
        holder: dict = {}
        reader = _time("helpers x_archive reader (whole archive)",
                       lambda: holder.update(result=x_archive.read([Path(tmp)], Context())), args.repeat)
        posts = holder["result"].tables["posts"]
        assert len(posts) == args.tweets, f"reader kept {len(posts)} of {args.tweets} tweets"
        pandas = _time("pandas.read_json (array)",
                       lambda: pd.read_json(io.StringIO(_array_text(tweets_js))), args.repeat)
        loads = _time("json.loads + pd.DataFrame",
                      lambda: pd.DataFrame([r["tweet"] for r in json.loads(_array_text(tweets_js))]), args.repeat)
    print(f"\nthroughput (MB of tweets.js per second): reader {mb / reader:.1f}, pandas.read_json {mb / pandas:.1f}, "
          f"json.loads+DataFrame {mb / loads:.1f}")
    print(f"reader is {pandas / reader:.1f}x as fast as pandas.read_json and {loads / reader:.1f}x as fast as "
          f"json.loads + pd.DataFrame (goal: at least 3x pandas.read_json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
