"""The polite session: rate-limit headers, backoff with jitter, bounded retries, the on-disk cache."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from requests.structures import CaseInsensitiveDict

from helpers.collect import http
from helpers.collect.http import CollectError, PoliteSession, RequestCache, rate_limit_wait
from helpers.replay import server as replay

NOW = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC


class Script:
    """A tiny server answering each path with a scripted sequence of (status, headers, body)."""

    def __init__(self, answers: dict[str, list[tuple[int, dict, bytes]]]):
        self.answers, self.seen = answers, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                outer.seen.append((self.path, self.headers.get("Authorization")))
                queue = outer.answers[self.path.split("?")[0]]
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def script():
    made = []

    def make(answers):
        made.append(Script(answers))
        return made[-1]

    yield make
    for s in made:
        s.close()


def session(tmp_path, sleeps: list, **kw) -> PoliteSession:
    """A session that records its waits instead of sleeping."""
    return PoliteSession(tmp_path / "cache", sleep=sleeps.append, seed=3, **kw)


OK = (200, {"Content-Type": "application/json"}, b'{"ok": true}')


def test_bluesky_reset_header_is_epoch_seconds():
    headers = CaseInsensitiveDict({"ratelimit-remaining": "0", "ratelimit-reset": str(int(NOW + 42))})
    assert rate_limit_wait(headers, NOW) == 42


def test_mastodon_reset_header_is_an_iso_instant():
    reset = dt.datetime.fromtimestamp(NOW + 90, dt.UTC).isoformat().replace("+00:00", "Z")
    headers = CaseInsensitiveDict({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    assert rate_limit_wait(headers, NOW) == pytest.approx(90)


def test_no_wait_while_requests_remain_and_retry_after_wins():
    left = CaseInsensitiveDict({"ratelimit-remaining": "5", "ratelimit-reset": str(NOW + 9)})
    assert rate_limit_wait(left, NOW) is None
    assert rate_limit_wait(CaseInsensitiveDict({"Retry-After": "7", "ratelimit-remaining": "0",
                                                "ratelimit-reset": str(NOW + 99)}), NOW) == 7


def test_429_waits_as_the_headers_say_then_succeeds(tmp_path, script):
    reset = dt.datetime.fromtimestamp(NOW + 30, dt.UTC)
    limited = (429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()},
               b'{"error": "Too many requests"}')
    srv = script({"/a": [limited, OK]})
    sleeps = []
    s = session(tmp_path, sleeps)
    s.now = lambda: NOW  # the wall clock the reset is read against, frozen so the wait is exact
    status, body = s.get_json(srv.url + "/a")
    assert (status, body) == (200, {"ok": True})
    assert sleeps == [pytest.approx(30)]  # the reset time, not a blind backoff
    assert s.stats.sent == 2 and s.stats.retries == 1


def test_5xx_backs_off_with_jitter_and_gives_up_after_the_bound(tmp_path, script):
    srv = script({"/down": [(503, {}, b"<html>busy</html>")]})
    sleeps = []
    s = session(tmp_path, sleeps, max_retries=4, base_delay=1.0, max_delay=5.0)
    with pytest.raises(CollectError, match="503 after 5 tries"):
        s.get_json(srv.url + "/down")
    assert len(srv.seen) == 5  # one try and four retries, no more
    ceilings = [1, 2, 4, 5]
    assert len(sleeps) == 4
    for wait, ceiling in zip(sleeps, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling  # equal jitter: half fixed, half random
    assert len(set(sleeps)) == 4


def test_malformed_json_is_retried_and_never_cached(tmp_path, script):
    broken = (200, {"Content-Type": "application/json"}, b'{"followers": [{"did": ')
    srv = script({"/feed": [broken, OK]})
    s = session(tmp_path, [])
    assert s.get_json(srv.url + "/feed") == (200, {"ok": True})
    cached = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert [c["_decoded_content"] for c in cached] == [{"ok": True}]  # requests-cache's JSON file of the answer


def test_a_cached_answer_is_not_fetched_again(tmp_path, script):
    link = '<http://x/next?max_id=5>; rel="next"'
    srv = script({"/page": [(200, {"Content-Type": "application/json", "Link": link}, b"[1, 2]")]})
    first = session(tmp_path, [])
    assert first.get(srv.url + "/page", params={"limit": 2}).json() == [1, 2]
    again = session(tmp_path, [])
    resp = again.get(srv.url + "/page", params={"limit": 2})
    assert resp.json() == [1, 2] and resp.headers["link"] == link and resp.from_cache
    assert len(srv.seen) == 1 and again.stats.sent == 0 and again.stats.from_cache == 1


def test_the_credential_never_reaches_the_cache(tmp_path, script):
    srv = script({"/me": [OK]})
    s = session(tmp_path, [])
    s.get(srv.url + "/me", headers={"Authorization": "Bearer SECRET-TOKEN-123"})
    assert srv.seen[0][1] == "Bearer SECRET-TOKEN-123"
    stored = "".join(p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert stored and "SECRET-TOKEN-123" not in stored
    # an anonymous request is a different cache entry from an authenticated one
    assert RequestCache.key("GET", srv.url + "/me", True) != RequestCache.key("GET", srv.url + "/me", False)


def test_a_broken_cache_file_is_a_miss(tmp_path, script):
    srv = script({"/x": [OK]})
    session(tmp_path, []).get(srv.url + "/x")
    for p in (tmp_path / "cache").rglob("*.json"):
        p.write_text("{not json")
    s = session(tmp_path, [])
    assert s.get(srv.url + "/x").json() == {"ok": True} and s.stats.sent == 1


def test_not_found_is_cached_but_server_errors_are_not(tmp_path, script):
    srv = script({"/gone": [(404, {}, b'{"error": "Record not found"}')],
                  "/err": [(500, {}, b"oops")]})
    s = session(tmp_path, [], max_retries=1, base_delay=0.001)
    assert s.get(srv.url + "/gone").status_code == 404
    assert s.get(srv.url + "/err").status_code == 500
    again = session(tmp_path, [], max_retries=1, base_delay=0.001)
    again.get(srv.url + "/gone")
    again.get(srv.url + "/err")
    assert again.stats.from_cache == 1 and again.stats.sent == 2


# -- faults of the body and long waits, against the replay server -------------------------------------------

PROFILE = "/xrpc/app.bsky.actor.getProfile"


def _profile(s: PoliteSession, server: replay.Replay, n: int = 1) -> tuple[int, object]:
    """Ask the replay for one cohort member's profile."""
    return s.get_json(server.url + PROFILE, params={"actor": server.bluesky_handles()[n]})


