"""snscrape: the modules it still serves land in the canonical tables; X fails with one plain sentence."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("snscrape", reason='snscrape is an optional extra, not installed (pip install ".[snscrape]")')

import snscrape.base  # noqa: E402 - after the skip: snscrape is optional
import snscrape.modules.mastodon as sm  # noqa: E402
import snscrape.modules.reddit as sr  # noqa: E402
import snscrape.modules.telegram as st  # noqa: E402
import snscrape.modules.twitter as stw  # noqa: E402

from helpers import cli  # noqa: E402
from helpers.collect import cohort  # noqa: E402
from helpers.collect import snscrape as snscrape_module  # noqa: E402
from helpers.data import dataset  # noqa: E402
from helpers.replay import server as replay  # noqa: E402

WHEN = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)


def _fail(*args, **kwargs):
    raise snscrape.base.ScraperException("4 requests to https://twitter.com/i/api/graphql failed, giving up.")


def test_x_fails_with_one_plain_sentence_and_exit_2(monkeypatch, capsys, tmp_path):
    calls = []
    monkeypatch.setattr(stw.TwitterUserScraper, "get_items", lambda self: calls.append(1) or _fail())
    code = cli.main(["collect", "snscrape", "twitter-user", "jack", "--dataset", str(tmp_path / "x"), "--quiet",
                     "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 2 and calls == [1]  # it was attempted, and its failure caught
    assert err == f"error: {snscrape_module.X_SENTENCE}\n"
    assert "Traceback" not in out + err and "python -m helpers ingest" in err and "mid-2023" in err
    assert not (tmp_path / "x").exists()


def test_any_twitter_module_gives_the_same_sentence(monkeypatch):
    monkeypatch.setattr(stw.TwitterSearchScraper, "get_items", lambda self: _fail())
    with pytest.raises(snscrape_module.ScrapeFailed) as exc:
        snscrape_module.collect("twitter-search", ["from:jack"], progress=False, cache_dir=None)
    assert str(exc.value) == snscrape_module.X_SENTENCE
    with pytest.raises(snscrape_module.ScrapeFailed, match="^snscrape's X/Twitter module has not worked"):
        snscrape_module.collect("twitter-nonexistent-module", ["x"], progress=False, cache_dir=None)


def test_another_module_failing_says_what_failed(monkeypatch, capsys, tmp_path):
    def pushshift_down(self):
        raise snscrape.base.ScraperException("4 requests to https://api.pushshift.io/reddit/search/submission "
                                             "failed, giving up.")
        yield  # pragma: no cover - a generator, like the real get_items

    monkeypatch.setattr(sr.RedditUserScraper, "get_items", pushshift_down)
    code = cli.main(["collect", "snscrape", "reddit-user", "spez", "--dataset", str(tmp_path / "r"), "--quiet",
                     "--cache-dir", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("error: snscrape's reddit-user module failed for spez: 4 requests to https://api.pushshift")
    assert "Pushshift, which closed public access in 2023" in err


def _toots(self):
    user = sm.User(account="@ada@fedi.example", displayName="Ada")
    yield sm.Toot(url="https://fedi.example/@ada/1", id="1", user=user, date=WHEN, text="new post",
                  links=["https://ada.blog.example/p/1"])
    other = sm.User(account="@bob@else.example")
    boosted = sm.Toot(url="https://else.example/@bob/9", id="9", user=other, date=WHEN, text="bob's post")
    yield sm.Boost(user=user, toot=boosted)


def test_mastodon_items_land_as_posts_with_null_counts(monkeypatch, tmp_path):
    monkeypatch.setattr(sm.MastodonProfileScraper, "get_items", _toots)
    result = snscrape_module.collect("mastodon-profile", ["@ada@fedi.example"], progress=False, cache_dir=tmp_path)
    tables = cohort.tables(result)
    posts = tables["posts"].set_index("post_id")
    assert list(tables["accounts"]["account_id"]) == ["ada@fedi.example"]
    assert list(posts["kind"]) == ["post", "repost"]
    assert posts.loc["https://fedi.example/@ada/1", "link_urls"] == ["https://ada.blog.example/p/1"]
    assert posts["likes"].isna().all() and posts["account_id"].eq("ada@fedi.example").all()
    assert tables["followers"].empty
    path = cohort.write(result, tmp_path / "ds")
    assert dataset.load(path).manifest["row_counts"]["posts"] == 2


def test_telegram_channel_gives_its_subscribers_as_followers_count(monkeypatch, tmp_path):
    def posts(self):
        yield st.TelegramPost(url="https://t.me/s/news/5", date=WHEN, content="read this",
                              outlinks=["https://site.example/a"],
                              linkPreview=st.LinkPreview(href="https://site.example/a"))

    channel = st.Channel(username="news", title="News", verified=True, photo="p.jpg", description="daily",
                         members=12345)
    monkeypatch.setattr(st.TelegramChannelScraper, "get_items", posts)
    monkeypatch.setattr(st.TelegramChannelScraper, "_get_entity", lambda self: channel)
    result = snscrape_module.collect("telegram-channel", ["news"], progress=False, cache_dir=tmp_path)
    account = cohort.tables(result)["accounts"].iloc[0]
    assert (account["account_id"], account["followers_count"], account["display_name"]) == ("news", 12345, "News")
    assert cohort.tables(result)["posts"]["link_urls"].iloc[0] == ["https://site.example/a"]


def test_a_rerun_reuses_finished_targets_without_scraping_again(monkeypatch, tmp_path):
    calls = []

    def counted(self):
        calls.append(1)
        yield from _toots(self)

    monkeypatch.setattr(sm.MastodonProfileScraper, "get_items", counted)
    first = snscrape_module.collect("mastodon-profile", ["@ada@fedi.example"], progress=False, cache_dir=tmp_path)
    again = snscrape_module.collect("mastodon-profile", ["@ada@fedi.example"], progress=False, cache_dir=tmp_path)
    assert calls == [1]
    assert cohort.tables(first)["posts"].equals(cohort.tables(again)["posts"])


def test_old_style_profile_pages_from_the_replay_server(monkeypatch, tmp_path):
    # snscrape waits 3 s between requests to be polite to real servers; the local replay needs no wait
    monkeypatch.setattr(sm._MastodonCommonScraper, "_rate_limited_get", lambda self, *a, **k: self._get(*a, **k))
    with replay.serve(6, seed=3) as server:
        urls = server.mastodon_profile_urls()[:2]
        result = snscrape_module.collect("mastodon-profile", urls, max_items=25, progress=False, cache_dir=tmp_path)
        members = [server.world.member_by(u.rsplit("@", 1)[1]) for u in urls]
    posts = cohort.tables(result)["posts"]
    for m in members:
        expected = [p for p in m.posts if p.kind != "repost"][:25]
        mine = posts[posts["account_id"] == m.person.acct]
        assert len(mine) == len(expected)
        assert list(mine["has_link"]) == [p.link is not None for p in expected]


def test_non_account_modules_are_refused_plainly():
    with pytest.raises(snscrape_module.ScrapeFailed, match="not an account module"):
        snscrape_module.collect("reddit-search", ["python"], progress=False, cache_dir=None)
