"""The Mastodon collector (Mastodon.py over the polite session) against the local replay server."""

from __future__ import annotations

import pytest

from helpers.collect import cohort, mastodon
from helpers.collect.http import PoliteSession
from helpers.data import dataset
from helpers.replay import server as replay
from helpers.replay.data import LOCAL_DOMAIN

OPTIONS = cohort.Options(followers_sample=50, posts=30, progress=False)
TOKEN = "SECRET-TOKEN-123"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One collection of the 20-account cohort through the replay server, with faults and a token."""
    cache = tmp_path_factory.mktemp("cache")
    with replay.serve(20, seed=7, faults=replay.DEMO_FAULTS) as server:
        session = PoliteSession(cache, base_delay=0.001, max_delay=0.01, sleep=lambda s: None, seed=1)
        result = mastodon.collect(server.mastodon_accts(), session=session, base=server.url, token=TOKEN,
                                  options=OPTIONS)
        yield server, result, session, cache


def got(result: cohort.Cohort) -> dict[str, cohort.AccountData]:
    return {d.account["account_id"]: d for d in result.collected}


def test_lookup_rejects_deleted_and_suspended_accounts(run):
    server, result, _, _ = run
    assert len(result.collected) == 18 and not result.failed
    reasons = {r["location"]: r["reason"] for r in result.rejects}
    deleted = [m.person.acct for m in server.world.members if m.status == "deleted"]
    suspended = [m.person.acct for m in server.world.members if m.status == "suspended"]
    assert set(reasons) == set(deleted + suspended)
    assert all(reasons[a].startswith("account not found") for a in deleted)
    assert all(reasons[a].startswith("account suspended") for a in suspended)


def test_followers_are_paged_through_link_headers_to_the_real_end(run):
    server, result, _, _ = run
    for m in server.world.members:
        if m.status in ("deleted", "suspended", "empty_followers"):
            continue
        known = m.followers if m.person.domain == LOCAL_DOMAIN else \
            [f for f in m.followers if server.world.people[f].domain == LOCAL_DOMAIN]
        listed = [f for f in known if f not in m.unlisted]
        assert got(result)[m.person.acct].account["followers_listed"] == len(listed), m.person.acct
    # pages of 80 were asked for; large accounts needed several, some of them short (filtered) ones
    pages = [r for r in server.log if r.path.endswith("/followers") and r.fault is None]
    assert any("max_id" in r.query for r in pages)
    assert max(len(m.followers) for m in server.world.members) > 2 * mastodon.PAGE_ACCOUNTS


def test_a_remote_account_records_the_server_and_a_partial_list(run):
    server, result, _, _ = run
    host = server.url.split("//")[1]
    remote = [m for m in server.world.members if m.status == "remote"]
    assert remote
    for m in remote:
        account = got(result)[m.person.acct].account
        assert account["followers_partial"] is True and account["answered_by"] == host
        assert f"known to {host}" in account["sample_design"]
        assert "not a probability sample" in account["sample_design"]
        weights = {r["sample_weight"] for r in got(result)[m.person.acct].followers}
        assert weights == {m.person.followers_count / account["followers_sampled"]}
    locals_ = [d for d in result.collected if not d.account["followers_partial"]]
    assert all(d.account["answered_by"] == host for d in locals_)
    assert any("answered by a server other than their home server" in n for n in result.notes)


def test_a_hidden_follower_list_gives_no_rows_and_says_why(run):
    server, result, _, _ = run
    hidden = next(m for m in server.world.members if m.status == "empty_followers")
    data = got(result)[hidden.person.acct]
    assert data.followers == []
    assert data.account["sample_design"] == (f"none: the server listed 0 of {len(hidden.followers)} followers "
                                             "(the account hides its followers)")


def test_uniform_weights_for_local_accounts(run):
    server, result, _, _ = run
    for d in result.collected:
        if d.account["followers_partial"] or not d.followers:
            continue
        listed, sampled = d.account["followers_listed"], d.account["followers_sampled"]
        assert sampled == min(50, listed)
        assert {r["sample_weight"] for r in d.followers} == {listed / sampled}


def test_statuses_keep_their_counts_and_boosts_have_none(run):
    server, result, _, _ = run
    for d in result.collected:
        member = server.world.member_by(d.account["account_id"])
        assert [r["kind"] for r in d.posts] == [p.kind for p in member.posts[:30]]
        for row, post in zip(d.posts, member.posts, strict=False):
            if post.kind == "repost":
                assert row.get("likes") is None and row["post_id"].endswith("/activity")
            else:
                assert (row["likes"], row["reposts"], row["replies"]) == (post.likes, post.reposts, post.replies)
            assert row["link_urls"] == ([post.link] if post.link else [])


def test_the_token_is_sent_but_never_written(run, tmp_path):
    server, result, session, cache = run
    assert all(r.authorized for r in server.log)
    path = cohort.write(result, tmp_path / "masto", stats=session.stats.as_dict())
    written = [p for folder in (cache, path) for p in folder.rglob("*") if p.is_file()]
    assert written and not any(TOKEN.encode() in p.read_bytes() for p in written)
    ds = dataset.load(path)
    assert len(ds.accounts) == 18 and set(ds.accounts["answered_by"]) == {server.url.split("//")[1]}
    assert ds.followers["follower_id"].str.startswith("p_").all()


def test_addresses_must_name_their_instance():
    with pytest.raises(ValueError, match="user@instance"):
        mastodon.split_acct("alice")
    assert mastodon.server_for("@alice@Social.Example") == "https://social.example"


def _known(server: replay.Replay, acct: str) -> list[int]:
    """The followers the replay server knows of a member: all for a local account, its own users' otherwise."""
    m = server.world.member_by(acct)
    if m.person.domain == LOCAL_DOMAIN:
        return m.followers
    return [f for f in m.followers if server.world.people[f].domain == LOCAL_DOMAIN]


