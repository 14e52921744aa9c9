"""What a collection or an ingest produced, shown: rows read, kept and rejected, masked reject reasons, the
requests a collector sent, follower weights against their design, and the traffic a blog's exports gave."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from helpers import paths
from helpers.data import dataset, schemas
from helpers.errors import DatasetError
from helpers.ingest import registry
from helpers.ingest.pipeline import ingest, summary_lines
from helpers.reports import safe

COUNTS = ["read", "kept", "rejected"]
# Identifier columns a pseudonymised dataset holds only as keyed-hash pseudonyms (ids "p_…", handles "h_…").
THIRD_PARTIES = [("followers", "follower_id"), ("following", "followed_id"), ("interactions", "actor_id")]
TRAFFIC_COLUMNS = ["site", "date", "channel", "sessions"]  # the traffic table when there is none to show
REPORT_COLUMNS = ["site", "report", "channel", "sessions", "share", "first_day", "last_day", "period_start",
                  "period_end"]


def no_export_text(missing: Sequence[Path]) -> str:
    """What to do when there is no export to read: which inputs were not found, and how to point at yours."""
    where = (f": not found: {', '.join(map(str, missing))}" if missing
             else f" (the real example archive is not at {paths.REALDATA})")
    return (f"No export to read{where}.\n"
            "Point export_paths at your own export and run again, for example:\n"
            "  papermill notebooks/01_collect_from_export.ipynb out.ipynb "
            "-y 'export_paths: [~/Downloads/twitter-2024-06-02.zip]'\n"
            "or from the command line: "
            "python -m helpers ingest ~/Downloads/twitter-2024-06-02.zip --dataset my_export\n"
            f"Formats read: {', '.join(registry.formats())}.")


def row_counts(entries: list[dict]) -> pd.DataFrame:
    """One row per input and table of an ingest: the input's file name, its format, rows read, kept and rejected."""
    return pd.DataFrame([{"input": Path(e["path"]).name, "format": e["format"], "table": table, **c}
                         for e in entries for table, c in e["tables"].items()])


def per_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Rows read, kept and rejected per table, summed over the inputs, fewest read first."""
    return counts.groupby("table")[COUNTS].sum().sort_values("read")


def masked_reason(reason: str) -> str:
    """A reject reason without ids, handles or file paths, short enough to group."""
    reason = re.sub(r"\S*/\S*", "…", reason)
    reason = re.sub(r"@\w+", "@…", re.sub(r"\d{3,}", "N", reason))
    return reason[:90]


def reject_reasons(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows per table and masked reason, most frequent first."""
    return (rejects.assign(reason=rejects["reason"].map(masked_reason))
            .groupby(["table", "reason"]).size().rename("rows").reset_index()
            .sort_values("rows", ascending=False))


def unpseudonymised(ds: dataset.Dataset) -> list[str]:
    """The third-party tables that still hold a raw id or handle (none in a pseudonymised dataset)."""
    found = []
    for table, column in THIRD_PARTIES:
        frame = ds.tables[table]
        handles = frame["handle"].dropna() if "handle" in frame else pd.Series(dtype="string")
        if not (frame[column].dropna().str.startswith("p_").all() and handles.str.startswith("h_").all()):
            found.append(table)
    return found


def ingest_sentence(inputs: Sequence[Path], counts: pd.DataFrame, ds: dataset.Dataset) -> str:
    """The closing sentence of an ingest: inputs and formats, rows read, kept and rejected, what the dataset holds."""
    total = per_table(counts).sum()
    formats = ", ".join(sorted(set(counts["format"])))
    held = ", ".join(f"{len(ds.tables[t]):,} {t}" for t in schemas.TABLES if len(ds.tables[t]))
    return (f"{len(inputs)} input(s) read as {formats}: {int(total['read']):,} rows, of which "
            f"{int(total['kept']):,} were kept and {int(total['rejected']):,} rejected with a reason; "
            f"the dataset holds {held}.")


def politeness(stats: dict) -> pd.DataFrame:
    """A collector's requests: sent, retried, and the seconds it waited for rate limits and backoff."""
    return pd.Series({"requests sent": stats["sent"], "retries (429, 5xx, malformed JSON)": stats["retries"],
                      "seconds waited for rate limits and backoff": stats["waited_s"]}).to_frame("count")


