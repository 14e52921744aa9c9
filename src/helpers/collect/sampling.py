"""Follower sampling designs and their weights: what was drawn, from which list, and how much each row counts.

A weight is the inverse inclusion probability when the design is a probability sample (uniform draw from a
completely paged list); otherwise it is the ratio followers / rows, which makes totals add up but rests on the
assumption, stated in the design, that the rows observed are like the rest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Design:
    """How one account's follower rows were chosen."""

    kind: str  # "full", "uniform", "most_recent", "known_to_server", "none"
    rows: int  # follower rows kept
    listed: int  # followers the server listed
    total: int | None  # followers the profile reports
    weight: float | None  # sample_weight of every row (None when there are no rows)
    probability_sample: bool
    reason: str = ""

    def describe(self) -> str:
        """The design in one phrase, as the accounts table and the reports show it."""
        total = self.total if self.total is not None else self.listed
        if self.kind == "full":
            counted = f"; the profile counts {self.total}" if self.total not in (None, self.listed) else ""
            return f"full list ({self.rows} of {self.listed} listed{counted})"
        if self.kind == "uniform":
            return f"uniform {self.rows} of {self.listed} (full list paged)"
        if self.kind == "most_recent":
            return f"most recent {self.rows} of {total} (list could not be paged completely: {self.reason})"
        if self.kind == "known_to_server":
            return (f"uniform {self.rows} of the {self.listed} followers known to {self.reason}, of {total} in all "
                    "(a server knows only the followers it federates with; not a probability sample)")
        return f"none: the server listed 0 of {total} followers ({self.reason})"


def _weight(total: int, rows: int) -> float | None:
    """Followers per row kept; None without rows."""
    return float(total) / rows if rows else None


def choose(listed: list, n: int, *, complete: bool, total: int | None, seed: str,
           reason: str = "", known_to: str | None = None) -> tuple[list, Design]:
    """Pick the follower rows to keep from a listing (newest first) and describe the design used.

    complete: the whole list was paged to its end. known_to: the server that answered, when it is not the
    account's home server and so knows only part of its followers. seed: makes the draw repeatable, so a
    resumed run asks for the same profiles and finds them in its cache.
    """
    rng = random.Random(seed)
    size = len(listed)
    frame = max(total or 0, size)
    if size == 0:
        kind = "full" if complete and not total else "none"
        return [], Design(kind, 0, 0, total, None, kind == "full",
                          reason or "followers hidden by the account or not known to this server")
    if known_to:
        rows = rng.sample(listed, n) if size > n else list(listed)
        return rows, Design("known_to_server", len(rows), size, total, _weight(frame, len(rows)), False, known_to)
    if complete and size <= n:
        return list(listed), Design("full", size, size, total, 1.0, True)
    if complete:
        rows = rng.sample(listed, n)
        return rows, Design("uniform", n, size, total, size / n, True)
    rows = list(listed[:n])
    return rows, Design("most_recent", len(rows), size, total, _weight(frame, len(rows)), False,
                        reason or "the listing stopped early")
