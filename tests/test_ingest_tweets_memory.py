"""tweets.js is read in pieces: the same tweets as reading it whole, without holding copies of the whole file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest.common.base import Context
from helpers.ingest.x import archive as x_archive
from helpers.ingest.x import archive_arrow as arrow
from test_ingest_x_archive import read_both_ways


def _tweet(i: int) -> dict:
    """A tweet object shaped like a 2022+ archive's, with a photo (about 3.5 KB pretty-printed, as real ones)."""
    tid = str(1_500_000_000_000_000_000 + i * 4096)
    media = [{"expanded_url": f"https://x.com/me/status/{tid}/photo/1", "indices": ["120", "143"],
              "url": "https://t.co/abcdefghij", "media_url": "http://pbs.twimg.com/media/ABCDEFGHIJKLMNO.jpg",
              "id_str": tid, "id": tid, "media_url_https": "https://pbs.twimg.com/media/ABCDEFGHIJKLMNO.jpg",
              "sizes": {s: {"w": "1200", "h": "800", "resize": "fit"} for s in ("thumb", "small", "medium", "large")},
              "type": "photo", "display_url": "pic.x.com/abcdefghij"}]
    urls = [{"url": "https://t.co/abc", "expanded_url": f"https://blog.example.org/{i}",
             "display_url": f"blog.example.org/{i}", "indices": ["0", "23"]}] if i % 2 else []
    return {"tweet": {
        "edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": "2024-06-01T10:00:00.000Z",
                                  "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False, "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "media": media, "urls": urls},
        "display_text_range": ["0", "120"], "favorite_count": str(i % 200), "id_str": tid, "truncated": False,
        "retweet_count": str(i % 40), "id": tid, "possibly_sensitive": False,
        "created_at": "Sat Jun 01 10:00:00 +0000 2024", "favorited": False,
        "full_text": f"post {i} about data, quality & networks, café ☕" + (" https://t.co/abc" if i % 2 else ""),
        "lang": "en", "extended_entities": {"media": media}}}


def _archive(root: Path, n: int, newline: str = "\n", bom: bool = False, tail: str = "\n]", old: bool = False) -> Path:
    """An archive folder whose data/tweets.js holds n tweets in X's layout, written tweet by tweet; old=True writes
    the layout of archives from before 2020 (data/tweet.js, `[ {`, bare tweets at column 0, `}, {`)."""
    data = root / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": {"accountId": "42", "username": "me"}}]')
    path = data / ("tweet.js" if old else "tweets.js")
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline=newline) as fh:
        fh.write(f"window.YTD.{path.stem}.part0 = [")
        for i in range(n):
            if old:
                fh.write((" " if i == 0 else ", ") + json.dumps(_tweet(i)["tweet"], indent=2, separators=(",", " : "),
                                                                ensure_ascii=False))
                continue
            text = json.dumps(_tweet(i), indent=2, separators=(",", " : "), ensure_ascii=False)
            fh.write(("\n  " if i == 0 else ",\n  ") + text.replace("\n", "\n  "))
        fh.write(" ]" if old else tail)
    return path


@pytest.mark.parametrize("newline,bom,tail,old", [("\n", False, "\n]", False), ("\r\n", False, "\n] ;\n", False),
                                                  ("\n", True, "\n]", False), ("\n", False, "", True),
                                                  ("\r\n", True, "", True)])
@pytest.mark.parametrize("piece", [1, 700, 5000, 100_000])
def test_reading_in_pieces_gives_the_same_tweets_as_reading_whole(tmp_path: Path, newline: str, bom: bool,
                                                                  tail: str, old: bool, piece: int) -> None:
    """Whatever the piece size (smaller than a tweet, or several tweets), CRLF, a BOM or the pre-2020 layout:
    the same Arrow array."""
    path = _archive(tmp_path / "a", 40, newline, bom, tail, old)
    whole = arrow.tweets(path.read_bytes())
    assert whole is not None and len(whole.array) == 40 and whole.wrapped is not old
    got = arrow.tweets_of_file(path, piece_bytes=piece)
    assert got.wrapped == whole.wrapped and got.array.equals(whole.array)


