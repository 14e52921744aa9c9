"""Benchmark: follower scoring (helpers.quality.score_tables) against a row-by-row DataFrame.apply baseline.

    .venv/bin/python benchmarks/scoring.py [--sizes 1000000 10000000] [--baseline-rows 20000] [--accounts 1]

Generates follower profiles of one account (counts, dates, bios drawn from a vocabulary of English and French
words so that most bios are distinct, locations, last posts), the account's posts, interactions and following
list, then scores them, each size in a fresh process, and reports rows per second and peak memory (the
process's maximum resident set, generated data included; the resident set after generating is shown apart).
The baseline computes the same judgements one row at a time with DataFrame.apply (features, rule sets,
activity, relevance with its TF-IDF similarity, bin), with the model's predictions batched (a per-row predict
would only slow it further); it runs on a subsample of --baseline-rows rows and its rate is extrapolated to the
full size — said so in the output — and its bins are checked against the vectorised ones on that subsample.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # imported lazily below, so the parent process stays light
    from helpers.quality.interests import Interests

OBSERVED = pd.Timestamp("2025-06-01", tz="UTC")
TOPIC = ["marketing", "SEO", "contenu", "community", "communauté", "blog", "newsletter", "réseaux sociaux",
         "brand", "stratégie", "analytics", "growth"]
SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "ne", "po", "vi", "da", "re", "bel", "mon", "tra", "gui", "ste",
             "cor", "fin", "jar", "lux"]
PLACES = ["Paris", "Lyon", "London", "Berlin", "Montréal", "Toronto", "Madrid", "", ""]


def _vocabulary(rng: np.random.Generator, size: int = 3000) -> np.ndarray:
    """Made-up words of two or three syllables."""
    parts = rng.choice(SYLLABLES, (size, 3))
    cut = rng.integers(2, 4, size)
    return np.array(["".join(p[:c]) for p, c in zip(parts, cut, strict=False)], dtype=object)


def _bios(rng: np.random.Generator, n: int) -> np.ndarray:
    """Bios of 3-9 words, a quarter of them on the account's topics, one in ten empty."""
    vocab = _vocabulary(rng)
    words = vocab[rng.integers(0, len(vocab), (n, 9))]
    topical = rng.random(n) < 0.25
    words[topical, 0] = np.asarray(TOPIC, dtype=object)[rng.integers(0, len(TOPIC), topical.sum())]
    length = rng.integers(3, 10, n)
    joined = np.array([" ".join(w[:k]) for w, k in zip(words, length, strict=False)], dtype=object)
    joined[rng.random(n) < 0.1] = ""
    return joined


