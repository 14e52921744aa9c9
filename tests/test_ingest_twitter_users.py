"""The reader of Twitter v1.1 user tables (CSV, JSONL, JSON array): detection, values, rejects, the real MIB files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import dataset
from helpers.ingest.common.base import Context
from helpers.ingest.pipeline import ingest
from helpers.ingest.x import twitter_users

HEADER = ("id,name,screen_name,statuses_count,followers_count,friends_count,favourites_count,listed_count,"
          "created_at,url,lang,location,default_profile,default_profile_image,verified,description,updated,"
          "dataset,is_fake\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _mib_csv(tmp_path: Path) -> Path:
    """Two accounts in the MIB layout: flags are 1 or blank, never an explicit false."""
    return _write(tmp_path / "users.csv", HEADER +
                  '11,Ann Lee,annlee,120,30,40,5,2,Fri Apr 06 10:58:22 +0000 2007,http://a.example,en,Paris,,,,'
                  '"Blogger, SEO",14-02-2015 10.54,E13,0\n'
                  "22,bot9,xk29384756,0,1,900,0,0,Thu Sep 08 13:20:35 +0000 2011,,en,,1,1,,,14-02-2015 10.40,INT,1\n")


def _user(uid: int, **extra) -> dict:
    """A v1.1 user object."""
    base = {"id": uid, "id_str": str(uid), "screen_name": f"user{uid}", "name": "A Name", "description": "hello",
            "location": "Lyon", "url": None, "followers_count": 10, "friends_count": 20, "statuses_count": 30,
            "favourites_count": 4, "listed_count": 0, "created_at": "Mon Jan 05 10:00:00 +0000 2015",
            "verified": False, "protected": False, "default_profile": True, "default_profile_image": False}
    return {**base, **extra}


def test_detects_csv_jsonl_and_json_array(tmp_path: Path) -> None:
    assert twitter_users.detect(_mib_csv(tmp_path))
    assert twitter_users.detect(_write(tmp_path / "u.jsonl", "\n".join(json.dumps(_user(i)) for i in (1, 2))))
    assert twitter_users.detect(_write(tmp_path / "u.json", json.dumps([_user(1), _user(2)])))


@pytest.mark.parametrize("text", [
    "Account address,Show boosts,Notify on new posts,Languages\nalice@example.social,true,false,\n",
    "id,username,followers,following\n1,alice,10,20\n",  # user-like but not the v1.1 names
    "screen_name,followers_count,friends_count,statuses_count\nalice,1,2,3\n",  # no id column
    '{"data": [{"id": "1", "username": "a", "public_metrics": {"followers_count": 1}}]}\n',  # twarc2 (API v2)
    '{"id": 1, "text": "a tweet", "user": {"id": 2, "screen_name": "a"}}\n',  # a tweet, not a user
])
def test_other_files_are_not_claimed(tmp_path: Path, text: str) -> None:
    assert not twitter_users.detect(_write(tmp_path / "other.csv", text))


def test_mib_csv_values_and_blank_flags(tmp_path: Path) -> None:
    result = twitter_users.read([_mib_csv(tmp_path)], Context(options={"account": "me"}))
    f = result.tables["followers"].set_index("follower_id")
    assert list(f.index) == ["11", "22"]
    assert (f["account_id"] == "me").all()
    assert f.loc["11", "handle"] == "annlee" and f.loc["11", "bio"] == "Blogger, SEO"
    assert f.loc["11", "following_count"] == 40 and f.loc["11", "posts_count"] == 120
    assert f.loc["11", "likes_count"] == 5 and f.loc["11", "listed_count"] == 2
    assert f.loc["11", "created_at"] == pd.Timestamp("2007-04-06 10:58:22", tz="UTC")
    assert f.loc["11", "observed_at"] == pd.Timestamp("2015-02-14 10:54", tz="UTC")
    # MIB writes false as blank: with no explicit false anywhere, blanks are false and the notes say so
    # (pd.NA == x is NA, which assert refuses: these fail on unknown values too)
    assert f.loc["11", "default_avatar"] == False  # noqa: E712
    assert f.loc["22", "default_avatar"] == True and f.loc["22", "default_profile"] == True  # noqa: E712
    assert f.loc["22", "verified"] == False  # noqa: E712
    assert any("MIB" in n for n in result.notes)
    assert f.loc["22", "bio"] == "" and f.loc["22", "location"] == ""  # present but empty: known empty
    assert str(f["is_fake"].dtype) == "Int64" and f.loc["22", "is_fake"] == 1
    assert f.loc["22", "dataset"] == "INT"
    assert result.count()["followers"] == {"read": 2, "kept": 2, "rejected": 0}


def test_blank_flags_stay_unknown_when_the_file_writes_false(tmp_path: Path) -> None:
    path = _write(tmp_path / "users.csv", HEADER +
                  "11,A,a1,1,1,1,1,1,Fri Apr 06 10:58:22 +0000 2007,,en,,false,,true,,,,0\n")
    f = twitter_users.read([path], Context()).tables["followers"]
    assert f.loc[0, "default_profile"] == False  # noqa: E712
    assert pd.isna(f.loc[0, "default_avatar"])
    assert f.loc[0, "verified"] == True  # noqa: E712


def test_jsonl_last_post_expanded_url_and_rejects(tmp_path: Path) -> None:
    good = _user(1, status={"created_at": "Tue Mar 03 08:00:00 +0000 2015", "text": "hi"},
                 url="https://t.co/x", entities={"url": {"urls": [{"expanded_url": "https://blog.example"}]}})
    lines = [json.dumps(good), "", "{not json", json.dumps(_user(2, followers_count=-3)),
             json.dumps({"hello": "world"}), json.dumps(_user(3, created_at="yesterday-ish"))]
    result = twitter_users.read([_write(tmp_path / "u.jsonl", "\n".join(lines))],
                                Context(options={"observed_at": "2015-04-01"}))
    f = result.tables["followers"]
    assert list(f["follower_id"]) == ["1"]
    assert f.loc[0, "last_post_at"] == pd.Timestamp("2015-03-03 08:00", tz="UTC")
    assert f.loc[0, "url"] == "https://blog.example"
    assert f.loc[0, "observed_at"] == pd.Timestamp("2015-04-01", tz="UTC")
    reasons = sorted(r["reason"] for r in result.rejects)
    assert len(reasons) == 4
    assert any("not valid JSON" in r for r in reasons) and any("non-negative" in r for r in reasons)
    assert any("not a v1.1 user object" in r for r in reasons) and any("not a date" in r for r in reasons)
    assert result.count()["followers"] == {"read": 5, "kept": 1, "rejected": 4}


def test_csv_row_of_the_wrong_width_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "users.csv", HEADER + "11,A,a1,1,1\n"
                  "12,B,b1,1,1,1,1,1,Fri Apr 06 10:58:22 +0000 2007,,en,,,,,,,,0\n")
    result = twitter_users.read([path], Context())
    assert list(result.tables["followers"]["follower_id"]) == ["12"]
    assert result.rejects[0]["location"] == "line 2" and "fields" in result.rejects[0]["reason"]


def test_ingest_pseudonymises_and_keeps_label_columns(tmp_path: Path) -> None:
    out, entries = ingest([_mib_csv(tmp_path)], tmp_path / "ds", progress=False)
    ds = dataset.load(out)
    f = ds.followers
    assert entries[0]["format"] == "twitter_users"
    assert f["follower_id"].str.startswith("p_").all() and f["handle"].str.startswith("h_").all()
    assert f["display_name"].isna().all() and f["url"].isna().all()
    assert list(f["is_fake"]) == [0, 1] and list(f["dataset"]) == ["E13", "INT"]
    assert "default_profile" in f.columns and f["sample_weight"].eq(1.0).all()


def test_real_mib_files_are_read_whole(realdata: Path) -> None:
    folder = realdata / "cresci-2015-subset"
    files = [folder / "users.E13.csv", folder / "fusers.INT.csv"]
    expected = {}
    for path in files:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        expected[path.name] = (len(rows), sum(int(r["is_fake"]) for r in rows))
    assert expected == {"users.E13.csv": (1481, 0), "fusers.INT.csv": (1337, 1337)}
    for path in files:
        assert twitter_users.detect(path)
        result = twitter_users.read([path], Context())
        f = result.tables["followers"]
        assert result.count()["followers"] == {"read": expected[path.name][0], "kept": expected[path.name][0],
                                               "rejected": 0}
        assert int(f["is_fake"].sum()) == expected[path.name][1]
        assert f["created_at"].notna().all() and f["observed_at"].dt.year.eq(2015).all()


def test_no_other_real_file_is_claimed(realdata: Path) -> None:
    claimed = [p.relative_to(realdata).as_posix() for p in sorted(realdata.rglob("*"))
               if p.is_file() and p.stat().st_size and twitter_users.detect(p)]
    assert claimed == ["cresci-2015-subset/fusers.INT.csv", "cresci-2015-subset/users.E13.csv"]
