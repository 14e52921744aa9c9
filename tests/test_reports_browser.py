"""The reports in a real browser: from the index, every link resolves and every figure loads (headless Chromium)."""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import subprocess
import tempfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers.hypotheses import record, registry
from helpers.quality.score import score_if_needed
from helpers.reports.run import run_analyses
from helpers.simulate import build_sample, load_config

SMALL = {"days": 90, "cohort": {"accounts": 40, "followers_sampled": 30, "posts_per_account": 20},
         "focal": {"curation_start_day": 10, "curation_end_day": 80, "purge_day": 50, "posts_per_day": 1.0}}
PNG = b"\x89PNG\r\n\x1a\n"
# Appended to a copy of each page: once loaded, the browser lists the images it could not decode.
PROBE = ("<script>window.addEventListener('load',function(){var b=[],im=document.images;"
         "for(var i=0;i<im.length;i++){if(!(im[i].complete&&im[i].naturalWidth>0))b.push(im[i].src.slice(0,80));}"
         "var d=document.createElement('pre');d.id='qvq-probe';"
         "var c=document.querySelector('section.card');"
         "var top=c?Math.round(c.getBoundingClientRect().top+window.scrollY):null;"
         "d.textContent=JSON.stringify({images:im.length,broken:b,card_top:top});document.body.appendChild(d);});"
         "</script>")
FIRST_SCREEN = 900  # px: the answer card must start within the first screen of an index
# Virtual time, not the clock: Chromium advances it only when the page is idle, so a busy machine slows the run
# down but never cuts a page's loading short. Nothing below waits on wall-clock time.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=5000", "--dump-dom"]
LAUNCHES = 2  # a launch that fails on a busy machine (Chromium exit 2) is tried once more, with a fresh profile


def _chromium() -> str:
    """The headless browser, or skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; `make test` installs it)")
    return found


class _Page(HTMLParser):
    """Links, image sources and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.probe: list[str] = []  # the probe's JSON: images, broken ones, where the answer card starts
        self._in_probe = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):  # ids may be stored percent-encoded (nbconvert's heading anchors) or not
                self.ids |= {a[key], unquote(a[key])}
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if tag == "img":
            self.images.append(a.get("src") or "")
        self._in_probe = tag == "pre" and a.get("id") == "qvq-probe"

    def handle_data(self, data: str) -> None:
        if self._in_probe:
            self.probe.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_probe = False


def dump_dom(browser: str, url: str, launches: int = LAUNCHES) -> str:
    """The DOM of a page once loaded, from headless Chromium; a failed launch is tried again with a fresh profile."""
    failures = []
    for _ in range(launches):
        with tempfile.TemporaryDirectory(prefix="qvq-chromium-") as profile:
            run = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", url], capture_output=True, text=True)
        if run.returncode == 0 and "</html>" in run.stdout:
            return run.stdout
        failures.append(f"exit {run.returncode}: {run.stderr.strip().splitlines()[-1:] or ['no message']}")
    raise AssertionError(f"Chromium could not load {url} in {launches} launches: {'; '.join(failures)}")


def browse(page: Path, browser: str) -> _Page:
    """Load a copy of a page (beside it, so relative links hold) with the probe, in headless Chromium."""
    html = page.read_text(encoding="utf-8")
    cut = html.rfind("</body>")
    probe_page = page.with_name(f".probe-{page.name}")
    probe_page.write_text(html[:cut] + PROBE + html[cut:] if cut >= 0 else html + PROBE, encoding="utf-8")
    try:
        dom = dump_dom(browser, probe_page.as_uri())
    finally:
        probe_page.unlink(missing_ok=True)
    parsed = _Page()
    parsed.feed(dom)
    return parsed


