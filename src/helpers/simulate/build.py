"""Build the simulated sample: a cohort of accounts and a focal account, with the planted truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.data import dataset, relevance_check
from helpers.simulate.config import config_digest
from helpers.simulate.focal import simulate_focal
from helpers.simulate.profiles import TYPES, draw_profiles
from helpers.simulate.scenarios import planted

NICHE_BIOS = ["Marketing & community.", "Social media and content strategy.", "SEO, blogs and newsletters.",
              "Stratégie de contenu et communauté.", "Growth, brand and engagement."]


def _beta(rng: np.random.Generator, mean: float | np.ndarray, sd: float, n: int) -> np.ndarray:
    """Beta draws with a given mean (one, or one per draw) and standard deviation."""
    common = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * common, (1 - mean) * common, n)


def _truncated_pareto(rng: np.random.Generator, lo: float, hi: float, alpha: float, n: int) -> np.ndarray:
    """Heavy-tailed follower counts between lo and hi (inverse-CDF draw)."""
    u = rng.random(n)
    return np.floor(lo * (1 - u * (1 - (lo / hi) ** alpha)) ** (-1 / alpha))


def _fake_means(c: dict, followers: np.ndarray) -> np.ndarray:
    """Each account's mean fake share: the config's, its logit shifted by size_fake_slope per SD of log followers."""
    z = np.log(followers)
    z = (z - z.mean()) / z.std() if z.std() > 0 else np.zeros_like(z)
    logit = np.log(c["fake_share_mean"] / (1 - c["fake_share_mean"])) + c["size_fake_slope"] * z
    return np.clip(1 / (1 + np.exp(-logit)), 0.02, 0.45)  # keeps the Beta's parameters positive at sd 0.06


def _type_shares(rng: np.random.Generator, c: dict, followers: np.ndarray) -> np.ndarray:
    """Per-account shares of relevant, irrelevant, inactive and fake followers (rows sum to 1)."""
    n = len(followers)
    rel = _beta(rng, c["relevant_share_mean"], c["relevant_share_sd"], n)
    fake = _beta(rng, _fake_means(c, followers), 0.06, n)
    inactive = _beta(rng, c["inactive_share_mean"], 0.07, n)
    irr = np.clip(1 - rel - fake - inactive, 0.05, None)
    shares = np.column_stack([rel, irr, inactive, fake])
    return shares / shares.sum(axis=1, keepdims=True)


def _split_engagement(rng: np.random.Generator, total: np.ndarray) -> np.ndarray:
    """Split engagements into likes, reposts, replies and quotes."""
    return np.array([rng.multinomial(t, [0.7, 0.15, 0.1, 0.05]) for t in total]).reshape(-1, 4)


def _cohort_accounts(rng: np.random.Generator, cfg: dict, observed_at: pd.Timestamp) -> pd.DataFrame:
    """The cohort's accounts with their true follower-type shares and engagement level."""
    c, e = cfg["cohort"], cfg["effects"]
    n = c["accounts"]
    platforms = list(c["platform_shares"])
    platform = rng.choice(platforms, n, p=np.array(list(c["platform_shares"].values())))
    followers = _truncated_pareto(rng, c["followers_min"], c["followers_max"], c["pareto_alpha"], n)
    shares = _type_shares(rng, c, followers)
    u = rng.normal(0, e["account_noise_sd"], n)
    log_mu = (e["engagement_b0"] + e["elasticity"] * np.log(followers) + e["relevant_effect"] * shares[:, 0]
              + e["fake_effect"] * shares[:, 3] + u)
    handles = np.array([f"{p}_acct{i:03d}" for i, p in enumerate(platform)])
    return pd.DataFrame({
        "account_id": [f"{p}:{h}" for p, h in zip(platform, handles, strict=False)],
        "platform": platform, "handle": handles, "display_name": [h.replace("_", " ") for h in handles],
        "bio": rng.choice(NICHE_BIOS, n), "location": None, "url": [f"https://{h}.example" for h in handles],
        "created_at": observed_at - pd.to_timedelta(rng.integers(400, 5000, n), unit="D"),
        "followers_count": followers.astype("int64"),
        "following_count": np.round(rng.lognormal(6.5, 0.8, n)).astype("int64"),
        "posts_count": np.round(rng.lognormal(8, 0.8, n)).astype("int64"),
        "listed_count": rng.poisson(followers / 150).astype("int64"),
        "verified": rng.random(n) < np.clip(np.log10(followers) / 12, 0, 1),
        "is_focal": False, "observed_at": observed_at,
        "true_relevant_share": shares[:, 0], "true_irrelevant_share": shares[:, 1],
        "true_inactive_share": shares[:, 2], "true_fake_share": shares[:, 3], "true_log_mu": log_mu,
    })


