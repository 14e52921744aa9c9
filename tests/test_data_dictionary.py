"""data/README.md documents every canonical table and column."""

from __future__ import annotations

import re

from helpers import paths
from helpers.data import schemas


def test_every_canonical_column_is_in_the_data_dictionary():
    text = (paths.DATA / "README.md").read_text()
    for table, columns in schemas.COLUMNS.items():
        section = re.search(rf"^## {table} .*?(?=^## |\Z)", text, re.M | re.S)
        assert section, f"no section for {table}"
        for column in columns:
            assert re.search(rf"(^|[|,]\s*){column}\b", section.group(0), re.M), f"{table}.{column}"


def test_every_score_column_is_in_the_data_dictionary(tmp_path):
    from helpers.quality.score import score_dataset
    from helpers.simulate import build_sample, load_config

    text = (paths.DATA / "README.md").read_text()
    ds = build_sample(load_config(overrides={"cohort": {"accounts": 30, "followers_sampled": 20}}), tmp_path / "s")
    result = score_dataset(ds, write=False)
    for table, frame in [("follower_quality", result.follower_quality), ("account_quality", result.account_quality)]:
        section = re.search(rf"^### {table}\n.*?(?=^##|\Z)", text, re.M | re.S)
        assert section, f"no section for {table}"
        documented = {c.strip().replace("\\", "") for row in re.findall(r"^\| ([^|]+) \|", section.group(0), re.M)
                      for c in row.split(",")}
        patterns = [re.compile(re.escape(d).replace(r"\*", r"[a-z_]+") + "$") for d in documented]
        missing = [c for c in frame.columns if not any(p.match(c) for p in patterns)]
        assert not missing, f"{table} columns not in data/README.md: {missing}"
