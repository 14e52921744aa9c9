"""Where datasets are written: only new folders, empty ones or datasets this tool wrote; locked and crash-safe."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli
from helpers.data import dataset
from helpers.data import folder as dataset_folder
from helpers.errors import DatasetError

FIXTURE = Path(__file__).parent / "fixtures" / "mastodon_follows" / "following_accounts.csv"


def _tables(followers: int = 10) -> dict[str, pd.DataFrame]:
    """A tiny valid dataset."""
    return {"accounts": pd.DataFrame({"account_id": ["x:a"], "platform": ["x"], "followers_count": [followers]})}


def _snapshot(root: Path) -> dict[str, object]:
    """Every entry below root: a file's bytes, a link's target, or 'dir'."""
    out: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            out[key] = "dir"
        else:
            out[key] = path.read_bytes()
    return out


def _ingest(*args: str, cwd: Path, root: Path) -> subprocess.CompletedProcess:
    """Run `python -m helpers ingest` with the project's data folder moved under root."""
    env = {**os.environ, "QVQ_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "helpers", "ingest", str(FIXTURE), *args],
                          capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture()
def world(tmp_path: Path) -> dict[str, Path]:
    """A user's folders: a home with notes and a thesis, a working folder inside it, a project root."""
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "thesis.txt").write_text("three years of work")
    (home / "work").mkdir()
    (home / "work" / "draft.md").write_text("draft")
    (home / "report.pdf").write_bytes(b"%PDF-1.4")
    (home / "link").symlink_to(home / "notes", target_is_directory=True)
    unmarked = dataset.write(_tables(), home / "unmarked", pseudonymised=False)
    manifest = json.loads((unmarked / "manifest.json").read_text())
    del manifest["format"]
    (unmarked / "manifest.json").write_text(json.dumps(manifest))
    ours = dataset.write(_tables(), home / "ours", pseudonymised=False)
    (ours / "my_notes.txt").write_text("added by the user")
    return {"home": home, "cwd": home / "work", "root": tmp_path / "project"}


@pytest.mark.parametrize("flag, value", [
    ("--dataset", "{home}/notes"),       # a folder with files, by absolute path
    ("--dataset", "."),                  # the current folder
    ("--dataset", ""),                   # the empty string: once the whole current folder
    ("--dataset", ".."),                 # the folder above
    ("--dataset", "../report.pdf"),      # a file
    ("--dataset", "../link"),            # a symlink to a folder
    ("--dataset", "{home}/unmarked"),    # a dataset whose marker was removed
    ("--dataset", "{home}/ours"),        # a dataset of ours that the user added a file to
    ("--out", "../notes"),               # --out relative to the current folder is a path
    ("--out", "draft.md"),               # --out naming a file
])
def test_folders_the_tool_did_not_write_are_refused_and_every_byte_kept(world, flag, value):
    before = _snapshot(world["home"])
    args = [flag, value.format(home=world["home"])]
    if flag == "--out":
        args = ["--dataset", "mine", *args]
    out = _ingest(*args, cwd=world["cwd"], root=world["root"])
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2, out.stderr + out.stdout
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert "choose a new folder" in lines[0] or "real path" in lines[0], lines[0]
    assert _snapshot(world["home"]) == before, "nothing outside the tool's own datasets may change"
    assert "dataset written" not in out.stdout


def test_a_name_means_a_folder_under_data_processed_even_when_the_current_folder_has_one(world):
    (world["cwd"] / "notes").mkdir()
    (world["cwd"] / "notes" / "keep.txt").write_text("keep")
    before = _snapshot(world["home"])
    out = _ingest("--dataset", "notes", cwd=world["cwd"], root=world["root"])
    assert out.returncode == 0, out.stderr
    assert _snapshot(world["home"]) == before
    assert dataset_folder.is_ours(world["root"] / "data" / "processed" / "notes")


@pytest.mark.parametrize("given, expected", [
    ("mine", "processed/mine"), ("my-data_2", "processed/my-data_2"), ("a" * 64, "processed/" + "a" * 64),
    ("a" * 65, None), ("my data", None), ("./mine", None), ("mine/", None), ("", None), (".", None),
])
def test_names_match_a_pattern_and_everything_else_is_a_path(given, expected):
    path = dataset.resolve(given)
    if expected:
        assert str(path).endswith(expected) and path.parent == dataset.paths.PROCESSED
    else:
        assert path == (Path.cwd() / given).absolute() or path.parent != dataset.paths.PROCESSED


