"""No value from the data runs as markup: every text field of a dataset holds script tags, event handlers, Markdown
links and images and a formula, every registered notebook runs on it, and the HTML reports show them as text."""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from urllib.parse import unquote

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup, NavigableString

from helpers.data import dataset
from helpers.hypotheses import registry
from helpers.quality.score import score_if_needed
from helpers.reports.render import render_html, top_index
from helpers.reports.run import run_analyses
from helpers.simulate import build_sample, load_config

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](javascript:alert(1))"
IMAGE = "![x](http://evil/x.png)"
FORMULA = r"$\alert$"
PAYLOAD = f"{SCRIPT} {IMG} {LINK} {IMAGE} {FORMULA}"
# a folder name cannot hold "/"; a quote would end an attribute written around it
FOLDER = f'ds" onmouseover="alert(1)" {IMG} {FORMULA} [click](javascript:alert(1))'
SMALL = {"days": 90, "cohort": {"accounts": 40, "followers_sampled": 30, "posts_per_account": 20},
         "focal": {"curation_start_day": 10, "curation_end_day": 80, "purge_day": 50, "posts_per_day": 1.0}}
# every free-text column of the data model, and the ids that readers take from handles or file names
TEXT = {"accounts": ["handle", "display_name", "bio", "location", "url"],
        "followers": ["handle", "display_name", "bio", "location", "url"],
        "following": ["handle"],
        "posts": ["text"],
        "follower_counts": ["source"],
        "traffic": ["site", "source", "medium", "campaign", "page"]}
ACCOUNT_IDS = ["accounts", "followers", "following", "posts", "follower_counts", "interactions"]


def _planted(clean: dataset.Dataset) -> dict[str, pd.DataFrame]:
    """The sample's tables with PAYLOAD in every text field and in every account id (kept consistent)."""
    tables = {t: df.copy() for t, df in clean.tables.items()}
    ids = {old: f"{PAYLOAD} #{i}" for i, old in enumerate(clean.accounts["account_id"])}
    for table in ACCOUNT_IDS:
        tables[table]["account_id"] = tables[table]["account_id"].map(ids).astype("string")
    for table, columns in TEXT.items():
        for column in columns:
            tables[table][column] = pd.Series(PAYLOAD, index=tables[table].index, dtype="string")
    tables["accounts"]["handle"] = tables["accounts"]["account_id"]  # handles are unique per account
    tables["rejects"] = pd.DataFrame([{"source_file": PAYLOAD, "location": PAYLOAD, "table": "posts",
                                       "reason": PAYLOAD, "raw": PAYLOAD}])
    return tables


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Every registered analysis run on a small sample whose text fields all hold markup; (reports root, folder)."""
    root = tmp_path_factory.mktemp("escaping")
    clean = dataset.load(build_sample(load_config(overrides=SMALL), root / "clean"))
    path = dataset.write(_planted(clean), root / FOLDER, pseudonymised=False, notes=[PAYLOAD],
                         inputs=[{"path": PAYLOAD, "format": PAYLOAD, "tables": {}}])
    score_if_needed(path)  # the step make analyses runs before the notebooks: the payload reaches the scores too
    out = run_analyses(str(path), root / "reports" / FOLDER, progress=False)
    (root / "reports" / "index.html").write_text(top_index(root / "reports"), encoding="utf-8")
    return root / "reports", out


def _renderer_scripts(tmp_path: Path) -> set[tuple]:
    """The script elements the report renderer writes into a notebook with no outputs: its own, none from data."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# empty")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "empty.ipynb"
    nbformat.write(nb, path)
    page = BeautifulSoup(render_html(path, tmp_path / "empty.html").read_text(), "html.parser")
    return {_script_key(s) for s in page.find_all("script")}


def _script_key(tag) -> tuple:
    """What identifies a script element: its source URL, its type and its text."""
    return tag.get("src"), tag.get("type"), tag.get_text()


def _math_ignored(node: NavigableString, ignore: re.Pattern) -> bool:
    """Whether MathJax skips this text: some ancestor carries a class its ignoreClass matches."""
    return any(ignore.fullmatch(c) for parent in node.parents for c in (parent.get("class") or []))


