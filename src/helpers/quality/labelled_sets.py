"""Loaders for the labelled account sets in ../shared/realdata-train/ (and Cresci 2015 in ../shared/realdata/),
each mapped onto the profile columns of the data model and the candidate authenticity features it has.

Every loader reads its files in place and returns a LabelledSet: one row per account with `label` (1 = fake or
bot, 0 = human, as its MANIFEST defines them), `group` (the sub-collection, e.g. Cresci's E13 or INT), a
de-duplication `key` where the set gives platform ids, the canonical profile columns it has (for the rule sets),
and `given`: features the set gives only in derived form (e.g. a follower/friend ratio without the counts).
A feature a set lacks stays NaN, never 0. Nothing read here is written anywhere.

The sets and how their labels are read (see each folder's MANIFEST.md):
  cresci-2015          E13 + TFP humans, FSF + INT + TWT bought fakes (the realdata subset and the BAS sample,
                       de-duplicated by id)
  botrepo-2019         vendor-purchased-2019 fakes, botwiki-2019 self-declared bots, verified-2019 humans: each
                       holds one class only, so they form one evaluation fold (same repository, same year)
  twibot-anno          1,000 TwiBot-20/22 users with three experts' 0-4 scores: bot when the mean score is above
                       2 ("not sure"), human below it; a mean of exactly 2 is left out (no majority leaning)
  gilani-2017          Gilani et al.'s bots and humans by follower band (Stweeler features)
  gilani-varol-2019    the Gilani 2017 and Varol 2017 labels with features re-hydrated in 2019
  instafake            Instagram fakes and real accounts (Akyon & Kalfaoglu 2019)
  instagram-kaggle     Instagram fake/spam and genuine accounts (Kaggle, 2019)
  bluesky-108          a small hand-labelled Bluesky set (news/automated posters as bots)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.data.dataset import sha256
from helpers.errors import DatasetError
from helpers.ingest.common.base import Context
from helpers.ingest.x import twitter_users

TRAIN_ROOT = paths.SHARED / "realdata-train"
CRESCI_SUBSET = paths.REALDATA / "cresci-2015-subset"
TWIBOT_SEEN = {"twibot-20": pd.Timestamp("2020-09-01", tz="UTC"),  # TwiBot-20 crawl, July-Sept 2020
               "twibot-22": pd.Timestamp("2022-03-01", tz="UTC")}  # TwiBot-22 crawl, early 2022 (last creation 28 Jan)
TWIBOT_UNSURE = 2.0  # "not sure" on the experts' 0-4 scale


@dataclass
class LabelledSet:
    """One labelled collection: profiles in data-model columns plus label, group, key, and derived features."""

    name: str
    platform: str
    family: str  # sets that share accounts (the two Gilani sets) are left out of training together
    profiles: pd.DataFrame
    given: pd.DataFrame
    sources: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> np.ndarray:
        """1 = fake or bot, 0 = human."""
        return self.profiles["label"].to_numpy(dtype=int)


def _source(path: Path, rows: int) -> dict:
    """What was read from one file: its name, sha256 and the accounts it gave."""
    return {"file": f"{path.parent.name}/{path.name}", "sha256": sha256(path), "rows": int(rows)}


def _need(*files: Path) -> None:
    """Stop with a plain message when a labelled file is absent."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise DatasetError(f"labelled files not found: {', '.join(missing)}; they sit in ../shared/realdata-train "
                           "(see its INDEX.md and each MANIFEST.md for where they come from)")


def _frame(rows: list[dict], label: list[int] | np.ndarray, group: list[str] | str, key: list | None) -> pd.DataFrame:
    """Profile rows with label, group and key columns."""
    df = pd.DataFrame(rows)
    df["label"] = np.asarray(label, dtype=int)
    df["group"] = group
    df["key"] = pd.Series(key if key is not None else [None] * len(df), dtype="string")
    return df


def _v11(users: list[dict], observed: list[pd.Timestamp]) -> list[dict]:
    """Twitter v1.1 user objects as data-model rows (the suite's own reader's mapping)."""
    return [twitter_users._row(u, None, seen) for u, seen in zip(users, observed, strict=True)]


