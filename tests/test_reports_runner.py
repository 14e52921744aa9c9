"""The report runner: a notebook that fails does not stop the others; the index is written and names the failure."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import helpers.reports.run as runner
from helpers import paths
from helpers.hypotheses import record, registry
from helpers.reports.run import NotebooksFailed, run_analyses
from helpers.simulate import build_sample, load_config

SMALL = {"days": 60, "cohort": {"accounts": 12, "followers_sampled": 10, "posts_per_account": 6},
         "focal": {"curation_start_day": 10, "curation_end_day": 50, "purge_day": 30, "posts_per_day": 1.0}}


def _notebook(folder: Path, name: str, body: str) -> None:
    """A small analysis notebook: the runner's parameters, then one cell that records a result (or fails)."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {name}"),
        nbformat.v4.new_code_cell('dataset = "sample"\nresults_dir = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / f"{name}.ipynb")


def _records(hid: str) -> str:
    """Notebook code that records one result for hypothesis hid."""
    return ("from helpers.hypotheses import record\n"
            f"record.save(results_dir, record.Result(id={hid!r}, question='q?', estimate=1.0, ci_low=0.5, "
            "ci_high=1.5, p=0.01, n=10, verdict='more is more', finding='estimate 1.0'))")


@pytest.fixture()
def three(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A registry of three notebooks, the middle one failing its assert; (notebook folder, dataset)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder, "a_first", _records("H01_first"))
    _notebook(folder, "b_broken", _records("H02_broken") + "\nassert 1 + 1 == 3, 'the planted invariant'")
    _notebook(folder, "c_last", _records("H03_last"))
    registered = [registry.Analysis("a_first", "First", ["H01_first"]),
                  registry.Analysis("b_broken", "Broken", ["H02_broken"]),
                  registry.Analysis("c_last", "Last", ["H03_last"])]
    monkeypatch.setattr(paths, "NOTEBOOKS", folder)
    # pin the code digest, so an edit elsewhere in the tree while the test runs cannot count as a change
    monkeypatch.setattr(runner, "_source_digest", lambda: "pinned")
    monkeypatch.setattr(registry, "analyses", lambda registry=None: list(registered))
    return folder, build_sample(load_config(overrides=SMALL), tmp_path / "sample")


def test_a_failing_notebook_leaves_the_other_reports_and_the_index_and_is_named(three, tmp_path):
    folder, ds = three
    out = tmp_path / "reports"
    with pytest.raises(NotebooksFailed) as failed:
        run_analyses(str(ds), out, progress=False)
    message = str(failed.value)
    assert list(failed.value.failures) == ["b_broken"] and "\n" not in message
    # cell 3 of the executed notebook: papermill inserts the injected parameters after the parameters cell
    assert "b_broken (cell 3: AssertionError: the planted invariant)" in message and str(out / "index.html") in message
    assert (out / "a_first.html").is_file() and (out / "c_last.html").is_file(), "the notebook after it still ran"
    assert (out / "b_broken.html").is_file(), "the failed notebook's report shows its error"
    index = (out / "index.html").read_text()
    assert "FAILED: cell 3: AssertionError: the planted invariant" in index and "estimate 1.0" in index
    results = {r["id"]: r for r in record.load_results(out / "results")}
    assert results["H02_broken"]["verdict"] == "not run", "a failed notebook's half-written result is not kept"
    assert results["H01_first"]["verdict"] == results["H03_last"]["verdict"] == "more is more"
    assert json.loads((out / "failed.json").read_text()) == {"b_broken": failed.value.failures["b_broken"]}

    _notebook(folder, "b_broken", _records("H02_broken"))  # fixed: the next run re-runs it, not what was up to date
    before = (out / "a_first.html").stat().st_mtime_ns
    assert run_analyses(str(ds), out, progress=False) == out
    assert (out / "a_first.html").stat().st_mtime_ns == before
    assert "FAILED" not in (out / "index.html").read_text()
    assert json.loads((out / "failed.json").read_text()) == {}


def test_the_command_line_says_which_notebook_failed_in_one_line_and_exits_2(three, tmp_path, capsys):
    from helpers.cli import main

    _, ds = three
    code = main(["analyses", "--dataset", str(ds), "--out", str(tmp_path / "reports"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "1 notebook(s) failed" in err and "b_broken" in err and "index.html" in err


def test_a_run_prints_no_kernel_warnings_and_leaves_no_sockets_behind(three, tmp_path, capfd):
    folder, ds = three
    with pytest.raises(NotebooksFailed):
        run_analyses(str(ds), tmp_path / "reports", progress=False)
    err = capfd.readouterr().err
    assert "without encryption" not in err and "IPKernelApp" not in err, err  # the kernel talks over local sockets
    assert sorted(p.name for p in folder.iterdir()) == ["a_first.ipynb", "b_broken.ipynb", "c_last.ipynb"]
