"""Adding a hypothesis: `python -m helpers new-hypothesis NAME` copies the template, numbers and registers it."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from helpers import paths
from helpers.errors import UserError
from helpers.hypotheses import registry, scaffold
from helpers.quality.score import score_if_needed
from helpers.simulate import build_sample, load_config

SMALL = {"days": 90, "cohort": {"accounts": 40, "followers_sampled": 30, "posts_per_account": 20},
         "focal": {"curation_start_day": 10, "curation_end_day": 80, "purge_day": 50, "posts_per_day": 1.0}}
REGISTRY = """# header comment

[[analysis]]
notebook = "20_quantity_engagement"
title = "Does follower count predict engagement?"
hypotheses = ["H01_followers_engagement"]

[[analysis]]
notebook = "40_case_ropensci"
title = "A case"
hypotheses = ["H11_ropensci_followers_clicks"]

# the summary's own comment
[[analysis]]
notebook = "30_summary"
title = "Summary"
hypotheses = []
summary = true
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A notebooks folder with the real template, a registry like the project's and one unregistered notebook."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(registry.TEMPLATE, nb_dir / "template_hypothesis.ipynb")
    (nb_dir / "registry.toml").write_text(REGISTRY)
    (nb_dir / "05_collect_blog_traffic.ipynb").write_text("{}")
    return nb_dir


def _new(folder: Path, name: str, **kw) -> tuple[Path, str]:
    """new_hypothesis on the temporary folder."""
    return scaffold.new_hypothesis(name, registry=folder / "registry.toml",
                                     template=folder / "template_hypothesis.ipynb", **kw)


