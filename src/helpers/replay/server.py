"""A local replay server: Bluesky's AppView and a Mastodon server in one, on 127.0.0.1, serving a generated
cohort with the real APIs' shapes, pagination and errors, and faults on demand (429 with rate-limit headers
and Retry-After, 5xx, malformed JSON, bodies cut short or trickled, pagination cursors that repeat). Used by
the tests and by the collection notebooks' offline demo."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from helpers.replay import data as replay_data
from helpers.replay import shapes
from helpers.replay.data import LOCAL_DOMAIN, Member, World


@dataclass
class Faults:
    """Which requests fail: every k-th distinct request (by a hash of its URL) fails on its first `attempts`
    tries, then succeeds. repeat_cursor_after: every listing pages normally for that many pages, then keeps
    answering its last page again with the same cursor (a server that stops advancing)."""

    rate_limit_every: int = 0
    server_error_every: int = 0
    malformed_every: int = 0
    truncated_every: int = 0  # the body stops short of its Content-Length and the connection closes
    trickle_every: int = 0  # the body comes one byte at a time, trickle_interval_s apart
    rate_limit_reset_s: float = 0.2
    retry_after_s: int | None = None  # 429s also carry Retry-After: this many seconds
    trickle_interval_s: float = 0.001
    attempts: int = 1
    repeat_cursor_after: int = 0

    def pick(self, key: str) -> str | None:
        """The fault for a request's first attempts, if any."""
        for name, every in (("rate_limit", self.rate_limit_every), ("server_error", self.server_error_every),
                            ("malformed", self.malformed_every), ("truncated", self.truncated_every),
                            ("trickle", self.trickle_every)):
            digest = int(hashlib.sha256(f"{name}:{key}".encode()).hexdigest()[:8], 16)
            if every and digest % every == 0:
                return name
        return None


@dataclass
class Hold:
    """Holds the answer to the n-th request until released, so a test can act while a client waits on it."""

    at: int
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


DEMO_FAULTS = Faults(rate_limit_every=25, server_error_every=20, malformed_every=30)


@dataclass
class Logged:
    """One request the server answered."""

    path: str
    query: str
    status: int
    fault: str | None
    authorized: bool = False  # whether an Authorization header came with it (its value is never kept)


@dataclass
class Replay:
    """The state behind a running server: the world, the faults, and the log of requests."""

    world: World
    faults: Faults
    log: list[Logged] = field(default_factory=list)
    faulted: dict[str, int] = field(default_factory=dict)  # attempts seen per faulted-or-not request
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    log_file: str | None = None  # also append one line per request here (for runs in another process)
    clock: Callable[[], float] = time.time  # the wall clock of the rate-limit headers (a test may freeze it)
    hold: Hold | None = None
    trickled: int = 0  # body bytes sent by trickle faults, so a test's clock can advance with them

    def bluesky_handles(self) -> list[str]:
        """The cohort as Bluesky handles."""
        return [m.person.handle for m in self.world.members]

    def mastodon_accts(self) -> list[str]:
        """The cohort as Mastodon addresses user@domain."""
        return [m.person.acct for m in self.world.members]

    def mastodon_profile_urls(self) -> list[str]:
        """The local members' old-style profile pages, for snscrape's mastodon-profile module."""
        return [f"{self.url}/@{m.person.username}" for m in self.world.members
                if m.status == "ok" and m.person.domain == LOCAL_DOMAIN]

    def count(self, prefix: str = "") -> int:
        """Requests answered whose path starts with prefix."""
        with self.lock:
            return sum(1 for r in self.log if r.path.startswith(prefix))


def _cursor(offset: int) -> str:
    """An opaque pagination cursor."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    """The offset inside a cursor (0 without one)."""
    if not cursor:
        return 0
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    return int(raw.split(":", 1)[1])


def _limit(q: dict, default: int, maximum: int) -> int:
    """The limit parameter, clamped as the servers do."""
    try:
        return max(1, min(maximum, int(q.get("limit", [default])[0])))
    except ValueError:
        return default


class XrpcError(Exception):
    """An XRPC error answer: status, error name, message."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