def test_a_repeated_next_link_ends_paging_without_duplicates_and_the_dataset_is_written(tmp_path):
    options = cohort.Options(followers_sample=200, posts=30, progress=False)
    with replay.serve(20, seed=7, faults=replay.Faults(repeat_cursor_after=1)) as server:
        session = PoliteSession(tmp_path / "cache", base_delay=0.001, max_delay=0.01, sleep=lambda s: None, seed=1)
        result = mastodon.collect(server.mastodon_accts(), session=session, base=server.url, options=options)
        again = [r for r in server.log if "max_id=" in r.query]
    assert len(result.collected) == 18 and not result.failed
    assert len(again) == len({(r.path, r.query) for r in again})  # each repeated link followed once only
    big = [d for d in result.collected if d.account["followers_listed"]  # not the account hiding its followers
           and len(_known(server, d.account["account_id"])) > mastodon.PAGE_ACCOUNTS]
    assert big and all(d.account["followers_listed"] <= mastodon.PAGE_ACCOUNTS for d in big)
    assert all("the server repeated its pagination cursor" in d.account["sample_design"] for d in big)
    for d in result.collected:
        ids = [r["follower_id"] for r in d.followers]
        assert len(ids) == len(set(ids)), d.account["account_id"]
    note = next(n for n in result.notes if n.startswith("paging stopped early"))
    assert all(f"followers of {d.account['account_id']}" in note for d in big)
    ds = dataset.load(cohort.write(result, tmp_path / "ds"))
    assert len(ds.accounts) == 18 and note in ds.manifest["notes"]
    assert not ds.followers.duplicated(["account_id", "follower_id"]).any()
    assert not ds.following.duplicated(["account_id", "followed_id"]).any()


def test_truncated_bodies_are_retried_through_mastodon_py(tmp_path):
    with replay.serve(20, seed=7, faults=replay.Faults(truncated_every=6)) as server:
        session = PoliteSession(tmp_path / "cache", base_delay=0.001, max_delay=0.01, sleep=lambda s: None, seed=1)
        result = mastodon.collect(server.mastodon_accts(), session=session, base=server.url, options=OPTIONS)
        cut = sum(1 for r in server.log if r.fault == "truncated")
    assert cut > 3 and session.stats.retries == cut
    assert len(result.collected) == 18 and not result.failed and not result.partial


def test_a_long_retry_after_passes_through_mastodon_py_and_saves_the_complete_accounts(tmp_path):
    faults = replay.Faults(rate_limit_every=40, retry_after_s=3600)  # the first 429 comes mid-cohort
    with replay.serve(20, seed=7, faults=faults) as server:
        sleeps = []
        session = PoliteSession(tmp_path / "cache", base_delay=0.001, max_delay=0.01, sleep=sleeps.append, seed=1)
        session.now = lambda: 1_750_000_000.0
        result = mastodon.collect(server.mastodon_accts(), session=session, base=server.url, options=OPTIONS)
        assert server.log[-1].status == 429 and sum(r.status == 429 for r in server.log) == 1
    assert not any(s > 1 for s in sleeps)
    assert result.paused == "the server asks to wait until 16:07 UTC (3600 s)" and not result.failed
    assert result.partial and 0 < len(result.collected) < 18
    ds = dataset.load(cohort.write(result, tmp_path / "ds"))
    assert ds.manifest["notes"][0].startswith(f"partial: {len(result.done)} of 20 accounts (the server asks to wait")
