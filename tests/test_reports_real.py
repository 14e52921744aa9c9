"""Every analysis notebook runs on a dataset ingested from a real export, and no follower leaks into HTML."""

from __future__ import annotations

import re

import pytest

from helpers import hypotheses
from helpers.ingest.pipeline import ingest
from helpers.reports.run import run_analyses


@pytest.fixture(scope="module")
def real_reports(realdata, tmp_path_factory):
    """The X archive of realdata ingested (pseudonymised) and every analysis run on it."""
    root = tmp_path_factory.mktemp("real")
    path, _ = ingest([realdata / "twitter-archive-andreruffert"], root / "andre", progress=False)
    return realdata, run_analyses(str(path), root / "reports", progress=False)


def test_every_analysis_notebook_renders_on_a_real_archive(real_reports):
    _, out = real_reports
    for analysis in hypotheses.analyses():
        html = (out / f"{analysis.notebook}.html").read_text()
        assert "SIMULATED DATA —" not in html, "a report on real data must not carry the simulation banner"
        assert "andre" in html, "each report names its dataset"
    assert (out / "index.html").is_file()


def test_no_follower_or_followed_account_id_appears_in_any_report(real_reports):
    realdata, out = real_reports
    data = realdata / "twitter-archive-andreruffert" / "data"
    ids = set()
    for name in ("follower.js", "following.js"):
        ids |= set(re.findall(r'"accountId"\s*:\s*"(\d+)"', data.joinpath(name).read_text()))
    assert len(ids) > 100
    pages = list(out.glob("*.html")) + list((out / "notebooks").glob("*.ipynb"))
    for page in pages:
        text = page.read_text()
        leaked = [i for i in ids if re.search(rf"(?<!\d){i}(?!\d)", text)]
        assert not leaked, f"{page.name} shows follower ids {leaked[:3]}"