class _Handler(BaseHTTPRequestHandler):
    replay: Replay  # set on the per-server subclass
    disable_nagle_algorithm = True  # headers and body go out in two writes: do not let them wait on each other

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Stay quiet: the replay's own log records every request."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """Route one GET to the Bluesky or Mastodon side, injecting a fault on first attempts."""
        parts = urlsplit(self.path)
        key = self.path
        with self.replay.lock:
            tries = self.replay.faulted[key] = self.replay.faulted.get(key, 0) + 1
            fault = self.replay.faults.pick(key) if tries <= self.replay.faults.attempts else None
        q = parse_qs(parts.query)
        status, headers, body = self._fault(fault, parts.path, q) if fault else self._answer(parts.path, q)
        headers = {**self._rate_headers(parts.path, fault), **headers}
        with self.replay.lock:
            self.replay.log.append(Logged(parts.path, parts.query, status, fault, "Authorization" in self.headers))
            count = len(self.replay.log)
            if self.replay.log_file:
                with open(self.replay.log_file, "a", encoding="utf-8") as fh:
                    fh.write(f"{status} {self.path}\n")
        hold = self.replay.hold
        if hold is not None and count == hold.at:
            hold.reached.set()
            hold.release.wait()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._send_body(body, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (e.g. it was interrupted); nothing to tell it

    def _send_body(self, body: bytes, fault: str | None) -> None:
        """The body: whole, cut short (then the connection closes), or one byte at a time."""
        if fault == "truncated":
            self.wfile.write(body[:len(body) // 2])
            self.close_connection = True
            return
        if fault != "trickle":
            self.wfile.write(body)
            return
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            with self.replay.lock:
                self.replay.trickled += 1
            time.sleep(self.replay.faults.trickle_interval_s)

    def _answer(self, path: str, q: dict) -> tuple[int, dict, bytes]:
        """The API's answer to one GET: status, headers, body."""
        try:
            if path.startswith("/xrpc/"):
                return self._bluesky(path[6:], q)
            if path.startswith("/api/v1/"):
                return self._mastodon(path[8:], q)
            if path.startswith("/@"):
                return self._html(path[2:], q)
            return 404, {"Content-Type": "application/json"}, b'{"error":"Not found"}'
        except XrpcError as exc:
            body = json.dumps({"error": exc.error, "message": exc.message}).encode()
            return exc.status, {"Content-Type": "application/json; charset=utf-8"}, body

    def _start(self, q: dict, limit: int) -> int:
        """Where a cursor-paged listing starts; past repeat_cursor_after pages the server stops advancing."""
        start = _offset(q.get("cursor", [None])[0])
        pages = self.replay.faults.repeat_cursor_after
        return min(start, (pages - 1) * limit) if pages and start >= pages * limit else start

    # -- faults and rate-limit headers ---------------------------------------------------------

    def _rate_headers(self, path: str, fault: str | None) -> dict:
        """Each API's rate-limit headers; none left when the answer is a 429."""
        limited = fault == "rate_limit"
        reset_at = self.replay.clock() + (self.replay.faults.rate_limit_reset_s if limited else 300)
        after = self.replay.faults.retry_after_s
        extra = {"Retry-After": str(int(after))} if limited and after is not None else {}
        if path.startswith("/xrpc/"):
            return {"ratelimit-limit": "3000", "ratelimit-remaining": "0" if limited else "2999",
                    "ratelimit-reset": f"{reset_at:.3f}" if limited else str(int(reset_at)),
                    "ratelimit-policy": "3000;w=300", **extra}
        stamp = dt.datetime.fromtimestamp(reset_at, dt.UTC)
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0" if limited else "299",
                "X-RateLimit-Reset": shapes.iso(stamp), **extra}

    def _fault(self, fault: str, path: str, q: dict) -> tuple[int, dict, bytes]:
        """A 429, a 5xx, a malformed JSON body, or a good answer to be cut short or trickled."""
        if fault in ("truncated", "trickle"):
            return self._answer(path, q)
        ctype = {"Content-Type": "application/json; charset=utf-8"}
        if fault == "rate_limit":
            body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"} if path.startswith("/xrpc/") \
                else {"error": "Too many requests"}
            return 429, ctype, json.dumps(body).encode()
        if fault == "server_error":
            return 502 if len(path) % 2 else 503, {"Content-Type": "text/html"}, b"<html>Bad Gateway</html>"
        return 200, ctype, b'{"followers": [{"did": "did:plc:trunc'

    # -- Bluesky ----------------------------------------------------------------------------------

    def _member(self, actor: str) -> Member:
        """The cohort member an actor names, or the AppView's error for deleted or suspended accounts."""
        member = self.replay.world.member_by(actor)
        if member is None or member.status == "deleted":
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        if member.status == "suspended":
            raise XrpcError(400, "AccountTakedown", "Account has been suspended")
        return member

    def _bluesky(self, method: str, q: dict) -> tuple[int, dict, bytes]:
        """The XRPC methods the Bluesky collector calls."""
        methods: dict[str, Callable[[dict], dict]] = {
            "app.bsky.actor.getProfile": self._bsky_profile,
            "app.bsky.actor.getProfiles": self._bsky_profiles,
            "app.bsky.graph.getFollowers": lambda q: self._bsky_graph(q, followers=True),
            "app.bsky.graph.getFollows": lambda q: self._bsky_graph(q, followers=False),
            "app.bsky.feed.getAuthorFeed": self._bsky_feed,
            "app.bsky.actor.searchActors": self._bsky_search,
        }
        if method not in methods:
            raise XrpcError(501, "MethodNotImplemented", f"Method Not Implemented: {method}")
        out = methods[method](q)
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(out).encode()

    def _window(self, q: dict, default: int, most: int) -> tuple[int, int]:
        """Where the page of a cursor-paged listing starts, and how long it is."""
        limit = _limit(q, default, most)
        return self._start(q, limit), limit

    def _bsky_profile(self, q: dict) -> dict:
        """app.bsky.actor.getProfile: one member's detailed profile."""
        return shapes.bsky_detailed(self._member(q["actor"][0]).person)

    def _bsky_profiles(self, q: dict) -> dict:
        """app.bsky.actor.getProfiles: up to 25 profiles, leaving out those that are gone."""
        actors = q.get("actors", [])
        if len(actors) > 25:
            raise XrpcError(400, "InvalidRequest", "actors must not have more than 25 elements")
        return {"profiles": [shapes.bsky_detailed(p) for a in actors if (p := self._person(a))]}

    def _bsky_graph(self, q: dict, *, followers: bool) -> dict:
        """getFollowers or getFollows: one page of a member's followers (less the unlisted ones) or follows."""
        member = self._member(q["actor"][0])
        ids = member.followers if followers else member.follows
        hidden = member.unlisted if followers else set()
        start, limit = self._window(q, 50, 100)
        page = [shapes.bsky_view(self.replay.world.people[i]) for i in ids[start:start + limit] if i not in hidden]
        out = {"subject": shapes.bsky_view(member.person), "followers" if followers else "follows": page}
        if start + limit < len(ids) and not (hidden and hidden >= set(ids)):
            out["cursor"] = _cursor(start + limit)
        return out

    def _bsky_feed(self, q: dict) -> dict:
        """app.bsky.feed.getAuthorFeed: one page of a member's posts, the pinned one first on the first page."""
        world = self.replay.world
        member = self._member(q["actor"][0])
        start, limit = self._window(q, 50, 100)
        items = [shapes.bsky_feed_item(world, member, p) for p in member.posts[start:start + limit]]
        if start == 0 and member.pinned is not None:
            items.insert(0, shapes.bsky_feed_item(world, member, member.posts[member.pinned], pinned=True))
        out = {"feed": items}
        if start + limit < len(member.posts):
            out["cursor"] = _cursor(start + limit)
        return out

    def _bsky_search(self, q: dict) -> dict:
        """app.bsky.actor.searchActors: one page of the members whose bio or handle holds the term."""
        term = (q.get("q") or q.get("term") or [""])[0].lower()
        hits = [m.person for m in self.replay.world.members if m.status not in ("deleted", "suspended")
                and (term in m.person.bio.lower() or term in m.person.handle)]
        start, limit = self._window(q, 25, 100)
        out = {"actors": [shapes.bsky_view(p) for p in hits[start:start + limit]]}
        if start + limit < len(hits):
            out["cursor"] = _cursor(start + limit)
        return out

    def _person(self, actor: str):
        """Anyone by did or handle, except deleted or suspended members (getProfiles leaves them out)."""
        member = self.replay.world.member_by(actor)
        if member is not None:
            return None if member.status in ("deleted", "suspended") else member.person
        return self.replay.world.person_by(actor)

    # -- Mastodon ---------------------------------------------------------------------------------

    def _masto_member(self, ident: str) -> Member:
        """A member by server-local id; 404 for deleted ones."""
        for m in self.replay.world.members:
            if shapes.masto_id(m.person.idx) == ident and m.status != "deleted":
                return m
        raise XrpcError(404, "Record not found", "Record not found")

    def _mastodon(self, path: str, q: dict) -> tuple[int, dict, bytes]:
        """The REST endpoints the Mastodon collector calls, with Link headers for pagination."""
        world, headers = self.replay.world, {"Content-Type": "application/json; charset=utf-8"}
        parts = path.strip("/").split("/")
        if parts[:2] == ["accounts", "lookup"]:
            acct = q.get("acct", [""])[0].lstrip("@")
            user, _, domain = acct.partition("@")
            member = world.member_by(f"{user}@{domain or LOCAL_DOMAIN}")
            if member is None or member.status == "deleted":
                return 404, headers, b'{"error":"Record not found"}'
            return 200, headers, json.dumps(self._masto_account(member)).encode()
        if parts[0] != "accounts" or len(parts) < 2:
            return 404, headers, b'{"error":"Record not found"}'
        member = self._masto_member(parts[1])
        if len(parts) == 2:
            return 200, headers, json.dumps(self._masto_account(member)).encode()
        if member.status == "suspended":
            return 200, headers, b"[]"
        if parts[2] in ("followers", "following"):
            ids = self._known_followers(member) if parts[2] == "followers" else member.follows
            rows = [(len(ids) - n, i) for n, i in enumerate(ids)]  # (follow id, person): newest first
            limit = _limit(q, 40, 80)
            items = self._page(rows, q, limit)
            hidden = member.unlisted if parts[2] == "followers" else set()
            body = [shapes.masto_account(world.people[i]) for _, i in items if i not in hidden]
            headers["Link"] = self._link(path, items, rows, limit)
            return 200, headers, json.dumps(body).encode()
        if parts[2] == "statuses":
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            rows = [(10**6 - p.idx, p) for p in member.posts]
            limit = _limit(q, 20, 40)
            items = self._page(rows, q, limit)
            headers["Link"] = self._link(path, items, rows, limit)
            return 200, headers, json.dumps([shapes.masto_status(world, p, base) for _, p in items]).encode()
        return 404, headers, b'{"error":"Record not found"}'

    def _masto_account(self, member: Member) -> dict:
        """A member's Account entity as this server knows it."""
        return shapes.masto_account(member.person, suspended=member.status == "suspended")

    def _known_followers(self, member: Member) -> list[int]:
        """Followers this server knows: all for a local account; only its own users for a remote one."""
        if member.person.domain == LOCAL_DOMAIN:
            return [] if member.status == "empty_followers" else member.followers
        return [i for i in member.followers if self.replay.world.people[i].domain == LOCAL_DOMAIN]

    def _page(self, rows: list[tuple[int, object]], q: dict, limit: int) -> list[tuple[int, object]]:
        """Rows below max_id (newest first), at most limit of them; past repeat_cursor_after pages, the last
        page again (so its Link header repeats the max_id it was asked with)."""
        max_id = q.get("max_id", [None])[0]
        start = 0 if max_id is None else sum(1 for r in rows if r[0] >= int(max_id))
        pages = self.replay.faults.repeat_cursor_after
        if pages and start >= pages * limit:
            start = (pages - 1) * limit
        return rows[start:start + limit]

    def _link(self, path: str, items: list, rows: list, limit: int) -> str:
        """The Link header: rel=next (max_id) while older rows remain, rel=prev (since_id)."""
        if not items:
            return ""
        base = f"http://{self.headers.get('Host', '127.0.0.1')}/api/v1/{path.strip('/')}"
        links = []
        if items[-1][0] > rows[-1][0]:
            links.append(f'<{base}?{urlencode({"limit": limit, "max_id": items[-1][0]})}>; rel="next"')
        links.append(f'<{base}?{urlencode({"limit": limit, "since_id": items[0][0]})}>; rel="prev"')
        return ", ".join(links)

    # -- old-style HTML for snscrape --------------------------------------------------------------

    def _html(self, path: str, q: dict) -> tuple[int, dict, bytes]:
        """A Mastodon 3.x profile page (/@user/with_replies), 20 posts a page."""
        username = path.split("/")[0]
        member = next((m for m in self.replay.world.members if m.person.username == username
                       and m.person.domain == LOCAL_DOMAIN and m.status == "ok"), None)
        if member is None:
            return 404, {"Content-Type": "text/html"}, b"<html>Not found</html>"
        start = int(q.get("max_id", ["0"])[0])
        page = member.posts[start:start + 20]
        more = str(start + 20) if start + 20 < len(member.posts) else None
        base = f"http://{self.headers.get('Host', '127.0.0.1')}"
        html = shapes.masto_profile_html(self.replay.world, member, base, page, more)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


@contextlib.contextmanager
def serve(n_members: int = 20, seed: int = 7, *, faults: Faults | None = None, world: World | None = None,
          port: int = 0, log_file: str | None = None, clock: Callable[[], float] = time.time,
          hold: Hold | None = None) -> Iterator[Replay]:
    """Run the replay server on 127.0.0.1 (a free port unless given) for the duration of a with-block."""
    replay = Replay(world or replay_data.build(n_members, seed), faults or Faults(), log_file=log_file,
                    clock=clock, hold=hold)
    handler = type("Handler", (_Handler,), {"replay": replay})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="qvq-replay",
                              daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        if hold is not None:
            hold.release.set()  # never leave a handler waiting on a test that has finished
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _stop(*_: object) -> None:
    """SIGTERM ends the server like Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.replay.server`: serve the replay cohort until interrupted."""
    import argparse
    import signal

    p = argparse.ArgumentParser(prog="python -m helpers.replay.server",
                                description="Serve a generated cohort with Bluesky's and Mastodon's API shapes on "
                                            "127.0.0.1, for trying the collectors offline.")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--accounts", type=int, default=20, help="cohort size (default 20)")
    p.add_argument("--seed", type=int, default=7, help="seed of the generated cohort (default 7)")
    p.add_argument("--faults", choices=["demo", "none"], default="demo",
                   help="inject 429s, 5xx and malformed JSON on some first attempts (default demo)")
    p.add_argument("--log", metavar="FILE", help="append one line per request answered to FILE")
    p.add_argument("--accounts-file", metavar="FILE", help="write the cohort's Bluesky handles to FILE")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    faults = DEMO_FAULTS if args.faults == "demo" else Faults()
    with serve(args.accounts, args.seed, faults=faults, port=args.port, log_file=args.log) as replay:
        if args.accounts_file:
            with open(args.accounts_file, "w", encoding="utf-8") as fh:
                fh.write("\n".join(replay.bluesky_handles()) + "\n")
        print(replay.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
