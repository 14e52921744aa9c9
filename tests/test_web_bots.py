"""Bot user agents: crawlerdetect plus a short local list; people's browsers are never bots."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from helpers.ingest.web import bots

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
    "Edg/120.0.2210.61",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
    "Chrome/115.0.0.0 Mobile Safari/537.36",
    # the in-app browsers people open links from social posts in
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "[FBAN/FBIOS;FBAV/440.0.0.33.116;FBBV/541385066]",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile "
    "Safari/537.36 Instagram 310.0.0.39.119 Android",
    # the Atom browser: the old hand-written list read "atom" as an Atom feed reader
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
    "Atom/32.0.0.34",
]

# robots the old hand-written list missed and crawlerdetect knows (all seen in the real semicomplete log)
CRAWLERDETECT_ONLY = [
    "Mozilla/5.0 (compatible; SiteExplorer/1.0b; +http://siteexplorer.info/)",
    "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; en-US; rv:1.9.2) Gecko/20100115 Firefox/3.6 "
    "(FlipboardProxy/1.1; +http://flipboard.com/browserproxy)",
    "Liferea/1.8.3 (Linux; en_GB.UTF-8; http://liferea.sf.net/)",
    "nutch-1.4/Nutch-1.4",
    "Xenu Link Sleuth/1.3.8",
]

# what crawlerdetect 0.4.2 misses and the local list adds
LOCAL_ONLY = ["", "-", "  ", None, "Mozilla/5.0", "Mozilla/4.0 (compatible;)", "NewsBlur/1.0", "rss2email/3.14",
              "Newsboat/2.32.0 (Linux x86_64)", "Slack-ImgProxy 0.19",
              "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
              "Mozilla/5.0 (compatible; Pleroma/2.5; +https://pleroma.social)", "Perl/5.36", "insomnia/2023.5.8",
              "Chef Client/10.18.2 (ruby-1.9.3-p327; ohai-6.16.0; x86_64-linux; +http://opscode.com)",
              "Site Monitor/1.0"]

# robots crawlerdetect knows that the local list need not repeat
KNOWN = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
         "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
         "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
         "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "TelegramBot (like TwitterBot)",
         "WhatsApp/2.23.20.0 A", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
         "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; like FeedFetcher-Google)",
         "Mozilla/5.0 (compatible; inoreader.com; 3 subscribers)", "NetNewsWire (RSS Reader; https://netnewswire.com/)",
         "curl/8.4.0", "Wget/1.21.4", "python-requests/2.31.0", "Go-http-client/1.1", "okhttp/4.9.3",
         "Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/)"]


@pytest.mark.parametrize("ua", BROWSERS)
def test_browsers_are_people(ua: str) -> None:
    """Desktop and mobile Chrome, Firefox, Safari, Edge, Samsung and in-app browsers are not bots."""
    assert not bots.is_bot(ua)


@pytest.mark.parametrize("ua", CRAWLERDETECT_ONLY + LOCAL_ONLY + KNOWN)
def test_robots_are_bots(ua: str | None) -> None:
    """Crawlers, feed readers, link previewers, scripts and empty user agents are bots."""
    assert bots.is_bot(ua)


@pytest.mark.parametrize("ua", [u for u in LOCAL_ONLY if u and u.strip() not in ("", "-")])
def test_local_list_holds_only_what_crawlerdetect_misses(ua: str) -> None:
    """Each local entry earns its place: crawlerdetect alone does not catch it."""
    assert not bots._detector().is_crawler(ua)
    assert bots.LOCAL.search(ua)


@pytest.mark.parametrize("ua", KNOWN)
def test_local_list_does_not_repeat_crawlerdetect(ua: str) -> None:
    """Robots crawlerdetect knows are left to it."""
    assert bots._detector().is_crawler(ua)


def test_detector_is_built_once_and_answers_cached() -> None:
    """One CrawlerDetect for the process; a repeated user agent is answered from the cache."""
    assert bots._detector() is bots._detector()
    bots.is_bot.cache_clear()
    bots.is_bot("curl/8.4.0")
    bots.is_bot("curl/8.4.0")
    assert bots.is_bot.cache_info().hits == 1


# the plain shape of a browser's user agent, with nothing appended (bots append their names)
BROWSER_SHAPE = re.compile(
    r"^Mozilla/5\.0 \([^()]*\) (AppleWebKit/[\d.]+ \(KHTML, like Gecko\)( Version/[\d.]+)?( Chrome/[\d.]+)?"
    r"( Mobile(/\w+)?)? Safari/[\d.]+( Edge?/[\d.]+)?|Gecko/\d+ Firefox/[\d.]+)$")


def _agents(log: Path) -> Counter:
    """How many well-formed lines of a combined log each user agent sent."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return Counter(parts[5] for parts in (line.split('"') for line in lines) if len(parts) == 7)


@pytest.mark.realdata
def test_real_log_browsers_are_people_and_robots_are_bots(realdata: Path) -> None:
    """On the real semicomplete log: 104 of 558 user agents (2,873 lines) are bots, no plain browser is."""
    agents = _agents(realdata / "access-log-semicomplete" / "apache_logs")
    flagged = {ua for ua in agents if bots.is_bot(ua)}
    browsers = {ua for ua in agents if BROWSER_SHAPE.match(ua)}
    assert (len(agents), len(flagged), sum(agents[ua] for ua in flagged)) == (558, 104, 2873)
    assert len(browsers) == 260 and not browsers & flagged
    assert {ua for ua in agents if ua in CRAWLERDETECT_ONLY} <= flagged
