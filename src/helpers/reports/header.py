"""The block every report opens with: which dataset, from which inputs, and whether it is simulated."""

from __future__ import annotations

import html

from helpers.dataset import Dataset

SIMULATED_BANNER = ("SIMULATED DATA — every number below comes from the built-in simulated sample, "
                    "not from a real account. It shows what the analysis does and checks that it recovers "
                    "effects planted on purpose (see truth.json).")


def header_html(ds: Dataset) -> str:
    """HTML describing the dataset behind a report: simulated or real, inputs and row counts."""
    m = ds.manifest
    parts = []
    if ds.simulated:
        parts.append(f'<div style="background:#fde68a;border:2px solid #b45309;padding:8px;font-weight:bold">'
                     f'{html.escape(SIMULATED_BANNER)}</div>')
    inputs = "".join(f"<li>{html.escape(str(i.get('path')))} — {html.escape(str(i.get('format')))}</li>"
                     for i in m.get("inputs", [])[:20])
    counts = ", ".join(f"{t}: {n:,}" for t, n in m.get("row_counts", {}).items())
    derived = ", ".join(f"{t}: {n:,}" for t, n in m.get("derived_tables", {}).items())
    parts.append(
        f"<p><b>Dataset:</b> {html.escape(ds.name)} (created {html.escape(str(m.get('created_at')))}; "
        f"third parties {'pseudonymised' if m.get('pseudonymised') else 'not pseudonymised'})<br>"
        f"<b>Rows:</b> {counts}{'; derived: ' + derived if derived else ''}; "
        f"rejected input rows: {m.get('rows_rejected', 0):,}</p><p><b>Inputs:</b></p><ul>{inputs}</ul>")
    for note in m.get("notes", [])[:10]:
        parts.append(f"<p><i>Note: {html.escape(str(note))}</i></p>")
    return "\n".join(parts)


def show_header(ds: Dataset) -> None:
    """Display the header in a notebook."""
    from IPython.display import HTML, display

    display(HTML(header_html(ds)))
