"""The Bluesky collector against the local replay server (no test touches the internet)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.collect import bluesky, cohort
from helpers.collect.http import PoliteSession
from helpers.data import dataset
from helpers.replay import server as replay

OPTIONS = cohort.Options(followers_sample=50, posts=30, progress=False)
NOW = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC: the frozen wall clock of server and client where waits matter


def polite(cache, sleeps=None, cls=PoliteSession) -> PoliteSession:
    """A session with short backoffs that records waits instead of sleeping."""
    return cls(cache, base_delay=0.001, max_delay=0.01, sleep=(sleeps if sleeps is not None else []).append, seed=1)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One collection of the 20-account replay cohort, with faults injected."""
    cache = tmp_path_factory.mktemp("cache")
    with replay.serve(20, seed=7, faults=replay.DEMO_FAULTS) as server:
        sleeps = []
        session = polite(cache, sleeps)
        server.clock = session.now = lambda: NOW  # a 429's wait is then exactly its reset, however slow the machine
        result = bluesky.collect(server.bluesky_handles(), session=session, base=server.url, options=OPTIONS)
        yield server, result, session, sleeps


def by_handle(result: cohort.Cohort) -> dict[str, cohort.AccountData]:
    return {d.account["handle"]: d for d in result.collected}


def test_the_cohort_is_collected_and_unavailable_accounts_are_rejected_with_reasons(run):
    server, result, _, _ = run
    statuses = {m.person.handle: m.status for m in server.world.members}
    assert len(result.collected) == 18 and not result.failed and not result.partial
    reasons = {r["location"]: r["reason"] for r in result.rejects}
    assert reasons == {h: bluesky.REASONS["InvalidRequest" if s == "deleted" else "AccountTakedown"]
                       for h, s in statuses.items() if s in ("deleted", "suspended")}


def test_faults_were_met_and_survived(run):
    server, result, session, sleeps = run
    faults = [r.fault for r in server.log if r.fault]
    assert {"rate_limit", "server_error", "malformed"} <= set(faults)
    assert session.stats.retries == len(faults)  # each fault retried once, then answered
    # a 429 waits for the reset the headers announce (0.2 s here), not a blind backoff
    assert sum(1 for s in sleeps if s == pytest.approx(0.2, abs=1e-3)) == faults.count("rate_limit")


def test_follower_lists_are_paged_to_the_real_end(run):
    server, result, _, _ = run
    got = by_handle(result)
    for m in server.world.members:
        if m.status in ("deleted", "suspended"):
            continue
        visible = [f for f in m.followers if f not in m.unlisted]
        assert got[m.person.handle].account["followers_listed"] == len(visible), m.person.handle
    # the listing of a large account ran over several pages, some of them short
    big = max(server.world.members, key=lambda m: len(m.followers))
    assert server.count("/xrpc/app.bsky.graph.getFollowers") > len(result.collected)
    assert len(big.followers) > 2 * bluesky.PAGE


def test_sample_rows_and_weights_follow_the_design(run):
    server, result, _, _ = run
    got = by_handle(result)
    for m in server.world.members:
        if m.status in ("deleted", "suspended"):
            continue
        data = got[m.person.handle]
        listed = len([f for f in m.followers if f not in m.unlisted])
        weights = {r["sample_weight"] for r in data.followers}
        if m.status == "empty_followers":
            assert data.followers == [] and data.account["sample_design"].startswith("none: the server listed 0 of")
        elif listed > 50:
            assert len(data.followers) == 50 and len(weights) == 1 and weights.pop() == pytest.approx(listed / 50)
            assert data.account["sample_design"] == f"uniform 50 of {listed} (full list paged)"
        else:
            assert len(data.followers) == listed and weights <= {1.0}
        world_ids = {server.world.people[f].did for f in m.followers}
        assert {r["follower_id"] for r in data.followers} <= world_ids


def test_follower_profiles_come_from_getprofiles_and_followed_back_from_the_follows(run):
    server, result, _, _ = run
    people = {p.did: p for p in server.world.people}
    for data in result.collected:
        member = server.world.member_by(data.account["handle"])
        follows = {server.world.people[i].did for i in member.follows}
        for row in data.followers:
            person = people[row["follower_id"]]
            assert (row["followers_count"], row["posts_count"]) == (person.followers_count, person.posts_count)
            assert row["default_avatar"] is (not person.has_avatar)
            assert row["followed_back"] is (row["follower_id"] in follows)
        assert len(data.following) == len(member.follows)


