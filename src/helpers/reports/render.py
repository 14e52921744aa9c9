"""HTML from executed notebooks (code hidden), and the index pages that link them."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from helpers import hypotheses, paths
from helpers.dataset import Dataset
from helpers.reports.header import SIMULATED_BANNER

STYLE = """<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1f2937}
table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:4px 8px;text-align:left;vertical-align:top}
.sim{background:#fde68a;border:2px solid #b45309;padding:8px;font-weight:bold}.muted{color:#6b7280}</style>"""


def _atomic_write(path: Path, text: str) -> None:
    """Write a text file via a temporary file, so a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def notebook_title(nb_path: Path) -> str:
    """The first markdown heading of a notebook."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("# ").strip()
    return nb_path.stem


def render_html(nb_path: Path, html_path: Path) -> Path:
    """Render an executed notebook to a standalone HTML report without its code."""
    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook_title(nb_path)}})
    _atomic_write(html_path, body)
    return html_path


def _fmt(value: object) -> str:
    """A number for a table cell."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else html.escape(str(value))


def dataset_index(ds: Dataset, out_dir: Path) -> str:
    """The index of one dataset's reports: each analysis, its hypotheses' one-line findings, links."""
    results = {r["id"]: r for r in hypotheses.load_results(out_dir / "results")}
    rows = []
    for a in hypotheses.analyses():
        report = out_dir / f"{a.notebook}.html"
        link = (f'<a href="{a.notebook}.html">{html.escape(a.title)}</a>' if report.is_file()
                else f'{html.escape(a.title)} <span class="muted">(not run)</span>')
        findings = "".join(
            f"<li><b>{html.escape(h)}</b>: {html.escape(str(results.get(h, {}).get('finding', '')))}"
            f" <span class='muted'>(estimate {_fmt(results.get(h, {}).get('estimate'))}, "
            f"95% CI {_fmt(results.get(h, {}).get('ci_low'))} to {_fmt(results.get(h, {}).get('ci_high'))}, "
            f"n = {_fmt(results.get(h, {}).get('n'))})</span></li>" for h in a.hypotheses)
        rows.append(f"<tr><td>{link}</td><td><ul>{findings}</ul></td></tr>")
    banner = f'<p class="sim">{html.escape(SIMULATED_BANNER)}</p>' if ds.simulated else ""
    inputs = ", ".join(html.escape(str(i.get("path"))) for i in ds.manifest.get("inputs", [])[:10])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Reports: {html.escape(ds.name)}</title>"
            f"{STYLE}</head><body><h1>Quality vs Quantity — reports for “{html.escape(ds.name)}”</h1>{banner}"
            f"<p>Inputs: {inputs}. Rows: "
            + ", ".join(f"{t} {n:,}" for t, n in ds.manifest.get("row_counts", {}).items())
            + f"</p><table><tr><th>Analysis</th><th>Findings</th></tr>{''.join(rows)}</table>"
            f"<p class='muted'>Each report hides its code; the executed notebooks are in "
            f"<a href='notebooks/'>notebooks/</a>.</p></body></html>")


def top_index(reports: Path) -> str:
    """The top-level index: one link per dataset that has reports."""
    items = []
    for index in sorted(reports.glob("*/index.html")):
        name = index.parent.name
        files = sorted(p.name for p in index.parent.glob("*.html") if p.name != "index.html")
        sub = "".join(f'<li><a href="{name}/{f}">{html.escape(f[:-5])}</a></li>' for f in files)
        items.append(f'<li><a href="{name}/index.html"><b>{html.escape(name)}</b></a><ul>{sub}</ul></li>')
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Quality vs Quantity reports</title>{STYLE}"
            f"</head><body><h1>Quality vs Quantity — reports</h1><p>Does a big following matter, or a smaller, "
            f"relevant, real and engaged network? One folder of reports per dataset:</p><ul>{''.join(items)}</ul>"
            f"</body></html>")


def write_indexes(ds: Dataset, out_dir: Path) -> None:
    """Write the dataset's index and refresh the top-level one."""
    _atomic_write(out_dir / "index.html", dataset_index(ds, out_dir))
    if out_dir.parent == paths.REPORTS:
        _atomic_write(paths.REPORTS / "index.html", top_index(paths.REPORTS))
