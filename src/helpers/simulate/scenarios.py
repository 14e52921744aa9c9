"""The worlds the sample can simulate: named presets of the config, and the two switches that turn every
quality channel (a follower's type changing an outcome) or every quantity channel (the follower count changing
an outcome) off. Every channel is a parameter of data/sample/config.toml; the switches set those parameters, so
the simulator itself never needs to know which world it builds and truth.json echoes what was used."""

from __future__ import annotations

import copy

# name -> (config overrides, what the world plants), in the order `helpers sample --help` lists them
SCENARIOS: dict[str, tuple[dict, str]] = {
    "planted-both": ({}, "the default: follower count and follower quality both drive engagement and visits"),
    "no-quality": ({"world": {"quality_effect": False}},
                   "every quality channel off: no outcome depends on a follower's type"),
    "no-quantity": ({"world": {"quantity_effect": False}},
                    "every quantity channel off: no outcome depends on the follower count"),
    "neither": ({"world": {"quality_effect": False, "quantity_effect": False}},
                "both off: outcomes depend on neither count nor quality"),
    "visits-by-total-followers": ({"blog": {"x_sessions_relevant_elasticity": 0.0}},
                                  "X visits follow total followers; relevance adds nothing to them"),
    "mismatched-vocabulary": ({"profiles": {"relevant_bio_overlap": 0.0}},
                              "relevant followers' bios share no word with interests.toml"),
    "human-looking-fakes": ({"profiles": {"fakes_look_human": True}},
                            "fakes drawn from the human profile copula and rates, with human bios"),
    "size-correlated-quality": ({"cohort": {"size_fake_slope": 0.8}},
                                "bigger accounts have more fake followers"),
}
TYPE_TABLES = [("cohort", "engage_p"), ("cohort", "back_p"), ("focal", "engage_weight"), ("focal", "back_p")]


def _cohort_mix(cfg: dict) -> dict[str, float]:
    """The cohort's mean share of each follower type (the weights that equalise per-type rates)."""
    c = cfg["cohort"]
    rel, fake, inactive = c["relevant_share_mean"], c["fake_share_mean"], c["inactive_share_mean"]
    return {"relevant": rel, "irrelevant": max(1 - rel - fake - inactive, 0.0), "inactive": inactive, "fake": fake}


def _equalise(rates: dict[str, float], mix: dict[str, float]) -> dict[str, float]:
    """The same rate for every type: the mix-weighted mean, so overall levels stay about where they were."""
    mean = sum(rates[t] * mix[t] for t in mix) / sum(mix.values())
    return {t: round(mean, 6) for t in rates}


def quality_off(cfg: dict) -> None:
    """Turn every channel by which a follower's type changes an outcome off (in place)."""
    mix = _cohort_mix(cfg)
    cfg["effects"]["relevant_effect"] = 0.0  # cohort engagement
    cfg["effects"]["fake_effect"] = 0.0
    for section, key in TYPE_TABLES:  # who engages and who is followed back, cohort and focal
        cfg[section][key] = _equalise(cfg[section][key], mix)
    cfg["focal"]["engage_weight"] = {t: 1.0 for t in cfg["focal"]["engage_weight"]}  # focal: all engage alike
    cfg["focal"]["engagement_quality_exponent"] = 0.0
    cfg["blog"]["x_sessions_relevant_elasticity"] = 0.0  # visits
    # who joins on the curated (fast-growth) days: the organic mix, so growth pace says nothing of quality
    cfg["focal"]["curated_relevant_share"] = cfg["focal"]["organic_relevant_share"]
    cfg["focal"]["curated_fake_share"] = cfg["focal"]["organic_fake_share"]


def quantity_off(cfg: dict) -> None:
    """Turn every channel by which the follower count changes an outcome off (in place)."""
    cfg["effects"]["elasticity"] = 0.0  # engagement, cohort and focal
    cfg["effects"]["impressions_exponent"] = 0.0  # impressions, and the clicks drawn from them
    cfg["focal"]["reply_share_after"] = cfg["focal"]["reply_share_before"]  # replies past 10,000 followers
    cfg["blog"]["x_sessions_elasticity"] = 0.0  # visits


def scenario_overrides(name: str) -> dict:
    """The config overrides of a named scenario (its name recorded under [world])."""
    overrides = copy.deepcopy(SCENARIOS[name][0])
    overrides.setdefault("world", {})["scenario"] = name
    return overrides


def resolve(cfg: dict) -> dict:
    """Apply the world's switches to the parameters they govern (in place; returns cfg)."""
    if not cfg["world"]["quality_effect"]:
        quality_off(cfg)
    if not cfg["world"]["quantity_effect"]:
        quantity_off(cfg)
    return cfg


def planted(cfg: dict) -> dict:
    """Which effects the resolved parameters plant, per outcome (for truth.json and the world bank)."""
    e, b = cfg["effects"], cfg["blog"]
    return {"engagement": {"quantity": e["elasticity"] != 0,
                           "quality": e["relevant_effect"] != 0 or e["fake_effect"] != 0},
            # visits grow as total^a * share^b = total^(a - b) * relevant^b: with relevant followers held fixed (as
            # in H03's model) more followers bring more visits only when a > b (the default's a = b plants none)
            "visits": {"quantity": b["x_sessions_elasticity"] > b["x_sessions_relevant_elasticity"],
                       "quality": b["x_sessions_relevant_elasticity"] > 0}}
