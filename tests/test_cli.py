"""The command line: plain errors, any working directory."""

from __future__ import annotations

import subprocess
import sys

from helpers import paths


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run `python -m helpers ...` and capture its output."""
    return subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True, text=True, cwd=cwd)


def test_help_lists_the_commands(tmp_path):
    out = _run("--help", cwd=tmp_path)
    assert out.returncode == 0
    for command in ["sample", "ingest", "analyses"]:
        assert command in out.stdout


def test_analyses_on_a_missing_dataset_is_one_plain_sentence_naming_the_fix(tmp_path):
    out = _run("analyses", "--dataset", "no_such_dataset", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no_such_dataset" in lines[0] and "python -m helpers" in lines[0]
    assert "Traceback" not in out.stderr


def test_analyses_on_a_dataset_missing_a_table_names_it_and_keeps_what_exists(tmp_path):
    ds = tmp_path / "ds"
    assert _run("sample", "--out", str(ds), "--config", str(_small_config(tmp_path))).returncode == 0
    (ds / "traffic.parquet").unlink()
    reports = tmp_path / "r"
    out = _run("analyses", "--dataset", str(ds), "--out", str(reports), cwd=tmp_path)
    assert out.returncode == 2 and "traffic" in out.stderr and "Traceback" not in out.stderr
    assert (ds / "posts.parquet").is_file()


def test_analyses_refuses_a_report_folder_it_did_not_write(tmp_path):
    ds = tmp_path / "ds"
    assert _run("sample", "--out", str(ds), "--config", str(_small_config(tmp_path))).returncode == 0
    reports = tmp_path / "r"
    reports.mkdir()
    (reports / "keep.html").write_text("earlier report")
    out = _run("analyses", "--dataset", str(ds), "--out", str(reports), cwd=tmp_path)
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1 and "not hold reports written by this tool" in lines[0]
    assert [p.name for p in reports.iterdir()] == ["keep.html"]
    assert (reports / "keep.html").read_text() == "earlier report"


def test_the_sample_command_works_from_any_working_directory(tmp_path):
    out = _run("sample", "--out", str(tmp_path / "s"), "--config", str(_small_config(tmp_path)), cwd="/")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "s" / "manifest.json").is_file()
    assert paths.ROOT.joinpath("pyproject.toml").is_file()


def _small_config(tmp_path):
    """A small sample config, to keep CLI tests quick."""
    cfg = tmp_path / "small.toml"
    cfg.write_text("[cohort]\naccounts = 30\nfollowers_sampled = 20\n")
    return cfg
