"""One number style for what readers see: p and q, percentages, intervals and counts, always written the same way.

p and q: "< 0.001" below a thousandth, else two significant digits ("0.012", "0.33"); a p that underflowed to 0 is
"< 0.001" too, never "0". Percentages: a signed change as "+26 %", a share as "33 %" (whole points unless the
value is below 10, then one decimal); intervals as "[+18 %, +34 %]" followed by their level where the reader needs
it. Counts with thousands separators. A narrow no-break space separates a number from its unit, as in print.
"""

from __future__ import annotations

import math

NBSP = "\u202f"  # narrow no-break space: "26 %" never breaks between the number and the sign
MINUS = "\u2212"  # a true minus sign, as wide as the plus


def _finite(value: object) -> bool:
    """Whether value is a real, finite number."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def p_value(p: object) -> str:
    """A p- or q-value: "< 0.001" below a thousandth, else two significant digits; "–" when there is none."""
    if not _finite(p):
        return "–"
    if p < 0.001:
        return "< 0.001"
    return f"{float(f'{p:.2g}'):g}" if p < 0.1 else f"{p:.2f}"


def _signed(text: str) -> str:
    """A leading "-" as a true minus sign."""
    return MINUS + text[1:] if text.startswith("-") else text


def _digits(value: float) -> int:
    """Decimals of a percentage: whole points from 10 up, one decimal below."""
    return 0 if abs(value) >= 9.95 else 1


def change(percent: object) -> str:
    """A signed change in percent: "+26 %", "−4.5 %", "unbounded" for +inf, "–" for none."""
    if percent == math.inf:
        return "unbounded"
    if not _finite(percent):
        return "–"
    return _signed(f"{percent:+.{_digits(percent)}f}") + NBSP + "%"


def share(fraction: object) -> str:
    """A share (0–1) as a percentage: "33 %", "2.5 %"."""
    if not _finite(fraction):
        return "–"
    value = 100 * float(fraction)
    return _signed(f"{value:.{_digits(value)}f}") + NBSP + "%"


def interval(low: str, high: str, level: float | None = 0.95) -> str:
    """Two formatted ends as "[a, b]", with the level ("95 % CI") after when given."""
    text = f"[{low}, {high}]"
    return text if level is None else f"{text} ({100 * level:g}{NBSP}% CI)"


def count(n: object, noun: str = "") -> str:
    """A count with thousands separators and its noun: "1,234 accounts"; "–" when unknown."""
    if not _finite(n):
        return "–"
    text = f"{int(n):,}"
    return f"{text} {noun}" if noun else text
