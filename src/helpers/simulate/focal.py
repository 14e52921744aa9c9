"""The focal account: curated growth of 30-40 relevant followers a day, a spam purge, and a growing blog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate.profiles import TYPES, draw_profiles

TYPE_INDEX = {t: i for i, t in enumerate(TYPES)}
INITIAL_MIX = [0.35, 0.30, 0.20, 0.15]  # relevant, irrelevant, inactive, fake before curation


def type_array(table: dict[str, float]) -> np.ndarray:
    """A per-type table of the config as an array in TYPES order."""
    return np.array([table[t] for t in TYPES], dtype=float)


def engage_weights(cfg: dict) -> np.ndarray:
    """How much each follower type engages ([focal] engage_weight; all alike when quality has no effect)."""
    return type_array(cfg["focal"]["engage_weight"])


def _mix(relevant: float, fake: float) -> list[float]:
    """Relevant, irrelevant, inactive and fake shares of a stream of new followers."""
    rest = 1 - relevant - fake
    return [relevant, rest * 0.75, rest * 0.25, fake]


def _daily_joins(rng: np.random.Generator, f: dict, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """New followers per day and the type of each, curated days mostly relevant."""
    days = np.arange(len(dates))
    working = (dates.dayofweek < 5) & (days >= f["curation_start_day"]) & (days < f["curation_end_day"])
    lo, hi = f["curated_per_day"]
    curated = np.where(working, rng.integers(lo, hi + 1, len(days)), 0)
    organic = rng.poisson(f["organic_per_day"], len(days))
    cur_mix = _mix(f["curated_relevant_share"], f["curated_fake_share"])
    org_mix = _mix(f["organic_relevant_share"], f["organic_fake_share"])
    day_of = np.concatenate([np.repeat(days, curated), np.repeat(days, organic)])
    types = np.concatenate([rng.choice(4, curated.sum(), p=cur_mix), rng.choice(4, organic.sum(), p=org_mix)])
    curated_flag = np.concatenate([np.ones(curated.sum(), bool), np.zeros(organic.sum(), bool)])
    order = np.argsort(day_of, kind="stable")
    return np.column_stack([day_of[order], types[order], curated_flag[order]]), curated


def _membership(rng: np.random.Generator, f: dict, n_days: int, joins: np.ndarray) -> tuple[np.ndarray, dict]:
    """Day each follower leaves (n_days = still following): daily churn plus the spam purge."""
    n0 = f["start_followers"]
    join_day = np.concatenate([np.full(n0, -1), joins[:, 0]])
    types = np.concatenate([rng.choice(4, n0, p=INITIAL_MIX), joins[:, 1]])
    left = np.full(len(join_day), n_days)
    purge = {}
    for day in range(n_days):
        present = np.flatnonzero((join_day <= day) & (left > day))
        quitters = rng.choice(present, rng.poisson(0.0006 * len(present)), replace=False)
        left[quitters] = day
        if day == f["purge_day"]:
            present = np.flatnonzero((join_day <= day) & (left > day))
            k = int(round(f["purge_fraction"] * len(present)))
            fakes = present[types[present] == TYPE_INDEX["fake"]]
            others = present[types[present] == TYPE_INDEX["inactive"]]
            n_fake = min(len(fakes), int(round(0.95 * k)))
            removed = np.concatenate([rng.choice(fakes, n_fake, replace=False),
                                      rng.choice(others, k - n_fake, replace=False)])
            left[removed] = day
            purge = {"day": day, "followers_before": int(len(present)), "removed": int(k),
                     "fakes_removed": int(n_fake),
                     "removed_by_type": {t: int((types[removed] == i).sum()) for t, i in TYPE_INDEX.items()}}
    return np.column_stack([join_day, types, left]), purge


def _posts(rng: np.random.Generator, cfg: dict, dates: pd.DatetimeIndex, count: np.ndarray,
           audience: np.ndarray) -> pd.DataFrame:
    """The focal account's posts: engagement grows with the follower count and the share of them who engage."""
    f, e, b = cfg["focal"], cfg["effects"], cfg["blog"]
    per_day = rng.poisson(f["posts_per_day"], len(dates))
    day = np.repeat(np.arange(len(dates)), per_day)
    n = len(day)
    reply_p = np.where(count[day] >= f["reply_threshold"], f["reply_share_after"], f["reply_share_before"])
    kind = np.where(rng.random(n) < reply_p, "reply", "post")
    has_link = (kind == "post") & (rng.random(n) < f["link_share"])
    # By default both exponents are equal, so engagement follows the people who engage: removing followers who
    # never engage (a purge of fakes) leaves it unchanged and engagement per follower rises by removed / remaining.
    log_mu = (e["engagement_b0"] + f["engagement_offset"] + e["elasticity"] * np.log(count[day])
              + f["engagement_quality_exponent"] * np.log(audience[day] / count[day]))
    mu = np.exp(log_mu) * np.where(kind == "reply", 0.3, 1.0)
    shape = f["engagement_dispersion"]
    total = rng.negative_binomial(shape, shape / (shape + mu))
    parts = np.array([rng.multinomial(t, [0.7, 0.15, 0.1, 0.05]) for t in total]).reshape(-1, 4)
    impressions = np.maximum(np.round(2.0 * count[day] ** e["impressions_exponent"] * rng.lognormal(0, 0.3, n)),
                             3 * total).astype("int64")
    url_clicks = np.where(has_link, rng.binomial(impressions, 0.004), 0)
    profile_clicks = rng.binomial(impressions, 0.002)
    created = dates[day] + pd.to_timedelta(rng.integers(7 * 60, 22 * 60, n), unit="min")
    return pd.DataFrame({
        "post_id": [f"x:{f['handle']}/{i:05d}" for i in range(n)], "account_id": f"x:{f['handle']}",
        "platform": "x", "created_at": created.tz_localize("UTC"),
        "text": np.where(has_link, f"New post on the blog https://{b['site']}/", "On community and relevance"),
        "kind": kind, "lang": "en",
        "link_urls": [[f"https://{b['site']}/posts/{i}"] if linked else [] for i, linked in enumerate(has_link)],
        "has_link": has_link, "likes": parts[:, 0], "reposts": parts[:, 1], "replies": parts[:, 2],
        "quotes": parts[:, 3], "bookmarks": rng.binomial(total, 0.05), "impressions": impressions,
        "engagements": total + url_clicks + profile_clicks, "url_clicks": url_clicks,
        "profile_clicks": profile_clicks, "new_follows": pd.NA, "day": day,
    })


