"""Every analysis notebook runs to the end on each real blog-traffic export alone, and on datasets ingested from
several real exports together: an archive with blog traffic, an analytics export with blog traffic, an archive with
follower profiles from a table of user objects. (Social exports alone: test_notebooks_realdata.py; the two files
run side by side under pytest-xdist.)"""

from __future__ import annotations

import pytest

from realdata_runs import MIXES, TRAFFIC, Runs, check_ran_to_the_end, check_results_say_why

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
CASES = {**{folder: [folder] for folder in TRAFFIC}, **MIXES}


@pytest.fixture(scope="module")
def runs(realdata, tmp_path_factory) -> Runs:
    """Each case ingested once into a new folder and every analysis run on it, shared by the tests below."""
    return Runs(realdata, tmp_path_factory.mktemp("realdata_mixed"))


@pytest.mark.parametrize("case", CASES)
def test_every_analysis_notebook_runs_to_the_end_on_traffic_and_mixed_exports(runs, case):
    check_ran_to_the_end(runs.run(case, CASES[case]))


@pytest.mark.parametrize("case", CASES)
def test_each_hypothesis_is_estimated_or_says_why_not_on_traffic_and_mixed_exports(runs, case):
    check_results_say_why(runs.run(case, CASES[case]))


def test_an_archive_with_a_users_table_scores_the_table_and_compares_only_listed_accounts(runs):
    run = runs.run("x_archive+cresci_users", CASES["x_archive+cresci_users"])
    assert "1,481 scored followers belong to 1 account(s) the dataset has no profile or posts for" in \
        run.page("21_quality_engagement")
