"""Collect a Mastodon cohort with Mastodon.py: profiles (account_lookup), a follower sample paged through
the Link headers to the real end (account_followers + fetch_next), whom each account follows, and recent
statuses with favourites, reblogs and replies counts.

A server knows all followers only of its own accounts. Asked about an account on another server, it lists
just the followers it federates with: each account records which server answered and whether the list is
partial for that reason.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import bs4
from mastodon import Mastodon, MastodonError, MastodonNotFoundError

from helpers.collect import sampling
from helpers.collect.cohort import REPEATED, AccountData, Cohort, Options, bar, repeated_note
from helpers.collect.http import USER_AGENT, CollectError, PoliteSession, ServerAsksToWait

ENV_BASE_URL = "QVQ_MASTODON_BASE_URL"
PAGE_ACCOUNTS, PAGE_STATUSES = 80, 40  # the largest pages the API allows
DEFAULT_AVATAR = "/avatars/original/missing.png"
DEFAULT_OPTIONS = Options()  # frozen: one shared default is safe


def split_acct(acct: str) -> tuple[str, str]:
    """'@user@instance' or 'user@instance' as (user, instance)."""
    user, sep, domain = acct.strip().lstrip("@").partition("@")
    if not sep or not user or not domain:
        raise ValueError(f"{acct!r} is not a Mastodon address of the form user@instance")
    return user, domain.lower()


def server_for(acct: str, base: str | None = None) -> str:
    """The server to ask about an account: the one given, else $QVQ_MASTODON_BASE_URL, else its home server."""
    return (base or os.environ.get(ENV_BASE_URL) or f"https://{split_acct(acct)[1]}").rstrip("/")


def html_text(html: str | None) -> str | None:
    """Visible text of Mastodon's HTML (paragraphs kept apart)."""
    if not html:
        return None
    soup = bs4.BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return "\n\n".join(p.get_text() for p in soup.find_all("p")) or soup.get_text()


def html_links(html: str | None) -> list[str]:
    """Links in Mastodon's HTML, leaving out mentions and hashtags."""
    if not html:
        return []
    soup = bs4.BeautifulSoup(html, "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True)
            if not {"mention", "hashtag"} & set(a.get("class") or [])]


def canonical_acct(account: dict) -> str:
    """user@domain for any account: a local account's acct lacks the domain, so take it from its URL."""
    acct = account.get("acct") or account.get("username")
    if "@" in acct:
        return acct.lower()
    return f"{acct}@{urlsplit(account.get('url') or '').hostname or 'unknown'}".lower()


def _website(account: dict) -> str | None:
    """The first link among the profile fields, preferring a verified one."""
    fields = sorted(account.get("fields") or [], key=lambda f: f.get("verified_at") is None)
    for f in fields:
        if links := html_links(f.get("value")):
            return links[0]
    return None


def _profile_fields(a: dict) -> dict:
    """The canonical profile columns of an Account entity."""
    return {"handle": canonical_acct(a), "display_name": a.get("display_name") or None, "bio": html_text(a.get("note")),
            "url": _website(a), "created_at": a.get("created_at"), "followers_count": a.get("followers_count"),
            "following_count": a.get("following_count"), "posts_count": a.get("statuses_count")}


def _kind(status: dict) -> str:
    """repost (a boost), quote, reply or post."""
    if status.get("reblog"):
        return "repost"
    if status.get("quote"):
        return "quote"
    return "reply" if status.get("in_reply_to_id") else "post"


def status_row(status: dict, account_id: str, observed_at: str | None) -> dict:
    """One Status as a posts row; a boost has no engagement of its own, so its counts are null."""
    kind = _kind(status)
    shown = status.get("reblog") or status
    links = html_links(shown.get("content")) + ([shown["card"]["url"]] if shown.get("card") else [])
    links = list(dict.fromkeys(u for u in links if u))
    row = {"post_id": status.get("uri") or status.get("url"), "account_id": account_id, "platform": "mastodon",
           "created_at": status.get("created_at"), "text": html_text(shown.get("content")), "kind": kind,
           "lang": shown.get("language"), "link_urls": links, "has_link": bool(links), "observed_at": observed_at}
    if kind != "repost":
        row |= {"likes": status.get("favourites_count"), "reposts": status.get("reblogs_count"),
                "replies": status.get("replies_count"), "quotes": status.get("quotes_count")}
    return row


