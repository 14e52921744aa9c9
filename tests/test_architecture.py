"""The house's rules, checked: the rooms are layered (import-linter contracts in pyproject.toml) and the code is
clean by ruff's rules (pyproject.toml: E, F, B, SIM, UP, I and a complexity of at most 10)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import paths

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """The console script installed beside this interpreter (the venv's), else the one on PATH."""
    local = BIN / name
    return str(local) if local.is_file() else (shutil.which(name) or name)


def _lint_imports(root: Path, src: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package found under src, with the contracts of root/pyproject.toml."""
    env = {"PYTHONPATH": str(src), "PATH": str(BIN), "HOME": str(root)}
    return subprocess.run([_tool("lint-imports"), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, cwd=root, env=env)


def test_no_room_imports_a_room_above_it():
    run = _lint_imports(paths.ROOT, paths.ROOT / "src")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "broken" not in run.stdout.lower().replace("0 broken", "")


def test_the_layering_contract_catches_an_upward_import(tmp_path):
    # a copy of the package in which the statistics room imports the reports room must break the contract
    shutil.copy(paths.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(paths.ROOT / "src" / "helpers", tmp_path / "src" / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__", "*.joblib"))
    planted = tmp_path / "src" / "helpers" / "stats" / "multiple.py"
    planted.write_text(planted.read_text() + "\nfrom helpers.reports import safe  # noqa: E402\n")
    run = _lint_imports(tmp_path, tmp_path / "src")
    assert run.returncode != 0 and "helpers.stats.multiple -> helpers.reports.safe" in run.stdout, run.stdout


def test_ruff_finds_nothing_to_fix():
    run = subprocess.run([_tool("ruff"), "check", "--no-cache", "--output-format", "concise", str(paths.ROOT)],
                         capture_output=True, text=True, cwd=paths.ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_would_catch_a_function_too_complex_to_follow(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    (tmp_path / "tangled.py").write_text(f"def tangled(x: int) -> int:\n{branches}    return -1\n")
    run = subprocess.run([_tool("ruff"), "check", "--no-cache", "--config", str(paths.ROOT / "pyproject.toml"),
                          str(tmp_path / "tangled.py")], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1 and "C901" in run.stdout, run.stdout