def _cohort_posts(rng: np.random.Generator, cfg: dict, accounts: pd.DataFrame,
                  observed_at: pd.Timestamp) -> pd.DataFrame:
    """Posts of each cohort account with negative-binomial engagement around its level."""
    c, e = cfg["cohort"], cfg["effects"]
    k = c["posts_per_account"]
    n = len(accounts) * k
    acct = np.repeat(np.arange(len(accounts)), k)
    kind = np.where(rng.random(n) < 0.15, "reply", "post")
    mu = np.exp(accounts["true_log_mu"].to_numpy()[acct]) * np.where(kind == "reply", 0.3, 1.0)
    shape = e["post_noise_dispersion"]
    total = rng.negative_binomial(shape, shape / (shape + mu))
    parts = _split_engagement(rng, total)
    platform = accounts["platform"].to_numpy()[acct]
    followers = accounts["followers_count"].to_numpy()[acct]
    impressions = np.round(2.0 * followers ** e["impressions_exponent"] * rng.lognormal(0, 0.3, n))
    impressions = np.maximum(impressions, total * 3)
    has_link = rng.random(n) < 0.25
    url_clicks = np.where(has_link, rng.binomial(impressions.astype("int64"), 0.003), 0)
    profile_clicks = rng.binomial(impressions.astype("int64"), 0.002)
    is_x = platform == "x"
    handles = accounts["handle"].to_numpy()[acct]
    numbers = np.tile(np.arange(k), len(accounts))
    return pd.DataFrame({
        "post_id": [f"{a}/p{j:03d}" for a, j in zip(accounts["account_id"].to_numpy()[acct], numbers, strict=False)],
        "account_id": accounts["account_id"].to_numpy()[acct], "platform": platform,
        "created_at": observed_at - pd.to_timedelta(rng.integers(60, 90 * 24 * 60, n), unit="min"),
        "text": np.where(has_link, "New on the blog: how communities grow", "Thoughts on marketing and community"),
        "kind": kind, "lang": np.where(rng.random(n) < 0.3, "fr", "en"),
        "link_urls": [[f"https://{h}.example/blog/{i}"] if linked else []
                      for h, i, linked in zip(handles, range(n), has_link, strict=False)],
        "has_link": has_link,
        "likes": parts[:, 0], "reposts": parts[:, 1], "replies": parts[:, 2], "quotes": parts[:, 3],
        "bookmarks": pd.Series(rng.binomial(total, 0.05)).astype("Int64").where(is_x),
        "impressions": pd.Series(impressions.astype("int64")).astype("Int64").where(is_x),
        "engagements": pd.Series(total + url_clicks + profile_clicks).astype("Int64").where(is_x),
        "url_clicks": pd.Series(url_clicks).astype("Int64").where(is_x),
        "profile_clicks": pd.Series(profile_clicks).astype("Int64").where(is_x),
        "observed_at": observed_at,
    })


def _cohort_followers(rng: np.random.Generator, cfg: dict, accounts: pd.DataFrame,
                      observed_at: pd.Timestamp) -> pd.DataFrame:
    """A uniform sample of each account's followers, with inverse-probability weights."""
    c = cfg["cohort"]
    sizes = np.minimum(accounts["followers_count"].to_numpy(), c["followers_sampled"]).astype(int)
    acct = np.repeat(np.arange(len(accounts)), sizes)
    shares = accounts[["true_relevant_share", "true_irrelevant_share", "true_inactive_share",
                       "true_fake_share"]].to_numpy()
    cum = shares.cumsum(axis=1)[acct]
    types = TYPES[(rng.random(len(acct))[:, None] > cum).sum(axis=1).clip(0, 3)]
    ids = np.array([f"u{i:07d}" for i in range(len(acct))])
    df = draw_profiles(rng, types, observed_at, ids, cfg["profiles"])
    back_p = pd.Series(types).map(c["back_p"])
    df.insert(0, "account_id", accounts["account_id"].to_numpy()[acct])
    df.insert(2, "platform", accounts["platform"].to_numpy()[acct])
    df["followed_back"] = rng.random(len(df)) < back_p.to_numpy()
    df["followed_at"] = pd.NaT
    df["sample_weight"] = (accounts["followers_count"].to_numpy() / sizes)[acct]
    df["observed_at"] = observed_at
    return df


