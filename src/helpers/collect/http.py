"""A polite HTTP session: obeys rate-limit headers, backs off with jitter, retries a bounded number of
times (on 429, 5xx, malformed JSON, dropped connections, bodies cut short and answers slower than an overall
deadline), stops with a resume time when the server asks for a long wait, and keeps every definitive answer
in an on-disk cache so an interrupted run resumes without fetching anything twice.

The cache is requests-cache's storage (its CachedResponse written as one JSON file per answer), not its
CachedSession: CachedSession stores an answer inside send(), reading the whole body there, before the retry
loop below has read it against the deadline and checked that it parses, so it would cache cut-short or
malformed answers and let a trickling body run past the deadline. Files are written atomically, here.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3.exceptions
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests_cache import BaseCache, CachedResponse
from requests_cache.backends.filesystem import FileDict

from helpers import paths
from helpers.data import atomic
from helpers.errors import UserError

DEFAULT_CACHE = paths.DATA / ".cache" / "collect"
USER_AGENT = "quality-vs-quantity research notebooks (polite: cached, rate-limited, bounded retries)"

# Answers that will not change on a retry, so a rerun may reuse them: found, or definitively not found.
CACHEABLE = {200, 400, 404, 410}
RETRYABLE = {429, 500, 502, 503, 504}
# Response headers worth keeping in the cache (pagination and type); never request headers.
KEPT_HEADERS = ("content-type", "link", "date")
DEADLINE_S = 60.0  # the longest one try may take, from sending to the last body byte
LONGEST_WAIT_S = 120.0  # a Retry-After longer than this stops the run instead of sleeping
CHUNK = 64 * 1024
# A body that broke off mid-way (requests raises these from its own reads; urllib3 from ours).
BROKEN_BODY = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
               urllib3.exceptions.HTTPError, http.client.HTTPException)


class CollectError(UserError):
    """A request that still failed after every retry (the CLI prints it as one plain line)."""


class FailedTry(Exception):
    """One try that gave no complete answer: the body was cut short, or it missed the deadline."""


class ServerAsksToWait(BaseException):
    """The server asks for a wait too long to sleep through: stop, keep what is complete, resume later.

    Raised for a Retry-After above longest_wait_s, or any asked wait above max_wait. A BaseException, as
    KeyboardInterrupt is, because Mastodon.py turns every Exception the session raises into its own network
    error, and this one must reach the collector, which saves the partial dataset.
    """

    def __init__(self, url: str, wait_s: float, now: float):
        self.url, self.wait_s = url, wait_s
        self.until = dt.datetime.fromtimestamp(math.ceil((now + wait_s) / 60) * 60, dt.UTC)
        self.today = dt.datetime.fromtimestamp(now, dt.UTC).date()
        super().__init__(self.describe())

    def describe(self) -> str:
        """When to resume, in words: the minute the wait ends (UTC) and its length."""
        when = f"{self.until:%H:%M} UTC" if self.until.date() == self.today else f"{self.until:%Y-%m-%d %H:%M} UTC"
        return f"the server asks to wait until {when} ({self.wait_s:.0f} s)"


@dataclass
class Stats:
    """What a session did: requests sent over the network, answers reused from the cache, retries, waits."""

    sent: int = 0
    from_cache: int = 0
    retries: int = 0
    waited_s: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain numbers for a manifest or a report."""
        return {"sent": self.sent, "from_cache": self.from_cache, "retries": self.retries,
                "waited_s": round(self.waited_s, 3), "statuses": {str(k): v for k, v in sorted(self.statuses.items())}}


class _AtomicFiles(FileDict):
    """requests-cache's one-file-per-answer storage, each file written atomically (a kill never leaves half)."""

    def __setitem__(self, key: str, value: CachedResponse) -> None:
        atomic.write_text(self.cache_dir / f"{key}{self.extension}", self.serialize(value))


class RequestCache:
    """One JSON file per answered GET, keyed by the full URL (with its query) and whether it was authenticated."""

    def __init__(self, folder: Path, max_age_s: float | None = None):
        self.folder = Path(folder)
        self.max_age_s = max_age_s
        self.store = BaseCache(cache_name=str(self.folder))
        self.store.responses = _AtomicFiles(self.folder, serializer="json", decode_content=True)

    @staticmethod
    def key(method: str, url: str, authenticated: bool) -> str:
        """The cache key of one request; the credential itself never enters it."""
        raw = f"{method.upper()} {url} auth={int(authenticated)}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get(self, key: str) -> CachedResponse | None:
        """The stored answer, or None when absent, unreadable or older than max_age_s."""
        resp = self.store.get_response(key)
        if resp is None or self.max_age_s is None:
            return resp
        age = (dt.datetime.now(dt.UTC) - resp.created_at).total_seconds()
        return None if age > self.max_age_s else resp

    def put(self, key: str, resp: requests.Response, fetched_at: dt.datetime) -> CachedResponse:
        """Store an answer: its status, URL, body and the kept headers; no request header, cookie or credential."""
        cached = CachedResponse.from_response(resp)
        cached.created_at = fetched_at
        cached.headers = CaseInsensitiveDict({h: resp.headers[h] for h in KEPT_HEADERS if h in resp.headers})
        cached.cookies = RequestsCookieJar()
        cached.request.headers = CaseInsensitiveDict()
        self.store.responses[key] = cached
        return cached