def _problems(page: Path, allowed_scripts: set[tuple]) -> list[str]:
    """Every way one page could run or load what the data planted."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    name = page.relative_to(page.parents[1]) if page.name != "index.html" else page.name
    found = [f"{name}: a script element not from the renderer: {str(s)[:120]!r}"
             for s in soup.find_all("script") if _script_key(s) not in allowed_scripts]
    found += [f"{name}: <{tag.name}> has the event handler {a}" for tag in soup.find_all(True)
              for a in tag.attrs if a.lower().startswith("on")]
    found += [f"{name}: a javascript: link" for a in soup.find_all(href=True)
              if a["href"].strip().lower().startswith("javascript:")]
    found += [f"{name}: an image loaded from the planted URL" for img in soup.find_all("img")
              if "evil" in (img.get("src") or "")]
    found += [f"{name}: a <{tag.name}> element" for tag in soup.find_all(["iframe", "object", "embed", "base"])]
    config = " ".join(s.get_text() for s in soup.find_all("script", type="text/x-mathjax-config"))
    if "MathJax" in config:  # MathJax typesets $…$ in any text it does not skip
        classes = re.search(r'ignoreClass:\s*"([^"]+)"', config)
        ignore = re.compile(classes.group(1) if classes else "tex2jax_ignore")
        found += [f"{name}: MathJax would typeset the planted formula in {node.parent.name}"
                  for node in soup.find_all(string=lambda s: "\\alert" in s)
                  if not _math_ignored(node, ignore)]
    return found


def test_no_report_runs_or_loads_markup_planted_in_the_data(reports, tmp_path):
    root, out = reports
    allowed = _renderer_scripts(tmp_path)
    pages = [root / "index.html", out / "index.html"] + sorted(out.glob("*.html"))
    assert len(pages) == 2 + 1 + len(registry.analyses()), [p.name for p in pages]
    problems = [p for page in dict.fromkeys(pages) for p in _problems(page, allowed)]
    assert not problems, "\n".join(problems)


def test_the_planted_values_are_shown_as_text(reports):
    root, out = reports
    text = {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text() for p in out.glob("*.html")}
    # the focal account's handle opens reports 22, 23 and 24; the dataset's name and inputs head every page
    for notebook in ("22_network_blog_traffic", "23_growth_pace", "24_purges"):
        assert f"Focal account {SCRIPT}" in text[f"{notebook}.html"], notebook
    for page, shown in text.items():
        if page == "40_case_ropensci.html":  # a fixed case study: it names the run's dataset, then uses its own
            assert f"This report was run for dataset {FOLDER}" in shown
        else:
            # an input is shown by its file name (the part after the last "/"), never its folders
            assert f"Dataset: {FOLDER}" in shown and f"{PurePath(PAYLOAD).name} — {PAYLOAD}" in shown, page
    assert FOLDER in BeautifulSoup((root / "index.html").read_text(), "html.parser").get_text()


def test_the_top_index_links_a_dataset_folder_whose_name_is_markup(reports):
    root, _ = reports
    soup = BeautifulSoup((root / "index.html").read_text(encoding="utf-8"), "html.parser")
    # the fragment (the answer card's link to the decision rule) is cut before the path is decoded
    targets = [unquote(a["href"].partition("#")[0]) for a in soup.find_all("a")]
    assert f"{FOLDER}/index.html" in targets and f"{FOLDER}/30_summary.html" in targets, targets
    assert all((root / t).is_file() for t in targets), targets


# --- the escaping helpers themselves ---------------------------------------------------------------------------

def _markdown(text: str) -> str:
    """Markdown as the report renderer turns it into HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


@pytest.mark.parametrize("value", [SCRIPT, IMG, LINK, IMAGE, FORMULA, "http://evil/x.png", "`x` *y* _z_ | w",
                                   "a\n# heading\n- item", "1. first", "&amp; &lt;", "> quote"])
def test_md_shows_a_value_literally_in_bold_in_a_table_and_in_a_paragraph(value):
    from helpers.reports import safe

    for source in (f"**{safe.md(value)}**", f"| a |\n|---|\n| {safe.md(value)} |", f"see {safe.md(value)} here"):
        soup = BeautifulSoup(_markdown(source), "html.parser")
        shown = " ".join(value.split())  # a value never starts a new block: its line breaks read as spaces
        assert shown in soup.get_text(), (source, str(soup))
        assert not soup.find_all(["script", "img", "a", "h1", "li", "blockquote", "code", "em"]), str(soup)
        if "$" in value:
            assert soup.find(class_="tex2jax_ignore"), "a formula's text is kept from MathJax"


def test_html_attr_code_href_and_plot_text_escape_their_context():
    from helpers.reports import safe

    soup = BeautifulSoup(f"<p title=\"{safe.attr(PAYLOAD)}\">{safe.html(PAYLOAD)}{safe.code(PAYLOAD)}"
                         f"<a href=\"{safe.href(FOLDER, 'index.html')}\">x</a></p>", "html.parser")
    assert soup.p["title"] == PAYLOAD and soup.p.get_text() == PAYLOAD + PAYLOAD + "x"
    assert not soup.find_all(["script", "img"]) and soup.a["href"].endswith("/index.html")
    assert unquote(soup.a["href"]) == f"{FOLDER}/index.html"
    assert safe.plot_text(FORMULA) == r"\$\alert\$" and safe.md(None) == "" and safe.html(float("nan")) == ""


def test_the_summary_table_escapes_every_cell(tmp_path):
    from helpers.hypotheses import verdict as summary

    table = summary.summary_table([{"id": "H01_x", "question": PAYLOAD, "estimate": 0.5, "ci_low": 0.1,
                                    "ci_high": 0.9, "p": 0.01, "n": 10, "verdict": PAYLOAD, "finding": PAYLOAD,
                                    "supports": "quality"}])
    soup = BeautifulSoup(summary.styled_table(table).to_html(), "html.parser")
    assert PAYLOAD in soup.get_text() and not soup.find_all(["script", "img", "a"])


def test_the_header_escapes_the_dataset_name_inputs_and_notes(tmp_path):
    from helpers.reports.header import header_html

    ds = dataset.load(dataset.write({}, tmp_path / FOLDER, pseudonymised=False, notes=[PAYLOAD],
                                    inputs=[{"path": PAYLOAD, "format": PAYLOAD, "tables": {}}]))
    soup = BeautifulSoup(header_html(ds), "html.parser")
    # the input's path is shown by its file name (the part after its last "/"), the format and note in full
    text = soup.get_text()
    assert not soup.find_all(["script", "img", "a"]) and text.count(PAYLOAD) == 2
    assert f"{PurePath(PAYLOAD).name} — {PAYLOAD}" in text
    assert FOLDER in soup.get_text()
    # shown as a cell's output, in the report and when the executed notebook is opened in Jupyter, which typesets
    formulas = soup.find_all(string=lambda s: "\\alert" in s)
    assert len(formulas) == 4 and all(_math_ignored(f, re.compile("tex2jax_ignore")) for f in formulas)
