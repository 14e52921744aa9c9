"""The channel classifier on a table of referrers, sources, media and channel groups."""

from __future__ import annotations

import pytest

from helpers.data.vocabulary import CHANNELS
from helpers.ingest.web.channels import classify, host_of, is_social

CASES = [
    # (source, medium, referrer, group) -> channel
    (("t.co", None, None, None), "x"),
    ((None, None, "https://t.co/AbC123", None), "x"),
    (("twitter.com", None, None, None), "x"),
    ((None, None, "https://x.com/someone/status/1", None), "x"),
    (("twitter", "social", None, None), "x"),
    (("bsky.app", None, None, None), "bluesky"),
    ((None, None, "https://go.bsky.app/redirect?u=x", None), "bluesky"),
    (("Bluesky", None, None, None), "bluesky"),
    ((None, None, "https://mastodon.social/@alice/1123", None), "mastodon"),
    ((None, None, "https://hachyderm.io/", None), "mastodon"),
    ((None, None, "https://tiny.instance.example/@bob/99", None), "mastodon"),
    (("mastodon", "social", None, None), "mastodon"),
    (("linkedin.com", None, None, None), "linkedin"),
    (("lnkd.in", None, None, None), "linkedin"),
    ((None, None, "https://www.linkedin.com/feed/", None), "linkedin"),
    (("facebook.com", None, None, None), "facebook"),
    (("l.facebook.com", None, None, None), "facebook"),
    (("m.facebook.com", None, None, None), "facebook"),
    (("fb.me", None, None, None), "facebook"),
    (("reddit.com", None, None, None), "reddit"),
    ((None, None, "https://old.reddit.com/r/python/comments/x", None), "reddit"),
    (("news.ycombinator.com", None, None, None), "other_social"),
    (("t.umblr.com", None, None, None), "other_social"),
    (("google", "organic", None, None), "search"),
    ((None, None, "https://www.google.co.uk/", None), "search"),
    (("duckduckgo.com", None, None, None), "search"),
    ((None, None, "https://www.bing.com/search?q=x", None), "search"),
    (("Google", None, None, None), "search"),
    (("mail.google.com", None, None, None), "email"),
    (("newsletter", "email", None, None), "email"),
    ((None, None, "android-app://com.google.android.gm", None), "email"),
    (("(direct)", "(none)", None, None), "direct"),
    (("Direct / None", None, None, None), "direct"),
    ((None, None, None, None), "direct"),
    ((None, None, None, "Organic Social"), "other_social"),
    ((None, None, None, "Organic Search"), "search"),
    ((None, None, None, "Direct"), "direct"),
    ((None, None, None, "Email"), "email"),
    ((None, None, None, "Referral"), "referral"),
    ((None, None, None, "Unassigned"), "other"),
    ((None, None, None, "(other)"), "other"),
    (("t.co", None, None, "Organic Social"), "x"),
    (("bbva.com", None, None, None), "referral"),
    ((None, None, "https://someblog.example.org/links", None), "referral"),
    (("(not set)", None, None, None), "other"),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[f"{a}->{e}" for a, e in CASES])
def test_classify(args: tuple, expected: str) -> None:
    """Each referrer, source, medium or group lands in the documented channel."""
    source, medium, referrer, group = args
    assert classify(source, medium, referrer=referrer, group=group) == expected


def test_every_answer_is_a_canonical_channel() -> None:
    """The classifier only ever answers with a channel of the data model."""
    assert {classify(*a[:2], referrer=a[2], group=a[3]) for a, _ in CASES} <= set(CHANNELS)


def test_referral_keeps_its_host() -> None:
    """An unknown referrer is kept as referral and its host is recoverable, never dropped."""
    assert host_of("https://www.someblog.example.org/post/1") == "someblog.example.org"
    assert host_of("(direct)") is None


def test_is_social() -> None:
    """Named platforms and other_social are social; search and referral are not."""
    assert is_social("mastodon") and is_social("other_social")
    assert not is_social("search") and not is_social("referral")