def _cohort_interactions(rng: np.random.Generator, cfg: dict, followers: pd.DataFrame,
                         posts: pd.DataFrame) -> pd.DataFrame:
    """Likes, replies and reposts by sampled followers on their account's posts (who engages: [cohort] engage_p)."""
    engage_p = followers["true_type"].map(cfg["cohort"]["engage_p"]).to_numpy()
    engaged = followers[rng.random(len(followers)) < engage_p]
    reps = 1 + rng.poisson(1.0, len(engaged))
    actors = engaged.loc[engaged.index.repeat(reps)]
    post_ids = posts.groupby("account_id")["post_id"].agg(list)
    created = posts.set_index("post_id")["created_at"]
    chosen = [p[i] for p, i in zip(post_ids.loc[actors["account_id"]].to_numpy(),
                                   rng.integers(0, len(post_ids.iloc[0]), len(actors)), strict=False)]
    return pd.DataFrame({
        "account_id": actors["account_id"].to_numpy(), "post_id": chosen,
        "actor_id": actors["follower_id"].to_numpy(),
        "kind": rng.choice(["like", "reply", "repost"], len(actors), p=[0.7, 0.2, 0.1]),
        "created_at": (pd.DatetimeIndex(created.loc[chosen])
                       + pd.to_timedelta(rng.integers(1, 600, len(actors)), unit="min")),
    })


