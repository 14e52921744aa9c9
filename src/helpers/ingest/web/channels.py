"""Which channel a visit came from, given what a web-analytics export or a log line says about it.

One function, `classify`, takes any of: the source as exported (a referrer host or URL, a `utm_source`, or a
name such as "Twitter" or "(direct)"), the medium (`utm_medium`), a referrer URL, and a channel group
(GA's "Organic Social", Matomo's "Social Networks", ...). It returns one of `vocabulary.CHANNELS`. The rules,
first match wins:

1. a known platform in the source or referrer: `t.co`, `twitter.com`, `x.com` -> x; `bsky.app`,
   `go.bsky.app` -> bluesky; a host in `mastodon_instances.INSTANCES`, `utm_source=mastodon` or a referrer
   path shaped `/@user` -> mastodon; `linkedin.com`, `lnkd.in` -> linkedin; `facebook.com`, `l.facebook.com`,
   `m.facebook.com`, `fb.me` -> facebook; `reddit.com`, `redd.it` -> reddit; other social sites
   (Instagram, Threads, Hacker News, Tumblr, Pinterest, YouTube, ...) -> other_social;
2. webmail hosts or an e-mail medium (`email`, `newsletter`) -> email;
3. search engines (Google, Bing, DuckDuckGo, Yahoo, Yandex, Baidu, Ecosia, ...) or medium `organic`/`cpc`
   -> search;
4. a channel group: "Organic Social" -> other_social, "Organic Search" -> search, "Direct" -> direct,
   "Email" -> email, "Referral" -> referral, "Unassigned"/"(other)" -> other (and the Matomo and
   Jetpack equivalents);
5. medium `social` -> other_social;
6. no source at all, "(direct)", "Direct / None" -> direct;
7. anything else with a source -> referral: it stays visible with its host, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from helpers.data.vocabulary import SOCIAL_CHANNELS
from helpers.ingest.web.mastodon_instances import INSTANCES

PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    "x": ("t.co", "twitter.com", "x.com"),
    "bluesky": ("bsky.app", "go.bsky.app", "bsky.social"),
    "mastodon": INSTANCES,
    "linkedin": ("linkedin.com", "lnkd.in", "linkedin.android"),
    "facebook": ("facebook.com", "fb.me", "fb.com", "messenger.com"),
    "reddit": ("reddit.com", "redd.it", "reddit.app.link"),
    "other_social": ("instagram.com", "threads.net", "threads.com", "news.ycombinator.com", "tumblr.com",
                     "t.umblr.com", "pinterest.com", "youtube.com", "youtu.be", "tiktok.com", "vk.com",
                     "weibo.com", "quora.com", "t.me", "telegram.org", "discord.com", "lobste.rs",
                     "medium.com", "plus.google.com", "plus.url.google.com", "snapchat.com", "whatsapp.com",
                     "flipboard.com", "getpocket.com", "slashdot.org", "digg.com", "tildes.net", "lemmy.world",
                     "substack.com", "xing.com"),
}

# Names as analytics tools write them (Plausible, UA's source, Jetpack's groups), lower-cased.
PLATFORM_NAMES: dict[str, tuple[str, ...]] = {
    "x": ("twitter", "x", "x.com", "twitter.com", "tweetdeck"),
    "bluesky": ("bluesky", "bsky"),
    "mastodon": ("mastodon", "fediverse"),
    "linkedin": ("linkedin", "lnkd"),
    "facebook": ("facebook", "fb", "messenger"),
    "reddit": ("reddit",),
    "other_social": ("instagram", "threads", "hacker news", "hackernews", "tumblr", "pinterest", "youtube",
                     "tiktok", "vkontakte", "weibo", "quora", "telegram", "discord", "lobsters", "google+",
                     "social", "wordpress.com reader", "flipboard", "pocket", "substack", "xing", "lemmy"),
    "search": ("google", "bing", "yahoo", "duckduckgo", "ecosia", "yandex", "baidu", "qwant", "brave",
               "startpage", "kagi", "naver", "seznam", "ask", "aol", "google search", "bing search",
               "yahoo search", "search engines", "search"),
    "email": ("email", "e-mail", "newsletter", "mail", "gmail", "outlook"),
    "direct": ("(direct)", "direct", "direct / none", "direct entry", "(none)", "none", "(direct) / (none)"),
    "other": ("(not set)", "(other)", "unassigned"),
}

SEARCH_HOST = re.compile(
    r"(^|\.)(google|bing|yahoo|duckduckgo|ecosia|yandex|baidu|qwant|startpage|naver|seznam|ask|aol)"
    r"\.[a-z]{2,3}(\.[a-z]{2})?$|(^|\.)search\.brave\.com$|(^|\.)kagi\.com$")
MAIL_HOST = re.compile(r"^(mail|webmail|email|outlook|inbox)\.|(^|\.)(mail\.google|outlook\.live|"
                       r"outlook\.office|outlook\.office365|mail\.yahoo|mail\.proton|mail\.aol)\.com$")
MASTODON_PATH = re.compile(r"^/@[A-Za-z0-9_]+(@[A-Za-z0-9.-]+)?(/|$)")

GROUPS: dict[str, str] = {
    # GA4 and UA default channel groups
    "direct": "direct", "organic search": "search", "paid search": "search", "organic social": "other_social",
    "paid social": "other_social", "social": "other_social", "email": "email", "referral": "referral",
    "affiliates": "referral", "unassigned": "other", "(other)": "other", "organic video": "other",
    "paid video": "other", "display": "other", "organic shopping": "other", "paid shopping": "other",
    "cross-network": "other", "audio": "other", "sms": "other", "mobile push notifications": "other",
    "paid other": "other", "generic paid": "other",
    # Matomo referrer types (names and numeric codes)
    "direct entry": "direct", "search engines": "search", "websites": "referral", "campaigns": "other",
    "social networks": "other_social", "1": "direct", "2": "search", "3": "referral", "6": "other",
    "7": "other_social",
}

EMAIL_MEDIA = {"email", "e-mail", "e_mail", "mail", "newsletter"}
SEARCH_MEDIA = {"organic", "cpc", "ppc", "paidsearch", "paid_search", "paid-search"}
SOCIAL_MEDIA = {"social", "social-network", "social-media", "social_network", "social_media", "sm",
                "social network", "social media", "social-post", "post"}
DIRECT_MEDIA = {"(none)", "none", ""}


def _matches(host: str, domains: tuple[str, ...]) -> bool:
    """Whether host is one of domains or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def _split(value: str) -> tuple[str | None, str]:
    """The host and path of a source or referrer that looks like a URL or host, else (None, "")."""
    text = value.strip()
    if " " in text or not text:
        return None, ""
    if "://" not in text:
        if "." not in text.split("/")[0]:
            return None, ""
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None, ""
    return (host or None), parts.path or ""


