"""The one writer and the one loader of canonical datasets (a folder of parquet tables and a manifest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.errors

from helpers import paths, schemas
from helpers.errors import DatasetError

MANIFEST = "manifest.json"
BUILD_HINT = ("build it with `python -m helpers sample --out data/processed/sample` (the simulated sample) or "
              "`python -m helpers ingest PATH --dataset NAME` (your own export)")


def sha256(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve(dataset: str | os.PathLike) -> Path:
    """A dataset name (folder under data/processed/) or a path to a dataset folder, as a path."""
    given = Path(dataset).expanduser()
    if given.is_dir() or given.is_absolute() or os.sep in str(dataset) or str(dataset).startswith("."):
        return given.resolve()
    return paths.PROCESSED / str(dataset)


def _check_accounting(inputs: list[dict]) -> None:
    """Rows read = rows kept + rows rejected, per input and table."""
    for item in inputs:
        for table, counts in item.get("tables", {}).items():
            read, kept, rejected = counts.get("read"), counts.get("kept"), counts.get("rejected")
            if None not in (read, kept, rejected) and read != kept + rejected:
                raise DatasetError(f"{item.get('path')}: table {table} read {read} rows but kept {kept} and "
                                   f"rejected {rejected}; a row was lost, which is a bug in the reader")


def _validate_all(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Validate every canonical table, filling absent ones empty."""
    out = {}
    for table in schemas.COLUMNS:
        df = tables.get(table)
        df = schemas.empty(table) if df is None else df
        try:
            out[table] = schemas.validate(table, df)
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases.head(5).to_string(index=False)
            raise DatasetError(f"table {table} does not fit the data model:\n{cases}") from exc
        except ValueError as exc:
            raise DatasetError(str(exc)) from exc
    return out


def write(tables: dict[str, pd.DataFrame], out: str | os.PathLike, *, inputs: list[dict] | None = None,
          pseudonymised: bool, simulated: bool = False, created_at: str | None = None,
          notes: list[str] | None = None, extra: dict | None = None,
          extra_files: dict[str, str] | None = None) -> Path:
    """Validate and write a dataset atomically: a failure leaves any previous dataset intact."""
    target = resolve(out)
    inputs = inputs or []
    _check_accounting(inputs)
    valid = _validate_all(tables)
    manifest = {
        "dataset": target.name,
        "created_at": created_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "simulated": simulated,
        "pseudonymised": pseudonymised,
        "inputs": inputs,
        "row_counts": {t: int(len(df)) for t, df in valid.items()},
        "rows_rejected": int(len(valid["rejects"])),
        "notes": notes or [],
        **(extra or {}),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        for table, df in valid.items():
            df.to_parquet(tmp / f"{table}.parquet", index=False, engine="pyarrow")
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Move a finished folder into place, keeping the old one until the move succeeded."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def add_tables(dataset: str | os.PathLike, tables: dict[str, pd.DataFrame], note: str | None = None) -> Path:
    """Add derived tables (e.g. scores) to an existing dataset, atomically, and list them in the manifest."""
    target = resolve(dataset)
    ds = load(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        for item in target.iterdir():
            if item.is_file():
                shutil.copy2(item, tmp / item.name)
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False, engine="pyarrow")
        manifest = dict(ds.manifest)
        derived = dict(manifest.get("derived_tables", {}))
        derived.update({name: int(len(df)) for name, df in tables.items()})
        manifest["derived_tables"] = derived
        if note:
            manifest["notes"] = list(manifest.get("notes", [])) + [note]
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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