def _within_jitter(sleeps: list[float], base: float, cap: float) -> bool:
    """Whether each wait is an equal-jitter backoff: between half and all of min(cap, base * 2**attempt)."""
    ceilings = [min(cap, base * 2 ** a) for a in range(len(sleeps))]
    return all(c / 2 <= w <= c for w, c in zip(sleeps, ceilings, strict=True))


def test_a_body_cut_short_is_retried_like_a_dropped_connection(tmp_path):
    with replay.serve(20, seed=7, faults=replay.Faults(truncated_every=1)) as server:
        sleeps = []
        s = session(tmp_path, sleeps, base_delay=1.0, max_delay=8.0)
        status, body = _profile(s, server)
        assert status == 200 and body["handle"] == server.bluesky_handles()[1]
        assert [r.fault for r in server.log] == ["truncated", None]
    assert s.stats.retries == 1 and len(sleeps) == 1 and _within_jitter(sleeps, 1.0, 8.0)
    cached = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert len(cached) == 1 and cached[0]["_decoded_content"] == body  # only the whole answer is kept


def test_a_body_always_cut_short_gives_a_plain_error_after_the_same_tries(tmp_path):
    with replay.serve(20, seed=7, faults=replay.Faults(truncated_every=1, attempts=99)) as server:
        sleeps = []
        s = session(tmp_path, sleeps, max_retries=4, base_delay=1.0, max_delay=5.0)
        with pytest.raises(CollectError, match=r"no complete answer after 5 tries \(the last: the answer was cut "
                                               r"short .*\); run again later"):
            _profile(s, server)
        assert server.count() == 5  # one try and four retries, as for a dropped connection
    assert len(sleeps) == 4 and _within_jitter(sleeps, 1.0, 5.0) and len(set(sleeps)) == 4
    assert not list((tmp_path / "cache").rglob("*.json"))


def _trickle_clock(server: replay.Replay):
    """A monotonic clock on which every byte the replay trickles takes 5 s, whatever the machine's speed."""
    return lambda: server.trickled * 5.0