def weights_off_design(accounts: pd.DataFrame, followers: pd.DataFrame) -> list[str]:
    """Handles whose follower weights break their design: 1 for a full list, listed / rows for a uniform draw."""
    off = []
    for acc in accounts.itertuples():
        w = followers.loc[followers["account_id"] == acc.account_id, "sample_weight"]
        if acc.sample_design.startswith("uniform"):
            ok = (w - acc.followers_listed / acc.followers_sampled).abs().max() < 1e-9
        else:
            ok = not acc.sample_design.startswith("full list") or (w == 1.0).all()
        off += [] if ok else [acc.handle]
    return off


def median_likes(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Each account's median likes per original post (reposts left out), beside its follower count."""
    own = posts[posts["kind"] != "repost"]
    per_account = own.groupby("account_id")["likes"].median().rename("median_likes").reset_index()
    return per_account.merge(accounts[["account_id", "followers_count"]], on="account_id")


@dataclass(frozen=True)
class TrafficSource:
    """Where a blog's traffic came from: the dataset read (None when there is none), and what was said on the way."""

    ds: dataset.Dataset | None
    found: list[str]  # the exports that exist (ingested); empty when a dataset was shown instead
    note: str  # which data this is, for the reader
    messages: list[str] = field(default_factory=list)  # exports skipped, and the ingest's rows per table

    @property
    def traffic(self) -> pd.DataFrame:
        """The dataset's traffic table, or an empty one with its key columns."""
        return self.ds.traffic if self.ds is not None else pd.DataFrame(columns=TRAFFIC_COLUMNS)


def read_traffic(exports: Sequence[str], out_dataset: str, fallback: str, site: str | None = None) -> TrafficSource:
    """Ingest the exports that exist into out_dataset; when none does, load the fallback dataset if it can be."""
    found = [p for p in exports if Path(p).exists()]
    skipped = [f"not found, skipped: {p}" for p in exports if not Path(p).exists()]
    if found:
        path, entries = ingest(found, dataset.resolve(out_dataset), options={"site": site} if site else {},
                               progress=False)
        return TrafficSource(dataset.load(path), found, f"the exports ingested into {safe.code(path)}",
                             skipped + ["\n".join(summary_lines(entries))])
    try:
        return TrafficSource(dataset.load(fallback), [],
                             f"dataset {safe.code(fallback)} (none of the exports was found)", skipped)
    except DatasetError as exc:
        return TrafficSource(None, [], f"nothing: none of the exports was found and dataset "
                                       f"{safe.code(fallback)} could not be loaded ({safe.md(exc)})", skipped)


def traffic_markdown(source: TrafficSource) -> Markdown:
    """Which data the traffic comes from and how many rows it has; a warning when no real export was read."""
    absent = ("" if source.found else " *The real example exports are absent, so there is no real traffic to "
              "show; the sections below run on what there is.*")
    return Markdown(f"**Data:** {source.note}. **{len(source.traffic):,} traffic rows.**" + absent)


def notes_markdown(ds: dataset.Dataset | None) -> Markdown:
    """The notes the inputs left in the manifest (dates, what was left out), as a list."""
    notes = ds.manifest.get("notes", []) if ds is not None else []
    if not notes:
        return Markdown("No notes.")
    return Markdown("**What the inputs say about their dates and what was left out:**\n\n"
                    + "\n".join(f"- {safe.md(n)}" for n in notes))


def social_share_markdown(social: pd.DataFrame) -> Markdown:
    """Social networks' share of sessions per site and report, with its interval where there is one."""
    if social.empty:
        return Markdown("**No traffic to summarise.** Point `exports` at your own GA4, UA, Plausible, Matomo or "
                        "Jetpack exports or server logs, or build a dataset with a `traffic` table.")
    lines = [f"- **{safe.md(r.site)}** ({safe.md(r.report)}): {r.social_sessions:,} of {r.sessions:,} sessions from "
             f"social networks = {r.share:.1%}"
             + (f" (95% CI {r.ci_low:.1%}–{r.ci_high:.1%})" if pd.notna(r.ci_low) else "")
             for r in social.itertuples()]
    return Markdown("Social networks' share of sessions, per site and report:\n\n" + "\n".join(lines))
