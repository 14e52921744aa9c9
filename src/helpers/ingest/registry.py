"""The readers of exports, in one explicit list: the order is the order in which they try an input.

Each reader module has FORMAT (its name), LABEL (what it reads, in words), SCOPE ("folder" for account archives,
"file" for single files), detect(path) and read(path, context). A new reader is added here, nowhere else.
"""

from __future__ import annotations

from types import ModuleType

from helpers.ingest import linkedin
from helpers.ingest.bluesky import repository as bluesky_repository
from helpers.ingest.mastodon import archive as mastodon_archive
from helpers.ingest.mastodon import follows as mastodon_follows
from helpers.ingest.web import access_log, ga4_csv, jetpack_csv, matomo_csv, plausible_csv, ua_csv
from helpers.ingest.x import analytics_2024, analytics_legacy, snscrape_jsonl, twarc, twitter_users
from helpers.ingest.x import archive as x_archive

# Archives first (they claim whole folders); among files, exports with distinctive headers come before the
# looser formats (server logs, snscrape and twarc lines), and Jetpack's two-column CSV, the loosest, comes last.
READERS: tuple[ModuleType, ...] = (
    x_archive,
    bluesky_repository, linkedin, mastodon_archive, mastodon_follows,
    ga4_csv, twitter_users, analytics_2024, analytics_legacy,
    ua_csv, plausible_csv, matomo_csv,
    access_log, snscrape_jsonl, twarc,
    jetpack_csv,
)


def readers() -> list[ModuleType]:
    """All reader modules, in detection order."""
    return list(READERS)


def folder_readers() -> list[ModuleType]:
    """Readers that claim a whole folder (account archives)."""
    return [m for m in READERS if m.SCOPE == "folder"]


def file_readers() -> list[ModuleType]:
    """Readers of single files."""
    return [m for m in READERS if m.SCOPE == "file"]


def formats() -> list[str]:
    """The names of every format the suite reads."""
    return [m.FORMAT for m in READERS]


def labels() -> list[str]:
    """What each reader reads, in words (its LABEL), in detection order."""
    return [m.LABEL for m in READERS]


def supported_sentence() -> str:
    """One sentence naming, in words, every format the suite reads (from the readers' LABELs)."""
    names = labels()
    listed = "; ".join(names[:-1]) + f"; or {names[-1]}" if len(names) > 1 else "".join(names)
    return f"This suite reads {listed}"
