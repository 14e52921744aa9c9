"""HTML from executed notebooks (code hidden), and the index pages that link them."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from helpers import paths
from helpers.data import atomic
from helpers.data.dataset import Dataset
from helpers.hypotheses import record, registry
from helpers.reports import answer_card, numbers, safe
from helpers.reports.followers import followers_html
from helpers.reports.header import header_html

FAILURES = "failed.json"  # notebook -> why it failed, beside the reports; the index reads it

STYLE = """<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1f2937}
table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:4px 8px;text-align:left;vertical-align:top}
.sim{background:#fde68a;border:2px solid #b45309;padding:8px;font-weight:bold}.muted{color:#6b7280}
.failed{color:#b91c1c;font-weight:bold}""" + answer_card.CARD_STYLE + "</style>"
# nbconvert's lab template with one change: MathJax never typesets a cell's output. Outputs show data (handles,
# bios, post texts) that may hold "$...$" or "\begin"; only the notebook's own Markdown cells may hold formulas.
REPORT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_mathjax -%}
<script src="{{ resources.mathjax_url }}"> </script>
<script type="text/x-mathjax-config">
init_mathjax = function() {
    if (window.MathJax) {
        MathJax.Hub.Config({
            TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
            tex2jax: {
                inlineMath: [ ['$','$'], ["\\\\(","\\\\)"] ],
                displayMath: [ ['$$','$$'], ["\\\\[","\\\\]"] ],
                processEscapes: true,
                processEnvironments: true,
                ignoreClass: "tex2jax_ignore|mathjax_ignore|jp-OutputArea-output"
            },
            displayAlign: 'center',
            messageStyle: 'none',
            CommonHTML: {linebreaks: {automatic: true}}
        });
        MathJax.Hub.Queue(["Typeset", MathJax.Hub]);
    }
}
init_mathjax();
</script>
{%- endblock html_head_js_mathjax -%}
"""


def _atomic_write(path: Path, text: str) -> None:
    """Write a page so that a reader never sees half of it."""
    atomic.write_text(path, text)


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
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            extra_loaders=[jinja2.DictLoader({"qvq_report.html.j2": REPORT_TEMPLATE})],
                            template_file="qvq_report.html.j2")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook_title(nb_path)}})
    _atomic_write(html_path, body)
    return html_path


def _fmt(value: object) -> str:
    """A number for a table cell."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else safe.html(value)


def _summary(out_dir: Path) -> dict:
    """summary.json of a report folder, or {} before the summary notebook ran."""
    path = out_dir / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _estimate_cell(r: dict, q: object) -> str:
    """Estimate, interval, q and n of one result, in one muted line."""
    if r.get("estimate") is None:
        return ""
    # one number style (reports.numbers): a q that underflowed to 0 reads "< 0.001", like any q that small
    q_text = ""
    if isinstance(q, float) and q == q:
        shown = numbers.p_value(q)
        q_text = f", q {shown}" if shown.startswith("<") else f", q = {shown}"
    span = numbers.interval(_fmt(r.get("ci_low")), _fmt(r.get("ci_high")))
    return (f"<span class='muted'>{_fmt(r.get('estimate'))} {safe.html(span)}{safe.html(q_text)}, "
            f"n = {safe.html(numbers.count(r.get('n')))}</span>")


def _failures(out_dir: Path) -> dict[str, str]:
    """Notebooks whose last run failed, and why (failed.json beside the reports)."""
    path = out_dir / FAILURES
    return json.loads(path.read_text()) if path.is_file() else {}


def _hypothesis_rows(a: registry.Analysis, out_dir: Path, results: dict, qs: dict, failed: dict[str, str]) -> str:
    """Table rows of one analysis: a link to its report and each hypothesis's one-line finding."""
    title = safe.html(a.title)
    link = (f'<a href="{safe.href(a.notebook + ".html")}">{title}</a>' if (out_dir / f"{a.notebook}.html").is_file()
            else f'{title} <span class="muted">(not run)</span>')
    if a.notebook in failed:
        link += f'<br><span class="failed">FAILED: {safe.html(failed[a.notebook])}</span>'
    if (out_dir / "notebooks" / f"{a.notebook}.ipynb").is_file():
        link += (f'<br><a class="muted" href="notebooks/{safe.href(a.notebook + ".ipynb")}">executed notebook'
                 f'{" (with the error)" if a.notebook in failed else ""}</a>')
    if not a.hypotheses:
        return f"<tr><td>{link}</td><td colspan='2' class='muted'>reads the results of the hypotheses above</td></tr>"
    rows = []
    for i, h in enumerate(a.hypotheses):
        r = results.get(h, {})
        case = f"<br><i>Case study on other data: {safe.html(r['case_data'])}</i>" if r.get("case_data") else ""
        finding = ("no result: the notebook failed (see the executed notebook)" if a.notebook in failed
                   else r.get("finding", ""))
        first = f"<td rowspan='{len(a.hypotheses)}'>{link}</td>" if i == 0 else ""
        rows.append(f"<tr>{first}<td><b>{safe.html(h)}</b></td><td>{safe.html(finding)}"
                    f"{case}<br>{_estimate_cell(r, qs.get(h))}</td></tr>")
    return "".join(rows)


def _failed_banner(failed: dict[str, str]) -> str:
    """A plain warning at the top of the index naming every notebook that failed."""
    if not failed:
        return ""
    items = "".join(f"<li><b>{safe.html(nb)}</b>: {safe.html(why)}</li>" for nb, why in failed.items())
    return (f"<div class='failed'><p>{len(failed)} notebook(s) failed on this dataset; their hypotheses have no "
            f"result here and the summary counts them as not run:</p><ul>{items}</ul></div>")


def dataset_index(ds: Dataset, out_dir: Path) -> str:
    """The index of one dataset's reports: the answer, each hypothesis's one-line finding, links to every report."""
    results = {r["id"]: r for r in record.load_results(out_dir / "results")}
    summary = _summary(out_dir)
    failed = _failures(out_dir)
    qs = {h["id"]: h.get("q") for h in summary.get("hypotheses", [])}
    rows = "".join(_hypothesis_rows(a, out_dir, results, qs, failed) for a in registry.analyses())
    answer = ""
    if summary.get("answer"):
        limits = "".join(f"<li>{safe.html(item)}</li>" for item in summary["answer"].get("cannot_conclude", []))
        answer = (f"<h2>Quantity or quality?</h2><p><b>{safe.html(summary['answer']['text'])}</b></p>"
                  f"<p>What this cannot conclude:</p><ul>{limits}</ul>"
                  "<p class='muted'>Every hypothesis's numbers, with q-values: "
                  "<a href=\"summary.json\">summary.json</a>.</p>")
    link = answer_card.decided_link() if (out_dir / answer_card.SUMMARY_PAGE).is_file() else None
    card = answer_card.card_html(answer_card.facts(ds), summary, link)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Reports: {safe.attr(ds.name)}</title>"
            f"{STYLE}</head><body><h1>Quality vs Quantity — reports for “{safe.html(ds.name)}”</h1>{card}"
            f"{_failed_banner(failed)}{header_html(ds)}{answer}{followers_html(ds)}<h2>Hypotheses and reports</h2>"
            f"<table><tr><th>Report</th><th>Hypothesis</th><th>Finding</th></tr>{rows}</table>"
            f"<p class='muted'>Each report hides its code; the executed notebooks, code included, are linked beside "
            f"them. q is the adjusted p-value within its family: Holm over the primary contrasts that decide the "
            f"answer, Benjamini–Hochberg over the secondary hypotheses, which are shown and never decide.</p>"
            f"</body></html>")


