"""Whether a user agent is a bot, crawler, feed reader or script rather than a person's browser.

A maintained pattern list in the spirit of the `isbot` and CrawlerDetect projects, kept short: the generic
words robots put in their names (bot, crawl, spider, slurp, fetch, scan, preview), HTTP libraries and
command-line tools, monitoring services, link-preview fetchers, feed readers (they poll, nobody reads the
page then) and an empty or "-" user agent. Extend it when a log shows a robot it misses.
"""

from __future__ import annotations

import re
from functools import lru_cache

PATTERN = re.compile(
    r"bot\b|bot[/_;:-]|robot|crawl|spider|slurp|archiver|ia_archiver|scrap|fetch|\bscan|preview|"
    r"feed|rss|atom|newsblur|inoreader|feedly|netnewswire|"
    r"curl|wget|python|java/|go-http-client|okhttp|libwww-perl|httpclient|http_request|http\.rb|axios|node-fetch|"
    r"ruby|perl|php/|guzzle|aiohttp|httpx|postman|insomnia|"
    r"headless|phantomjs|selenium|puppeteer|playwright|lighthouse|pagespeed|gtmetrix|"
    r"pingdom|uptime|statuscake|monitor|check_http|nagios|zabbix|site24x7|"
    r"facebookexternalhit|facebookcatalog|embedly|quora link|whatsapp|slack|discord|telegram|skype|"
    r"mediapartners|adsbot|ezooms|yahoo! slurp|baidu|yandex|sogou|exabot|mj12|semrush|ahrefs|dotbot|"
    r"chef client|validator|w3c_|linkcheck|^mozilla/\d\.\d$|^mozilla/4\.0 \(compatible;?\)$",
    re.IGNORECASE)


@lru_cache(maxsize=200_000)
def is_bot(user_agent: str | None) -> bool:
    """True for robots, scripts, feed readers and empty user agents."""
    ua = (user_agent or "").strip()
    return ua in ("", "-") or bool(PATTERN.search(ua))