def cresci_2015(train_root: Path = TRAIN_ROOT, subset: Path = CRESCI_SUBSET) -> LabelledSet:
    """Cresci 2015: the E13/INT subset and the BAS sample (E13, TFP, FSF, INT, TWT), one row per id."""
    files = [subset / "users.E13.csv", subset / "fusers.INT.csv",
             train_root / "cresci-2015-bas" / "bas_users.redacted.csv"]
    _need(*files)
    frames, sources = [], []
    for f in files:
        read = twitter_users.read([f], Context())
        df = read.tables["followers"]
        frames.append(df)
        sources.append(_source(f, len(df)))
    both = pd.concat(frames, ignore_index=True)
    fake_groups = {"FSF", "INT", "TWT"}
    both["label"] = both["dataset"].astype(str).isin(fake_groups).astype(int)
    both["group"] = both["dataset"].astype(str)
    both["key"] = ("twitter:" + both["follower_id"].astype(str)).astype("string")
    before = len(both)
    kept = both.drop_duplicates("key", keep="first").reset_index(drop=True)  # the subset's original rows first
    notes = [f"{before - len(kept)} rows of the BAS sample repeat accounts of the E13/INT subset (same id): kept once"]
    return LabelledSet("cresci-2015", "twitter", "cresci-2015", kept, pd.DataFrame(index=kept.index), sources, notes)


def _bot_repository(folder: Path, stem: str) -> tuple[list[dict], list[str], dict]:
    """A Bot Repository set: the user objects whose id the label list holds, and the labels."""
    tsv, js = folder / f"{stem}.tsv", folder / f"{stem}_tweets.redacted.json"
    _need(tsv, js)
    labels = {}
    with tsv.open() as fh:
        for line in fh:
            if line.strip():
                uid, lab = line.strip().split("\t")[:2]
                labels[uid.strip()] = lab.strip()
    items = json.loads(js.read_text())
    kept = [it for it in items if str(it["user"]["id"]) in labels]
    rows = _v11([it["user"] for it in kept], [twitter_users._time(it["created_at"]) for it in kept])
    return rows, [labels[str(it["user"]["id"])] for it in kept], {"tsv": _source(tsv, len(labels)),
                                                                   "json": _source(js, len(kept)),
                                                                   "dropped": len(items) - len(kept)}


