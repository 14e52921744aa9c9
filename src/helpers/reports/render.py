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
from helpers.reports.header import header_html

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
    """Render an executed notebook to a standalone HTML report without its code or warnings."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:  # warnings are for the analyst; they stay in the executed notebook linked from the index
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook_title(nb_path)}})
    _atomic_write(html_path, body)
    return html_path


def _fmt(value: object) -> str:
    """A number for a table cell."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else html.escape(str(value))


def _summary(out_dir: Path) -> dict:
    """summary.json of a report folder, or {} before the summary notebook ran."""
    path = out_dir / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _estimate_cell(r: dict, q: object) -> str:
    """Estimate, interval, q and n of one result, in one muted line."""
    if r.get("estimate") is None:
        return ""
    # a q that underflowed to 0 is below floating-point resolution, not zero
    q_text = (f", q {'< 1e-16' if q < 1e-16 else '= ' + _fmt(q)}" if isinstance(q, float) else "")
    return (f"<span class='muted'>{_fmt(r.get('estimate'))} (95% CI {_fmt(r.get('ci_low'))} to "
            f"{_fmt(r.get('ci_high'))}{q_text}, n = {_fmt(r.get('n'))})</span>")


def _hypothesis_rows(a: hypotheses.Analysis, out_dir: Path, results: dict, qs: dict) -> str:
    """Table rows of one analysis: a link to its report and each hypothesis's one-line finding."""
    title = html.escape(a.title)
    link = (f'<a href="{html.escape(a.notebook)}.html">{title}</a>' if (out_dir / f"{a.notebook}.html").is_file()
            else f'{title} <span class="muted">(not run)</span>')
    if (out_dir / "notebooks" / f"{a.notebook}.ipynb").is_file():
        link += f'<br><a class="muted" href="notebooks/{html.escape(a.notebook)}.ipynb">executed notebook</a>'
    if not a.hypotheses:
        return f"<tr><td>{link}</td><td colspan='2' class='muted'>reads the results of the hypotheses above</td></tr>"
    rows = []
    for i, h in enumerate(a.hypotheses):
        r = results.get(h, {})
        case = (f"<br><i>Case study on other data: {html.escape(r['case_data'])}</i>" if r.get("case_data") else "")
        first = f"<td rowspan='{len(a.hypotheses)}'>{link}</td>" if i == 0 else ""
        rows.append(f"<tr>{first}<td><b>{html.escape(h)}</b></td><td>{html.escape(str(r.get('finding', '')))}"
                    f"{case}<br>{_estimate_cell(r, qs.get(h))}</td></tr>")
    return "".join(rows)


def dataset_index(ds: Dataset, out_dir: Path) -> str:
    """The index of one dataset's reports: the answer, each hypothesis's one-line finding, links to every report."""
    results = {r["id"]: r for r in hypotheses.load_results(out_dir / "results")}
    summary = _summary(out_dir)
    qs = {h["id"]: h.get("q") for h in summary.get("hypotheses", [])}
    rows = "".join(_hypothesis_rows(a, out_dir, results, qs) for a in hypotheses.analyses())
    answer = ""
    if summary.get("answer"):
        limits = "".join(f"<li>{html.escape(item)}</li>" for item in summary["answer"].get("cannot_conclude", []))
        answer = (f"<h2>Quantity or quality?</h2><p><b>{html.escape(summary['answer']['text'])}</b></p>"
                  f"<p>What this cannot conclude:</p><ul>{limits}</ul>"
                  "<p class='muted'>Every hypothesis's numbers, with q-values: <a href=\"summary.json\">summary.json</a>."
                  "</p>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Reports: {html.escape(ds.name)}</title>"
            f"{STYLE}</head><body><h1>Quality vs Quantity — reports for “{html.escape(ds.name)}”</h1>"
            f"{header_html(ds)}{answer}<h2>Hypotheses and reports</h2>"
            f"<table><tr><th>Report</th><th>Hypothesis</th><th>Finding</th></tr>{rows}</table>"
            f"<p class='muted'>Each report hides its code; the executed notebooks, code included, are linked beside "
            f"them. q is the Benjamini–Hochberg adjusted p-value across all hypotheses.</p></body></html>")


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
