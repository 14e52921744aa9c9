"""Plain text and outgoing links of the HTML that Mastodon (and other ActivityPub servers) put in posts."""

from __future__ import annotations

from html.parser import HTMLParser

BLOCK_TAGS = {"p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class _Collector(HTMLParser):
    """Collects text (paragraphs and line breaks kept) and the hrefs of links that are not mentions or tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Line breaks for <br> and block tags; remember outgoing links."""
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            self._link(dict(attrs))

    def _link(self, attrs: dict[str, str | None]) -> None:
        """Keep an href unless the anchor is a mention or a hashtag (class mention/hashtag or rel tag)."""
        href = (attrs.get("href") or "").strip()
        classes = set((attrs.get("class") or "").split())
        rels = set((attrs.get("rel") or "").split())
        if href and not classes & {"mention", "hashtag"} and "tag" not in rels and href not in self.links:
            self.links.append(href)

    def handle_data(self, data: str) -> None:
        """Keep every text node, hidden URL parts included, so links read in full."""
        self.parts.append(data)


def text_and_links(html: str | None) -> tuple[str | None, list[str]]:
    """The text of an HTML fragment and the hrefs of its outgoing links (None text for no HTML)."""
    if not html:
        return None, []
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts).strip(), collector.links
