"""ingest(): detect each input's format, read it, account for every row, pseudonymise, write the dataset."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pandas as pd

from helpers import dataset, pseudonyms, schemas
from helpers.errors import InputError
from helpers.ingest import registry
from helpers.ingest.base import Context, ReadResult
from helpers.ingest.sources import is_private_name, safe_extract, walk_files


@dataclass
class Group:
    """Files of one format within one given input."""

    given: Path
    reader: ModuleType
    files: list[Path]
    result: ReadResult | None = None
    shown: dict[Path, str] = field(default_factory=dict)  # extracted path -> path as the user knows it


def _detect_file(path: Path, shown: str) -> ModuleType | None:
    """The reader that recognises one file's content, or None."""
    if path.stat().st_size == 0:
        return None
    for reader in registry.file_readers():
        if reader.detect(path):
            return reader
    return None


def _groups_for(given: Path, root: Path, shown_root: str) -> tuple[list[Group], list[str]]:
    """Group the files of one input by format; list the files nobody recognised."""
    if root.is_dir():
        for reader in registry.folder_readers():
            if reader.detect(root):
                return [Group(given, reader, [root])], []
        by_reader: dict[str, Group] = {}
        skipped = []
        for path in walk_files(root):
            if is_private_name(path):
                skipped.append(f"{path.relative_to(root)} (private: never opened)")
                continue
            reader = _detect_file(path, shown_root)
            if reader is None:
                skipped.append(str(path.relative_to(root)))
                continue
            by_reader.setdefault(reader.FORMAT, Group(given, reader, [])).files.append(path)
        return list(by_reader.values()), skipped
    if is_private_name(root):
        raise InputError(given, None, "is a private part of an export (messages, e-mail, phone, logins, IP "
                         "or block lists) and is never read", "Give the export's public files instead.")
    if root.stat().st_size == 0:
        raise InputError(given, None, "is empty", "Export the data again; nothing can be read from an empty file.")
    reader = _detect_file(root, shown_root)
    if reader is None:
        known = ", ".join(registry.formats())
        raise InputError(given, "its first lines", f"is not a format this suite reads (it reads: {known})",
                         "Check that you gave the export file itself, not a renamed or converted copy.")
    return [Group(given, reader, [root])], []


def _expand(given: Path, workdir: Path) -> tuple[Path, list[Group], list[str]]:
    """Open one given path (zip, folder or file) and group its files by format."""
    if not given.exists():
        raise InputError(given, None, "does not exist", "Check the path you gave.")
    root = given
    if given.is_file() and zipfile.is_zipfile(given):
        root = safe_extract(given, Path(tempfile.mkdtemp(dir=workdir)))
    elif given.is_file() and given.suffix.lower() == ".zip":
        raise InputError(given, None, "is named .zip but is not a readable zip archive",
                         "Download the export again; the file is damaged or incomplete.")
    groups, skipped = _groups_for(given, root, str(given))
    if not groups:
        raise InputError(given, None, "holds no file in a format this suite reads",
                         f"It reads: {', '.join(registry.formats())}.")
    return root, groups, skipped


def _dedupe(result: ReadResult, seen: dict[str, set], source: str, merges: dict[str, list]) -> None:
    """Take out rows whose key was already read; one an earlier input gave is kept to fill that row's gaps."""
    for table, keys in schemas.KEYS.items():
        df = result.tables.get(table)
        if df is None or df.empty or not set(keys) <= set(df.columns):
            continue
        key = df[keys].astype(str).agg("\x1f".join, axis=1)
        earlier = key.isin(seen.setdefault(table, set()))
        dup = earlier | key.duplicated()
        for idx in df.index[dup]:
            reason = (f"duplicate {'/'.join(keys)} of a row from an earlier input: merged into it (its values "
                      "fill that row's unknown columns)" if earlier[idx] else
                      f"duplicate {'/'.join(keys)} within this input")
            result.reject(source, f"{table} row {idx}", table, reason, df.loc[idx].to_dict())
        merges.setdefault(table, []).append(df.loc[earlier & ~key.duplicated()])
        result.tables[table] = df.loc[~dup]
        seen[table].update(key[~dup])


def _fill_gaps(table: str, df: pd.DataFrame, extra: list[pd.DataFrame]) -> pd.DataFrame:
    """Fill unknown values of rows with those of later duplicates (e.g. an archive's posts with analytics)."""
    extra = [schemas.conform(table, e) for e in extra if not e.empty]
    if not extra:
        return df
    keys = schemas.KEYS[table]
    more = pd.concat(extra, ignore_index=True).drop_duplicates(keys).set_index(keys)
    base = df.set_index(keys)
    filled = base.combine_first(more.reindex(columns=base.columns)).loc[base.index]
    return schemas.conform(table, filled.reset_index())


def _shown(text: str, root: Path, given: Path) -> str:
    """A message or path with a zip's temporary extraction folder replaced by the zip the user gave."""
    return text.replace(str(root), str(given)) if root != given else text