def test_posts_have_counts_and_reposts_have_none(run):
    server, result, _, _ = run
    for data in result.collected:
        member = server.world.member_by(data.account["handle"])
        assert len(data.posts) == min(30, len(member.posts))  # a pinned post counts only in its place in time
        kinds = [r["kind"] for r in data.posts]
        assert kinds == [p.kind for p in member.posts[:30]]
        for row, post in zip(data.posts, member.posts, strict=False):
            if post.kind == "repost":
                assert row.get("likes") is None and row["post_id"].split("/")[-2] == "app.bsky.feed.repost"
            else:
                assert (row["likes"], row["reposts"], row["replies"], row["quotes"]) == \
                    (post.likes, post.reposts, post.replies, post.quotes)
            assert row["has_link"] is (post.link is not None)


def test_the_cohort_lands_as_a_valid_pseudonymised_dataset(run, tmp_path):
    server, result, session, _ = run
    path = cohort.write(result, tmp_path / "bsky", stats=session.stats.as_dict(), replay_demo=True)
    ds = dataset.load(path)
    assert len(ds.accounts) == 18 and ds.simulated and ds.manifest["pseudonymised"]
    assert ds.accounts["is_focal"].eq(False).all()
    assert ds.manifest["collection"]["accounts_requested"] == 20
    assert set(ds.manifest["collection"]["sample_designs"]) == set(ds.accounts["account_id"])
    assert ds.manifest["inputs"][0]["tables"]["accounts"] == {"read": 20, "kept": 18, "rejected": 2}
    follower_handles = {server.world.people[i].handle for m in server.world.members for i in m.followers}
    assert not follower_handles & set(ds.followers["handle"].dropna())
    assert ds.followers["follower_id"].str.startswith("p_").all()
    assert len(ds.followers) == sum(len(d.followers) for d in result.collected)
    assert ds.rejects["reason"].str.contains("suspended").sum() == 1


class Interrupting(PoliteSession):
    """A session that raises KeyboardInterrupt (as Ctrl-C would) before its n-th network request."""

    limit = 10**9

    def _send(self, *args, **kwargs):
        if self.stats.sent >= self.limit:
            raise KeyboardInterrupt
        return super()._send(*args, **kwargs)


def test_an_interrupted_run_keeps_complete_accounts_and_the_rerun_fetches_nothing_twice(tmp_path):
    cache = tmp_path / "cache"
    with replay.serve(20, seed=7, faults=replay.DEMO_FAULTS) as server:
        first = polite(cache, cls=Interrupting)
        first.limit = 45
        partial = bluesky.collect(server.bluesky_handles(), session=first, base=server.url, options=OPTIONS)
        assert partial.interrupted and 0 < len(partial.collected) < 18
        path = cohort.write(partial, tmp_path / "ds")
        manifest = dataset.load(path).manifest
        assert manifest["notes"][0].startswith(f"partial: {len(partial.done)} of 20 accounts (interrupted)")
        assert manifest["collection"]["partial"] is True

        run1 = list(server.log)
        answered = {(r.path, r.query) for r in run1 if r.fault is None and r.status in (200, 400)}
        second = polite(cache)
        full = bluesky.collect(server.bluesky_handles(), session=second, base=server.url, options=OPTIONS)
        run2 = server.log[len(run1):]
        assert not full.partial and len(full.collected) == 18
        assert not answered & {(r.path, r.query) for r in run2}  # nothing fetched twice
        assert second.stats.from_cache > 0 and second.stats.sent == len(run2)

        fresh = bluesky.collect(server.bluesky_handles(), session=polite(tmp_path / "fresh"), base=server.url,
                                options=OPTIONS)
    resumed, oneshot = cohort.tables(full), cohort.tables(fresh)
    for table in ("accounts", "followers", "following", "posts"):
        cols = [c for c in resumed[table].columns if c != "observed_at"]
        pd.testing.assert_frame_equal(resumed[table][cols], oneshot[table][cols], obj=table)


