"""What every reader takes and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Context:
    """Options shared by all readers of one ingest run."""

    observed_at: pd.Timestamp = field(default_factory=lambda: pd.Timestamp(dt.datetime.now(dt.UTC)))
    options: dict = field(default_factory=dict)


@dataclass
class ReadResult:
    """Tables read from one group of files, the rows rejected, and rows read per table."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)
    read_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # For a pseudo-table whose rows are summed into another table rather than kept one by one (e.g. the lines
    # of a web-server log, summed into traffic): what became of its well-formed rows, by documented rule,
    # e.g. {"log_lines": {"page views of human visitors": 812, "bots and crawlers": 2100}}. Its rows are
    # "kept" in the accounting (read, parsed and counted), and this breakdown says which of them a rule left out.
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)

    def reject(self, source_file: Path | str, location: str, table: str, reason: str, raw: object = "") -> None:
        """Record one unusable input record with its reason (first 500 characters kept)."""
        self.rejects.append({"source_file": str(source_file), "location": str(location), "table": table,
                             "reason": reason, "raw": str(raw)[:500]})

    def count(self) -> dict[str, dict[str, int]]:
        """Rows read, kept and rejected per table."""
        out = {}
        names = set(self.read_counts) | set(self.tables) | {r["table"] for r in self.rejects} | set(self.breakdown)
        for table in sorted(names):
            if table in self.tables:
                kept = int(len(self.tables[table]))
            else:
                kept = int(sum(self.breakdown.get(table, {}).values()))
            rejected = sum(1 for r in self.rejects if r["table"] == table)
            out[table] = {"read": int(self.read_counts.get(table, kept + rejected)), "kept": kept,
                          "rejected": rejected}
            if table in self.breakdown:
                out[table]["breakdown"] = {k: int(v) for k, v in self.breakdown[table].items()}
        return out
