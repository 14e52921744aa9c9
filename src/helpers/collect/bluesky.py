"""Collect a Bluesky cohort from the public AppView (no login): profiles, a follower sample with profiles,
whom each account follows, and recent posts with like, repost, reply and quote counts."""

from __future__ import annotations

import os
from pathlib import Path

from helpers.collect import sampling
from helpers.collect.cohort import REPEATED, AccountData, Cohort, Options, bar, repeated_note
from helpers.collect.http import CollectError, PoliteSession, ServerAsksToWait

DEFAULT_OPTIONS = Options()  # frozen: one shared default is safe

DEFAULT_BASE_URL = "https://public.api.bsky.app"
ENV_BASE_URL = "QVQ_BLUESKY_BASE_URL"
PAGE = 100  # the largest page getFollowers, getFollows and getAuthorFeed allow
PROFILES_BATCH = 25  # the most actors getProfiles takes
REASONS = {"AccountTakedown": "account suspended (taken down by the service)",
           "AccountDeactivated": "account deactivated by its owner",
           "InvalidRequest": "account not found (deleted, or the handle changed)"}


def base_url(given: str | None = None) -> str:
    """The AppView to ask: the argument, else $QVQ_BLUESKY_BASE_URL, else the public AppView."""
    return (given or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")


class AppView:
    """Calls to one AppView's XRPC methods through a polite session."""

    def __init__(self, session: PoliteSession, base: str):
        self.session, self.base = session, base
        self.repeated: list[str] = []  # the lists whose paging stopped because a cursor came back again

    def cursor_came_back(self, cursor: str | None, received: set[str], what: str) -> bool:
        """Whether a cursor came back that was given before; if so, remember which list it ended."""
        if cursor not in received:
            received.add(cursor)
            return False
        self.repeated.append(what)
        return True

    def call(self, method: str, **params) -> tuple[int, dict]:
        """One XRPC query; (status, body). Raises CollectError when it still fails after retries."""
        status, body = self.session.get_json(f"{self.base}/xrpc/{method}", params=params)
        if not isinstance(body, dict):
            raise CollectError(f"{method}: expected a JSON object, got {type(body).__name__}")
        return status, body

    def ok(self, method: str, **params) -> dict:
        """One XRPC query that must succeed."""
        status, body = self.call(method, **params)
        if status != 200:
            raise CollectError(f"{method}({params.get('actor', '')}): {status} {body.get('error')}: "
                               f"{body.get('message')}")
        return body

    def pages(self, method: str, key: str, actor: str, *, stop_after: int | None, desc: str,
              progress: bool, total: int | None) -> tuple[list[dict], bool, str]:
        """Page a list to its end (no cursor) or until stop_after items; return (items, reached the end, why it
        stopped early when that was the server's doing).

        A short page is not the end: only a missing cursor is. A cursor that comes back again ends the listing
        there, and an account already listed is never kept twice (a server that ignores the cursor repeats
        its page).
        """
        items, cursor, received, dids = [], None, set(), set()
        with bar(total, desc, progress, unit=key) as pbar:
            while True:
                params = {"actor": actor, "limit": PAGE} | ({"cursor": cursor} if cursor else {})
                body = self.ok(method, **params)
                page = [x for x in body.get(key, []) if x.get("did") is None or x["did"] not in dids]
                dids.update(x.get("did") for x in page)
                items += page
                pbar.update(len(page))
                cursor = body.get("cursor")
                if not cursor:
                    return items, True, ""
                if self.cursor_came_back(cursor, received, f"{desc} of {actor}"):
                    return items, False, REPEATED
                if stop_after is not None and len(items) >= stop_after:
                    return items, False, ""

    def profiles(self, actors: list[str], progress: bool = False) -> dict[str, dict]:
        """Detailed profiles by did and by handle (lowercased), 25 actors a call."""
        found: dict[str, dict] = {}
        with bar(len(actors), "profiles", progress, unit="profile") as pbar:
            for i in range(0, len(actors), PROFILES_BATCH):
                batch = actors[i:i + PROFILES_BATCH]
                for prof in self.ok("app.bsky.actor.getProfiles", actors=batch).get("profiles", []):
                    found[prof["did"]] = prof
                    found[prof.get("handle", "").lower()] = prof
                pbar.update(len(batch))
        return found


def search(appview: AppView, query: str, max_accounts: int) -> list[str]:
    """Handles of the accounts app.bsky.actor.searchActors finds for a query, in its order."""
    handles, cursor, received = {}, None, set()
    while len(handles) < max_accounts:
        params = {"q": query, "limit": min(PAGE, max_accounts)} | ({"cursor": cursor} if cursor else {})
        body = appview.ok("app.bsky.actor.searchActors", **params)
        handles |= dict.fromkeys(a["handle"] for a in body.get("actors", []))
        cursor = body.get("cursor")
        if not cursor or not body.get("actors") or appview.cursor_came_back(cursor, received, f"search {query!r}"):
            break
    return list(handles)[:max_accounts]


def _verified(profile: dict) -> bool:
    """Bluesky's blue check: a valid verification (absent means none)."""
    return (profile.get("verification") or {}).get("verifiedStatus") == "valid"


def _profile_fields(p: dict) -> dict:
    """The canonical profile columns of a profileView(Detailed)."""
    return {"handle": p.get("handle"), "display_name": p.get("displayName") or None, "bio": p.get("description"),
            "url": p.get("website"), "created_at": p.get("createdAt"), "followers_count": p.get("followersCount"),
            "following_count": p.get("followsCount"), "posts_count": p.get("postsCount"),
            "verified": _verified(p)}


def _links(post: dict) -> list[str]:
    """Link facets of the text and the external embed, in order, without repeats."""
    urls = [f.get("uri") for facet in post.get("record", {}).get("facets") or []
            for f in facet.get("features", []) if f.get("$type") == "app.bsky.richtext.facet#link"]
    embed = post.get("embed") or {}
    media = embed.get("media") or {}
    for view in (embed, media):
        if view.get("$type") == "app.bsky.embed.external#view":
            urls.append((view.get("external") or {}).get("uri"))
    return list(dict.fromkeys(u for u in urls if u))


def _kind(post: dict) -> str:
    """post, reply or quote, from the record and its embed."""
    if post.get("record", {}).get("reply"):
        return "reply"
    if (post.get("embed") or {}).get("$type") in ("app.bsky.embed.record#view", "app.bsky.embed.recordWithMedia#view"):
        return "quote"
    return "post"


def post_row(item: dict, did: str, observed_at: str) -> dict | None:
    """One feedViewPost as a posts row; a repost has no engagement of its own (counts null)."""
    post, reason = item.get("post") or {}, item.get("reason") or {}
    if reason.get("$type") == "app.bsky.feed.defs#reasonPin":
        return None  # the pinned post also comes in its place in time; only that one counts as recent
    record = post.get("record") or {}
    row = {"account_id": did, "platform": "bluesky", "text": record.get("text"), "link_urls": _links(post),
           "lang": (record.get("langs") or [None])[0], "observed_at": observed_at}
    if reason.get("$type") == "app.bsky.feed.defs#reasonRepost":
        if (reason.get("by") or {}).get("did") != did:
            return None
        row |= {"post_id": reason.get("uri") or f"{post.get('uri')}#repost-by-{did}", "kind": "repost",
                "created_at": reason.get("indexedAt")}
    elif (post.get("author") or {}).get("did") == did:
        row |= {"post_id": post["uri"], "kind": _kind(post),
                "created_at": record.get("createdAt") or post.get("indexedAt"),
                "likes": post.get("likeCount"), "reposts": post.get("repostCount"),
                "replies": post.get("replyCount"), "quotes": post.get("quoteCount"),
                "bookmarks": post.get("bookmarkCount")}
    else:
        return None
    row["has_link"] = bool(row["link_urls"])
    return row


class Collector:
    """Collects one account at a time into a Cohort."""

    def __init__(self, appview: AppView, options: Options):
        self.appview, self.options = appview, options

    def _followers(self, did: str, total: int | None) -> tuple[list[dict], sampling.Design]:
        """The follower sample with detailed profiles and weights."""
        opts = self.options
        page_all = total is None or total <= opts.max_list
        listed, complete, stopped = self.appview.pages(
            "app.bsky.graph.getFollowers", "followers", did, progress=opts.stages, desc="followers",
            stop_after=opts.max_list if page_all else opts.followers_sample, total=total if page_all else None)
        reason = stopped or ("" if page_all else f"{total} followers is above the paging limit of {opts.max_list}")
        chosen, design = sampling.choose(listed, opts.followers_sample, complete=complete and page_all,
                                         total=total, seed=f"{opts.seed}:{did}", reason=reason)
        detailed = self.appview.profiles([f["did"] for f in chosen], progress=opts.stages)
        observed = self.appview.session.last_fetched_at
        rows = []
        for f in chosen:
            prof = detailed.get(f["did"], f)  # deleted since listed: keep what the listing showed
            rows.append({"account_id": did, "follower_id": f["did"], "platform": "bluesky", **_profile_fields(prof),
                         "default_avatar": "avatar" not in prof, "protected": False,
                         "sample_weight": design.weight, "observed_at": observed})
        return rows, design

    def _following(self, did: str, total: int | None) -> list[dict] | None:
        """Whom the account follows, when the list can be paged completely; None otherwise."""
        if not self.options.following or (total is not None and total > self.options.max_list):
            return None
        listed, complete, _ = self.appview.pages("app.bsky.graph.getFollows", "follows", did, stop_after=None,
                                                 desc="following", progress=self.options.stages, total=total)
        observed = self.appview.session.last_fetched_at
        return [{"account_id": did, "followed_id": f["did"], "platform": "bluesky", "handle": f.get("handle"),
                 "observed_at": observed} for f in listed] if complete else None

    def _posts(self, did: str) -> list[dict]:
        """The most recent posts and reposts (a pinned post only where it falls in time)."""
        rows, cursor, received = {}, None, set()
        with bar(self.options.posts, "posts", self.options.stages, unit="post") as pbar:
            while len(rows) < self.options.posts:
                params = {"actor": did, "limit": min(PAGE, self.options.posts), "filter": "posts_with_replies"}
                body = self.appview.ok("app.bsky.feed.getAuthorFeed", **params | ({"cursor": cursor} if cursor else {}))
                observed = self.appview.session.last_fetched_at
                for item in body.get("feed", []):
                    row = post_row(item, did, observed)
                    if row and row["post_id"] not in rows and len(rows) < self.options.posts:
                        rows[row["post_id"]] = row
                        pbar.update(1)
                cursor = body.get("cursor")
                if not cursor or not body.get("feed"):
                    break
                if self.appview.cursor_came_back(cursor, received, f"posts of {did}"):
                    break
        return list(rows.values())

    def account(self, requested: str, profile: dict) -> AccountData:
        """Everything for one account."""
        did = profile["did"]
        observed = self.appview.session.last_fetched_at
        followers, design = self._followers(did, profile.get("followersCount"))
        following = self._following(did, profile.get("followsCount"))
        if following is not None:
            follows = {f["followed_id"] for f in following}
            for row in followers:
                row["followed_back"] = row["follower_id"] in follows
        account = {"requested": requested, "account_id": did, "platform": "bluesky", **_profile_fields(profile),
                   "is_focal": False, "observed_at": observed, "sample_design": design.describe(),
                   "probability_sample": design.probability_sample, "followers_listed": design.listed,
                   "followers_sampled": design.rows, "answered_by": self.appview.base, "followers_partial": False}
        return AccountData(account, followers, following or [], self._posts(did))


def _unavailable(appview: AppView, actor: str) -> str:
    """Why getProfiles left an actor out, in words (asks getProfile for the error)."""
    status, body = appview.call("app.bsky.actor.getProfile", actor=actor)
    if status == 200:
        return ""
    return REASONS.get(body.get("error"), f"{status} {body.get('error')}: {body.get('message')}")


def collect(actors: list[str], *, session: PoliteSession, base: str | None = None,
            options: Options = DEFAULT_OPTIONS) -> Cohort:
    """Collect a cohort; Ctrl-C stops after the last complete account and returns what is complete."""
    appview = AppView(session, base_url(base))
    cohort = Cohort("bluesky", f"bluesky AppView at {appview.base}", __name__, list(actors))
    try:
        profiles = appview.profiles(actors, progress=options.stages)
        collector = Collector(appview, options)
        with bar(len(actors), "accounts", options.progress, unit="account", leave=True) as pbar:
            for actor in actors:
                _one(collector, cohort, actor, profiles.get(actor.lower().lstrip("@")))
                pbar.update(1)
    except KeyboardInterrupt:
        cohort.interrupted = True
    except ServerAsksToWait as exc:
        cohort.paused = exc.describe()
    except CollectError as exc:
        cohort.failed["(profiles)"] = str(exc)
    if appview.repeated:
        cohort.notes.append(repeated_note(appview.repeated))
    return cohort


def _one(collector: Collector, cohort: Cohort, actor: str, profile: dict | None) -> None:
    """Collect or reject one requested account; a transient failure leaves it for the next run."""
    try:
        if profile is None:
            cohort.reject(actor, _unavailable(collector.appview, actor) or "not returned by getProfiles")
            return
        labels = {lab.get("val") for lab in profile.get("labels") or []}
        if "!no-unauthenticated" in labels:
            cohort.reject(actor, "the account asks not to be shown to logged-out viewers; skipped out of respect")
            return
        cohort.add(collector.account(actor, profile))
    except CollectError as exc:
        cohort.failed[actor] = str(exc)


def read_accounts_file(path: str | Path) -> list[str]:
    """Handles or DIDs, one a line; blank lines and # comments ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()]
