"""Every analysis notebook runs to the end on a dataset ingested from each real social export or archive, one at a
time: what the data cannot support is recorded as not estimable, with the reason, and no report shows a follower's
id. (Blog-traffic exports, alone and mixed with social ones: test_notebooks_realdata_mixed.py.)"""

from __future__ import annotations

import re

import pytest

from helpers import paths
from helpers.hypotheses import registry
from realdata_runs import FAILED_MARK, MIXES, TRAFFIC, Runs, check_ran_to_the_end, check_results_say_why, folders

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
SOCIAL = [f for f in folders(paths.REALDATA) if f not in TRAFFIC]
ARCHIVE = "twitter-archive-andreruffert"


@pytest.fixture(scope="module")
def runs(realdata, tmp_path_factory) -> Runs:
    """Each export ingested once into a new folder and every analysis run on it, shared by the tests below."""
    return Runs(realdata, tmp_path_factory.mktemp("realdata"))


def test_every_real_export_folder_is_run_alone_and_the_mixes_use_real_files(realdata):
    assert set(SOCIAL) | set(TRAFFIC) == set(folders(realdata)) and len(SOCIAL) >= 8, folders(realdata)
    assert ARCHIVE in SOCIAL and "x-analytics-ropensci" in SOCIAL
    assert all((realdata / i).exists() for inputs in MIXES.values() for i in inputs)


@pytest.mark.parametrize("folder", SOCIAL)
def test_every_analysis_notebook_runs_to_the_end_on_each_social_export(runs, folder):
    check_ran_to_the_end(runs.run(folder, [folder]))


@pytest.mark.parametrize("folder", SOCIAL)
def test_each_hypothesis_is_estimated_or_says_why_not_on_each_social_export(runs, folder):
    check_results_say_why(runs.run(folder, [folder]))


def test_the_ropensci_growth_projection_says_the_target_was_passed_before_the_data_begin(runs):
    run = runs.run("x-analytics-ropensci", ["x-analytics-ropensci"])
    h05 = run.results["H05_days_to_10000"]
    assert h05["verdict"] == "not estimable"
    assert re.search(r"already 11,\d{3} on the first observed day", h05["finding"]), h05["finding"]


def test_a_table_of_user_objects_is_scored_and_left_out_of_the_account_comparisons(runs):
    run = runs.run("cresci-2015-subset", ["cresci-2015-subset"])
    for hid in ("H02_quality_engagement", "H08_quality_vs_quantity_r2"):
        assert run.results[hid]["verdict"] == "not estimable", hid
    assert "2,818 scored followers belong to 1 account(s) the dataset has no profile or posts for" in \
        run.page("21_quality_engagement")


def test_reports_on_a_real_archive_name_their_dataset_and_carry_no_simulation_banner(runs):
    run = runs.run(ARCHIVE, [ARCHIVE])
    for analysis in registry.analyses():
        page = run.page(analysis.notebook)
        assert "SIMULATED DATA —" not in page, "a report on real data must not carry the simulation banner"
        assert ARCHIVE in page, "each report names its dataset"
    assert FAILED_MARK not in run.page("index")


def test_no_follower_or_followed_account_id_appears_in_any_report(runs, realdata):
    run = runs.run(ARCHIVE, [ARCHIVE])
    data = realdata / ARCHIVE / "data"
    ids = set()
    for name in ("follower.js", "following.js"):
        ids |= set(re.findall(r'"accountId"\s*:\s*"(\d+)"', data.joinpath(name).read_text()))
    assert len(ids) > 100
    pages = list(run.out.glob("*.html")) + list((run.out / "notebooks").glob("*.ipynb"))
    for page in pages:
        text = page.read_text()
        leaked = [i for i in ids if re.search(rf"(?<!\d){i}(?!\d)", text)]
        assert not leaked, f"{page.name} shows follower ids {leaked[:3]}"
