"""snscrape is an optional extra: without it, the collector says in one sentence how to install it."""

from __future__ import annotations

import sys

import pytest

from helpers import cli
from helpers.collect import snscrape as snscrape_module


@pytest.fixture
def no_snscrape(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import snscrape` fail as it does where the extra is not installed."""
    for name in [n for n in sys.modules if n == "snscrape" or n.startswith("snscrape.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "snscrape", None)


@pytest.mark.parametrize("module", ["mastodon-profile", "twitter-user"])
def test_a_missing_snscrape_is_one_sentence_naming_the_extra(no_snscrape: None, module: str) -> None:
    with pytest.raises(snscrape_module.SnscrapeMissing) as caught:
        snscrape_module.collect(module, ["@ada@fedi.example"], progress=False, cache_dir=None)
    message = str(caught.value)
    assert message == snscrape_module.MISSING_SENTENCE
    assert message.startswith("snscrape is not installed; install it with `pip install \".[snscrape]\"`")
    assert "2023" in message and "X archive" in message


def test_the_cli_exits_2_with_one_line(no_snscrape: None, tmp_path, capsys) -> None:
    code = cli.main(["collect", "snscrape", "mastodon-profile", "@ada@fedi.example", "--dataset",
                     str(tmp_path / "ds"), "--quiet", "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 2 and err == f"error: {snscrape_module.MISSING_SENTENCE}\n" and "Traceback" not in out + err
    assert not (tmp_path / "ds").exists()


def test_snscrape_is_an_optional_extra_of_the_package() -> None:
    import tomllib

    from helpers import paths

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("snscrape")]
    assert project["optional-dependencies"]["snscrape"] == ["snscrape"]
