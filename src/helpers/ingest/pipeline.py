"""ingest(): detect each input's format, read it, account for every row, pseudonymise, write the dataset."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pandas as pd

from helpers.data import dataset, pseudonyms, schemas
from helpers.errors import InputError
from helpers.ingest import registry
from helpers.ingest.common.base import Context, ReadResult
from helpers.ingest.common.sources import (
    is_private_name,
    reclaim_work_folders,
    safe_extract,
    walk,
    walk_files,
    work_folder,
)


@dataclass(frozen=True)
class Origin:
    """One input as the user gave it, and the folder its files are read from (a zip's extraction folder)."""

    given: Path
    root: Path

    def user_path(self, path: Path) -> Path:
        """A file read from this input, named as the user knows it (inside the zip, not the extraction folder)."""
        if path == self.root:
            return self.given
        try:
            return self.given / path.relative_to(self.root)
        except ValueError:
            return path


@dataclass
class Group:
    """Files of one format, from one or more given inputs, read together by one reader."""

    reader: ModuleType
    files: list[Path] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)  # the input each file (or folder) came from

    @property
    def givens(self) -> list[Path]:
        """The given inputs of this group, in order, each once."""
        return list(dict.fromkeys(o.given for o in self.origins))


def _detect_file(path: Path) -> ModuleType | None:
    """The reader that recognises one file's content, or None."""
    if path.stat().st_size == 0:
        return None
    for reader in registry.file_readers():
        if reader.detect(path):
            return reader
    return None


def _groups_for(origin: Origin) -> tuple[list[Group], list[str]]:
    """Group the files of one input by format; list the files nobody recognised and the private ones."""
    given, root = origin.given, origin.root
    if root.is_dir():
        for reader in registry.folder_readers():
            if reader.detect(root):
                return [Group(reader, [root], [origin])], []
        by_reader: dict[str, Group] = {}
        found, private = walk(root)
        skipped = [f"{folder.relative_to(root)}/ (private: never opened)" for folder in private]
        for path in found:
            if is_private_name(path, root):
                skipped.append(f"{path.relative_to(root)} (private: never opened)")
                continue
            reader = _detect_file(path)
            if reader is None:
                skipped.append(str(path.relative_to(root)))
                continue
            group = by_reader.setdefault(reader.FORMAT, Group(reader))
            group.files.append(path)
            group.origins.append(origin)
        return list(by_reader.values()), skipped
    if is_private_name(root):
        raise InputError(given, None, "is a private part of an export (messages, e-mail, phone, logins, IP "
                         "or block lists) and is never read", "Give the export's public files instead.")
    if root.stat().st_size == 0:
        raise InputError(given, None, "is empty", "Export the data again; nothing can be read from an empty file.")
    reader = _detect_file(root)
    if reader is None:
        raise InputError(given, "its content", "is not a format this suite reads",
                         f"{registry.supported_sentence()}. Give the export file itself as the platform delivered "
                         "it, not a renamed or converted copy.")
    return [Group(reader, [root], [origin])], []


def _expand(given: Path, workdir: Path) -> tuple[Origin, list[Group], list[str]]:
    """Open one given path (zip, folder or file) and group its files by format."""
    if not given.exists():
        raise InputError(given, None, "does not exist", "Check the path you gave.")
    root = given
    if given.is_file() and zipfile.is_zipfile(given):
        root = safe_extract(given, Path(tempfile.mkdtemp(dir=workdir)))
    elif given.is_file() and given.suffix.lower() == ".zip":
        raise InputError(given, None, "is named .zip but is not a readable zip archive",
                         "Download the export again; the file is damaged or incomplete.")
    origin = Origin(given, root)
    groups, skipped = _groups_for(origin)
    if not groups:
        raise InputError(given, None, "holds no file in a format this suite reads",
                         f"{registry.supported_sentence()}.")
    return origin, groups, skipped