def test_a_trickling_body_misses_the_deadline_and_the_retry_gets_the_answer(tmp_path):
    faults = replay.Faults(trickle_every=1)
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        s = session(tmp_path, sleeps)
        s.deadline_s, s.clock = 60, _trickle_clock(server)
        status, body = _profile(s, server)
        assert status == 200 and body["handle"] == server.bluesky_handles()[1]
        assert [r.fault for r in server.log] == ["trickle", None]
        # the first try was given up after about 60 s of its 5 s bytes, long before its end
        assert 60 / 5 < server.trickled < len(json.dumps(body)) / 2
    assert s.stats.retries == 1 and len(sleeps) == 1


def test_a_body_that_always_trickles_ends_in_a_plain_error_after_the_last_try(tmp_path):
    faults = replay.Faults(trickle_every=1, attempts=99)
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        s = session(tmp_path, sleeps, max_retries=2)
        s.deadline_s, s.clock = 60, _trickle_clock(server)
        with pytest.raises(CollectError, match=r"no complete answer after 3 tries \(the last: the answer took "
                                               r"longer than the 60 s deadline\)"):
            _profile(s, server)
        assert server.count() == 3
    assert len(sleeps) == 2


def test_a_long_retry_after_stops_at_once_and_says_until_when(tmp_path):
    faults = replay.Faults(rate_limit_every=1, attempts=99, retry_after_s=3600)
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        s = session(tmp_path, sleeps, longest_wait_s=120)
        s.now = lambda: NOW
        with pytest.raises(http.ServerAsksToWait) as caught:
            _profile(s, server)
        assert server.count() == 1  # no retry: it could only be refused again
    assert sleeps == []
    # NOW is 15:06:40 UTC; an hour later, rounded up to the minute
    assert caught.value.describe() == "the server asks to wait until 16:07 UTC (3600 s)"
    assert caught.value.until == dt.datetime(2025, 6, 15, 16, 7, tzinfo=dt.UTC)


def test_a_long_wait_past_midnight_names_the_day(tmp_path):
    exc = http.ServerAsksToWait("u", 86_400, NOW)
    assert exc.describe() == "the server asks to wait until 2025-06-16 15:07 UTC (86400 s)"


def test_a_short_retry_after_is_honoured(tmp_path):
    faults = replay.Faults(rate_limit_every=1, retry_after_s=30)
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        s = session(tmp_path, sleeps)  # the longest wait worth sleeping through is 120 s by default
        status, _ = _profile(s, server)
    assert status == 200 and sleeps == [30.0] and s.stats.retries == 1


def test_a_used_up_window_that_resets_past_max_wait_keeps_the_answer_then_stops(tmp_path, script):
    spent = (200, {"Content-Type": "application/json", "ratelimit-remaining": "0",
                   "ratelimit-reset": str(int(NOW + 7200))}, b'{"ok": true}')
    srv = script({"/last": [spent]})
    sleeps = []
    s = session(tmp_path, sleeps)
    s.now = lambda: NOW
    with pytest.raises(http.ServerAsksToWait, match=r"until 17:07 UTC \(7200 s\)"):
        s.get(srv.url + "/last")
    assert sleeps == []  # not 900 s, then a retry the server would refuse
    again = session(tmp_path, sleeps)
    assert again.get(srv.url + "/last").json() == {"ok": True} and again.stats.from_cache == 1  # kept


def test_a_cached_answer_keeps_no_cookie_or_request_header_and_its_fetch_time(tmp_path, script):
    answer = (200, {"Content-Type": "application/json", "Set-Cookie": "sid=SESSION-COOKIE", "Server": "x"}, b"[1]")
    srv = script({"/c": [answer]})
    s = session(tmp_path, [])
    s.get(srv.url + "/c", headers={"Authorization": "Bearer SECRET-TOKEN-123"})
    first = s.last_fetched_at
    [stored] = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert {h.lower() for h in stored["headers"]} <= {"content-type", "date"} and not stored.get("cookies")
    assert not stored["request"].get("headers") and "SESSION-COOKIE" not in json.dumps(stored)
    again = session(tmp_path, [])
    assert again.get(srv.url + "/c", headers={"Authorization": "Bearer SECRET-TOKEN-123"}).from_cache
    assert again.last_fetched_at == first  # a resumed run dates the answer when it was fetched, not re-read


def test_cache_files_are_written_atomically(tmp_path, script, monkeypatch):
    srv = script({"/a": [OK]})
    replaced = []
    real = http.atomic.os.replace
    monkeypatch.setattr(http.atomic.os, "replace", lambda a, b: (replaced.append((a, b)), real(a, b)))
    session(tmp_path, []).get(srv.url + "/a")
    assert len(replaced) == 1 and str(replaced[0][1]).endswith(".json")