def test_search_finds_the_cohort_through_searchactors(tmp_path):
    with replay.serve(20, seed=7) as server:
        appview = bluesky.AppView(polite(tmp_path), server.url)
        found = bluesky.search(appview, "python", 5)
        topics = [server.world.member_by(h).person.bio for h in found]
    assert found and len(found) <= 5 and all("python" in t for t in topics)


def test_the_base_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(bluesky.ENV_BASE_URL, "http://127.0.0.1:9/")
    assert bluesky.base_url() == "http://127.0.0.1:9"
    assert bluesky.base_url("http://127.0.0.1:8") == "http://127.0.0.1:8"
    monkeypatch.delenv(bluesky.ENV_BASE_URL)
    assert bluesky.base_url() == bluesky.DEFAULT_BASE_URL


def _keys_unique(ds: dataset.Dataset) -> None:
    """No row twice in the keyed tables."""
    assert not ds.followers.duplicated(["account_id", "follower_id"]).any()
    assert not ds.following.duplicated(["account_id", "followed_id"]).any()
    assert not ds.posts.duplicated(["post_id"]).any()


def test_a_repeated_cursor_ends_paging_without_duplicates_and_the_dataset_is_written(tmp_path):
    options = cohort.Options(followers_sample=200, posts=30, progress=False)
    with replay.serve(20, seed=7, faults=replay.Faults(repeat_cursor_after=1)) as server:
        result = bluesky.collect(server.bluesky_handles(), session=polite(tmp_path / "cache"), base=server.url,
                                 options=options)
        again = [r for r in server.log if "cursor=" in r.query]
    assert len(result.collected) == 18 and not result.failed
    # each list asked once with the cursor that came back, and no more
    assert len(again) == len({(r.path, r.query) for r in again})
    for data in result.collected:
        ids = [r["follower_id"] for r in data.followers]
        assert len(ids) == len(set(ids)), data.account["handle"]
    big = [d for d in result.collected if d.account["followers_listed"]  # not the account hiding its followers
           and d.account["followers_count"] > bluesky.PAGE]  # more than one page
    assert big and all(d.account["followers_listed"] <= bluesky.PAGE for d in big)
    assert all("list could not be paged completely: the server repeated its pagination cursor" in
               d.account["sample_design"] for d in big)
    note = next(n for n in result.notes if n.startswith("paging stopped early"))
    assert "because the server repeated its pagination cursor" in note
    assert all(f"followers of {d.account['account_id']}" in note for d in big)
    ds = dataset.load(cohort.write(result, tmp_path / "ds"))
    assert len(ds.accounts) == 18 and note in ds.manifest["notes"]
    _keys_unique(ds)


def test_truncated_bodies_are_retried_through_a_whole_collection(tmp_path):
    with replay.serve(20, seed=7, faults=replay.Faults(truncated_every=6)) as server:
        session = polite(tmp_path / "cache")
        result = bluesky.collect(server.bluesky_handles(), session=session, base=server.url, options=OPTIONS)
        cut = sum(1 for r in server.log if r.fault == "truncated")
    assert cut > 3 and session.stats.retries == cut
    assert len(result.collected) == 18 and not result.failed and not result.partial


def test_a_long_retry_after_saves_the_complete_accounts_and_says_when_to_resume(tmp_path):
    faults = replay.Faults(rate_limit_every=40, retry_after_s=3600)  # the first 429 comes mid-cohort
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        session = polite(tmp_path / "cache", sleeps)
        session.now = lambda: NOW
        result = bluesky.collect(server.bluesky_handles(), session=session, base=server.url, options=OPTIONS)
        first_429 = next(i for i, r in enumerate(server.log) if r.status == 429)
        assert first_429 == len(server.log) - 1  # nothing asked after the server said to wait
    assert not any(s > 1 for s in sleeps)  # short backoffs only: the hour is not slept through
    assert result.paused == "the server asks to wait until 16:07 UTC (3600 s)"
    assert result.partial and not result.interrupted and 0 < len(result.collected) < 18
    ds = dataset.load(cohort.write(result, tmp_path / "ds"))
    assert ds.manifest["notes"][0] == (f"partial: {len(result.done)} of 20 accounts (the server asks to wait until "
                                       "16:07 UTC (3600 s)); run the same collection again after that to "
                                       "complete it from the request cache")
