"""Fit the simulator's follower profiles to the labelled account sets in ../shared/realdata-train/.

    .venv/bin/python benchmarks/fit_world_profiles.py [--out src/helpers/simulate/fitted_profiles.json]

For fake followers (Cresci 2015's bought FSF, INT and TWT; the vendor-purchased-2019 fakes) and humans (Cresci
2015's E13 and TFP; the TwiBot annotation study's accounts the experts called human), fits a Gaussian copula of
log counts (followers, followings, posts, likes, lists) and log account age at observation, and the rates of a
default avatar, an empty bio, an empty location and of each number of trailing digits in the handle. No set
labels inactive accounts, so they are drawn as humans (their silence is set in data/sample/config.toml).
Writes only fitted parameters (quantiles, a correlation matrix, rates) and the sha256 of each file read; never
rows. tests/test_world_profiles.py checks that the file is what this script writes from the sets.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.quality import labelled_sets
from helpers.simulate import copula
from helpers.simulate.profiles import FITTED_PROFILES

# Which groups of which labelled set make up each class of follower.
CLASSES = {
    "fake": {"cresci-2015": ["FSF", "INT", "TWT"], "botrepo-2019": ["vendor-purchased-2019"]},
    "human": {"cresci-2015": ["E13", "TFP"], "twibot-anno": ["twibot-20", "twibot-22"]},
}
LABEL = {"fake": 1, "human": 0}
COUNTS = {"log_followers": "followers_count", "log_following": "following_count", "log_posts": "posts_count",
          "log_likes": "likes_count", "log_listed": "listed_count"}
MAX_DIGITS = 8  # handles ending in 8 or more digits are counted together


def variables(profiles: pd.DataFrame) -> pd.DataFrame:
    """log(1 + count) of each count the set has, and log(1 + age in days) at observation."""
    out = pd.DataFrame({name: np.log1p(pd.to_numeric(profiles[col], errors="coerce")) if col in profiles
                        else np.nan for name, col in COUNTS.items()}, index=profiles.index)
    age = (pd.to_datetime(profiles["observed_at"], utc=True) - pd.to_datetime(profiles["created_at"], utc=True))
    out["log_age_days"] = np.log1p(age.dt.total_seconds().clip(lower=0) / 86400)
    return out


def rates(profiles: pd.DataFrame) -> dict:
    """Default-avatar, empty-bio and empty-location rates, and the distribution of trailing digits in handles."""
    digits = profiles["handle"].astype(str).str.extract(r"(\d*)$")[0].str.len().clip(upper=MAX_DIGITS)
    counts = np.bincount(digits.to_numpy(int), minlength=MAX_DIGITS + 1)
    return {"default_avatar": round(float(profiles["default_avatar"].astype(float).mean()), 4),
            "empty_bio": round(float((profiles["bio"].fillna("").astype(str).str.strip() == "").mean()), 4),
            "empty_location": round(float((profiles["location"].fillna("").astype(str).str.strip() == "").mean()), 4),
            "handle_digits": np.round(counts / counts.sum(), 4).tolist()}


def class_profiles(sets: dict[str, labelled_sets.LabelledSet], name: str) -> pd.DataFrame:
    """The profiles of one class, from the groups CLASSES names."""
    parts = []
    for set_name, groups in CLASSES[name].items():
        p = sets[set_name].profiles
        parts.append(p[p["group"].isin(groups) & (p["label"] == LABEL[name])])
    return pd.concat(parts, ignore_index=True)


def fit_all(sets: dict[str, labelled_sets.LabelledSet]) -> dict:
    """The fitted parameters of every class, with what they were fitted on."""
    classes = {}
    for name in CLASSES:
        profiles = class_profiles(sets, name)
        classes[name] = {"accounts": int(len(profiles)), "groups": CLASSES[name],
                         "copula": copula.fit(variables(profiles)), "rates": rates(profiles)}
    sources = sorted({s["sha256"] for n in sorted({k for c in CLASSES.values() for k in c})
                      for s in sets[n].sources})
    return {"fitted_by": "benchmarks/fit_world_profiles.py", "labelled_files_sha256": sources, "classes": classes}


def load() -> dict[str, labelled_sets.LabelledSet]:
    """The labelled sets the classes are drawn from."""
    names = sorted({k for c in CLASSES.values() for k in c})
    return {s.name: s for s in labelled_sets.load_sets(names)}


def main() -> None:
    """Fit and write the parameters."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(FITTED_PROFILES), help="where to write the fitted parameters")
    args = parser.parse_args()
    params = fit_all(load())
    Path(args.out).write_text(json.dumps(params, indent=1, sort_keys=True) + "\n")
    for name, c in params["classes"].items():
        print(f"{name}: {c['accounts']} accounts, rates {c['rates']}")


if __name__ == "__main__":
    main()
