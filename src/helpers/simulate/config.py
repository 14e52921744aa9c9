"""Sample parameters: the defaults in data/sample/config.toml, overridden by a user's file and flags."""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from pathlib import Path

from helpers import paths
from helpers.errors import InputError
from helpers.simulate.scenarios import SCENARIOS, resolve, scenario_overrides

DEFAULT_CONFIG = paths.SAMPLE_CONFIG_DIR / "config.toml"


def _merge(base: dict, override: dict, where: str = "") -> dict:
    """Deep-merge override into base, refusing keys the defaults do not know."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if key not in base:
            raise InputError(where or "config", f"key {key!r}", "is not a sample parameter",
                             f"Known keys: {', '.join(sorted(base))}.")
        out[key] = _merge(base[key], value, f"{where}[{key}]") if isinstance(value, dict) else value
    return out


def _read_user(path: str | Path) -> dict:
    """A user's TOML file, or a clear error."""
    try:
        return tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(path, None, f"is not a readable TOML file ({exc})",
                         f"Start from {DEFAULT_CONFIG} and change what you need.") from exc


def _scenario(name: str) -> dict:
    """A named scenario's overrides, or a clear error."""
    if name not in SCENARIOS:
        raise InputError("scenario", repr(name), "is not a known scenario", f"Known: {', '.join(SCENARIOS)}.")
    return scenario_overrides(name)


def load_config(path: str | Path | None = None, *, seed: int | None = None, no_quality_effect: bool = False,
                no_quantity_effect: bool = False, overrides: dict | None = None, scenario: str | None = None) -> dict:
    """The sample parameters: defaults, then a scenario, then a user file, overrides and flags, then the world's
    switches applied to the parameters they govern."""
    config = tomllib.loads(DEFAULT_CONFIG.read_text())
    user = _read_user(path) if path else {}
    name = scenario or user.get("world", {}).get("scenario") or (overrides or {}).get("world", {}).get("scenario")
    if name:
        config = _merge(config, _scenario(name), "scenario")
    if user:
        config = _merge(config, user, str(path))
    if overrides:
        config = _merge(config, overrides, "overrides")
    if seed is not None:
        config["seed"] = int(seed)
    if no_quality_effect:
        config["world"]["quality_effect"] = False
    if no_quantity_effect:
        config["world"]["quantity_effect"] = False
    return resolve(config)


def config_digest(config: dict) -> str:
    """A short hash of the parameters, to tell samples apart."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
