"""The polite session: rate-limit headers, backoff with jitter, bounded retries, the on-disk cache."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from requests.structures import CaseInsensitiveDict

from helpers.collect.http import CollectError, PoliteSession, RequestCache, rate_limit_wait

NOW = 1_750_000_000.0


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
    reset = dt.datetime.fromtimestamp(NOW + 90, dt.timezone.utc).isoformat().replace("+00:00", "Z")
    headers = CaseInsensitiveDict({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    assert rate_limit_wait(headers, NOW) == pytest.approx(90)


def test_no_wait_while_requests_remain_and_retry_after_wins():
    left = CaseInsensitiveDict({"ratelimit-remaining": "5", "ratelimit-reset": str(NOW + 9)})
    assert rate_limit_wait(left, NOW) is None
    assert rate_limit_wait(CaseInsensitiveDict({"Retry-After": "7", "ratelimit-remaining": "0",
                                                "ratelimit-reset": str(NOW + 99)}), NOW) == 7


def test_429_waits_as_the_headers_say_then_succeeds(tmp_path, script):
    reset = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    limited = (429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()},
               b'{"error": "Too many requests"}')
    srv = script({"/a": [limited, OK]})
    sleeps = []
    s = session(tmp_path, sleeps)
    status, body = s.get_json(srv.url + "/a")
    assert (status, body) == (200, {"ok": True})
    assert len(sleeps) == 1 and 25 < sleeps[0] <= 30  # the reset time, not a blind backoff
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
    for wait, ceiling in zip(sleeps, ceilings):
        assert ceiling / 2 <= wait <= ceiling  # equal jitter: half fixed, half random
    assert len(set(sleeps)) == 4


def test_malformed_json_is_retried_and_never_cached(tmp_path, script):
    broken = (200, {"Content-Type": "application/json"}, b'{"followers": [{"did": ')
    srv = script({"/feed": [broken, OK]})
    s = session(tmp_path, [])
    assert s.get_json(srv.url + "/feed") == (200, {"ok": True})
    cached = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert [c["body"] for c in cached] == ['{"ok": true}']


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