def _merge(groups: list[Group]) -> list[Group]:
    """One group per file format across all inputs, so files given apart are read as if given together.

    A folder reader (an account archive) reads each given archive on its own, as before.
    """
    merged: dict[str, Group] = {}
    out = []
    for group in groups:
        if group.reader.SCOPE != "file":
            out.append(group)
            continue
        if group.reader.FORMAT not in merged:
            merged[group.reader.FORMAT] = Group(group.reader)
            out.append(merged[group.reader.FORMAT])
        target = merged[group.reader.FORMAT]
        for path, origin in zip(group.files, group.origins, strict=False):
            if path not in target.files:  # a file given twice (as itself and inside its folder) is read once
                target.files.append(path)
                target.origins.append(origin)
    return out


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


def _shown(text: str, origins: list[Origin]) -> str:
    """A message or path with every zip's temporary extraction folder replaced by the zip the user gave."""
    for origin in origins:
        if origin.root != origin.given:
            text = text.replace(str(origin.root), str(origin.given))
    return text


def _read(group: Group, ctx: Context, zips: list[Origin]) -> ReadResult:
    """Run one reader, naming files as the user knows them (the zip, not its extraction folder)."""
    try:
        result = group.reader.read(group.files, ctx)
    except InputError as exc:
        raise InputError(_shown(exc.path, zips), exc.where, _shown(exc.expected, zips), exc.todo) from exc
    for reject in result.rejects:
        location = str(reject["location"])
        for origin in zips:  # inside a zip, a place is named from the archive's top, as the user sees it
            location = location.replace(f"{origin.root}/", "")
        reject["source_file"] = _shown(reject["source_file"], zips)
        reject["location"] = _shown(location, zips)
    result.notes = [_shown(n, zips) for n in result.notes]
    return result


def _files_used(group: Group) -> list[tuple[Path, Path]]:
    """(raw file, as the user knows it) for every file a reader used: a folder reader names its own, private
    ones never."""
    out = []
    for g, origin in zip(group.files, group.origins, strict=False):
        if g.is_file():
            files = [g]
        elif hasattr(group.reader, "inputs"):
            files = group.reader.inputs(g)
        else:
            files = walk_files(g)
        out += [(f, origin.user_path(f)) for f in files if not is_private_name(f, origin.root)]
    return out


def _file_entry(path: Path, shown: Path) -> dict:
    """Manifest entry of one raw file."""
    return {"path": str(shown), "sha256": dataset.sha256(path), "bytes": path.stat().st_size}


def _entry(group: Group, result: ReadResult) -> dict:
    """The manifest entry of one group: the inputs it came from, its format, files and row counts."""
    givens = group.givens
    single = givens[0] if len(givens) == 1 else None
    return {
        "path": str(givens[0]) if single is not None else f"{givens[0]} and {len(givens) - 1} more",
        "given": [str(g) for g in givens], "format": group.reader.FORMAT, "reader": group.reader.__name__,
        "files": [_file_entry(f, shown) for f, shown in _files_used(group) if f.exists()][:500],
        "sha256": dataset.sha256(single) if single is not None and single.is_file() else None,
        "tables": result.count(),
        "notes": result.notes,
    }


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
    reclaim_work_folders()
    work = work_folder()
    try:
        groups: list[Group] = []
        zips: list[Origin] = []
        for raw in inputs:
            given = Path(raw).expanduser()
            origin, found, skipped = _expand(given, work)
            if origin.root != origin.given:
                zips.append(origin)
            if skipped:
                notes.append(f"{given}: skipped {len(skipped)} file(s) in no known format: {', '.join(skipped[:10])}")
            groups += found
        for group in _merge(groups):
            result = _read(group, ctx, zips)
            entry = _entry(group, result)
            _dedupe(result, seen, entry["path"], merges)
            for table, df in result.tables.items():
                collected.setdefault(table, []).append(df)
            rejects += result.rejects
            notes += result.notes
            entries.append(entry)
    finally:
        shutil.rmtree(work, ignore_errors=True)
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
