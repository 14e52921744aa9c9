"""A collected cohort: accounts gathered one by one, only complete ones kept, written as a canonical dataset."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data import dataset, pseudonyms, schemas

REPEATED = "the server repeated its pagination cursor"  # why a listing stopped early (designs, notes)

# Columns the collectors add to the accounts table beyond the data model.
ACCOUNT_EXTRAS = {"sample_design": "string", "probability_sample": "boolean", "followers_listed": "Int64",
                  "followers_sampled": "Int64", "answered_by": "string", "followers_partial": "boolean"}


@dataclass(frozen=True)
class Options:
    """What to collect per account, shared by the collectors."""

    followers_sample: int = 200  # follower rows kept per account
    posts: int = 100  # most recent posts per account
    max_list: int = 10_000  # page a follower or following list completely only up to this many
    following: bool = True  # also list whom each account follows (fills following and followed_back)
    seed: str = "qvq"  # makes the uniform draws repeatable, so a rerun asks for the same profiles
    progress: bool = True  # a tqdm progress bar over the accounts, with counts and ETA
    stage_progress: bool = True  # and one per stage within an account (followers, profiles, following, posts)

    @property
    def stages(self) -> bool:
        """Whether to show the per-stage bars."""
        return self.progress and self.stage_progress


def cache_folder(given: str | Path | None, replay_demo: bool) -> Path:
    """The request cache: the folder given, else a throwaway one for the replay demo, else data/.cache/collect."""
    if given:
        return Path(given)
    if replay_demo:  # the demo's answers are generated: keeping them would only shadow a real collection's
        return Path(tempfile.mkdtemp(prefix="qvq-replay-cache-"))
    return paths.DATA / ".cache" / "collect"


def repeated_note(lists: list[str]) -> str:
    """The note that says which lists stopped paging because the server repeated its cursor."""
    return (f"paging stopped early for {len(lists)} list(s) because {REPEATED} (the rows up to there are kept, "
            f"none twice; those lists count as not completely paged): {', '.join(lists)}")


def bar(total: int | None, desc: str, enabled: bool, unit: str = "item", leave: bool = False):
    """A tqdm progress bar with counts and ETA (the notebook widget in Jupyter, text in a terminal)."""
    import warnings

    with warnings.catch_warnings():  # without ipywidgets, tqdm.auto warns and falls back to text bars: fine
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=leave, dynamic_ncols=True)


@dataclass
class AccountData:
    """Everything collected for one account; added to the cohort only once complete."""

    account: dict
    followers: list[dict] = field(default_factory=list)
    following: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)


@dataclass
class Cohort:
    """The accounts of one collection run and what became of each requested one."""

    platform: str
    source: str  # where the answers came from, e.g. "bluesky AppView at https://public.api.bsky.app"
    reader: str  # the module that collected
    requested: list[str]
    collected: list[AccountData] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)  # permanent: deleted, suspended, not found
    failed: dict[str, str] = field(default_factory=dict)  # transient: a rerun may succeed
    interrupted: bool = False
    paused: str = ""  # why the run stopped early at the server's request, with when to resume
    notes: list[str] = field(default_factory=list)

    def add(self, data: AccountData) -> None:
        """Keep one complete account."""
        self.collected.append(data)

    def reject(self, requested: str, reason: str, raw: object = "") -> None:
        """Record a requested account that cannot be collected, with the reason."""
        self.rejects.append({"source_file": self.source, "location": requested, "table": "accounts",
                             "reason": reason, "raw": str(raw)[:500]})

    @property
    def done(self) -> set[str]:
        """Requested names already settled (collected or rejected)."""
        names = {d.account.get("requested") for d in self.collected}
        return names | {r["location"] for r in self.rejects}

    @property
    def partial(self) -> bool:
        """Whether some requested accounts are neither collected nor rejected."""
        return len(self.done) < len(self.requested)

    def status_line(self) -> str:
        """One plain line: how many accounts were collected, rejected and left."""
        left = len(self.requested) - len(self.done)
        line = (f"{len(self.collected)} of {len(self.requested)} accounts collected, "
                f"{len(self.rejects)} unavailable (see rejects)")
        if left:
            why = self.paused or ("interrupted" if self.interrupted else "failed after retries")
            line += f", {left} not collected ({why}): run the same command again to finish from the cache"
        return line


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a canonical table (columns added, types cast); extra columns kept."""
    df = pd.DataFrame(rows) if rows else schemas.empty(table)
    return schemas.conform(table, df)