def _constants(path: Path) -> dict[str, str]:
    """The values of the cell tagged 'hypothesis' of a notebook."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "hypothesis" in c.metadata.get("tags", []))
    scope: dict = {}
    exec(cell.source, scope)  # the cell only assigns string constants
    return {k: v for k, v in scope.items() if k.isupper()}


def test_the_copy_gets_the_next_numbers_and_goes_before_the_summary(folder: Path):
    path, hid = _new(folder, "my_test")
    assert path == folder / "21_my_test.ipynb" and hid == "H12_my_test"
    text = (folder / "registry.toml").read_text()
    entries = tomllib.loads(text)["analysis"]
    assert [e["notebook"] for e in entries] == ["20_quantity_engagement", "40_case_ropensci", "21_my_test",
                                                "30_summary"]
    assert entries[2]["hypotheses"] == ["H12_my_test"]
    assert "# header comment" in text and "# the summary's own comment\n[[analysis]]\nnotebook = \"30_summary\"" in text
    assert _constants(path) == {"HYPOTHESIS_ID": "H12_my_test", "NOTEBOOK": "21_my_test", "SUPPORTS": "",
                                "QUESTION": _constants(folder / "template_hypothesis.ipynb")["QUESTION"]}
    nb = nbformat.read(path, as_version=4)
    assert all(c.execution_count is None and not c.outputs for c in nb.cells if c.cell_type == "code")
    assert entries[2]["title"] == nb.cells[0].source.splitlines()[0][2:]


def test_title_and_side_are_set_everywhere(folder: Path):
    title = 'Do "curated" followers click more?'
    path, hid = _new(folder, "curated_clicks", title=title, supports="quality")
    assert _constants(path)["QUESTION"] == title and _constants(path)["SUPPORTS"] == "quality"
    assert nbformat.read(path, as_version=4).cells[0].source.splitlines()[0] == f"# {title}"
    assert tomllib.loads((folder / "registry.toml").read_text())["analysis"][2]["title"] == title


def test_a_second_hypothesis_takes_the_following_numbers(folder: Path):
    _new(folder, "first")
    path, hid = _new(folder, "second")
    assert path.name == "22_second.ipynb" and hid == "H13_second"


def test_when_every_number_up_to_29_is_taken_the_first_gap_is_used(folder: Path):
    for n in range(20, 30):
        (folder / f"{n}_taken.ipynb").write_text("{}")
    path, _ = _new(folder, "gap")
    assert path.name == "01_gap.ipynb"


@pytest.mark.parametrize("name", ["quantity_engagement", "ropensci_followers_clicks"])
def test_an_existing_name_is_refused_and_nothing_changes(folder: Path, name: str):
    before = (folder / "registry.toml").read_text()
    files = sorted(folder.iterdir())
    with pytest.raises(UserError, match=f"'{name}' already exists"):
        _new(folder, name)
    assert (folder / "registry.toml").read_text() == before and sorted(folder.iterdir()) == files


@pytest.mark.parametrize("name", ["My-Test", "1abc", "a__b", "trailing_", "my test", "x" * 41, ""])
def test_a_name_that_is_not_a_slug_is_refused(folder: Path, name: str):
    with pytest.raises(UserError, match="not a slug"):
        _new(folder, name)


def test_summary_entries_run_last_whatever_their_place_in_the_file(tmp_path: Path):
    registry_file = tmp_path / "registry.toml"
    registry_file.write_text('[[analysis]]\nnotebook = "30_summary"\ntitle = "S"\nhypotheses = []\nsummary = true\n\n'
                        '[[analysis]]\nnotebook = "20_quantity_engagement"\ntitle = "Q"\nhypotheses = ["H01_x"]\n')
    assert [a.notebook for a in registry.analyses(registry_file)] == ["20_quantity_engagement", "30_summary"]


def _helpers(args: list[str], root: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python -m helpers ARGS` on the project copy at root."""
    env = {**os.environ, "QVQ_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "helpers", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary copy of the project's notebooks, where QVQ_ROOT points."""
    root = tmp_path / "project"
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def test_the_command_refuses_an_existing_name_with_exit_2(project: Path):
    assert _helpers(["new-hypothesis", "my_test"], project).returncode == 0
    again = _helpers(["new-hypothesis", "my_test"], project)
    assert again.returncode == 2
    assert again.stderr.startswith("error: a hypothesis named 'my_test' already exists")
    bad = _helpers(["new-hypothesis", "My-Test"], project)
    assert bad.returncode == 2 and "not a slug" in bad.stderr


def test_the_readme_walkthrough(project: Path, tmp_path: Path):
    created = _helpers(["new-hypothesis", "my_test"], project)
    assert created.returncode == 0, created.stderr
    entry = next(e for e in tomllib.loads((project / "notebooks" / "registry.toml").read_text())["analysis"]
                 if e["notebook"].endswith("_my_test"))
    notebook, hid = entry["notebook"], entry["hypotheses"][0]
    assert (project / "notebooks" / f"{notebook}.ipynb").is_file() and hid.endswith("_my_test")

    sample = build_sample(load_config(overrides=SMALL), tmp_path / "sample")
    score_if_needed(sample)  # the step make analyses runs before the notebooks
    reports = tmp_path / "reports"
    ran = _helpers(["analyses", "--dataset", str(sample), "--out", str(reports), "--only", notebook, "30_summary",
                    "--quiet"], project)
    assert ran.returncode == 0, ran.stderr[-2000:]

    found = {h["id"]: h for h in json.loads((reports / "summary.json").read_text())["hypotheses"]}
    assert math.isfinite(found[hid]["estimate"]) and found[hid]["n"] > 0 and found[hid]["verdict"]
    index = (reports / "index.html").read_text()
    assert hid in index and f'href="{notebook}.html"' in index and (reports / f"{notebook}.html").is_file()
    # the real notebooks folder is untouched (checked by name: others may edit it while tests run)
    assert not list(paths.NOTEBOOKS.glob("*my_test*"))
    assert "my_test" not in (paths.NOTEBOOKS / "registry.toml").read_text()


def test_the_templates_figure_shows_both_kinds_of_post_on_a_log_scale():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from helpers.reports.figures.links import link_boxplot

    per_post = pd.DataFrame({"has_link": [True, False] * 10, "engagement": range(20)})
    ax = link_boxplot(per_post)
    assert ax.get_yscale() == "log" and [t.get_text() for t in ax.get_xticklabels()] == ["without a link",
                                                                                          "with a link"]
    plt.close("all")