def botrepo_2019(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """vendor-purchased-2019 (fakes), botwiki-2019 (self-declared bots), verified-2019 (humans) as one fold."""
    rows, labels, groups, sources, notes = [], [], [], [], []
    for stem in ("vendor-purchased-2019", "botwiki-2019", "verified-2019"):
        r, lab, info = _bot_repository(train_root / stem, stem)
        rows += r
        labels += [1 if v == "bot" else 0 for v in lab]
        groups += [stem] * len(r)
        sources += [info["tsv"], info["json"]]
        if info["dropped"]:
            notes.append(f"{stem}: {info['dropped']} user object(s) whose id is not in the label list dropped")
    df = _frame(rows, labels, groups, None)
    df["key"] = ("twitter:" + df["follower_id"].astype(str)).astype("string")
    return LabelledSet("botrepo-2019", "twitter", "botrepo-2019", df, pd.DataFrame(index=df.index), sources, notes)


def _strip(value: object) -> object:
    """TwiBot-20 writes strings with a trailing space and booleans as 'False '."""
    if isinstance(value, str):
        text = value.strip()
        return None if text in ("None", "") and value != "" else text
    return value


def _v2_row(user: dict, seen: pd.Timestamp) -> dict:
    """A Twitter API v2 user object (TwiBot) as a data-model row."""
    u = {k: _strip(v) for k, v in user.items()}
    metrics = user.get("public_metrics") or {}
    image = u.get("profile_image_url") or ""
    verified = u.get("verified")
    return {"follower_id": str(u["id"]).lstrip("u"), "handle": u.get("username"), "display_name": u.get("name") or "",
            "bio": u.get("description") or "", "location": u.get("location") or "", "url": u.get("url") or "",
            "followers_count": metrics.get("followers_count"), "following_count": metrics.get("following_count"),
            "posts_count": metrics.get("tweet_count"), "listed_count": metrics.get("listed_count"),
            "verified": verified if isinstance(verified, bool) else str(verified).lower() == "true",
            "default_avatar": "default_profile_images" in str(image) if image else None,
            "created_at": twitter_users._time(u.get("created_at")), "observed_at": seen}


def expert_labels(scores: pd.DataFrame, unsure: float = TWIBOT_UNSURE) -> pd.DataFrame:
    """Per user id: the mean of the experts' 0-4 scores and the label it gives (1 above `unsure`, 0 below, null
    at exactly `unsure`). The mean uses all three judgements, so one "definitely bot" against two "likely human"
    (mean 5/3) stays human, and a 2-2 split between leanings is left out rather than decided by a tie-break."""
    mean = scores.assign(label=scores["label"].astype(float)).groupby("id")["label"].mean()
    label = pd.Series(np.where(mean > unsure, 1.0, np.where(mean < unsure, 0.0, np.nan)), index=mean.index)
    return pd.DataFrame({"mean": mean, "label": label.astype("Int64")})


def twibot_anno(train_root: Path = TRAIN_ROOT, unsure: float = TWIBOT_UNSURE) -> LabelledSet:
    """The TwiBot-20/22 annotation study: label from the mean of three experts' 0-4 scores (see module doc)."""
    folder = train_root / "twibot-anno-study"
    files = {"twibot-20": folder / "Twibot20-anno_study.redacted.json",
             "twibot-22": folder / "Twibot22-anno_study.redacted.json"}
    scores_file = folder / "annotation_combine.csv"
    _need(scores_file, *files.values())
    with scores_file.open() as fh:
        scores = pd.DataFrame(list(csv.DictReader(fh)))
    mean = expert_labels(scores, unsure)
    rows, groups, sources = [], [], [_source(scores_file, len(scores))]
    for group, path in files.items():
        users = json.loads(path.read_text())
        sources.append(_source(path, len(users)))
        for u in users:
            rows.append(_v2_row(u, TWIBOT_SEEN[group]) | {"_id": str(u["id"]).strip()})
            groups.append(group)
    df = pd.DataFrame(rows)
    df["group"] = groups
    m = mean.reindex(df["_id"])
    df["expert_mean"], df["label"] = m["mean"].to_numpy(), m["label"].to_numpy()
    decided = df["label"].notna()
    notes = [f"{int((~decided).sum())} of {len(df)} users left out: mean expert score exactly {unsure:g} "
             "('not sure') or no scores"]
    df = df[decided].drop(columns="_id").reset_index(drop=True)
    df["label"] = df["label"].astype(int)
    df["key"] = ("twitter:" + df["follower_id"].astype(str)).astype("string")
    before = len(df)
    df = df.drop_duplicates("key").reset_index(drop=True)
    if before - len(df):
        notes.append(f"{before - len(df)} user(s) in both TwiBot files kept once")
    return LabelledSet("twibot-anno", "twitter", "twibot-anno", df, pd.DataFrame(index=df.index), sources, notes)


def _gilani_csv(path: Path) -> pd.DataFrame:
    """One Stweeler feature file (values separated by ', ')."""
    return pd.read_csv(path, skipinitialspace=True, dtype={"screen_name": str})


def gilani_2017(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """Gilani 2017 by follower band: only the screen name and the follower/friend ratio map onto the features."""
    folder = train_root / "gilani-2017-bots-humans"
    frames, sources = [], []
    for kind, label in (("bots", 1), ("humans", 0)):
        for band in ("1k", "100k", "1M", "10M"):
            path = folder / kind / f"{kind}.{band}.csv"
            _need(path)
            df = _gilani_csv(path)
            sources.append(_source(path, len(df)))
            frames.append(pd.DataFrame({"handle": df["screen_name"].astype("string").str.strip(),
                                        "follower_friend_ratio": pd.to_numeric(df["follower_friend_ratio"],
                                                                               errors="coerce"),
                                        "label": label, "group": f"band {band}"}))
    df = pd.concat(frames, ignore_index=True)
    df["key"] = pd.Series([None] * len(df), dtype="string")
    given = pd.DataFrame({"followers_friends_ratio": df.pop("follower_friend_ratio")}, index=df.index)
    notes = ["Stweeler features: only the screen name (length, digits, bigram likelihood) and the follower/friend "
             "ratio map onto the candidate features; counts, dates and flags are not in the files",
             "screen names only, no ids: cannot be matched to gilani-varol-2019, so the two are left out of "
             "training together"]
    return LabelledSet("gilani-2017", "twitter", "gilani", df, given, sources, notes)


def gilani_varol_2019(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """The 2019 re-hydration of the Gilani 2017 and Varol 2017 labels (weka_data.csv)."""
    folder = train_root / "gilani-varol-rehydrated-2019"
    path, gilani_ids = folder / "weka_data.csv", folder / "gilani-2017.tsv"
    _need(path, gilani_ids)
    df = pd.read_csv(path, skipinitialspace=True, dtype={"user_id": str})
    with gilani_ids.open() as fh:
        from_gilani = {line.split("\t")[0].strip() for line in fh if line.strip()}
    label = df["class"].astype(str).str.strip().str.lower().map({"true": 1, "false": 0})
    ffr = pd.to_numeric(df["friend_follower_ratio"], errors="coerce")

    def flag(col: str) -> pd.Series:
        return df[col].astype(str).str.strip().str.lower().map({"true": True, "false": False}).astype("boolean")

    out = pd.DataFrame({"follower_id": df["user_id"].str.strip(),
                        "posts_count": pd.to_numeric(df["num_tweets"], errors="coerce"),
                        "listed_count": pd.to_numeric(df["listed_count"], errors="coerce"),
                        "likes_count": pd.to_numeric(df["favourites_count"], errors="coerce"),
                        "verified": flag("verified"),
                        "profile_use_background_image": flag("profile_uses_background_image"),
                        "label": label.astype(int)})
    out["group"] = np.where(out["follower_id"].isin(from_gilani), "gilani-2017", "varol-2017")
    out["key"] = ("twitter:" + out["follower_id"]).astype("string")
    # friend_follower_ratio = friends / (followers + 1); its inverse is (followers + 1) / friends, within 1/friends
    # of the model's followers / max(friends, 1). With no friends the inverse is undefined: left missing.
    inv = (1.0 / ffr).where(ffr > 0)
    conflicting = out.groupby("key")["label"].transform("nunique") > 1
    notes = [f"{int(conflicting.sum())} rows of ids labelled both bot and human dropped",
             "followers/friends ratio from the inverse of friends/(followers + 1); no follower or friend count, "
             "no creation date (so no rates), no name or bio"]
    keep = ~conflicting.to_numpy()
    out, inv = out[keep], inv[keep]
    first = ~out.duplicated("key").to_numpy()
    notes.append(f"{int((~first).sum())} repeated rows of one id kept once")
    out, inv = out[first].reset_index(drop=True), inv[first].reset_index(drop=True)
    return LabelledSet("gilani-varol-2019", "twitter", "gilani", out,
                       pd.DataFrame({"followers_friends_ratio": inv}),
                       [_source(path, len(df)), _source(gilani_ids, len(from_gilani))], notes)


def instafake(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """Instagram fake-v1 (Akyon & Kalfaoglu 2019): counts, profile picture, bio and username lengths."""
    folder = train_root / "instafake-fake-v1"
    files = [folder / "fakeAccountData.json", folder / "realAccountData.json"]
    _need(*files)
    rows = [r for f in files for r in json.loads(f.read_text())]
    raw = pd.DataFrame(rows)
    profiles = pd.DataFrame({"followers_count": raw["userFollowerCount"], "following_count": raw["userFollowingCount"],
                             "posts_count": raw["userMediaCount"], "default_avatar": raw["userHasProfilPic"].eq(0),
                             "protected": raw["userIsPrivate"].eq(1), "label": raw["isFake"].astype(int),
                             "group": np.where(raw["isFake"] == 1, "fake", "real")})
    profiles["key"] = pd.Series([None] * len(profiles), dtype="string")
    given = pd.DataFrame({"description_length": raw["userBiographyLength"].astype(float),
                          "screen_name_length": raw["usernameLength"].astype(float),
                          "num_digits_in_screen_name": raw["usernameDigitCount"].astype(float)})
    return LabelledSet("instafake", "instagram", "instafake", profiles, given,
                       [_source(f, len(json.loads(f.read_text()))) for f in files],
                       ["Instagram: posts are media posts; no ids, names, dates or bio text"])


def instagram_kaggle(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """The Kaggle Instagram fake/spammer set (train and test files together)."""
    folder = train_root / "instagram-kaggle-free4ever1"
    files = [folder / "train.csv", folder / "test.csv"]
    _need(*files)
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    profiles = pd.DataFrame({"followers_count": raw["#followers"], "following_count": raw["#follows"],
                             "posts_count": raw["#posts"], "default_avatar": raw["profile pic"].eq(0),
                             "protected": raw["private"].eq(1), "label": raw["fake"].astype(int),
                             "group": np.where(raw["fake"] == 1, "fake", "genuine")})
    profiles["key"] = pd.Series([None] * len(profiles), dtype="string")
    given = pd.DataFrame({"description_length": raw["description length"].astype(float)})
    return LabelledSet("instagram-kaggle", "instagram", "instagram-kaggle", profiles, given,
                       [_source(f, len(pd.read_csv(f))) for f in files],
                       ["Instagram: digits of the username and full name given only as shares of their length "
                        "(not the counts the features use); no ids: identical rows are kept (they may be "
                        "different accounts)"])


def bluesky_108(train_root: Path = TRAIN_ROOT) -> LabelledSet:
    """The hand-labelled Bluesky set: profile counts, dates, names and bios."""
    path = train_root / "bluesky-jaschparmar-108" / "initial_dataset.redacted.json"
    _need(path)
    items = json.loads(path.read_text())
    created = pd.to_datetime(pd.Series([it["created_at"] for it in items]), utc=True, format="ISO8601")
    age = pd.Series([it.get("account_age") for it in items], dtype="float64")
    df = pd.DataFrame({"follower_id": [it["handle"] for it in items], "handle": [it["handle"] for it in items],
                       "display_name": [it.get("display_name") or "" for it in items],
                       "bio": [it.get("description") or "" for it in items],
                       "followers_count": [it.get("followers_count") for it in items],
                       "following_count": [it.get("follows_count") for it in items],
                       "posts_count": [it.get("posts_count") for it in items],
                       "verified": [bool(it.get("is_verified")) for it in items],
                       "created_at": created,
                       # account_age is days at collection, so creation + age is when the profile was seen
                       "observed_at": created + pd.to_timedelta(age, unit="D"),
                       "label": [1 if it["label"] == "bot" else 0 for it in items],
                       "group": [it["label"] for it in items]})
    df["key"] = ("bluesky:" + df["handle"].str.lower()).astype("string")
    return LabelledSet("bluesky-108", "bluesky", "bluesky-108", df, pd.DataFrame(index=df.index),
                       [_source(path, len(items))], ["Bluesky: no avatar, theme, listed or likes fields"])


LOADERS: dict[str, Callable[..., LabelledSet]] = {
    "cresci-2015": cresci_2015, "botrepo-2019": botrepo_2019, "twibot-anno": twibot_anno,
    "gilani-2017": gilani_2017, "gilani-varol-2019": gilani_varol_2019, "instafake": instafake,
    "instagram-kaggle": instagram_kaggle, "bluesky-108": bluesky_108,
}


def available(train_root: Path = TRAIN_ROOT, subset: Path = CRESCI_SUBSET) -> bool:
    """Whether the labelled folders are there (tests skip without them)."""
    return train_root.is_dir() and subset.is_dir()


def load_sets(names: list[str] | None = None, train_root: Path = TRAIN_ROOT, subset: Path = CRESCI_SUBSET
              ) -> list[LabelledSet]:
    """The named sets (default: all), de-duplicated across sets by platform id (see dedupe)."""
    chosen = names or list(LOADERS)
    unknown = sorted(set(chosen) - set(LOADERS))
    if unknown:
        raise DatasetError(f"unknown labelled set(s) {', '.join(unknown)}; known: {', '.join(LOADERS)}")
    sets = [LOADERS[n](train_root, subset) if n == "cresci-2015" else LOADERS[n](train_root) for n in chosen]
    return dedupe(sets)


def dedupe(sets: list[LabelledSet]) -> list[LabelledSet]:
    """An account in several sets is kept in the first set (in the given order) and dropped from the later ones;
    an id labelled fake in one set and human in another is dropped from all (the labels disagree)."""
    keyed = pd.concat([pd.DataFrame({"set": s.name, "key": s.profiles["key"], "label": s.profiles["label"]})
                       for s in sets], ignore_index=True).dropna(subset=["key"])
    conflict = set(keyed.groupby("key")["label"].nunique().loc[lambda n: n > 1].index)
    seen: set[str] = set()
    out = []
    for s in sets:
        keys = s.profiles["key"]
        in_conflict = keys.isin(conflict).fillna(False).to_numpy()
        repeated = keys.isin(seen).fillna(False).to_numpy() & ~in_conflict
        drop = in_conflict | repeated
        seen |= set(keys.dropna())
        notes = list(s.notes)
        if repeated.any():
            notes.append(f"{int(repeated.sum())} account(s) already in an earlier set dropped (same id)")
        if in_conflict.any():
            notes.append(f"{int(in_conflict.sum())} account(s) labelled differently in another set dropped")
        keep = ~drop
        out.append(LabelledSet(s.name, s.platform, s.family, s.profiles[keep].reset_index(drop=True),
                               s.given[keep].reset_index(drop=True), s.sources, notes))
    return out


def summary(sets: list[LabelledSet]) -> pd.DataFrame:
    """Per set and group: platform, accounts, fakes/bots and humans."""
    rows = []
    for s in sets:
        for group, g in s.profiles.groupby("group", sort=False):
            rows.append({"set": s.name, "group": group, "platform": s.platform, "accounts": len(g),
                         "fake_or_bot": int(g["label"].sum()), "human": int((g["label"] == 0).sum())})
    return pd.DataFrame(rows)