def generate(n: int, accounts: int = 1, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Canonical tables with n generated follower profiles spread over the accounts."""
    rng = np.random.default_rng(seed)
    fake = rng.random(n) < 0.15
    account_ids = np.array([f"acct{i}" for i in range(accounts)], dtype=object)
    account = account_ids[rng.integers(0, accounts, n)]
    follower_ids = np.char.add("u", np.arange(n).astype(str)).astype(object)
    age = np.where(fake, rng.integers(10, 400, n), rng.integers(100, 5000, n))
    posts = np.where(fake, rng.integers(0, 30, n), np.round(rng.lognormal(6, 1.5, n))).astype("int64")
    since = np.where(rng.random(n) < 0.2, rng.integers(100, 2000, n), rng.integers(0, 80, n))
    handles = np.char.add(np.asarray(rng.choice(SYLLABLES, n), dtype=str),
                          np.where(fake, rng.integers(10**6, 10**8, n), rng.integers(0, 100, n)).astype(str))
    followers = pd.DataFrame({
        "account_id": account, "follower_id": follower_ids, "platform": "x",
        "handle": handles.astype(object), "display_name": np.char.capitalize(handles).astype(object),
        "bio": _bios(rng, n), "location": np.asarray(PLACES, dtype=object)[rng.integers(0, len(PLACES), n)],
        "created_at": OBSERVED - pd.to_timedelta(age, unit="D"),
        "followers_count": np.where(fake, rng.integers(0, 30, n), np.round(rng.lognormal(5, 1.3, n))).astype("int64"),
        "following_count": np.where(fake, rng.integers(200, 4000, n),
                                    np.round(rng.lognormal(5.5, 1, n))).astype("int64"),
        "posts_count": posts, "listed_count": np.where(fake, 0, rng.poisson(3, n)).astype("int64"),
        "likes_count": np.round(rng.lognormal(5, 1.5, n)).astype("int64"),
        "last_post_at": (OBSERVED - pd.to_timedelta(since, unit="D")).where(posts > 0, pd.NaT),
        "default_avatar": np.where(fake, rng.random(n) < 0.6, rng.random(n) < 0.05),
        "verified": rng.random(n) < 0.005, "followed_back": rng.random(n) < 0.2,
        "sample_weight": 1.0, "observed_at": OBSERVED,
    })
    texts = np.array(["Le marketing de contenu pour les petites marques", "Community building and SEO tips",
                      "Nouvel article sur le blog : la stratégie newsletter", "How we grew our audience"], dtype=object)
    posts_df = pd.DataFrame({"post_id": [f"p{i}" for i in range(200 * accounts)],
                             "account_id": np.repeat(account_ids, 200), "text": texts[np.arange(200 * accounts) % 4]})
    actors = rng.random(n) < 0.05
    interactions = pd.DataFrame({"account_id": account[actors], "post_id": "p0", "actor_id": follower_ids[actors],
                                 "kind": "like"})
    accounts_df = pd.DataFrame({"account_id": account_ids, "platform": "x", "bio": "Marketing, SEO et communauté",
                                "location": "Paris"})
    return {"followers": followers, "posts": posts_df, "interactions": interactions, "accounts": accounts_df}


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _interests() -> Interests:
    """The interests the generated account is about (English and French)."""
    from helpers.quality.interests import Interests

    return Interests(topics=("marketing", "SEO", "réseaux sociaux"), keywords=("communauté", "blog", "contenu"),
                     places=("Paris", "Montréal"), languages=("en", "fr"), source="benchmark")


def run_vectorised(rows: int, accounts: int) -> dict:
    """Score generated tables with score_tables; time and memory of the scoring alone."""
    from helpers.quality import model as authenticity
    from helpers.quality.score import score_tables

    tables = generate(rows, accounts)
    model = authenticity.load()
    rss_data = _peak_rss_mb()
    started = time.perf_counter()
    result = score_tables(tables, _interests(), model=model)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "peak_rss_mb": _peak_rss_mb(),
            "rss_after_generating_mb": rss_data,
            "bins": result.follower_quality["bin"].astype(str).value_counts(normalize=True).round(4).to_dict()}


def run_baseline(rows: int, accounts: int) -> dict:
    """The same judgements one row at a time (DataFrame.apply), on rows generated the same way."""
    from sklearn.preprocessing import normalize

    from helpers.quality import model as authenticity
    from helpers.quality.bins import PRECEDENCE
    from helpers.quality.features import ALPHABET, FEATURES, OTHER, SYMBOLS
    from helpers.quality.language import MIN_WORDS, detector
    from helpers.quality.relevance import RelevanceParams, centroid, fit_vectorizer
    from helpers.quality.score import score_tables
    from helpers.quality.text import fold, term_pattern

    tables = generate(rows, accounts)
    f = tables["followers"]
    model = authenticity.load()
    interests, params = _interests(), RelevanceParams()
    pattern, places = term_pattern(interests.terms), term_pattern(list(interests.places))
    own = {a: g["text"].tolist() for a, g in tables["posts"].groupby("account_id")}
    for a, bio in zip(tables["accounts"]["account_id"], tables["accounts"]["bio"], strict=False):
        own.setdefault(a, []).append(bio)
    engaged = set(zip(tables["interactions"]["account_id"], tables["interactions"]["actor_id"], strict=False))
    started = time.perf_counter()
    vectorizer = fit_vectorizer([t for v in own.values() for t in v], f["bio"].unique(), composed=False)
    centroids = {a: centroid(vectorizer, t) for a, t in own.items()}
    index = {c: i for i, c in enumerate(ALPHABET)}

    def likelihood(handle: str) -> float:
        """BotometerLite's screen-name likelihood of one handle."""
        codes = [index.get(c, OTHER) for c in handle.lower()]
        pairs = [a * SYMBOLS + b for a, b in zip(codes, codes[1:], strict=False)]
        return float(np.exp(np.mean(model.bigram_log_probs[pairs]))) if pairs else np.nan

    def row_scores(r: pd.Series) -> pd.Series:
        """Every judgement of one follower, computed from its row alone."""
        age = max((r["observed_at"] - r["created_at"]).total_seconds() / 86400, 1.0)
        counts = [r["posts_count"], r["followers_count"], r["following_count"], r["likes_count"], r["listed_count"]]
        feats = [*counts, np.nan, np.nan, float(r["verified"]), *(c / age for c in counts),
                 r["followers_count"] / max(r["following_count"], 1), len(r["handle"]),
                 sum(ch.isdigit() for ch in r["handle"]), len(r["display_name"]),
                 sum(ch.isdigit() for ch in r["display_name"]), len(r["bio"]), likelihood(r["handle"])]
        followers, friends, posts = r["followers_count"], r["following_count"], r["posts_count"]
        cc = [bool(r["display_name"]), not r["default_avatar"], bool(r["location"]), bool(r["bio"]), followers >= 30,
              r["listed_count"] > 0, posts >= 50, 2 * followers >= friends]  # the url is unknown here
        bio_folded = fold(r["bio"])
        sos = (bool(re.search(r"(?<![a-z0-9])bot(?![a-z0-9])", bio_folded))
               or (friends > 0 and friends >= 100 * followers))
        sb = (friends > 0 and friends >= 50 * followers) or posts == 0 or (age > 61 and r["default_avatar"]) or \
            (not r["bio"] and not r["location"] and friends > 100)
        since = ((r["observed_at"] - r["last_post_at"]).total_seconds() / 86400
                 if pd.notna(r["last_post_at"]) else np.nan)
        inactive = posts == 0 or (since > 90 if not np.isnan(since) else False)
        hits = len(pattern.findall(bio_folded))
        sim = float((normalize(vectorizer.transform([r["bio"]])) @ centroids[r["account_id"]].T)[0, 0])
        place = 1.0 if places.search(fold(r["location"])) else 0.0
        text = re.sub(r"https?://\S+|[@#]\w+", " ", r["bio"]).strip()
        found = detector().detect_language_of(text) if len(re.findall(r"[^\W\d_]{2,}", text)) >= MIN_WORDS else None
        lang = None if found is None else found.iso_code_639_1.name.lower()
        s = min(max((sim - params.sim_floor) / (params.sim_ceiling - params.sim_floor), 0), 1)
        rel = 1 - (0.5 ** hits) * (1 - s) * (1 - params.place_weight * place)
        if lang is not None and lang not in interests.languages:
            rel *= params.language_mismatch
        return pd.Series([*feats, sum(cc) < len(cc) - sum(cc), sos, sb, inactive, rel,
                          (r["account_id"], r["follower_id"]) in engaged],
                         index=[*FEATURES, "cc", "sos", "sb", "inactive", "relevance", "engaged"])

    scored = f.apply(row_scores, axis=1)
    p_fake = authenticity.predict_p_fake(model, scored)  # batched, in the baseline's favour
    tests = {"likely_fake": p_fake >= model.threshold, "engaged": scored["engaged"].to_numpy(bool),
             "inactive": scored["inactive"].to_numpy(bool), "relevant": scored["relevance"].to_numpy() >= 0.5,
             "irrelevant": np.ones(len(f), bool)}
    bins = np.select([tests[b] for b in PRECEDENCE], PRECEDENCE, default="irrelevant")
    seconds = time.perf_counter() - started
    vectorised = score_tables(tables, interests, model=model).follower_quality["bin"].astype(str).to_numpy()
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "peak_rss_mb": _peak_rss_mb(),
            "bins_agree_with_vectorised": float((bins == vectorised).mean())}