def top_index(reports: Path) -> str:
    """The top-level index: each dataset's answer card, then the links to its reports (folded)."""
    items = []
    for index in sorted(reports.glob("*/index.html")):
        name = index.parent.name
        files = sorted(p.name for p in index.parent.glob("*.html") if p.name != "index.html")
        sub = "".join(f'<li><a href="{safe.href(name, f)}">{safe.html(f[:-5])}</a></li>' for f in files)
        items.append(f"{answer_card.read_card(index.parent)}<p><a href=\"{safe.href(name, 'index.html')}\"><b>All "
                     f"reports for {safe.html(name)}</b></a></p><details><summary>{len(files)} reports</summary>"
                     f"<ul>{sub}</ul></details>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Quality vs Quantity reports</title>{STYLE}"
            f"</head><body><h1>Quality vs Quantity — reports</h1><p>Does a big following matter, or a smaller, "
            f"relevant, real and engaged network? One answer per dataset:</p>{''.join(items)}"
            f"</body></html>")


def write_indexes(ds: Dataset, out_dir: Path) -> None:
    """Write the dataset's index and refresh the top-level one."""
    answer_card.write_facts(ds, out_dir)
    _atomic_write(out_dir / "index.html", dataset_index(ds, out_dir))
    if out_dir.parent == paths.REPORTS:
        _atomic_write(paths.REPORTS / "index.html", top_index(paths.REPORTS))
