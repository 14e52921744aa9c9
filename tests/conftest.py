"""Shared fixtures: the real export files beside the project, and temporary dataset folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import paths


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder of real third-party exports; tests that need it skip when it is absent."""
    if not paths.REALDATA.is_dir():
        pytest.skip(f"real export files not found at {paths.REALDATA} (they sit beside the project in CI; "
                    "a fresh clone has none)")
    return paths.REALDATA


@pytest.fixture(scope="session")
def realdata_train() -> Path:
    """The labelled account sets (../shared/realdata-train, plus Cresci 2015 in realdata); skip when absent."""
    root = paths.SHARED / "realdata-train"
    if not root.is_dir() or not (paths.REALDATA / "cresci-2015-subset").is_dir():
        pytest.skip(f"labelled account sets not found at {root} and {paths.REALDATA / 'cresci-2015-subset'} "
                    "(they sit beside the project in CI; a fresh clone has none)")
    return root


@pytest.fixture(autouse=True)
def _private_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every test its own pseudonymisation key, so tests never touch the user's key."""
    key = tmp_path_factory.getbasetemp() / "pseudonym_key"
    monkeypatch.setenv("QVQ_PSEUDONYM_KEY", str(key))
