"""Estimate/ModelFit containers and the helpers.stats import rule."""

import ast
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import helpers.stats as hs
from helpers.stats import Estimate, estimates_frame

STATS_DIR = Path(hs.__file__).parent


def _est(**kw):
    base = dict(name="r", estimate=0.3, ci_low=0.1, ci_high=0.5, p=0.01, n=50, method="m")
    return Estimate(**{**base, **kw})


def test_estimate_is_frozen_and_extra_is_a_private_copy():
    extra = {"a": 1}
    e = _est(extra=extra)
    extra["a"] = 2
    assert e.extra == {"a": 1}
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.estimate = 1.0


def test_as_dict_flattens_extra_and_guards_collisions():
    d = _est(extra={"n_eff": 30.5, "n": 999}).as_dict()
    assert list(d)[:8] == ["name", "estimate", "ci_low", "ci_high", "p", "n", "method", "ci_level"]
    assert d["n"] == 50 and d["extra_n"] == 999 and d["n_eff"] == 30.5


def test_covers_is_closed_interval():
    e = _est()
    assert e.covers(0.1) and e.covers(0.5) and not e.covers(0.51)


def test_estimates_frame_one_row_per_estimate():
    frame = estimates_frame([_est(name="a"), _est(name="b", extra={"k": 1})])
    assert isinstance(frame, pd.DataFrame)
    assert frame["name"].tolist() == ["a", "b"] and frame["k"].isna().tolist() == [True, False]


def test_public_api_is_exported():
    for name in hs.__all__:
        assert callable(getattr(hs, name)), name


def test_stats_imports_nothing_else_from_helpers():
    for path in STATS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{path.name}: relative import leaves helpers.stats"
                mod = node.module or ""
                assert node.level == 1 or not mod.startswith("helpers") or mod.startswith("helpers.stats"), (
                    f"{path.name} imports {mod}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.name
                    assert not name.startswith("helpers") or name.startswith("helpers.stats"), (
                        f"{path.name} imports {name}")
