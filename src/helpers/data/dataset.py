"""The one writer and the one loader of canonical datasets (a folder of parquet tables and a manifest)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.errors

from helpers import paths
from helpers.data import folder, schemas
from helpers.errors import DatasetError

MANIFEST = folder.MANIFEST
BUILD_HINT = ("build it with `python -m helpers sample --out data/processed/sample` (the simulated sample) or "
              "`python -m helpers ingest PATH --dataset NAME` (your own export)")


def sha256(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def resolve(dataset: str | os.PathLike) -> Path:
    """A dataset name (a str of [A-Za-z0-9_-]{1,64}: a folder under data/processed/) or else a path, as a path."""
    if isinstance(dataset, str) and NAME.fullmatch(dataset):
        return paths.PROCESSED / dataset
    return Path(dataset).expanduser().absolute()


def target(name: str, out: str | None = None) -> Path:
    """Where a command writes: --out as a path when given, else the dataset name or path."""
    return Path(out).expanduser().absolute() if out else resolve(name)


def claim(out: str | os.PathLike) -> AbstractContextManager[Path]:
    """Hold a dataset target for a whole command: refused up front if foreign, a second run stops at once."""
    return folder.claim(resolve(out))


def _check_accounting(inputs: list[dict]) -> None:
    """Rows read = rows kept + rows rejected, per input and table."""
    for item in inputs:
        for table, counts in item.get("tables", {}).items():
            read, kept, rejected = counts.get("read"), counts.get("kept"), counts.get("rejected")
            if None not in (read, kept, rejected) and read != kept + rejected:
                raise DatasetError(f"{item.get('path')}: table {table} read {read} rows but kept {kept} and "
                                   f"rejected {rejected}; a row was lost, which is a bug in the reader")


PLAIN_CHECKS = {"isin": "is not one of the allowed values", "greater_than_or_equal_to": "is negative",
                "greater_than": "is not positive", "not_nullable": "is missing but required",
                "field_uniqueness": "repeats a key", "multiple_fields_uniqueness": "repeats a key",
                "column_in_dataframe": "is missing", "dtype": "has the wrong type"}


def _sources(inputs: list[dict], table: str) -> str:
    """The inputs that gave rows to a table, for an error message."""
    named = [str(i.get("path")) for i in inputs if (i.get("tables", {}).get(table) or {}).get("kept")]
    return ", ".join(named[:3]) + (" …" if len(named) > 3 else "") if named else "the data given"


def _plain_failures(exc: pandera.errors.SchemaErrors) -> str:
    """pandera's table of failures as a few words per column: which column, what is wrong, an example."""
    parts = []
    cases = exc.failure_cases
    for (column, check), rows in cases.groupby([cases["column"].astype(str), cases["check"].astype(str)],
                                                sort=False):
        what = next((w for k, w in PLAIN_CHECKS.items() if check.startswith(k)), f"fails the check {check}")
        example = str(rows["failure_case"].iloc[0])[:40]
        parts.append(f"column {column} {what} in {len(rows):,} row(s), e.g. {example!r}")
    return "; ".join(parts[:4])


def _validate_all(tables: dict[str, pd.DataFrame], inputs: list[dict]) -> dict[str, pd.DataFrame]:
    """Validate every canonical table, filling absent ones empty; a failure is one line naming table and column."""
    out = {}
    for table in schemas.COLUMNS:
        df = tables.get(table)
        df = schemas.empty(table) if df is None else df
        doubled = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        if doubled:
            raise DatasetError(f"table {table} from {_sources(inputs, table)} has the column(s) "
                               f"{', '.join(doubled)} twice; each column may appear once: check the file's header")
        try:
            out[table] = schemas.validate(table, df)
        except pandera.errors.SchemaErrors as exc:
            raise DatasetError(f"table {table} from {_sources(inputs, table)} does not fit the data model: "
                               f"{_plain_failures(exc)}. Nothing was written; if the file is a genuine export, "
                               "this is a bug in its reader: please report it with the file's format") from exc
        except ValueError as exc:
            raise DatasetError(f"{_sources(inputs, table)}: {exc}; nothing was written") from exc
    return out


def _disk_error(exc: OSError, target: Path) -> DatasetError:
    """A failed write as one sentence saying what to do; the previous dataset is untouched."""
    if exc.errno == errno.ENOSPC:
        what = "the disk is full; free some space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = f"this user may not write in {target.parent}; choose a folder you can write to"
    else:
        what = f"{exc.strerror or exc}; check the folder and run again"
    return DatasetError(f"could not write the dataset {target}: {what} (any earlier dataset there is unchanged)")


