"""The canonical data model: schemas, the atomic writer and the loader."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.data import dataset, schemas
from helpers.errors import DatasetError


def _tables() -> dict[str, pd.DataFrame]:
    """A tiny valid dataset."""
    return {
        "accounts": pd.DataFrame({"account_id": ["x:a"], "platform": ["x"], "followers_count": [10],
                                  "created_at": ["2020-01-01T00:00:00Z"], "is_focal": [True]}),
        "posts": pd.DataFrame({"post_id": ["1", "2"], "account_id": ["x:a", "x:a"], "kind": ["post", "reply"],
                               "likes": [3, None], "link_urls": [["https://a.example"], []],
                               "created_at": ["2020-01-02 10:00:00+00:00", "2020-01-03T10:00:00Z"]}),
    }


def test_every_table_is_written_with_its_columns_even_when_empty(tmp_path):
    path = dataset.write(_tables(), tmp_path / "d", pseudonymised=False)
    for table, columns in schemas.COLUMNS.items():
        df = pd.read_parquet(path / f"{table}.parquet")
        assert list(df.columns)[: len(columns)] == list(columns), table
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["row_counts"]["posts"] == 2 and manifest["row_counts"]["followers"] == 0
    assert set(manifest) >= {"inputs", "row_counts", "rows_rejected", "created_at", "pseudonymised"}


def test_unknown_counts_stay_null_not_zero(tmp_path):
    ds = dataset.load(dataset.write(_tables(), tmp_path / "d", pseudonymised=False))
    assert ds.posts["likes"].isna().sum() == 1
    assert str(ds.posts["likes"].dtype) == "Int64"
    assert str(ds.posts["created_at"].dtype) == "datetime64[ns, UTC]"
    assert ds.posts.loc[0, "link_urls"].tolist() == ["https://a.example"]


@pytest.mark.parametrize("table, column, bad", [
    ("posts", "kind", "tweet"),
    ("posts", "likes", -1),
    ("accounts", "account_id", None),
])
def test_values_outside_the_model_are_refused(tmp_path, table, column, bad):
    tables = _tables()
    tables[table] = tables[table].copy()
    tables[table].loc[0, column] = bad
    with pytest.raises(DatasetError, match=table):
        dataset.write(tables, tmp_path / "d", pseudonymised=False)


def test_duplicate_keys_are_refused(tmp_path):
    tables = _tables()
    tables["posts"] = pd.concat([tables["posts"], tables["posts"].iloc[:1]])
    with pytest.raises(DatasetError, match="posts"):
        dataset.write(tables, tmp_path / "d", pseudonymised=False)


def test_a_write_that_fails_halfway_leaves_the_previous_dataset_intact(tmp_path, monkeypatch):
    target = dataset.write(_tables(), tmp_path / "d", pseudonymised=False)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    calls = {"n": 0}
    original = pd.DataFrame.to_parquet

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    changed = _tables()
    changed["accounts"].loc[0, "followers_count"] = 99
    with pytest.raises(DatasetError, match="could not write the dataset"):
        dataset.write(changed, tmp_path / "d", pseudonymised=False)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["d"], "no temporary folder is left behind"


def test_rows_read_must_equal_rows_kept_plus_rejected(tmp_path):
    inputs = [{"path": "x.csv", "tables": {"posts": {"read": 5, "kept": 3, "rejected": 1}}}]
    with pytest.raises(DatasetError, match="lost"):
        dataset.write(_tables(), tmp_path / "d", pseudonymised=False, inputs=inputs)


def test_loader_names_a_missing_dataset_and_the_command_that_builds_it(tmp_path):
    with pytest.raises(DatasetError) as err:
        dataset.load(tmp_path / "nothing")
    assert "was not found" in str(err.value) and "python -m helpers" in str(err.value)


def test_loader_names_a_missing_table(tmp_path):
    path = dataset.write(_tables(), tmp_path / "d", pseudonymised=False)
    (path / "traffic.parquet").unlink()
    with pytest.raises(DatasetError, match="missing table.*traffic"):
        dataset.load(path)


def test_a_name_resolves_under_data_processed_and_a_path_to_itself(tmp_path):
    from helpers import paths

    assert dataset.resolve("mine") == paths.PROCESSED / "mine"
    assert dataset.resolve(tmp_path) == tmp_path.resolve()


def test_add_tables_keeps_the_canonical_tables_and_lists_the_new_one(tmp_path):
    path = dataset.write(_tables(), tmp_path / "d", pseudonymised=False)
    dataset.add_tables(path, {"scores": pd.DataFrame({"a": [1, 2]})}, note="scored")
    ds = dataset.load(path)
    assert len(ds.scores) == 2 and len(ds.posts) == 2
    assert ds.manifest["derived_tables"] == {"scores": 2} and "scored" in ds.manifest["notes"]