class Collector:
    """Collects one account at a time through Mastodon.py clients, one per server."""

    def __init__(self, session: PoliteSession, options: Options, *, base: str | None, token: str | None):
        self.session, self.options, self.base, self.token = session, options, base, token
        self.clients: dict[str, Mastodon] = {}
        self.repeated: list[str] = []  # the lists whose paging stopped because a next link came back again

    def client(self, server: str) -> Mastodon:
        """A Mastodon.py client for one server, sharing the polite session; it throws on 429 after our retries."""
        if server not in self.clients:
            self.clients[server] = Mastodon(api_base_url=server, access_token=self.token, session=self.session,
                                            ratelimit_method="throw", version_check_mode="none",
                                            request_timeout=self.session.timeout, user_agent=USER_AGENT)
        return self.clients[server]

    def _pages(self, api: Mastodon, first, *, stop_after: int | None, desc: str, total: int | None,
               who: str) -> tuple[list, bool, str]:
        """Follow rel="next" Link headers to the real end (a short page is not the end), or stop after N;
        return (items, reached the end, why it stopped early when that was the server's doing).

        A next link that comes back again ends the listing there, and an entity already listed is never kept
        twice (a server that ignores max_id repeats its page).
        """
        items, page, ids, received = [], first, set(), set()
        with bar(total, desc, self.options.stages, unit="account") as pbar:
            while page:
                fresh = [x for x in page if x.get("id") is None or x["id"] not in ids]
                ids.update(x.get("id") for x in fresh)
                items += fresh
                pbar.update(len(fresh))
                following = api.get_pagination_info(page, "next")
                if stop_after is not None and len(items) >= stop_after:
                    return items, following is None, ""
                if following is not None:
                    marker = json.dumps({k: str(v) for k, v in following.items() if k != "_mastopy_type"},
                                        sort_keys=True)
                    if marker in received:
                        self.repeated.append(f"{desc} of {who}")
                        return items, False, REPEATED
                    received.add(marker)
                page = api.fetch_next(page)
        return items, True, ""

    def _followers(self, api: Mastodon, account: dict, key: str,
                   server: str) -> tuple[list[dict], sampling.Design, bool]:
        """Follower sample with profiles and weights; True when the list is partial (not the home server)."""
        opts, total = self.options, account.get("followers_count")
        remote = "@" in (account.get("acct") or "")
        page_all = total is None or total <= opts.max_list
        listed, complete, stopped = self._pages(api, api.account_followers(account["id"], limit=PAGE_ACCOUNTS),
                                                stop_after=opts.max_list if page_all else opts.followers_sample,
                                                desc="followers", total=total if page_all else None, who=key)
        host = urlsplit(server).netloc
        reason = stopped or ("" if page_all else f"{total} followers is above the paging limit of {opts.max_list}")
        if not listed and total:
            reason = "the account hides its followers" if not remote else f"{host} knows none of them"
        known_to = f"{host} as far as it could be paged ({stopped})" if stopped else host
        chosen, design = sampling.choose(listed, opts.followers_sample, complete=complete and page_all,
                                         total=total, seed=f"{opts.seed}:{key}", reason=reason,
                                         known_to=known_to if remote and listed else None)
        observed = self.session.last_fetched_at
        rows = [{"account_id": key, "follower_id": canonical_acct(f), "platform": "mastodon", **_profile_fields(f),
                 "last_post_at": f.get("last_status_at"), "default_avatar": DEFAULT_AVATAR in (f.get("avatar") or ""),
                 "protected": bool(f.get("locked")), "bot": bool(f.get("bot")), "sample_weight": design.weight,
                 "observed_at": observed} for f in chosen]
        return rows, design, remote

    def _following(self, api: Mastodon, account: dict, key: str) -> list[dict] | None:
        """Whom the account follows, when it can be paged completely; None otherwise."""
        total = account.get("following_count")
        if not self.options.following or (total is not None and total > self.options.max_list):
            return None
        listed, complete, _ = self._pages(api, api.account_following(account["id"], limit=PAGE_ACCOUNTS),
                                          stop_after=self.options.max_list, desc="following", total=total, who=key)
        observed = self.session.last_fetched_at
        if not complete or (total and not listed):  # hidden or cut short: followed_back stays unknown
            return None
        return [{"account_id": key, "followed_id": canonical_acct(f), "platform": "mastodon",
                 "handle": canonical_acct(f), "observed_at": observed} for f in listed]

    def _posts(self, api: Mastodon, account: dict, key: str) -> list[dict]:
        """The most recent statuses (with replies and boosts)."""
        n = self.options.posts
        statuses, _, _ = self._pages(api, api.account_statuses(account["id"], limit=min(PAGE_STATUSES, n)),
                                     stop_after=n, desc="posts", total=min(n, account.get("statuses_count") or n),
                                     who=key)
        observed = self.session.last_fetched_at
        rows = {}
        for s in statuses[:n]:
            row = status_row(s, key, observed)
            rows.setdefault(row["post_id"], row)
        return list(rows.values())

    def account(self, requested: str, cohort: Cohort) -> None:
        """Collect, or reject, one requested account."""
        server = server_for(requested, self.base)
        api = self.client(server)
        try:
            account = api.account_lookup(requested.lstrip("@"))
        except MastodonNotFoundError:
            cohort.reject(requested, f"account not found on {urlsplit(server).netloc} (deleted, moved or mistyped)")
            return
        if account.get("suspended"):
            cohort.reject(requested, f"account suspended (as {urlsplit(server).netloc} reports it)")
            return
        observed = self.session.last_fetched_at
        key = canonical_acct(account)
        followers, design, partial = self._followers(api, account, key, server)
        following = self._following(api, account, key)
        if following is not None:
            follows = {f["followed_id"] for f in following}
            for row in followers:
                row["followed_back"] = row["follower_id"] in follows
        row = {"requested": requested, "account_id": key, "platform": "mastodon", **_profile_fields(account),
               "verified": None, "is_focal": False, "observed_at": observed, "sample_design": design.describe(),
               "probability_sample": design.probability_sample, "followers_listed": design.listed,
               "followers_sampled": design.rows, "answered_by": urlsplit(server).netloc, "followers_partial": partial,
               "bot": bool(account.get("bot"))}
        cohort.add(AccountData(row, followers, following or [], self._posts(api, account, key)))