def test_the_pre_2020_layout_reads_the_same_posts_and_rejects_as_the_json_path(tmp_path: Path) -> None:
    """Bare tweet objects (older archives) go through pyarrow too, with the same posts and reject places."""
    path = _archive(tmp_path / "a", 30, old=True)
    text = path.read_text()
    text = text.replace('"favorite_count" : "7"', '"favorite_count" : "seven"', 1)  # one row for the JSON path
    path.write_text(text.replace('"created_at" : "Sat Jun 01', '"created_at" : "Sat Jux 01', 1))
    outcomes = read_both_ways(path)
    pd.testing.assert_frame_equal(outcomes[0][0], outcomes[1][0])
    assert outcomes[0][1] == outcomes[1][1]
    assert sorted(place for place, _ in outcomes[0][1]) == ["t[0]", "t[7]"]
    assert arrow.tweets_of_file(path) is not None


@pytest.mark.parametrize("text", [
    "window.YTD.tweets.part0 = [ ]",
    'window.YTD.tweets.part0 = [ {\n  "id_str" : "1"\n}, {\n  "tweet" : {\n    "id_str" : "2"\n  }\n} ]',  # mixed
    'window.YTD.tweets.part0 = [\n  {\n    "tweet" : {\n      "id_str" : "1"\n    }\n  }\n] trailing',
    'window.YTD.tweets.part0 = x [\n  {\n    "tweet" : {\n      "id_str" : "1"\n    }\n  }\n]',
])
@pytest.mark.parametrize("piece", [1, 16, 4096])
def test_a_file_out_of_x_layout_is_left_to_the_json_path_in_pieces_too(tmp_path: Path, text: str, piece: int) -> None:
    """Empty lists, unwrapped rows and text around the array: the piecewise reader declines, as the whole one does."""
    path = tmp_path / "tweets.js"
    path.write_text(text)
    assert arrow.tweets(path.read_bytes()) is None
    assert arrow.tweets_of_file(path, piece_bytes=piece) is None


def test_the_real_tweets_js_reads_the_same_in_small_pieces(realdata: Path) -> None:
    """The real archive's tweets.js, read 64 KB at a time, is the array read whole."""
    path = realdata / "twitter-archive-andreruffert" / "data" / "tweets.js"
    whole = arrow.tweets(path.read_bytes())
    assert len(whole.array) == 1986 and whole.wrapped
    assert arrow.tweets_of_file(path, piece_bytes=64 * 1024).array.equals(whole.array)


CHILD = """
import json, sys
from pathlib import Path

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

from helpers.ingest.x import archive as x_archive
from helpers.ingest.common.base import Context

x_archive.read([Path(sys.argv[2])], Context())  # warm up: lazy imports, Arrow kernels and thread pools
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # reset the peak resident set size (VmHWM) to the current one
before = status("VmRSS:")
result = x_archive.read([Path(sys.argv[1])], Context())
print(json.dumps({"before": before, "peak": status("VmHWM:"), "posts": len(result.tables["posts"])}))
"""


def test_reading_a_tweets_js_holds_no_copies_of_the_whole_file(tmp_path: Path) -> None:
    """The read adds under 2x the file's size to the peak memory (1.3x measured; 3.9x when it was held whole)."""
    if not os.access("/proc/self/clear_refs", os.W_OK):
        pytest.skip("peak memory is measured through /proc (Linux)")
    big = _archive(tmp_path / "big", 8000)  # about 28 MB
    _archive(tmp_path / "small", 20)
    child = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "big"), str(tmp_path / "small")],
                           capture_output=True, text=True, check=True)
    got = json.loads(child.stdout.strip().splitlines()[-1])
    size = big.stat().st_size
    assert got["posts"] == 8000 and size > 25 * 2**20
    added = (got["peak"] - got["before"]) / size
    assert added < 2.0, f"reading a {size / 2**20:.0f} MB tweets.js added {added:.2f}x its size to the peak memory"


def test_the_archive_reader_uses_the_piecewise_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """x_archive.read never reads a tweets file whole when it is in X's layout."""
    _archive(tmp_path / "a", 30)
    real = Path.read_bytes

    def whole(self: Path) -> bytes:
        """Fail on reading a tweets file whole; other files (account.js) are small and read whole."""
        if self.name.startswith("tweet"):
            pytest.fail(f"{self} was read whole")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", whole)
    result = x_archive.read([tmp_path / "a"], Context())
    assert len(result.tables["posts"]) == 30