def tables(cohort: Cohort) -> dict[str, pd.DataFrame]:
    """The canonical tables of a cohort."""
    accounts = _frame("accounts", [d.account for d in cohort.collected])
    for col, dtype in ACCOUNT_EXTRAS.items():
        accounts[col] = (accounts[col] if col in accounts else pd.Series(pd.NA, index=accounts.index)).astype(dtype)
    accounts = accounts.drop(columns=[c for c in ("requested",) if c in accounts])
    out = {
        "accounts": accounts,
        "followers": _frame("followers", [r for d in cohort.collected for r in d.followers]),
        "following": _frame("following", [r for d in cohort.collected for r in d.following]),
        "posts": _frame("posts", [r for d in cohort.collected for r in d.posts]),
        "rejects": pd.DataFrame(cohort.rejects, columns=list(schemas.COLUMNS["rejects"])),
    }
    extra_follower_cols = [c for c in out["followers"].columns if c not in schemas.COLUMNS["followers"]]
    for col in extra_follower_cols:
        if out["followers"][col].dtype == object:
            out["followers"][col] = out["followers"][col].astype("string")
    return out


def _input_entry(cohort: Cohort, tabs: dict[str, pd.DataFrame]) -> dict:
    """The manifest's input entry: rows read = kept + rejected per table."""
    rejected_accounts = len(cohort.rejects)
    counts = {"accounts": {"read": len(tabs["accounts"]) + rejected_accounts, "kept": len(tabs["accounts"]),
                           "rejected": rejected_accounts}}
    for table in ("followers", "following", "posts"):
        counts[table] = {"read": len(tabs[table]), "kept": len(tabs[table]), "rejected": 0}
    return {"path": cohort.source, "format": f"{cohort.platform}_live", "reader": cohort.reader, "tables": counts}


def _collection_summary(cohort: Cohort, stats: dict | None, replay_demo: bool) -> dict:
    """The manifest's account of the collection: designs, servers, completeness, requests."""
    designs = {d.account["account_id"]: d.account.get("sample_design") for d in cohort.collected}
    answered = {d.account["account_id"]: d.account.get("answered_by") for d in cohort.collected}
    return {
        "platform": cohort.platform, "source": cohort.source, "replay_demo": replay_demo,
        "accounts_requested": len(cohort.requested), "accounts_collected": len(cohort.collected),
        "accounts_unavailable": len(cohort.rejects), "partial": cohort.partial,
        "not_collected": {k: v for k, v in cohort.failed.items() if k not in cohort.done},
        "sample_designs": designs, "answered_by": answered, "requests": stats or {},
        "collected_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write(cohort: Cohort, out: str | Path, *, pseudonymise: bool = True, stats: dict | None = None,
          replay_demo: bool = False) -> Path:
    """Write the complete accounts of a cohort as a dataset; a partial one says so in its manifest."""
    tabs = tables(cohort)
    notes = list(cohort.notes)
    if cohort.partial:
        why = cohort.paused or ("interrupted" if cohort.interrupted else "some failed after retries")
        after = " after that" if cohort.paused else ""
        notes.insert(0, f"partial: {len(cohort.done)} of {len(cohort.requested)} accounts ({why}); run the same "
                        f"collection again{after} to complete it from the request cache")
    if replay_demo:
        notes.insert(0, "replay demo: collected from the built-in local replay server, a generated cohort; "
                        "these are not real accounts")
    if pseudonymise:
        tabs = pseudonyms.pseudonymise_tables(tabs, pseudonyms.load_key())
    return dataset.write(tabs, out, inputs=[_input_entry(cohort, tabs)], pseudonymised=pseudonymise,
                         simulated=replay_demo, notes=notes,
                         extra={"collection": _collection_summary(cohort, stats, replay_demo)})