def _lagged(series: np.ndarray, lag: int) -> np.ndarray:
    """The series shifted by lag days, its first value repeated at the start."""
    return np.concatenate([np.full(lag, series[0]), series[:len(series) - lag]]) if lag else series


def _traffic(rng: np.random.Generator, cfg: dict, dates: pd.DatetimeIndex, count: np.ndarray, relevant: np.ndarray,
             posts: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Daily blog sessions per channel: X driven by the follower count and relevant share (lagged) and link posts."""
    b = cfg["blog"]
    n = len(dates)
    t = np.arange(n)
    weekday = np.where(dates.dayofweek < 5, 1.1, 0.75)
    lag = b["referral_lag_days"]
    total, share = _lagged(count, lag), _lagged(relevant / count, lag)
    x_trend = ((total / count[0]) ** b["x_sessions_elasticity"]
               * (share / share[0]) ** b["x_sessions_relevant_elasticity"])
    x0 = b["start_sessions"] * b["x_share_start"]
    links = np.bincount(posts.loc[posts["has_link"], "day"], minlength=n)
    link_visits = b["link_post_visits"] * (0.6 * links + 0.4 * np.concatenate([[0], links[:-1]]))
    means = {
        ("x", "t.co", "referral"): x0 * x_trend * weekday + link_visits,
        ("search", "google", "organic"): b["start_sessions"] * 0.35 * b["search_growth"] ** (t / n) * weekday,
        ("direct", "(direct)", "(none)"): b["start_sessions"] * 0.2 * (1 + t / n) * weekday,
        ("linkedin", "linkedin.com", "referral"): np.full(n, 2.0) * weekday,
        ("mastodon", "mastodon.social", "referral"): np.full(n, 1.0),
        ("referral", "news.ycombinator.com", "referral"): np.full(n, 1.5),
    }
    rows = []
    for (channel, source, medium), mean in means.items():
        sessions = rng.poisson(mean)
        rows.append(pd.DataFrame({"site": b["site"], "date": dates, "channel": channel, "source": source,
                                  "medium": medium, "sessions": sessions,
                                  "users": np.round(sessions * 0.85).astype("int64"),
                                  "pageviews": np.round(sessions * 1.6).astype("int64")}))
    traffic = pd.concat(rows, ignore_index=True)
    daily = traffic.groupby("date")["sessions"].sum()
    truth = {"site": b["site"], "referral_lag_days": lag, "x_sessions_elasticity": b["x_sessions_elasticity"],
             "x_sessions_relevant_elasticity": b["x_sessions_relevant_elasticity"],
             "link_post_visits_48h": b["link_post_visits"],
             "sessions_first_30_days": float(daily.iloc[:30].mean()),
             "sessions_last_30_days": float(daily.iloc[-30:].mean())}
    truth["sessions_growth_ratio"] = truth["sessions_last_30_days"] / truth["sessions_first_30_days"]
    return traffic, truth


def _interactions(rng: np.random.Generator, posts: pd.DataFrame, members: np.ndarray, ids: np.ndarray,
                  account_id: str, engage: np.ndarray) -> pd.DataFrame:
    """One row per like, repost, reply or quote, by followers who engage (mostly relevant ones)."""
    kinds = np.repeat(np.array(["like", "repost", "reply", "quote"] * len(posts)),
                      posts[["likes", "reposts", "replies", "quotes"]].to_numpy().ravel())
    post_idx = np.repeat(np.arange(len(posts)), posts[["likes", "reposts", "replies", "quotes"]].sum(axis=1))
    day = posts["day"].to_numpy()[post_idx]
    join, types, left = members[:, 0], members[:, 1], members[:, 2]
    weight = engage[types]
    who = np.zeros(len(post_idx), dtype=np.int64)
    from_follower = np.zeros(len(post_idx), dtype=bool)
    bounds = np.searchsorted(day, np.arange(day.max() + 2 if len(day) else 1))  # posts come in day order
    for d in np.unique(day):
        at = slice(bounds[d], bounds[d + 1])
        pool = np.flatnonzero((join <= d) & (left > d) & (weight > 0))
        n = bounds[d + 1] - bounds[d]
        from_follower[at] = rng.random(n) < 0.8  # a fifth of engagement comes from non-followers
        who[at] = rng.choice(pool, n, p=weight[pool] / weight[pool].sum())
    actors = ids[who].astype(object)
    outsiders = rng.integers(0, 10**7, int((~from_follower).sum()))
    actors[~from_follower] = np.char.add("nf", np.char.zfill(outsiders.astype(str), 7))
    created = (pd.DatetimeIndex(posts["created_at"]).take(post_idx)
               + pd.to_timedelta(rng.integers(1, 2000, len(post_idx)), unit="min"))
    return pd.DataFrame({"account_id": account_id, "post_id": posts["post_id"].to_numpy()[post_idx],
                         "actor_id": actors, "kind": kinds, "created_at": created})


def _purge_change(cfg: dict, purge: dict, by_type: np.ndarray, engage: np.ndarray, per_follower: bool = True
                  ) -> float | None:
    """Planted jump in expected engagement per post at the purge, per follower (removed / remaining when none
    engaged and both exponents are equal) or in total: E ~ count^(elasticity - q) * engaging^q."""
    if not purge:
        return None
    removed = np.array([purge["removed_by_type"][t] for t in TYPES])
    after = by_type[purge["day"]] @ engage
    kept = after / (after + removed @ engage)
    before = purge["followers_before"]
    remaining = (before - purge["removed"]) / before
    e, q = cfg["effects"]["elasticity"], cfg["focal"]["engagement_quality_exponent"]
    return float(remaining ** (e - q) * kept ** q / (remaining if per_follower else 1.0) - 1)


def _growth_quality(f: dict, join: np.ndarray, types: np.ndarray, still: np.ndarray,
                    new_follows: np.ndarray) -> dict:
    """Share of relevant accounts among today's followers who joined on fast vs slow days of the timeline."""
    fast_day = new_follows >= f["fast_day_min_new_follows"]
    joined = still & (join >= 0)
    fast = fast_day[join[joined]]
    relevant = types[joined] == TYPE_INDEX["relevant"]
    out = {"fast_day_min_new_follows": f["fast_day_min_new_follows"],
           "followers_fast": int(fast.sum()), "followers_slow": int((~fast).sum()),
           "share_relevant_fast": float(relevant[fast].mean()) if fast.any() else None,
           "share_relevant_slow": float(relevant[~fast].mean()) if (~fast).any() else None}
    both = fast.any() and (~fast).any()
    out["difference"] = out["share_relevant_fast"] - out["share_relevant_slow"] if both else None
    return out


def simulate_focal(rng: np.random.Generator, cfg: dict, observed_at: pd.Timestamp) -> tuple[dict, dict]:
    """All tables of the focal account and the truth behind them."""
    f = cfg["focal"]
    dates = pd.date_range(cfg["start"], periods=cfg["days"], freq="D")
    n_days = len(dates)
    joins, curated = _daily_joins(rng, f, dates)
    members, purge = _membership(rng, f, n_days, joins)
    join, types, left = members[:, 0], members[:, 1], members[:, 2]
    day = np.arange(n_days)
    present = (join[None, :] <= day[:, None]) & (left[None, :] > day[:, None])
    count = present.sum(axis=1)
    by_type = np.stack([(present & (types == i)).sum(axis=1) for i in range(4)], axis=1)
    rel_share = by_type[:, 0] / count
    engage = engage_weights(cfg)
    account_id = f"x:{f['handle']}"
    posts = _posts(rng, cfg, dates, count, by_type @ engage)
    ids = np.array([f"fx{i:06d}" for i in range(len(join))])
    interactions = _interactions(rng, posts, members, ids, account_id, engage)
    traffic, blog_truth = _traffic(rng, cfg, dates, count, by_type[:, 0], posts)

    still = left >= n_days
    start_ts = dates[0].tz_localize("UTC")
    join_day = np.where(join < 0, -rng.integers(1, 1000, len(join)), join)
    followed_at = pd.Series(start_ts + pd.to_timedelta(join_day, unit="D")
                            + pd.to_timedelta(rng.integers(0, 86400, len(join)), unit="s"))
    profiles = draw_profiles(rng, TYPES[types[still]], observed_at, ids[still], cfg["profiles"])
    back_p = type_array(f["back_p"])[types[still]]
    curated_ids = set(ids[len(ids) - len(joins):][joins[:, 2] == 1])
    followers = profiles.assign(
        account_id=account_id, platform="x", followed_back=rng.random(still.sum()) < back_p,
        followed_at=followed_at[still].array, sample_weight=1.0, observed_at=observed_at,
        curated=[i in curated_ids for i in ids[still]])
    new_follows = np.bincount(join[join >= 0], minlength=n_days)
    unfollows = np.bincount(left[left < n_days], minlength=n_days)
    counts = pd.DataFrame({"account_id": account_id, "date": dates, "followers_count": count,
                           "new_follows": new_follows, "unfollows": unfollows, "source": "simulated daily count"})
    following = followers.loc[followers["followed_back"], ["account_id", "follower_id", "platform", "observed_at"]]
    following = following.rename(columns={"follower_id": "followed_id"})
    accounts = pd.DataFrame([{
        "account_id": account_id, "platform": "x", "handle": f["handle"], "display_name": "Quality Rules",
        "bio": "Marketing & community. I hand-pick who I follow. Blog: " + cfg["blog"]["site"],
        "location": "Paris", "url": f"https://{cfg['blog']['site']}",
        "created_at": pd.Timestamp("2012-03-01", tz="UTC"),
        "followers_count": int(count[-1]), "following_count": int(len(following)),
        "posts_count": int(len(posts)), "listed_count": 120, "verified": False, "is_focal": True,
        "observed_at": observed_at}])
    crossing = np.flatnonzero(count >= f["reply_threshold"])
    truth = {
        "account_id": account_id, "start_followers": int(count[0]), "end_followers": int(count[-1]),
        "curated_per_working_day": f["curated_per_day"], "curated_total": int(curated.sum()),
        "curation_start": str(dates[f["curation_start_day"]].date()),
        "curation_end": str(dates[min(f["curation_end_day"], n_days - 1)].date()),
        "date_reached_10000": str(dates[crossing[0]].date()) if len(crossing) else None,
        "purge": {**purge, "date": str(dates[purge["day"]].date()) if purge else None,
                  "engagement_per_follower_change": _purge_change(cfg, purge, by_type, engage),
                  "engagement_change": _purge_change(cfg, purge, by_type, engage, per_follower=False)},
        "growth_quality": _growth_quality(f, join, types, still, new_follows),
        "relevant_share_start": float(rel_share[0]), "relevant_share_end": float(rel_share[-1]),
        "reply_share_before": f["reply_share_before"], "reply_share_after": f["reply_share_after"],
        "blog": blog_truth,
    }
    return {"accounts": accounts, "followers": followers, "following": following,
            "posts": posts.drop(columns="day").assign(observed_at=observed_at), "interactions": interactions,
            "follower_counts": counts, "traffic": traffic}, truth
