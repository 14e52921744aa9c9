"""The block every report opens with: which dataset, from which inputs, and whether it is simulated."""

from __future__ import annotations

import html
from pathlib import PurePath

from helpers.data.dataset import Dataset
from helpers.reports import safe

SIMULATED_BANNER = ("SIMULATED DATA — every number below comes from the built-in simulated sample, "
                    "not from a real account. It shows what the analysis does and checks that it recovers "
                    "effects planted on purpose (see truth.json).")


def _count(value: object) -> str:
    """A row count with thousands separators; anything else a manifest holds, escaped."""
    return f"{value:,}" if isinstance(value, int) else safe.html(value)


def _file_name(path: object) -> object:
    """An input's file name without the folders it sat in on the machine that read it (reports are forwarded)."""
    return PurePath(str(path)).name or path if isinstance(path, str) else path


def header_html(ds: Dataset) -> str:
    """HTML describing the dataset behind a report: simulated or real, inputs and row counts."""
    m = ds.manifest
    parts = []
    if ds.simulated:
        parts.append(f'<div style="background:#fde68a;border:2px solid #b45309;padding:8px;font-weight:bold">'
                     f'{html.escape(SIMULATED_BANNER)}</div>')
    inputs = "".join(f"<li>{safe.html(_file_name(i.get('path')))} — {safe.html(i.get('format'))}</li>"
                     for i in m.get("inputs", [])[:20])
    counts = ", ".join(f"{safe.html(t)}: {_count(n)}" for t, n in m.get("row_counts", {}).items())
    derived = ", ".join(f"{safe.html(t)}: {_count(n)}" for t, n in m.get("derived_tables", {}).items())
    parts.append(
        f"<p><b>Dataset:</b> {safe.html(ds.name)} (created {safe.html(m.get('created_at'))}; "
        f"third parties {'pseudonymised' if m.get('pseudonymised') else 'not pseudonymised'})<br>"
        f"<b>Rows:</b> {counts}{'; derived: ' + derived if derived else ''}; "
        f"rejected input rows: {_count(m.get('rows_rejected', 0))}</p><p><b>Inputs:</b></p><ul>{inputs}</ul>")
    for note in m.get("notes", [])[:10]:
        parts.append(f"<p><i>Note: {safe.html(note)}</i></p>")
    return "\n".join(parts)


def show_header(ds: Dataset) -> None:
    """Display the header in a notebook."""
    from IPython.display import HTML, display

    display(HTML(header_html(ds)))