def _child(kind: str, rows: int, accounts: int) -> dict:
    """Run one measurement in a fresh Python process, so peak memory is its own."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--rows", str(rows), "--accounts",
                          str(accounts)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{kind} at {rows:,} rows failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the sizes asked for and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000], help="follower profiles per run")
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="subsample for the row-by-row baseline")
    parser.add_argument("--accounts", type=int, default=1, help="studied accounts the followers are spread over")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--child", choices=["vectorised", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_vectorised if args.child == "vectorised" else run_baseline
        print(json.dumps(run(args.rows, args.accounts)))
        return
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}")
    baseline = _child("baseline", args.baseline_rows, args.accounts)
    print(f"baseline (row-by-row DataFrame.apply) on {baseline['rows']:,} rows: {baseline['seconds']:.1f} s, "
          f"{baseline['rows_per_second']:,.0f} rows/s, peak {baseline['peak_rss_mb']:,.0f} MB; its bins agree with "
          f"the vectorised ones on {baseline['bins_agree_with_vectorised']:.2%} of the rows")
    results = {"baseline": baseline, "runs": []}
    for size in args.sizes:
        run = _child("vectorised", size, args.accounts)
        extrapolated = size / baseline["rows_per_second"]
        run["baseline_seconds_extrapolated"] = extrapolated
        run["speedup"] = extrapolated / run["seconds"]
        results["runs"].append(run)
        print(f"{size:>12,} rows: {run['seconds']:8.1f} s, {run['rows_per_second']:>10,.0f} rows/s, peak "
              f"{run['peak_rss_mb']:,.0f} MB (of which generated data {run['rss_after_generating_mb']:,.0f} MB); "
              f"baseline extrapolated from {baseline['rows']:,} rows: {extrapolated:,.0f} s "
              f"-> {run['speedup']:.0f}x faster")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
