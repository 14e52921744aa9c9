"""Escaping for every value that comes from data and reaches a report: Markdown, HTML, URLs and plot text.

Handles, names, bios, post texts, referrers, page paths, file paths and dataset names are written by other
people (a collected cohort's handles come from remote servers), so a report must show them as text, never
run them as markup. `md` and `html` turn every character that Markdown, HTML or MathJax could read as syntax
into a character reference, which the browser shows as the character itself.
"""

from __future__ import annotations

import html as _html
from urllib.parse import quote

# Characters Markdown (CommonMark, GFM tables, autolinks), HTML or MathJax could read as syntax. ':' is among
# them so that "javascript:" or "http://" in a value never becomes a link.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|~$:<>&\"'=")
# MathJax typesets text between $…$, \(…\) or \[…\] and \begin…\end; it skips elements of these classes
# (MathJax 2 reads tex2jax_ignore, MathJax 3 mathjax_ignore).
NO_MATH = "tex2jax_ignore mathjax_ignore"


def _text(value: object) -> str:
    """A value as text: None and missing values as the empty string."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN, pd.NA raise or compare unequal
            return ""
    except (TypeError, ValueError):
        return ""
    return str(value)


def _no_math(text: str, escaped: str) -> str:
    """Wrap escaped text so MathJax leaves it alone, when the original could open a formula."""
    if "$" in text or "\\" in text:
        return f'<span class="{NO_MATH}">{escaped}</span>'
    return escaped


def md(value: object) -> str:
    """A data value as inline Markdown text: shown literally, never read as Markdown, HTML or a formula."""
    text = _text(value)
    flat = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text  # never a new block
    escaped = "".join(f"&#{ord(ch)};" if ch in MARKDOWN_SPECIALS else ch for ch in flat)
    return _no_math(text, escaped)


def html(value: object) -> str:
    """A data value as HTML element content: shown literally, never read as markup or a formula."""
    text = _text(value)
    return _no_math(text, _html.escape(text, quote=True))


def attr(value: object) -> str:
    """A data value inside a quoted HTML attribute."""
    return _html.escape(_text(value), quote=True)


def code(value: object) -> str:
    """A data value (a file path, a command) as inline code in Markdown or HTML."""
    text = _text(value)
    return f'<code class="{NO_MATH}">{_html.escape(text, quote=True)}</code>'


def href(*parts: object) -> str:
    """A relative link from path parts (e.g. a dataset folder and a file), percent-encoded and attribute-safe."""
    return attr("/".join(quote(_text(p), safe="") for p in parts))


def plot_text(value: object) -> str:
    """A data value for a matplotlib title, label or legend: '$' shown as itself, not read as mathtext."""
    return _text(value).replace("$", r"\$")