def test_an_empty_folder_and_a_dataset_of_ours_are_replaced(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    dataset.write(_tables(1), empty, pseudonymised=False)
    assert dataset.load(empty).accounts["followers_count"].tolist() == [1]
    dataset.write(_tables(2), empty, pseudonymised=False)
    assert dataset.load(empty).accounts["followers_count"].tolist() == [2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"], "no leftovers beside the dataset"


def test_the_users_own_interests_file_in_a_dataset_is_kept_when_the_tool_replaces_it(tmp_path):
    target = dataset.write(_tables(1), tmp_path / "d", pseudonymised=False)
    (target / "interests.toml").write_text('topics = ["SEO"]\n')
    dataset.add_tables(target, {"follower_quality": pd.DataFrame({"x": [1]})})
    dataset.write(_tables(2), target, pseudonymised=False)
    assert (target / "interests.toml").read_text() == 'topics = ["SEO"]\n'


def test_scores_added_to_a_dataset_are_listed_so_the_folder_stays_ours(tmp_path):
    target = dataset.write(_tables(), tmp_path / "d", pseudonymised=False)
    dataset.add_tables(target, {"follower_quality": pd.DataFrame({"x": [1]})})
    assert dataset_folder.refusal(target) is None
    dataset.write(_tables(3), target, pseudonymised=False)
    assert dataset.load(target).accounts["followers_count"].tolist() == [3]


CRASH = textwrap.dedent("""
    import os, shutil, sys
    import pandas as pd
    from helpers.data import dataset, folder as dataset_folder
    target, where = sys.argv[1], sys.argv[2]
    tables = {"accounts": pd.DataFrame({"account_id": ["x:a"], "platform": ["x"], "followers_count": [2]})}
    if where == "between-renames":
        real, calls = os.replace, []
        def replace(a, b):
            calls.append(a)
            if len(calls) == 2:
                os._exit(9)
            real(a, b)
        os.replace = replace
    elif where == "after-exchange":
        shutil.rmtree = lambda *a, **k: os._exit(9)
    elif where == "before-swap":
        dataset_folder.swap_into_place = lambda *a, **k: os._exit(9)
    dataset.write(tables, target, pseudonymised=False)
""")


@pytest.mark.parametrize("where, exchange, visible", [
    ("between-renames", "0", 1),   # the two-rename fallback, killed between the renames: the old comes back
    ("after-exchange", "1", 2),    # the atomic exchange done, killed before the old copy was removed
    ("before-swap", "1", 1),       # killed with the new folder complete but not yet swapped in
])
def test_a_crash_at_any_point_leaves_a_dataset_under_its_name_and_the_next_run_cleans_up(
        tmp_path, where, exchange, visible):
    target = dataset.write(_tables(1), tmp_path / "d", pseudonymised=False)
    env = {**os.environ, "QVQ_NO_RENAME_EXCHANGE": "1" if exchange == "0" else "0"}
    out = subprocess.run([sys.executable, "-c", CRASH, str(target), where], capture_output=True, text=True, env=env)
    assert out.returncode == 9, out.stderr  # it really died at that point
    assert any(p.name != "d" for p in tmp_path.iterdir()), "the crash left its temporary folders"
    assert dataset.load(target).accounts["followers_count"].tolist() == [visible]
    dataset.write(_tables(5), target, pseudonymised=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"], "leftovers were reclaimed"
    assert dataset.load(target).accounts["followers_count"].tolist() == [5]


HOLD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from helpers.data import folder as dataset_folder
    with dataset_folder.claim(Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.read()
""")


def test_a_second_writer_stops_with_a_plain_sentence_while_the_first_holds_the_dataset(tmp_path):
    target = dataset.write(_tables(1), tmp_path / "d", pseudonymised=False)
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(target)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "held"  # waits on the event, not on time
        with pytest.raises(DatasetError, match="being written by another run"):
            dataset.write(_tables(2), target, pseudonymised=False)
    finally:
        first.communicate("")
    assert dataset.load(target).accounts["followers_count"].tolist() == [1]
    dataset.write(_tables(3), target, pseudonymised=False)  # free again once the first is done
    assert dataset.load(target).accounts["followers_count"].tolist() == [3]


def test_a_second_ingest_into_a_dataset_being_written_stops_at_once_with_one_line(tmp_path):
    target = dataset.write(_tables(1), tmp_path / "d", pseudonymised=False)
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(target)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "held"
        out = _ingest("--out", str(target), "--dataset", "d", cwd=tmp_path, root=tmp_path / "project")
    finally:
        first.communicate("")
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1 and "being written by another run" in lines[0], out.stderr
    assert "dataset written" not in out.stdout
    assert dataset.load(target).accounts["followers_count"].tolist() == [1]


def test_a_full_disk_is_one_plain_line_and_the_old_dataset_stays(tmp_path, monkeypatch, capsys):
    target = dataset.write(_tables(1), tmp_path / "d", pseudonymised=False)
    before = _snapshot(tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    monkeypatch.setenv("QVQ_ROOT", str(tmp_path / "project"))
    assert cli.main(["sample", "--out", str(target)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "disk is full" in err[0] and str(target) in err[0]
    assert _snapshot(tmp_path) == before


def test_a_doubled_column_is_one_line_naming_table_column_and_file(tmp_path):
    frame = pd.DataFrame([["1", "x:a", "2"]], columns=["post_id", "account_id", "post_id"])
    inputs = [{"path": "export.csv", "tables": {"posts": {"read": 1, "kept": 1, "rejected": 0}}}]
    with pytest.raises(DatasetError) as err:
        dataset.write({"posts": frame}, tmp_path / "d", pseudonymised=False, inputs=inputs)
    message = str(err.value)
    assert "\n" not in message and "posts" in message and "post_id" in message and "export.csv" in message
    assert not (tmp_path / "d").exists()


def test_duplicate_keys_are_one_line_naming_table_column_and_file(tmp_path):
    frame = pd.DataFrame({"post_id": ["1", "1"], "account_id": ["x:a", "x:a"]})
    inputs = [{"path": "export.csv", "tables": {"posts": {"read": 2, "kept": 2, "rejected": 0}}}]
    with pytest.raises(DatasetError) as err:
        dataset.write({"posts": frame}, tmp_path / "d", pseudonymised=False, inputs=inputs)
    message = str(err.value)
    assert "\n" not in message and "table posts" in message and "post_id" in message
    assert "repeats a key" in message and "export.csv" in message
