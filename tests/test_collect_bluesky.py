"""The Bluesky collector against the local replay server (no test touches the internet)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dataset
from helpers.collect import bluesky, cohort, replay
from helpers.collect.http import PoliteSession

OPTIONS = cohort.Options(followers_sample=50, posts=30, progress=False)


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
    assert any(0.05 < s <= 0.2 for s in sleeps)


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
        for row, post in zip(data.posts, member.posts):
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