def _read(group: Group, ctx: Context, root: Path, given: Path) -> ReadResult:
    """Run one reader, naming files as the user knows them (the zip, not its extraction folder)."""
    try:
        result = group.reader.read(group.files, ctx)
    except InputError as exc:
        raise InputError(_shown(exc.path, root, given), exc.where, _shown(exc.expected, root, given),
                         exc.todo) from exc
    for reject in result.rejects:
        reject["source_file"] = _shown(reject["source_file"], root, given)
        if root != given:  # inside a zip, a place is named from the archive's top, as the user sees it
            reject["location"] = str(reject["location"]).replace(f"{root}/", "")
    result.notes = [_shown(n, root, given) for n in result.notes]
    return result


def _files_used(group: Group) -> list[Path]:
    """The raw files a reader used, for the manifest: a folder reader names its own, private ones never."""
    files = []
    for g in group.files:
        if g.is_file():
            files.append(g)
        elif hasattr(group.reader, "inputs"):
            files += group.reader.inputs(g)
        else:
            files += walk_files(g)
    return [f for f in files if not is_private_name(f)]


def _file_entry(path: Path, shown: Path) -> dict:
    """Manifest entry of one raw file."""
    return {"path": str(shown), "sha256": dataset.sha256(path), "bytes": path.stat().st_size}


def ingest(inputs: list[str | Path], out: str | Path, *, pseudonymise: bool = True,
           options: dict | None = None, progress: bool = True) -> tuple[Path, list[dict]]:
    """Read every input into one canonical dataset; return its path and the per-input summary."""
    ctx = Context(options=options or {})
    seen: dict[str, set] = {}
    merges: dict[str, list[pd.DataFrame]] = {}
    collected: dict[str, list[pd.DataFrame]] = {}
    rejects: list[dict] = []
    entries: list[dict] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qvq-ingest-") as work:
        for raw in inputs:
            given = Path(raw).expanduser()
            root, groups, skipped = _expand(given, Path(work))
            if skipped:
                notes.append(f"{given}: skipped {len(skipped)} file(s) in no known format: {', '.join(skipped[:10])}")
            for group in groups:
                result = _read(group, ctx, root, given)
                shown = str(given)
                _dedupe(result, seen, shown, merges)
                for table, df in result.tables.items():
                    collected.setdefault(table, []).append(df)
                rejects += result.rejects
                notes += result.notes
                files = _files_used(group)
                entries.append({
                    "path": str(given), "format": group.reader.FORMAT, "reader": group.reader.__name__,
                    "files": [_file_entry(f, given if f == given else given / f.relative_to(root))
                              for f in files if group.reader.FORMAT and f.exists()][:500],
                    "sha256": dataset.sha256(given) if given.is_file() else None,
                    "tables": result.count(),
                    "notes": result.notes,
                })
    tables = {t: pd.concat([schemas.conform(t, d) for d in dfs], ignore_index=True)
              for t, dfs in collected.items() if t in schemas.COLUMNS}
    tables = {t: _fill_gaps(t, df, merges.get(t, [])) if t in schemas.KEYS else df for t, df in tables.items()}
    tables["rejects"] = pd.DataFrame(rejects, columns=list(schemas.COLUMNS["rejects"]))
    if pseudonymise:
        tables["rejects"] = _mask_rejects(tables["rejects"])
        tables = pseudonyms.pseudonymise_tables(tables, pseudonyms.load_key())
    path = dataset.write(tables, out, inputs=entries, pseudonymised=pseudonymise, notes=notes)
    return path, entries


OWN_TABLES = {"posts", "accounts", "follower_counts", "traffic", "log_lines", "report_rows"}
HANDLE = re.compile(r"@[A-Za-z0-9_.]+(@[A-Za-z0-9_.-]+)?")


def _mask_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected records of third parties keep their reason but not their content; handles are masked."""
    out = rejects.copy()
    third = ~out["table"].isin(OWN_TABLES)
    out.loc[third, "raw"] = "(third-party record: content not kept while pseudonymising)"
    out["raw"] = out["raw"].astype(str).str.replace(HANDLE, "@…", regex=True)
    out["reason"] = out["reason"].astype(str).str.replace(HANDLE, "@…", regex=True)
    return out


def summary_lines(entries: list[dict]) -> list[str]:
    """Plain lines for the terminal: per input, its format and rows read / kept / rejected per table."""
    lines = []
    for e in entries:
        lines.append(f"{e['path']}: {e['format']}")
        for table, c in e["tables"].items():
            lines.append(f"    {table:<16} read {c['read']:>8,}  kept {c['kept']:>8,}  rejected {c['rejected']:>6,}")
            lines += [f"        of which {what}: {n:,}" for what, n in c.get("breakdown", {}).items()]
        lines += [f"    note: {n}" for n in e.get("notes", [])]
    return lines
