"""pyproject.toml, requirements.lock and environment.yml agree, and the Makefile explains itself."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib

import pytest

from helpers import paths

REQUIRED = ["jupyterlab", "pandas", "pyarrow", "matplotlib", "seaborn", "scipy", "statsmodels", "papermill",
            "nbconvert", "nbclient", "pandera", "tqdm", "snscrape"]


def _norm(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    """Package -> pinned version from requirements.lock."""
    pins = {}
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _declared() -> list[str]:
    """Every dependency named in pyproject.toml (runtime and test extras)."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [d for deps in project["optional-dependencies"].values() for d in deps]
    return [_norm(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in names]


def test_every_declared_dependency_is_pinned_exactly_in_the_lock():
    pins = _lock()
    missing = [d for d in _declared() if d not in pins]
    assert not missing, f"declared but not locked: {missing}; run `make lock`"


def test_the_required_research_stack_is_declared():
    declared = set(_declared())
    assert {_norm(r) for r in REQUIRED} <= declared


def test_the_lock_pins_every_line():
    lines = [line for line in (paths.ROOT / "requirements.lock").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert all("==" in line for line in lines), [line for line in lines if "==" not in line]


def test_environment_yml_installs_the_lock_and_the_package_on_the_same_python():
    env = (paths.ROOT / "environment.yml").read_text()
    assert "conda-forge" in env and "- pip" in env
    assert "-r requirements.lock" in env and "-e ." in env
    py = re.search(r"python=(\d+\.\d+)", env).group(1)
    requires = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={py}"
    assert "python-version 3.11" in (paths.ROOT / "Makefile").read_text()


def test_make_help_lists_every_target_from_another_folder(tmp_path):
    # run as a user would, not as a child of `make test`: an inherited MAKEFLAGS (jobserver, -w) changes make
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    run = subprocess.run(["make", "-C", str(tmp_path), "-f", str(paths.ROOT / "Makefile"), "help"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, f"make help failed: {run.stderr}"
    out = run.stdout
    for target in ["install", "sample", "ingest", "analyses", "test", "lock", "clean"]:
        assert re.search(rf"^\s+{target}\s+\S", out, re.M), target


@pytest.mark.parametrize("value", ["/etc", "src/..", "", "../x", "a b"])
def test_make_refuses_a_dataset_that_is_not_a_name(tmp_path, value):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    run = subprocess.run(["make", "-n", "-C", str(tmp_path), "-f", str(paths.ROOT / "Makefile"), "analyses",
                          f"DATASET={value}"], capture_output=True, text=True, env=env)
    assert run.returncode == 2 and "is not a dataset name" in run.stderr, run.stderr
