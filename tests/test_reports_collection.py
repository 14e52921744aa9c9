"""What the collection notebooks show of a collection or an ingest: counts, masked reasons, follower weights
against their design, the traffic read, and their figures; on small hand-made frames and files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

from helpers import paths
from helpers.analyses import channel_mix
from helpers.data import schemas
from helpers.reports import collection
from helpers.reports.figures import collection as collection_figures
from helpers.reports.figures import traffic_channels

matplotlib.use("Agg")

ENTRIES = [{"path": "/home/me/twitter.zip", "format": "x_archive",
            "tables": {"posts": {"read": 10, "kept": 8, "rejected": 2}, "followers": {"read": 5, "kept": 5,
                                                                                        "rejected": 0}}},
           {"path": "/home/me/analytics.csv", "format": "x_analytics",
            "tables": {"posts": {"read": 4, "kept": 3, "rejected": 1}}}]
GA4 = ("# ----------------------------------------\r\n# Traffic acquisition: Session source / medium\r\n"
       "# Account: Blog\r\n# Property: blog.example.org\r\n# ----------------------------------------\r\n#\r\n"
       "# All Users\r\n# Start date: 20250301\r\n# End date: 20250331\r\n"
       "Session source / medium,Users,Sessions,Engaged sessions,Average engagement time per session,"
       "Engagement rate,Event count,Key events,Total revenue\r\n"
       "google / organic,80,100,60,45.2,0.6,400,0,0\r\n(direct) / (none),50,70,30,20.1,0.42,210,0,0\r\n"
       "t.co / referral,12,15,9,33.3,0.6,50,0,0\r\nbsky.app / referral,4,5,3,12,0.6,12,0,0\r\n")


def _tables(**given: pd.DataFrame) -> SimpleNamespace:
    """A stand-in dataset: every canonical table empty except those given."""
    tables = {t: schemas.empty(t) for t in schemas.TABLES} | given
    return SimpleNamespace(tables=tables)


def test_the_no_export_text_names_what_is_missing_and_how_to_point_at_an_export():
    text = collection.no_export_text([Path("/nowhere/a.zip")])
    assert text.startswith("No export to read: not found: /nowhere/a.zip.\n") and "papermill" in text
    assert str(paths.REALDATA) in collection.no_export_text([]) and "x_archive" in text


def test_row_counts_sum_per_table_over_the_inputs():
    counts = collection.row_counts(ENTRIES)
    assert list(counts["input"]) == ["twitter.zip", "twitter.zip", "analytics.csv"]
    totals = collection.per_table(counts)
    assert list(totals.index) == ["followers", "posts"]  # fewest read first
    assert totals.loc["posts"].to_dict() == {"read": 14, "kept": 11, "rejected": 3}


def test_reject_reasons_hide_ids_handles_and_paths_and_group_them():
    assert collection.masked_reason("tweet 1234567 by @alice in /home/me/a.js: no date") == \
        "tweet N by @… in … no date"
    assert len(collection.masked_reason("x" * 200)) == 90
    rejects = pd.DataFrame({"table": ["posts"] * 3 + ["followers"],
                            "reason": ["id 1111 bad", "id 2222 bad", "@bob gone", "id 3333 bad"]})
    reasons = collection.reject_reasons(rejects)
    assert reasons.iloc[0].to_dict() == {"table": "posts", "reason": "id N bad", "rows": 2}
    assert len(reasons) == 3


def test_unpseudonymised_names_each_table_that_keeps_a_raw_id_or_handle():
    followers = pd.DataFrame({"follower_id": ["p_1", "p_2"], "handle": ["h_1", None]})
    assert collection.unpseudonymised(_tables(followers=followers)) == []
    raw = pd.DataFrame({"follower_id": ["p_1"], "handle": ["alice"]})
    following = pd.DataFrame({"followed_id": ["12345"]})
    assert collection.unpseudonymised(_tables(followers=raw, following=following)) == ["followers", "following"]


def test_the_ingest_sentence_counts_inputs_rows_and_what_the_dataset_holds():
    ds = _tables(posts=pd.DataFrame({"post_id": range(11)}), followers=pd.DataFrame({"follower_id": range(5)}))
    sentence = collection.ingest_sentence([Path("a"), Path("b")], collection.row_counts(ENTRIES), ds)
    assert sentence.startswith("2 input(s) read as x_analytics, x_archive: 19 rows, of which 16 were kept and 3 "
                               "rejected with a reason; the dataset holds ")
    assert "11 posts" in sentence and "5 followers" in sentence and "0 " not in sentence


def test_politeness_shows_requests_retries_and_seconds_waited():
    table = collection.politeness({"sent": 7, "retries": 2, "waited_s": 1.5, "from_cache": 3})
    assert table["count"].tolist() == [7, 2, 1.5]


def test_weights_off_design_finds_the_planted_wrong_weight():
    accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "handle": ["A", "B", "C"],
                             "sample_design": ["uniform 2 of 10", "full list (2 of 2 listed)", "most recent 2"],
                             "followers_listed": [10, 2, 50], "followers_sampled": [2, 2, 2]})
    followers = pd.DataFrame({"account_id": ["a", "a", "b", "b", "c"], "sample_weight": [5.0, 5.0, 1.0, 1.0, 9.0]})
    assert collection.weights_off_design(accounts, followers) == []
    followers.loc[2, "sample_weight"] = 2.0
    followers.loc[0, "sample_weight"] = 4.0
    assert collection.weights_off_design(accounts, followers) == ["A", "B"]


def test_median_likes_leave_reposts_out():
    posts = pd.DataFrame({"account_id": ["a", "a", "a", "b"], "kind": ["post", "post", "repost", "reply"],
                          "likes": [2, 4, None, 7]})
    accounts = pd.DataFrame({"account_id": ["a", "b"], "followers_count": [10, 20]})
    out = collection.median_likes(posts, accounts).set_index("account_id")
    assert out["median_likes"].to_dict() == {"a": 3.0, "b": 7.0} and out.loc["b", "followers_count"] == 20


def test_traffic_is_ingested_from_the_exports_that_exist(tmp_path):
    (tmp_path / "acq.csv").write_text(GA4, newline="")
    source = collection.read_traffic([str(tmp_path / "acq.csv"), str(tmp_path / "gone.csv")],
                                     str(tmp_path / "ds"), "no_such_dataset")
    assert source.found == [str(tmp_path / "acq.csv")] and (tmp_path / "ds" / "traffic.parquet").is_file()
    assert source.messages[0] == f"not found, skipped: {tmp_path / 'gone.csv'}" and "read" in source.messages[1]
    assert int(source.traffic["sessions"].sum()) == 190
    assert collection.traffic_markdown(source).data.startswith("**Data:** the exports ingested into <code")
    assert f"{tmp_path}/ds</code>" in collection.traffic_markdown(source).data


def test_without_exports_or_dataset_the_traffic_is_empty_and_says_why(tmp_path):
    source = collection.read_traffic([], str(tmp_path / "ds"), str(tmp_path / "absent"))
    assert source.ds is None and source.traffic.empty and list(source.traffic) == collection.TRAFFIC_COLUMNS
    text = collection.traffic_markdown(source).data
    assert "could not be loaded" in text and "**0 traffic rows.**" in text and "real example exports are absent" in text
    assert collection.notes_markdown(None).data == "No notes."
    assert collection.social_share_markdown(pd.DataFrame()).data.startswith("**No traffic to summarise.**")


def test_the_notes_and_the_social_share_are_written_as_lists():
    ds = SimpleNamespace(manifest={"notes": ["dates are months"]})
    assert collection.notes_markdown(ds).data.endswith("\n\n- dates are months")
    social = pd.DataFrame({"site": ["blog"], "report": ["r"], "sessions": [200], "social_sessions": [20],
                           "share": [0.1], "ci_low": [0.066], "ci_high": [0.15]})
    assert collection.social_share_markdown(social).data.endswith(
        "- **blog** (r): 20 of 200 sessions from social networks = 10.0% (95% CI 6.6%–15.0%)")


def test_the_collection_figures_draw_kept_and_rejected_rows_and_likes_against_followers():
    fig = collection_figures.kept_and_rejected(collection.per_table(collection.row_counts(ENTRIES)))
    ax = fig.axes[0]
    assert len(ax.containers) == 2 and [p.get_width() for p in ax.containers[1]] == [0, 3]
    per_account = pd.DataFrame({"followers_count": [0, 99], "median_likes": [1.0, 5.0]})
    ax = collection_figures.likes_against_followers(per_account, replay_demo=True).axes[0]
    assert ax.get_title().endswith("(replay demo)") and ax.get_xscale() == "log"
    assert ax.collections[0].get_offsets()[:, 0].tolist() == [1.0, 100.0]


@pytest.fixture
def traffic() -> pd.DataFrame:
    """Two sites' sessions by channel over three days, one site with enough sessions for an interval."""
    days = pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03"])
    rows = [{"site": site, "date": d, "channel": ch, "source": ch, "sessions": n}
            for site, scale in [("a.example", 20), ("b.example", 1)] for d in days
            for ch, n in [("search", 2 * scale), ("bluesky", scale)]]
    return pd.DataFrame(rows)


def test_the_traffic_figures_draw_one_chart_per_site_shares_and_intervals(traffic):
    figs = traffic_channels.sessions_over_time(channel_mix.mix_over_time(traffic), "D")
    assert [f.axes[0].get_title() for f in figs] == [f"Sessions by channel — {s}" for s in ("a.example", "b.example")]
    assert traffic_channels.sessions_over_time(pd.DataFrame(), "D") == []
    ax = traffic_channels.channel_shares(channel_mix.mix_by_report(traffic)).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a.example — traffic", "b.example — traffic"]
    social = channel_mix.social_share(traffic)
    ax = traffic_channels.social_share_intervals(social).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a.example — traffic"]  # b has too few sessions
    assert traffic_channels.social_share_intervals(social.assign(ci_low=float("nan"))) is None
    assert traffic_channels.social_share_intervals(pd.DataFrame()) is None