def write(tables: dict[str, pd.DataFrame], out: str | os.PathLike, *, inputs: list[dict] | None = None,
          pseudonymised: bool, simulated: bool = False, created_at: str | None = None,
          notes: list[str] | None = None, extra: dict | None = None,
          extra_files: dict[str, str] | None = None) -> Path:
    """Validate and write a dataset atomically into a new folder or one this tool wrote; refuse any other."""
    target = resolve(out)
    inputs = inputs or []
    _check_accounting(inputs)
    with folder.claim(target):
        valid = _validate_all(tables, inputs)
        files = [f"{t}.parquet" for t in valid] + list(extra_files or {})
        manifest = {
            **folder.marker(),
            "dataset": target.name,
            "created_at": created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "simulated": simulated,
            "pseudonymised": pseudonymised,
            "inputs": inputs,
            "row_counts": {t: int(len(df)) for t, df in valid.items()},
            "rows_rejected": int(len(valid["rejects"])),
            "notes": notes or [],
            **(extra or {}),
            "files": files,
        }
        _write_folder(target, {f"{t}.parquet": df for t, df in valid.items()}, extra_files or {}, manifest)
    return target


def _write_folder(target: Path, frames: dict[str, pd.DataFrame], texts: dict[str, str], manifest: dict,
                  copy_from: Path | None = None) -> None:
    """Write files into a marked sibling folder and swap it into place; the manifest is written last."""
    tmp = folder.new_sibling(target)
    try:
        for name in (manifest["files"] if copy_from else []):
            if name not in frames and (copy_from / name).is_file():
                shutil.copy2(copy_from / name, tmp / name)
        for path in folder.user_files(target, manifest["files"]) if target.is_dir() else []:
            shutil.copy2(path, tmp / path.name)
        for name, df in frames.items():
            df.to_parquet(tmp / name, index=False, engine="pyarrow")
        for name, text in texts.items():
            (tmp / name).write_text(text)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
        folder.swap_into_place(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _disk_error(exc, target) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def add_tables(dataset: str | os.PathLike, tables: dict[str, pd.DataFrame], note: str | None = None) -> Path:
    """Add derived tables (e.g. scores) to an existing dataset, atomically, and list them in the manifest."""
    target = resolve(dataset)
    with folder.claim(target):
        ds = load(target)
        manifest = dict(ds.manifest)
        derived = dict(manifest.get("derived_tables", {}))
        derived.update({name: int(len(df)) for name, df in tables.items()})
        manifest["derived_tables"] = derived
        if note:
            manifest["notes"] = list(manifest.get("notes", [])) + [note]
        manifest["files"] = list(dict.fromkeys(list(manifest.get("files", [])) + [f"{n}.parquet" for n in tables]))
        _write_folder(target, {f"{n}.parquet": df for n, df in tables.items()}, {}, manifest, copy_from=target)
    return target


@dataclass
class Dataset:
    """A loaded dataset: its canonical tables, any derived tables, and its manifest."""

    path: Path
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def name(self) -> str:
        """The dataset's folder name."""
        return self.path.name

    @property
    def simulated(self) -> bool:
        """Whether the data are simulated (the built-in sample)."""
        return bool(self.manifest.get("simulated"))

    def describe(self) -> pd.DataFrame:
        """Rows per table, for the top of a report."""
        return pd.DataFrame({"table": list(self.tables), "rows": [len(t) for t in self.tables.values()]})


def load(dataset: str | os.PathLike, require: list[str] | None = None) -> Dataset:
    """Load a dataset by name or path; say in one sentence what is missing and how to build it."""
    path = resolve(dataset)
    if not (path / MANIFEST).is_file() and folder.has_leftovers(path):
        folder.recover_unlocked(path)  # a write was killed between its renames: put the old dataset back
    if not (path / MANIFEST).is_file():
        raise DatasetError(f"dataset '{dataset}' was not found at {path}; {BUILD_HINT}.")
    manifest = json.loads((path / MANIFEST).read_text())
    missing = [t for t in schemas.COLUMNS if not (path / f"{t}.parquet").is_file()]
    missing += [t for t in (require or []) if t not in schemas.COLUMNS and not (path / f"{t}.parquet").is_file()]
    if missing:
        hint = BUILD_HINT
        if any(t.endswith("quality") for t in missing):
            hint = f"add the scores with `python -m helpers score --dataset {path.name}`"
        raise DatasetError(f"dataset '{dataset}' at {path} is missing table(s) {', '.join(missing)}; {hint}.")
    tables = {p.stem: pd.read_parquet(p) for p in sorted(path.glob("*.parquet"))}
    return Dataset(path=path, manifest=manifest, tables=tables)
