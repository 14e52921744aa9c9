"""The one vocabulary of platforms and traffic channels: tables, readers and analyses take their names from here.

A new platform is one line in PLATFORM_TABLE: its code in the tables, its name as people write it, and the
traffic channel its visitors arrive on.
"""

from __future__ import annotations

from typing import NamedTuple


class Platform(NamedTuple):
    """A social platform: code (as stored), name (as written), channel (of the visits it brings)."""

    code: str
    name: str
    channel: str


# Channels of blog traffic: the social ones first (one per platform the suite tells apart), then the rest.
SOCIAL_CHANNELS = ("x", "mastodon", "bluesky", "linkedin", "facebook", "reddit", "other_social")
CHANNELS = [*SOCIAL_CHANNELS, "search", "email", "direct", "referral", "other"]

PLATFORM_TABLE = (
    Platform("x", "X", "x"),
    Platform("mastodon", "Mastodon", "mastodon"),
    Platform("bluesky", "Bluesky", "bluesky"),
    Platform("linkedin", "LinkedIn", "linkedin"),
    Platform("reddit", "Reddit", "reddit"),
    Platform("telegram", "Telegram", "other_social"),
    Platform("facebook", "Facebook", "facebook"),
    Platform("threads", "Threads", "other_social"),
    Platform("other", "other", "other_social"),
)
PLATFORMS = [p.code for p in PLATFORM_TABLE]
PLATFORM_NAMES = {p.code: p.name for p in PLATFORM_TABLE}
PLATFORM_CHANNEL = {p.code: p.channel for p in PLATFORM_TABLE}