def collect(accts: list[str], *, session: PoliteSession, base: str | None = None, token: str | None = None,
            options: Options = DEFAULT_OPTIONS) -> Cohort:
    """Collect a cohort of user@instance accounts; Ctrl-C returns the complete accounts collected so far."""
    for acct in accts:
        split_acct(acct)
    servers = sorted({urlsplit(server_for(a, base)).netloc for a in accts})
    cohort = Cohort("mastodon", f"mastodon API at {', '.join(servers)}", __name__, list(accts))
    collector = Collector(session, options, base=base or os.environ.get(ENV_BASE_URL), token=token)
    try:
        with bar(len(accts), "accounts", options.progress, unit="account", leave=True) as pbar:
            for acct in accts:
                try:
                    collector.account(acct, cohort)
                except (MastodonError, CollectError) as exc:
                    cohort.failed[acct] = f"{type(exc).__name__}: {exc}"[:300]
                pbar.update(1)
    except KeyboardInterrupt:
        cohort.interrupted = True
    except ServerAsksToWait as exc:
        cohort.paused = exc.describe()
    if collector.repeated:
        cohort.notes.append(repeated_note(collector.repeated))
    remote = [d.account for d in cohort.collected if d.account["followers_partial"]]
    if remote:
        cohort.notes.append(
            f"{len(remote)} account(s) were answered by a server other than their home server, which knows only "
            "the followers it federates with; their follower rows are a partial, non-probability sample "
            f"({', '.join(a['account_id'] + ' via ' + a['answered_by'] for a in remote)})")
    return cohort
