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