def link_problems(page: Path, parsed: _Page) -> tuple[list[str], list[Path]]:
    """(problems, local HTML pages linked) of one page's links."""
    problems, pages = [], []
    for href in parsed.links:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            if not parts.netloc:
                problems.append(f"{page.name}: malformed web link {href!r}")
        elif parts.scheme == "mailto":
            continue
        elif parts.scheme not in ("", "file"):
            problems.append(f"{page.name}: link with scheme {parts.scheme!r}: {href!r}")
        elif not parts.path:
            if parts.fragment and not {parts.fragment, unquote(parts.fragment)} & parsed.ids:
                problems.append(f"{page.name}: anchor #{parts.fragment} is not on the page")
        else:
            target = Path(unquote(parts.path)) if parts.scheme == "file" else page.parent / unquote(parts.path)
            if not target.exists():
                problems.append(f"{page.name}: link {href!r} points to a missing file")
            elif target.suffix == ".html":
                pages.append(target.resolve())
    return problems, pages


def image_problems(page: Path, parsed: _Page) -> list[str]:
    """Images whose data cannot be decoded or whose file is missing, and what the browser could not show."""
    problems = []
    for src in parsed.images:
        if src.startswith("data:"):
            header, _, payload = src.partition(",")
            try:
                data = base64.b64decode(payload, validate=True) if header.endswith(";base64") else payload.encode()
            except binascii.Error:
                problems.append(f"{page.name}: an embedded image is not valid base64")
                continue
            if header.startswith("data:image/png") and not data.startswith(PNG):
                problems.append(f"{page.name}: an embedded PNG lacks the PNG signature")
        elif not (page.parent / unquote(urlsplit(src).path)).is_file():
            problems.append(f"{page.name}: image {src[:80]!r} is missing")
    probe = json.loads("".join(parsed.probe)) if parsed.probe else None
    if probe is None:
        problems.append(f"{page.name}: the page did not finish loading in the browser")
    elif probe["broken"] or probe["images"] != len(parsed.images):
        problems.append(f"{page.name}: the browser could not show {probe['broken']}")
    return problems


def crawl(index: Path, browser: str) -> tuple[list[Path], list[str], int]:
    """Every page reachable from the index, the problems found, and how many images were checked."""
    seen, todo, problems, images = [], [index.resolve()], [], 0
    while todo:
        page = todo.pop(0)
        if page in seen:
            continue
        seen.append(page)
        parsed = browse(page, browser)
        found, linked = link_problems(page, parsed)
        problems += found + image_problems(page, parsed)
        images += len(parsed.images)
        todo += linked
    return seen, problems, images


def test_the_checker_catches_a_broken_link_a_broken_figure_and_a_missing_anchor(tmp_path: Path):
    browser = _chromium()
    good = base64.b64encode(PNG + b"not really a picture").decode()
    (tmp_path / "other.html").write_text("<html><body><p id='here'>other</p></body></html>")
    page = tmp_path / "index.html"
    page.write_text(f"<html><body><a href='other.html'>ok</a><a href='gone.html'>gone</a><a href='#nowhere'>x</a>"
                    f"<a href='other.html#here'>ok</a><img src='data:image/png;base64,{good}'>"
                    "<img src='data:image/png;base64,AAAA'><img src='missing.png'></body></html>")
    pages, problems, images = crawl(page, browser)
    assert {p.name for p in pages} == {"index.html", "other.html"} and images == 3
    assert any("gone.html" in p for p in problems) and any("#nowhere" in p for p in problems)
    assert any("lacks the PNG signature" in p for p in problems)
    assert any("missing.png" in p and "is missing" in p for p in problems)
    assert any("browser could not show" in p for p in problems)


def _fake_browser(folder: Path, failures: int) -> Path:
    """A stand-in for Chromium that exits 2 on its first `failures` launches, then prints a page; it logs its args."""
    script = folder / "fake-chromium"
    script.write_text(f"""#!/bin/sh
n=$(cat '{folder}/launches' 2>/dev/null || echo 0)
echo $((n + 1)) > '{folder}/launches'
printf '%s\\n' "$@" > '{folder}/args-'$n
if [ "$n" -lt {failures} ]; then echo 'crashed on a busy machine' >&2; exit 2; fi
echo '<html><body><p id="ok">loaded</p></body></html>'
""")
    script.chmod(0o755)
    return script


