"""Collect accounts' posts with snscrape, for the modules it still serves, into the canonical tables.

snscrape reads public web pages, so it gives posts and a little profile, but no follower lists and (except
for X, which no longer works) no engagement counts: the followers table stays empty and counts stay null.
Each finished target is kept on disk, so an interrupted run resumes without scraping it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from helpers.collect.cohort import AccountData, Cohort, bar
from helpers.collect.http import DEFAULT_CACHE
from helpers.data import atomic
from helpers.errors import UserError

X_SENTENCE = ("snscrape's X/Twitter module has not worked since X closed its API in mid-2023; download your X "
              "archive instead (Settings → Your account → Download an archive) and run `python -m helpers ingest` "
              "on it.")
PLATFORMS = {"mastodon": "mastodon", "reddit": "reddit", "telegram": "telegram", "twitter": "x"}
ACCOUNT_MODULES = ("mastodon-profile", "reddit-user", "telegram-channel")
HINTS = {"reddit": " (snscrape reads Reddit through Pushshift, which closed public access in 2023)"}
MISSING_SENTENCE = ("snscrape is not installed; install it with `pip install \".[snscrape]\"` (its X/Twitter module "
                    "has not worked since 2023, so for X download your X archive and run `python -m helpers ingest` "
                    "on it).")


class ScrapeFailed(UserError):
    """snscrape could not give what was asked; the message says what failed, in one sentence."""


class SnscrapeMissing(UserError):
    """snscrape, an optional extra, is not installed (not a ScrapeFailed: X's sentence must not hide it)."""


def require_snscrape() -> None:
    """Import snscrape and every scraper module, or say in one sentence how to install it."""
    try:
        import snscrape.base  # noqa: F401
        import snscrape.modules  # noqa: F401 - importing registers every scraper class
    except ImportError:
        raise SnscrapeMissing(MISSING_SENTENCE) from None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence snscrape's own logging, so a failure reads as one sentence, never a log dump."""
    logger = logging.getLogger("snscrape")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def scraper_class(module: str) -> type:
    """The snscrape scraper class named `module` (e.g. mastodon-profile), imported lazily."""
    require_snscrape()
    import snscrape.base

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(snscrape.base.Scraper):
        if getattr(cls, "name", None) == module:
            return cls
    raise ScrapeFailed(f"snscrape has no module named {module!r}; this collector reads the account modules "
                       f"{', '.join(ACCOUNT_MODULES)}")


def _text(item: object) -> str | None:
    """The text of any snscrape post item."""
    for attr in ("rawContent", "content", "text", "body"):
        if isinstance(getattr(item, attr, None), str):
            return getattr(item, attr)
    title, selftext = getattr(item, "title", None), getattr(item, "selftext", None)
    return "\n\n".join(t for t in (title, selftext) if t) or None


def _links(item: object) -> list[str]:
    """Outgoing links of any snscrape post item."""
    links = list(getattr(item, "outlinks", None) or getattr(item, "links", None) or [])
    preview = getattr(item, "linkPreview", None)
    if preview is not None and getattr(preview, "href", None):
        links.append(preview.href)
    link = getattr(item, "link", None)
    if isinstance(link, str) and link and link != getattr(item, "url", None):
        links.append(link)
    return list(dict.fromkeys(str(u) for u in links if u))


def item_row(item: object, account_id: str, platform: str, observed_at: str) -> dict:
    """One snscrape item as a posts row; counts only where the item has them (never invented)."""
    inner = getattr(item, "toot", None)  # a Mastodon boost wraps the boosted toot
    shown = inner or item
    kind = "repost" if inner is not None or getattr(item, "retweetedTweet", None) else (
        "reply" if getattr(item, "parentId", None) or getattr(item, "inReplyToTweetId", None) else "post")
    post_id = str(getattr(shown, "url", None) or getattr(shown, "id", ""))
    if inner is not None:
        post_id += f"#boost-by-{account_id}"
    links = _links(shown)
    row = {"post_id": post_id, "account_id": account_id, "platform": platform, "kind": kind,
           "created_at": getattr(shown, "date", None), "text": _text(shown), "link_urls": links,
           "has_link": bool(links), "observed_at": observed_at}
    if kind != "repost":
        for col, attr in (("likes", "likeCount"), ("reposts", "retweetCount"), ("replies", "replyCount"),
                          ("quotes", "quoteCount"), ("impressions", "viewCount")):
            if getattr(item, attr, None) is not None:
                row[col] = int(getattr(item, attr))
    return row


def _account_row(target: str, platform: str, items: list, entity: object, observed_at: str) -> dict:
    """The studied account as snscrape shows it: the entity where the module has one, else the posts' author."""
    user = getattr(items[0], "user", None) if items else None
    ident = str(getattr(user, "account", None) or getattr(entity, "username", None) or target).lstrip("@").lower()
    row = {"requested": target, "account_id": ident, "platform": platform, "handle": ident, "is_focal": False,
           "observed_at": observed_at, "sample_design": "none: snscrape lists no followers",
           "probability_sample": False, "followers_listed": 0, "followers_sampled": 0,
           "answered_by": "snscrape", "followers_partial": False}
    if user is not None:
        row["display_name"] = getattr(user, "displayName", None)
    if entity is not None:
        row |= {"display_name": getattr(entity, "title", None) or row.get("display_name"),
                "bio": getattr(entity, "description", None), "verified": getattr(entity, "verified", None),
                "followers_count": getattr(entity, "members", None)}
    return row


class TargetCache:
    """Finished targets' rows on disk, so a rerun after an interrupt skips them."""

    def __init__(self, folder: Path | None, module: str, max_items: int):
        self.folder = None if folder is None else Path(folder) / "snscrape" / module
        self.max_items = max_items

    def _path(self, target: str) -> Path:
        return self.folder / (hashlib.sha256(f"{target}|{self.max_items}".encode()).hexdigest() + ".json")

    def get(self, target: str) -> dict | None:
        if self.folder is None:
            return None
        try:
            return json.loads(self._path(target).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, target: str, data: dict) -> None:
        if self.folder is None:
            return
        atomic.write_text(self._path(target), json.dumps(data, default=str))


def _scrape(cls: type, target: str, platform: str, max_items: int, retries: int, progress: bool) -> dict:
    """Scrape one target into account and posts rows."""
    observed = dt.datetime.now(dt.UTC).isoformat()
    scraper = cls(target, retries=retries)
    items = []
    with bar(max_items, target, progress, unit="post") as pbar:
        for item in scraper.get_items():
            items.append(item)
            pbar.update(1)
            if len(items) >= max_items:
                break
    entity = scraper.entity if platform == "telegram" else None
    account = _account_row(target, platform, items, entity, observed)
    posts = {}
    for item in items:
        row = item_row(item, account["account_id"], platform, observed)
        posts.setdefault(row["post_id"], row)
    return {"account": account, "posts": list(posts.values()), "n_items": len(items)}


def _check_x(cls: type, module: str, target: str, retries: int) -> None:
    """Try X once; on the failure that has been certain since mid-2023, say so plainly."""
    try:
        with quiet():
            next(iter(cls(target, retries=retries).get_items()), None)
    except Exception as exc:  # noqa: BLE001 - any failure of this module means the same thing to the user
        raise ScrapeFailed(X_SENTENCE) from exc


def collect(module: str, targets: list[str], *, max_items: int = 100, retries: int = 3, progress: bool = True,
            cache_dir: Path | None = DEFAULT_CACHE) -> Cohort:
    """Scrape each target with one snscrape module; failures are named, never shown as tracebacks."""
    require_snscrape()
    family = module.split("-", 1)[0]
    platform = PLATFORMS.get(family, family)
    if family == "twitter":
        cls = None
        try:
            cls = scraper_class(module)
        except ScrapeFailed:
            raise ScrapeFailed(X_SENTENCE) from None
        _check_x(cls, module, targets[0], retries)
    elif module not in ACCOUNT_MODULES:
        raise ScrapeFailed(f"{module!r} is not an account module; cohorts are accounts, so this collector reads "
                           f"{', '.join(ACCOUNT_MODULES)}")
    cls = scraper_class(module)
    cohort = Cohort(platform, f"snscrape {module}", __name__, list(targets))
    cache = TargetCache(cache_dir, module, max_items)
    try:
        with quiet(), bar(len(targets), "accounts", progress, unit="account", leave=True) as pbar:
            for target in targets:
                _one(cohort, cache, cls, module, target, platform, max_items, retries, progress)
                pbar.update(1)
    except KeyboardInterrupt:
        cohort.interrupted = True
    if cohort.failed and not cohort.collected and not cohort.interrupted:
        first = next(iter(cohort.failed.values()))
        raise ScrapeFailed(first + HINTS.get(family, ""))
    cohort.notes.append("snscrape gives no follower lists and, outside X, no engagement counts: the followers "
                        "table is empty and likes, reposts and replies are null")
    return cohort


def _one(cohort: Cohort, cache: TargetCache, cls: type, module: str, target: str, platform: str,
         max_items: int, retries: int, progress: bool) -> None:
    """Scrape (or reuse) one target; a failure is recorded in words for the next run."""
    data = cache.get(target)
    if data is None:
        try:
            # through JSON, so a first run and a resumed one hand the writer the same values
            data = json.loads(json.dumps(_scrape(cls, target, platform, max_items, retries, progress), default=str))
        except Exception as exc:  # noqa: BLE001 - snscrape raises many kinds; each becomes a plain sentence
            cohort.failed[target] = f"snscrape's {module} module failed for {target}: {exc}"
            return
        cache.put(target, data)
    if data["n_items"] == 0:
        cohort.reject(target, "snscrape found no public posts (the account may not exist or may have none)")
        return
    cohort.add(AccountData(data["account"], posts=data["posts"]))