def simulate_cohort(rng: np.random.Generator, cfg: dict, observed_at: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The cohort's accounts, posts, sampled followers, interactions and following lists (no focal account)."""
    accounts = _cohort_accounts(rng, cfg, observed_at)
    posts = _cohort_posts(rng, cfg, accounts, observed_at)
    followers = _cohort_followers(rng, cfg, accounts, observed_at)
    interactions = _cohort_interactions(rng, cfg, followers, posts)
    following = followers.loc[followers["followed_back"], ["account_id", "follower_id", "platform", "observed_at"]]
    following = following.rename(columns={"follower_id": "followed_id"})
    return {"accounts": accounts, "posts": posts, "followers": followers, "interactions": interactions,
            "following": following}


def _r2(y: np.ndarray, *columns: np.ndarray) -> float:
    """R² of an OLS fit of y on a constant and the given columns."""
    X = np.column_stack([np.ones_like(y), *columns])
    resid = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    return float(1 - resid.var() / y.var())


def quality_delta_r2(accounts: pd.DataFrame) -> float:
    """Share of the variance of the accounts' true log engagement that true quality shares add to log followers."""
    y, log_f = accounts["true_log_mu"].to_numpy(), np.log(accounts["followers_count"].to_numpy(float))
    rel, fake = accounts["true_relevant_share"].to_numpy(), accounts["true_fake_share"].to_numpy()
    return _r2(y, log_f, rel, fake) - _r2(y, log_f)


def reciprocity_engaged_difference(accounts: pd.DataFrame, cohort: dict) -> tuple[float, float]:
    """Implied P(engaged | followed back) - P(engaged | not): mean over accounts, and over all follower ties."""
    shares = accounts[[f"true_{t}_share" for t in TYPES]].to_numpy()
    engage = np.array([cohort["engage_p"][t] for t in TYPES])
    back = np.array([cohort["back_p"][t] for t in TYPES])
    p_eb, p_b, p_e = shares @ (engage * back), shares @ back, shares @ engage
    per_account = p_eb / p_b - (p_e - p_eb) / (1 - p_b)
    n = accounts["followers_count"].to_numpy(float)
    ties = (n @ p_eb) / (n @ p_b) - (n @ (p_e - p_eb)) / (n @ (1 - p_b))
    return float(per_account.mean()), float(ties)


def simulate(cfg: dict) -> tuple[dict[str, pd.DataFrame], dict]:
    """All tables of the sample and the truth behind them."""
    rng = np.random.default_rng(cfg["seed"])
    observed_at = pd.Timestamp(cfg["observed_at"])
    cohort = simulate_cohort(rng, cfg, observed_at)
    accounts, posts, followers = cohort["accounts"], cohort["posts"], cohort["followers"]
    interactions, following = cohort["interactions"], cohort["following"]
    focal, focal_truth = simulate_focal(rng, cfg, observed_at)
    recip_per_account, recip_ties = reciprocity_engaged_difference(accounts, cfg["cohort"])
    tables = {
        "accounts": pd.concat([focal["accounts"], accounts], ignore_index=True),
        "followers": pd.concat([focal["followers"], followers], ignore_index=True),
        "following": pd.concat([focal["following"], following], ignore_index=True),
        "posts": pd.concat([focal["posts"], posts], ignore_index=True),
        "interactions": pd.concat([focal["interactions"], interactions], ignore_index=True),
        "follower_counts": pd.concat([focal["follower_counts"], pd.DataFrame({
            "account_id": accounts["account_id"], "date": observed_at.tz_localize(None).normalize(),
            "followers_count": accounts["followers_count"], "source": "simulated profile"})], ignore_index=True),
        "traffic": focal["traffic"],
    }
    truth = {
        "simulated": True,
        "config_digest": config_digest(cfg),
        "engagement_measure": "likes + reposts + replies + quotes per original post (kind == 'post')",
        "elasticity": cfg["effects"]["elasticity"],
        "relevant_effect": cfg["effects"]["relevant_effect"],
        "fake_effect": cfg["effects"]["fake_effect"],
        "impressions_exponent": cfg["effects"]["impressions_exponent"],
        "scenario": cfg["world"]["scenario"],
        "quality_effect_present": planted(cfg)["engagement"]["quality"],
        "quantity_effect_present": planted(cfg)["engagement"]["quantity"],
        "planted": planted(cfg),
        "quality_delta_r2": quality_delta_r2(accounts),
        "reciprocity_engaged_difference": recip_per_account,
        "reciprocity_engaged_difference_ties": recip_ties,
        "reply_share_change_10k": cfg["focal"]["reply_share_after"] - cfg["focal"]["reply_share_before"],
        "cohort": {
            "accounts": int(len(accounts)),
            "followers_sampled": int(len(followers)),
            "reciprocity_realised": float(np.average(followers["followed_back"], weights=followers["sample_weight"])),
            "fake_share_realised": float(np.average(followers["true_type"] == "fake",
                                                    weights=followers["sample_weight"])),
            "corr_log_followers_relevant_share": float(np.corrcoef(np.log(accounts["followers_count"]),
                                                                   accounts["true_relevant_share"])[0, 1]),
        },
        "focal": focal_truth,
        "config": cfg,
    }
    return tables, truth


def planted_check(followers: pd.DataFrame, n: int = relevance_check.N_DEFAULT, seed: int = 0) -> pd.DataFrame:
    """The sample's labelled relevance check: a drawn file labelled from the planted types, as a person with perfect
    judgement would label it (relevant: type relevant; fake: type fake)."""
    drawn = relevance_check.draw(followers, n, seed)
    keys = relevance_check.KEYS
    types = drawn[keys].merge(followers[[*keys, "true_type"]].drop_duplicates(keys), on=keys, how="left")["true_type"]
    return drawn.assign(relevant=np.where(types.eq("relevant"), "yes", "no"),
                        fake=np.where(types.eq("fake"), "yes", "no"))


def build_sample(cfg: dict, out: str | Path) -> Path:
    """Simulate and write the sample dataset, with truth.json and interests.toml beside the tables."""
    tables, truth = simulate(cfg)
    interests = (paths.SAMPLE_CONFIG_DIR / "interests.toml").read_text()
    # the labelled relevance check a user would make by hand, labelled from the planted types
    check = planted_check(tables["followers"], seed=int(cfg["seed"])).to_csv(index=False)
    return dataset.write(
        tables, out, simulated=True, pseudonymised=False, created_at=cfg["observed_at"],
        inputs=[{"path": "simulated", "format": "simulation", "reader": "helpers.simulate",
                 "seed": cfg["seed"], "config_digest": config_digest(cfg), "tables": {}}],
        notes=["SIMULATED DATA: the built-in sample, generated by `python -m helpers sample`; "
               "identifiers are synthetic, so no pseudonymisation is needed."],
        extra_files={"truth.json": json.dumps(truth, indent=2, default=str) + "\n", "interests.toml": interests,
                     relevance_check.FILE: check},
    )