def test_a_failed_chromium_launch_is_tried_once_more_with_a_fresh_profile(tmp_path: Path):
    dom = dump_dom(str(_fake_browser(tmp_path, failures=1)), "file:///page.html")
    assert 'id="ok"' in dom and (tmp_path / "launches").read_text().strip() == "2"
    first, second = ((tmp_path / f"args-{i}").read_text().splitlines() for i in (0, 1))
    profiles = [next(a for a in args if a.startswith("--user-data-dir=")) for args in (first, second)]
    assert profiles[0] != profiles[1], "each launch gets its own fresh profile"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in second, flag
    assert any(a.startswith("--virtual-time-budget=") for a in second), "page loading waits on virtual time"


def test_two_failed_chromium_launches_fail_the_check_with_the_exit_codes(tmp_path: Path):
    with pytest.raises(AssertionError, match=r"in 2 launches: exit 2: \['crashed on a busy machine'\]; exit 2"):
        dump_dom(str(_fake_browser(tmp_path, failures=2)), "file:///page.html")
    assert (tmp_path / "launches").read_text().strip() == "2"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of the first analysis, the rOpenSci case (if registered) and the summary, on a small sample."""
    root = tmp_path_factory.mktemp("browser")
    sample = build_sample(load_config(overrides=SMALL), root / "small")
    score_if_needed(sample)  # the step make analyses runs before the notebooks
    registered = registry.analyses()
    only = [registered[0].notebook] + [a.notebook for a in registered
                                       if a.summary or a.notebook == "40_case_ropensci"]
    return run_analyses(str(sample), root / "reports", only=only, progress=False)


def test_every_link_from_the_index_resolves_and_every_figure_loads(reports: Path):
    browser = _chromium()
    pages, problems, images = crawl(reports / "index.html", browser)
    assert not problems, "\n".join(problems)
    reached = {p.name for p in pages}
    run = {p.name for p in reports.glob("*.html")} - {"index.html"}
    assert run and run <= reached, f"reports not linked from the index: {sorted(run - reached)}"
    assert images >= len(run) - 1, "the analysis reports show figures"  # the summary may have no estimate to plot


def test_the_index_lists_every_hypothesis_with_its_finding_and_the_dataset(reports: Path):
    html = (reports / "index.html").read_text()
    text = unescape(html)
    for result in record.load_results(reports / "results"):
        assert result["id"] in text
        if result.get("verdict") != "not run":
            assert result["finding"] in text
    assert "SIMULATED DATA" in html and "Inputs:" in html and "Rows:" in html
    assert "Quantity or quality?" in html and 'href="summary.json"' in html


def test_reports_read_without_code_and_say_which_data_they_use(reports: Path):
    for page in reports.glob("*.html"):
        text = page.read_text()
        assert "from helpers" not in text and "hl-ipython3" not in text, f"{page.name} shows code"
        assert "Traceback" not in text, page.name
        if page.name != "index.html":
            assert "Dataset:" in text and "Rows:" in text, f"{page.name} does not state its dataset"


def test_each_index_opens_with_the_answer_card_within_the_first_screen(reports: Path):
    from helpers.reports.render import top_index

    browser = _chromium()
    (reports.parent / "index.html").write_text(top_index(reports.parent), encoding="utf-8")
    for index in (reports / "index.html", reports.parent / "index.html"):
        probe = json.loads("".join(browse(index, browser).probe))
        assert probe["card_top"] is not None, f"{index}: no answer card"
        assert probe["card_top"] <= FIRST_SCREEN, f"{index}: the answer card starts {probe['card_top']} px down"