@lru_cache(maxsize=100_000)
def host_of(value: str | None) -> str | None:
    """The host of a referrer URL or host-like source, without `www.`; None when it has none."""
    if not value:
        return None
    host, _ = _split(value)
    return host.removeprefix("www.") if host else None


def _by_host(host: str, path: str) -> str | None:
    """The channel a referrer host (and path) points to, or None when it says nothing specific."""
    host = host.removeprefix("www.")
    for channel in ("x", "bluesky", "linkedin", "facebook", "reddit", "other_social", "mastodon"):
        if _matches(host, PLATFORM_HOSTS[channel]):
            return channel
    if MAIL_HOST.search(host):
        return "email"
    if SEARCH_HOST.search(host):
        return "search"
    if MASTODON_PATH.match(path) or host.startswith(("mastodon.", "mstdn.")):
        return "mastodon"
    return None


ANDROID_APPS = {"com.google.android.gm": "email", "com.twitter.android": "x", "com.linkedin.android": "linkedin",
                "com.facebook.katana": "facebook", "com.reddit.frontpage": "reddit",
                "xyz.blueskyweb.app": "bluesky", "org.joinmastodon.android": "mastodon",
                "com.google.android.googlequicksearchbox": "search"}


def _by_app(value: str) -> str | None:
    """The channel of an `android-app://package` referrer, or None."""
    if not value.startswith("android-app://"):
        return None
    package = value.removeprefix("android-app://").split("/")[0].lower()
    return ANDROID_APPS.get(package, "other_social" if "social" in package else None)


def _by_name(name: str) -> str | None:
    """The channel a bare source name (e.g. "Twitter", "(direct)") stands for, or None."""
    key = name.strip().lower()
    for channel, names in PLATFORM_NAMES.items():
        if key in names:
            return channel
    return None


def _by_url(source: str | None, referrer: str | None) -> str | None:
    """The channel the referrer, else the source, names as a URL, host or Android app (rule 1), or None."""
    for value in (referrer, source):
        if value:
            host, path = _split(value)
            found = _by_app(value) or (_by_host(host, path) if host else None)
            if found:
                return found
    return None


def _group(label: str | None) -> str | None:
    """The channel a channel-group label stands for, or None."""
    return GROUPS.get(label.strip().lower()) if label else None


@dataclass(frozen=True)
class _Visit:
    """What the rules after the URL's read of one visit: the source, medium (lower-cased), referrer, group."""

    source: str | None
    medium: str
    referrer: str | None
    group: str | None
    named: str | None  # the channel the source's bare name stands for


def _unknown(visit: _Visit) -> str:
    """The last rules (6, 7): no source at all is direct (or other with a medium), any other source a referral."""
    given = visit.source or visit.referrer
    if not given or not given.strip() or (visit.source or "").strip() == "-":
        return "direct" if visit.medium in DIRECT_MEDIA else "other"
    return "referral"


# The rules after the URL's, in order; each gives a channel or None, and the first channel wins.
RULES: tuple[Callable[[_Visit], str | None], ...] = (
    lambda v: v.named if v.named not in (None, "direct", "other", "email", "search") else None,
    lambda v: "email" if v.medium in EMAIL_MEDIA or v.named == "email" else None,
    lambda v: "search" if v.named == "search" or v.medium in SEARCH_MEDIA else None,
    lambda v: _group(v.group),
    lambda v: None if host_of(v.source) else _group(v.source),
    lambda v: "other_social" if v.medium in SOCIAL_MEDIA else None,
    lambda v: v.named if v.named in ("other", "direct") else None,
    _unknown,
)


@lru_cache(maxsize=100_000)
def classify(source: str | None = None, medium: str | None = None, *, referrer: str | None = None,
             group: str | None = None) -> str:
    """The channel of a visit from its source, medium, referrer URL and/or channel group (rules above)."""
    found = _by_url(source, referrer)
    if found:
        return found
    visit = _Visit(source, (medium or "").strip().lower(), referrer, group, _by_name(source) if source else None)
    return next(channel for rule in RULES if (channel := rule(visit)))


def is_social(channel: str) -> bool:
    """Whether a channel is a social network (a named platform or other_social)."""
    return channel in SOCIAL_CHANNELS