def _parse_reset(value: str, now: float) -> float | None:
    """Seconds until a rate-limit window resets, from epoch seconds, delta seconds or an ISO/HTTP date."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # Bluesky sends epoch seconds; the IETF draft header sends seconds from now.
        return number - now if number > 1e9 else number
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp() - now


def retry_after(headers: CaseInsensitiveDict, now: float) -> float | None:
    """The wait a Retry-After header asks for, in seconds (None without one)."""
    if not headers.get("retry-after"):
        return None
    wait = _parse_reset(headers["retry-after"], now)
    return None if wait is None else max(wait, 0.0)


def rate_limit_wait(headers: CaseInsensitiveDict, now: float) -> float | None:
    """How long the server asks us to wait: Retry-After, or the reset time once no request remains."""
    if (wait := retry_after(headers, now)) is not None:
        return wait
    remaining = headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining")
    reset = headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        left = int(float(remaining))
    except ValueError:
        return None
    if left > 0:
        return None
    wait = _parse_reset(reset, now)
    return None if wait is None else max(wait, 0.0)


def _is_json(resp: requests.Response) -> bool:
    """Whether a body parses as JSON (a truncated body is retried, never cached)."""
    try:
        json.loads(resp.content or b"null")
    except ValueError:
        return False
    return True


class PoliteSession(requests.Session):
    """A requests.Session that caches, paces, backs off and retries; usable directly or by Mastodon.py.

    clock (monotonic) times each try against deadline_s; now (wall clock) reads rate-limit reset times and
    dates a resume; sleep waits. Tests inject all three so that nothing depends on the machine's speed.
    """

    def __init__(self, cache_dir: Path | str | None = DEFAULT_CACHE, *, max_retries: int = 5,
                 base_delay: float = 1.0, max_delay: float = 60.0, max_wait: float = 900.0,
                 timeout: float = 30.0, cache_max_age_s: float | None = None,
                 sleep: Callable[[float], None] = time.sleep, seed: int | None = None,
                 deadline_s: float = DEADLINE_S, longest_wait_s: float = LONGEST_WAIT_S,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], float] = time.time):
        super().__init__()
        self.cache = RequestCache(Path(cache_dir), cache_max_age_s) if cache_dir is not None else None
        self.max_retries, self.base_delay, self.max_delay, self.max_wait = max_retries, base_delay, max_delay, max_wait
        self.timeout = timeout
        self.deadline_s, self.longest_wait_s = deadline_s, longest_wait_s
        self.sleep_fn, self.clock, self.now = sleep, clock, now
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.last_fetched_at: str | None = None
        self.headers["User-Agent"] = USER_AGENT

    def _sleep(self, seconds: float) -> None:
        """Wait, capped at max_wait, and count it."""
        seconds = min(max(seconds, 0.0), self.max_wait)
        if seconds > 0:
            self.stats.waited_s += seconds
            self.sleep_fn(seconds)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half fixed, half random, so clients do not retry in step."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** attempt)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def request(self, method: str, url: str, params=None, headers=None, timeout=None, **kwargs) -> requests.Response:
        """Send one request politely; a GET answered before is served from the cache."""
        merged = {**self.headers, **(headers or {})}
        authenticated = any(k.lower() == "authorization" for k in merged)
        full_url = requests.Request(method, url, params=params).prepare().url
        key = self.cache.key(method, full_url, authenticated) if self.cache and method.upper() == "GET" else None
        if key and (cached := self.cache.get(key)) is not None:
            self.stats.from_cache += 1
            self.last_fetched_at = cached.created_at.isoformat()
            return cached
        resp, pause = self._send(method, url, params, headers, timeout or self.timeout, **kwargs)
        resp.from_cache = False  # type: ignore[attr-defined]
        fetched_at = dt.datetime.now(dt.UTC)
        self.last_fetched_at = fetched_at.isoformat()
        if key and resp.status_code in CACHEABLE and _is_json(resp):
            self.cache.put(key, resp, fetched_at)
        if pause is not None:  # the answer is good and now cached; the wait before the next one is too long
            raise pause
        return resp

    def _send(self, method, url, params, headers, timeout,
              **kwargs) -> tuple[requests.Response, ServerAsksToWait | None]:
        """The retry loop: rate limits, 429, 5xx, malformed JSON, dropped connections, broken or slow bodies.

        Returns the last answer and, when the server wants a wait longer than max_wait before the next
        request, the pause to raise once the answer is cached.
        """
        kwargs.pop("stream", None)  # the body is always read here, against the deadline
        failure = ""
        resp = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.stats.retries += 1
            try:
                resp = self._try(method, url, params, headers, timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout, FailedTry, *BROKEN_BODY) as exc:
                resp, failure = None, str(exc)
                if attempt < self.max_retries:
                    self._sleep(self.backoff(attempt))
                continue
            if not (resp.status_code in RETRYABLE or (resp.status_code == 200 and not _is_json(resp))):
                return resp, self._after_answer(resp, url)
            self._before_retry(resp, url, attempt)
        if resp is None:
            raise CollectError(f"{url}: no complete answer after {self.max_retries + 1} tries (the last: {failure}); "
                               "run again later to continue")
        return resp, None

    def _after_answer(self, resp: requests.Response, url: str) -> ServerAsksToWait | None:
        """After a good answer: pause as the rate-limit headers ask, or return the pause too long to sleep."""
        now = self.now()
        wait = rate_limit_wait(resp.headers, now)
        asked = retry_after(resp.headers, now)
        if (asked is not None and asked > self.longest_wait_s) or (wait and wait > self.max_wait):
            return ServerAsksToWait(url, wait, now)
        if wait:  # the window is used up: pause before the next request, not after a failure
            self._sleep(wait)
        return None

    def _before_retry(self, resp: requests.Response, url: str, attempt: int) -> None:
        """Before retrying a failed answer: wait as a 429 asks, else back off; stop when the wait is too long."""
        now = self.now()
        asked = retry_after(resp.headers, now)
        if asked is not None and asked > self.longest_wait_s:  # retrying sooner would only be refused again
            raise ServerAsksToWait(url, asked, now)
        if attempt == self.max_retries:
            return
        wait = rate_limit_wait(resp.headers, now)
        pause = wait if resp.status_code == 429 and wait is not None else self.backoff(attempt)
        if pause > self.max_wait:
            raise ServerAsksToWait(url, pause, now)
        self._sleep(pause)

    def _try(self, method, url, params, headers, timeout, **kwargs) -> requests.Response:
        """One try: send, then read the whole body before the overall deadline (a timeout is per read only)."""
        start = self.clock()
        resp = super().request(method, url, params=params, headers=headers, timeout=timeout, stream=True, **kwargs)
        self.stats.sent += 1
        self.stats.statuses[resp.status_code] = self.stats.statuses.get(resp.status_code, 0) + 1
        try:
            body = self._read_body(resp, start)
        except BaseException:
            resp.close()  # drop the connection: the rest of this body must never be read as the next answer
            raise
        resp._content, resp._content_consumed = body, True
        resp.close()  # fully read: the connection goes back to the pool
        return resp

    def _read_body(self, resp: requests.Response, start: float) -> bytes:
        """The body, read as it arrives; FailedTry when it breaks off or the try outlives the deadline."""
        read1 = getattr(resp.raw, "read1", None)
        if read1 is None:  # not a urllib3 response (a custom adapter): read it the ordinary way
            return resp.content
        chunks = []
        while True:
            self._check_deadline(start)
            try:
                chunk = read1(CHUNK, decode_content=True)
            except (*BROKEN_BODY, OSError) as exc:
                raise FailedTry(f"the answer was cut short ({exc})") from exc
            if not chunk:
                self._check_deadline(start)
                return b"".join(chunks)
            chunks.append(chunk)

    def _check_deadline(self, start: float) -> None:
        """FailedTry once a try has taken longer than deadline_s."""
        if self.clock() - start > self.deadline_s:
            raise FailedTry(f"the answer took longer than the {self.deadline_s:g} s deadline")

    def get_json(self, url: str, params=None) -> tuple[int, object]:
        """GET a JSON API; return (status, parsed body); raise CollectError when it still fails after retries."""
        resp = self.get(url, params=params)
        if resp.status_code in RETRYABLE:
            raise CollectError(f"{url}: the server still answered {resp.status_code} after "
                               f"{self.max_retries + 1} tries; run again later to continue")
        try:
            return resp.status_code, resp.json()
        except ValueError as exc:
            raise CollectError(f"{url}: the server still sent malformed JSON after {self.max_retries + 1} tries; "
                               "run again later to continue") from exc
