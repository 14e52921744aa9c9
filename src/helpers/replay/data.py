"""The generated cohort behind the replay server: people, the cohort's follower lists, follows and posts.

Deterministic from a seed. Nothing here is real: handles live under .replay.example domains, and the
numbers are drawn so that engagement depends on both the size and the realness of an audience.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from dataclasses import dataclass, field

LOCAL_DOMAIN = "replay.example"  # the Mastodon server the replay plays
REMOTE_DOMAIN = "elsewhere.example"  # another server, whose accounts the replay knows only in part
EPOCH = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
WORDS = ["notes", "garden", "python", "maps", "birds", "jazz", "data", "trains", "tea", "chess", "ferns",
         "history", "cycling", "films", "books", "rust", "weather", "cats", "sourdough", "open source"]


@dataclass
class Person:
    """Anyone in the replay world: a cohort member or one of their followers."""

    idx: int
    username: str
    domain: str
    name: str
    bio: str
    created_at: dt.datetime
    followers_count: int
    follows_count: int
    posts_count: int
    has_avatar: bool
    bot: bool
    website: str | None

    @functools.cached_property
    def did(self) -> str:
        """A did:plc-shaped identifier (24 base32 characters)."""
        alphabet = "abcdefghijklmnopqrstuvwxyz234567"
        n, chars = self.idx * 7919 + 104729, []
        for _ in range(24):
            n, r = divmod(n * 31 + 17, 32)
            chars.append(alphabet[r])
        return "did:plc:" + "".join(chars)

    @property
    def handle(self) -> str:
        """The Bluesky handle."""
        return f"{self.username}.bsky.{self.domain}"

    @property
    def acct(self) -> str:
        """The Mastodon address user@domain."""
        return f"{self.username}@{self.domain}"


@dataclass
class Post:
    """A post of a cohort member (or a repost of someone's post)."""

    idx: int
    author: int
    created_at: dt.datetime
    text: str
    kind: str  # post, reply, quote, repost
    link: str | None
    likes: int
    reposts: int
    replies: int
    quotes: int
    lang: str = "en"
    of_author: int | None = None  # for reposts and quotes: whose post


@dataclass
class Member:
    """A cohort member: a person with follower list, follows, posts and a status."""

    person: Person
    followers: list[int]  # person indices, newest follow first
    follows: list[int]
    posts: list[Post]  # newest first
    status: str = "ok"  # ok, deleted, suspended, empty_followers, remote
    pinned: int | None = None  # index into posts of a pinned post
    unlisted: set[int] = field(default_factory=set)  # followers the listing filters out (taken down)


@dataclass
class World:
    """Everyone, and the cohort."""

    people: list[Person]
    members: list[Member]

    @functools.cached_property
    def _index(self) -> dict[str, Person]:
        """Everyone by did and by handle."""
        return {k: p for p in self.people for k in (p.did, p.handle)}

    def person_by(self, key: str) -> Person | None:
        """Anyone by did or handle."""
        return self._index.get(key)

    def member_by(self, key: str) -> Member | None:
        """A member by handle, did, acct or username."""
        key = key.lstrip("@").lower()
        for m in self.members:
            p = m.person
            if key in (p.handle, p.did, p.acct, p.username):
                return m
        return None


def _person(rng: random.Random, idx: int, domain: str, *, bot: bool = False) -> Person:
    """One person with a plausible profile; bots have no avatar, no bio and many follows."""
    topic = rng.sample(WORDS, 2)
    created = EPOCH - dt.timedelta(days=rng.randint(30, 2500), seconds=rng.randint(0, 86399))
    followers = int(rng.lognormvariate(4.0, 1.4))
    return Person(
        idx=idx, username=f"{'acct' if bot else 'user'}{idx:05d}", domain=domain,
        name="" if bot else f"Person {idx} of {topic[0]}",
        bio="" if bot else f"I write about {topic[0]} and {topic[1]}.",
        created_at=created, followers_count=0 if bot else followers,
        follows_count=rng.randint(800, 4000) if bot else rng.randint(20, 900),
        posts_count=0 if bot else rng.randint(1, 5000), has_avatar=not bot, bot=bot,
        website=None if bot or rng.random() < 0.6 else f"https://{topic[0].replace(' ', '')}{idx}.blog.example",
    )


def _posts(rng: random.Random, member: Person, audience: int, realness: float, first_idx: int,
           n: int, others: list[int]) -> list[Post]:
    """A member's posts, newest first; engagement grows with the real part of the audience."""
    out, when = [], EPOCH
    for i in range(n):
        when -= dt.timedelta(hours=rng.uniform(2, 60))
        kind = rng.choices(["post", "reply", "quote", "repost"], [0.6, 0.2, 0.08, 0.12])[0]
        link = f"https://{member.username}.blog.example/p/{i}" if rng.random() < 0.3 else None
        base = math.sqrt(audience) * realness * (1.5 if link else 1.0)
        likes = int(rng.expovariate(1 / (base + 0.5)))
        out.append(Post(idx=first_idx + i, author=member.idx, created_at=when,
                        text=f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{i}" + (f" {link}" if link else ""),
                        kind=kind, link=link, likes=likes, reposts=int(likes * rng.uniform(0, 0.3)),
                        replies=int(likes * rng.uniform(0, 0.2)), quotes=int(likes * rng.uniform(0, 0.05)),
                        lang=rng.choice(["en", "en", "en", "de", "fr"]),
                        of_author=rng.choice(others) if kind in ("repost", "quote") else None))
    return out


STATUSES = ("deleted", "suspended", "empty_followers", "remote")


def build(n_members: int = 20, seed: int = 7, *, population: int = 1500, max_followers: int = 420,
          faults: dict[str, int] | None = None) -> World:
    """Generate the replay world: n_members cohort accounts among a population of followers.

    faults: how many members are deleted, suspended, have an empty follower list, or live on another
    Mastodon server (so this one knows only part of their followers).
    """
    faults = {"deleted": 1, "suspended": 1, "empty_followers": 1, "remote": 2} if faults is None else faults
    rng = random.Random(seed)
    people = [_person(rng, i, REMOTE_DOMAIN if rng.random() < 0.3 else LOCAL_DOMAIN,
                      bot=i >= n_members and rng.random() < 0.2) for i in range(population)]
    crowd = list(range(n_members, population))
    statuses = [s for s in STATUSES for _ in range(faults.get(s, 0))]
    members, post_idx = [], 0
    for i in range(n_members):
        p = people[i]
        p.domain = LOCAL_DOMAIN
        status = statuses[i - (n_members - len(statuses))] if i >= n_members - len(statuses) else "ok"
        if status == "remote":
            p.domain = REMOTE_DOMAIN
        size = 0 if i == 0 else min(max_followers, int(rng.lognormvariate(4.2, 1.1)))
        followers = rng.sample(crowd, size)
        realness = sum(people[f].has_avatar for f in followers) / size if size else 0.0
        follows = rng.sample(crowd, rng.randint(5, 140))
        p.followers_count, p.follows_count = size, len(follows)
        n_posts = rng.randint(8, 70)
        posts = _posts(rng, p, size, realness, post_idx, n_posts, crowd[:50])
        post_idx += n_posts
        p.posts_count = n_posts
        unlisted = {f for f in followers if rng.random() < 0.03}
        pinned = rng.randrange(n_posts) if i % 3 == 0 else None
        member = Member(p, followers, follows, posts, status, pinned=pinned, unlisted=unlisted)
        if status == "empty_followers":
            member.unlisted = set(followers)
        members.append(member)
    return World(people, members)
