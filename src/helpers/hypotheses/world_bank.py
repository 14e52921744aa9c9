"""The world bank: many small seeded simulated worlds, each built, scored and answered by the decision rule with
the functions notebooks 21 (H02, the engagement primary) and 22 (H03, the visits primary) use, so that the rule's
error rates can be measured against what each world planted (truth.json's `planted` block).

run_world builds one world in a temporary folder and returns one row; run_bank runs many in parallel. The
notebooks themselves are not executed (too slow): the bank calls the same public functions in the same order.
"""

from __future__ import annotations

import math
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from helpers.analyses import misclassification, quality_engagement, traffic, traffic_audience
from helpers.data.dataset import Dataset, load
from helpers.hypotheses import decision_rule
from helpers.quality.score import ScoreOptions, score_dataset
from helpers.simulate.build import build_sample
from helpers.simulate.config import load_config
from helpers.simulate.scenarios import SCENARIOS, planted
from helpers.stats import NotEstimable

# Config overrides per world size. "default" is data/sample/config.toml. The smaller ones keep every rate and effect
# and shrink only how much is observed: cohort accounts (the n of the engagement primary), followers sampled per
# account (how noisy each account's measured shares are), posts per account, and the focal account's timeline (the
# days of the visits primary), with its curation window and purge day moved inside the shorter year.
SIZES: dict[str, dict] = {
    "default": {},
    # the default with two years of daily traffic (curation to day 690): what the visits primary needs for its power
    "long": {"days": 730, "focal": {"curation_end_day": 690, "purge_day": 400}},
    "small": {"days": 240, "cohort": {"accounts": 150, "followers_sampled": 60, "posts_per_account": 30},
              "focal": {"curation_start_day": 30, "curation_end_day": 225, "purge_day": 130}},
    # tiny (the test suite's): also a focal account a fifth the size (its growth ratio, which drives visits, kept)
    "tiny": {"days": 150, "cohort": {"accounts": 60, "followers_sampled": 40, "posts_per_account": 20},
             "focal": {"curation_start_day": 20, "curation_end_day": 140, "purge_day": 80, "start_followers": 600,
                       "organic_per_day": 0.8, "curated_per_day": [6, 8]}},
}
SIDES = ("quantity", "quality")
# the rule's outcome names -> the short keys of a row (and of truth.json's planted block)
OUTCOME_KEYS = {"engagement": "engagement", "social visits": "visits"}
# the notebooks' parameters (21: min_posts, min_judged; 22: lag rule over 0..7 days, 499 block-bootstrap draws)
MIN_POSTS, MIN_JUDGED, MAX_LAG_DAYS, TRAFFIC_BOOT = 5, 20, 7, 499


def world_config(scenario: str, seed: int, size: str = "small") -> dict:
    """The resolved sample parameters of one world: the scenario, the size's overrides and the seed."""
    overrides = dict(SIZES[size])
    if "days" in overrides:  # the timeline ends the day before the observation, as in the default year
        observed = pd.Timestamp(load_config()["observed_at"])
        overrides["start"] = str((observed.tz_localize(None) - pd.Timedelta(days=overrides["days"])).date())
    return load_config(seed=seed, scenario=scenario, overrides=overrides)


def engagement_record(ds: Dataset, n_boot: int = 0) -> dict:
    """H02 as notebook 21 records it (a dict as written), with the quantity contrast in extra["primary"].

    The rule reads only the two contrasts' estimates, HC3 intervals and p-values; the bootstrap draws feed the
    exchange rate alone, so the bank uses none by default (n_boot = 0: HC3 covariance for the rate)."""
    fq = ds.tables.get("follower_quality")
    frame = quality_engagement.quality_frame(ds.accounts, ds.posts, fq, min_posts=MIN_POSTS, min_judged=MIN_JUDGED)
    reason, _ = quality_engagement.readiness(frame, fq, MIN_POSTS, MIN_JUDGED)
    if reason is not None:
        return {"id": "H02_quality_engagement", "verdict": "not estimable", "finding": f"not estimable: {reason}"}
    try:  # readiness does not check the shares' reliability; share_effect does, and raises (notebook 21 fails)
        draws = quality_engagement.bootstrap_coefficients(frame, n_boot)
        corrections = misclassification.corrections(ds, fq)
        h02 = quality_engagement.share_effect(frame, "relevant_share", draws=draws, corrections=corrections)
        quantity = quality_engagement.quantity_effect(frame)
        rate = quality_engagement.rates(frame, draws, corrections=corrections)["relevant"]
    except NotEstimable as exc:
        return {"id": "H02_quality_engagement", "verdict": "not estimable", "finding": f"not estimable: {exc}"}
    primary = decision_rule.primary_extra("engagement", quality_engagement.quantity_contrast(quantity),
                                          quality_engagement.primary_rate(rate))
    return _row("H02_quality_engagement", h02.estimate, h02.ci_low, h02.ci_high, h02.p, h02.n, primary,
                h02.extra.get("reason"))


def visits_record(ds: Dataset, n_boot: int = TRAFFIC_BOOT) -> dict:
    """H03 as notebook 22 records it (labels "auto": quality scores; lag by AIC; block-bootstrap intervals)."""
    focal = traffic.focal_traffic(ds.tables, prefer="auto")
    if not focal.has_audience:
        return {"id": "H03_followers_traffic", "verdict": "not estimable",
                "finding": "not estimable: no traffic or no relevant followers per day"}
    h03 = traffic_audience.contrasts(focal.frame, None, MAX_LAG_DAYS, n_boot=n_boot)
    return _row("H03_followers_traffic", h03.estimate, h03.ci_low, h03.ci_high, h03.p, h03.n,
                h03.extra.get("primary"), h03.extra.get("reason"))


def _row(hid: str, estimate: float, low: float, high: float, p: float, n: int, primary: dict | None,
         reason: str | None) -> dict:
    """A recorded result as to_result writes it: not estimable (no extra) when the estimate is missing."""
    if not math.isfinite(estimate):
        return {"id": hid, "verdict": "not estimable", "finding": f"not estimable: {reason or 'not enough data'}"}
    return {"id": hid, "estimate": estimate, "ci_low": low, "ci_high": high, "p": p, "n": n, "verdict": "",
            "extra": {"primary": primary}}


def _answer_columns(answer: str, outcomes: list[decision_rule.OutcomeAnswer] | None) -> dict:
    """The rule's answers and each primary contrast's estimate, p, Holm p and whether its side was declared (every
    column, empty, when outcomes is None)."""
    out: dict = {"answer": answer}
    for o in outcomes or [decision_rule.OutcomeAnswer(name, answer, "") for name in OUTCOME_KEYS]:
        key = OUTCOME_KEYS[o.outcome]
        out[f"answer_{key}"] = o.answer
        for side in SIDES:
            c = getattr(o, side)
            prefix = f"{key}_{side}"
            out[f"{prefix}_estimate"] = c.estimate if c else math.nan
            out[f"{prefix}_p"] = c.p if c else math.nan
            out[f"{prefix}_p_holm"] = c.p_adjusted if c else math.nan
            out[f"{prefix}_rejected"] = side in o.declared
    return out


def _planted_columns(cfg: dict) -> dict:
    """What the world planted, per outcome and side, and the right answers it implies."""
    truth = planted(cfg)
    out = {f"planted_{o}_{s}": bool(truth[o][s]) for o in truth for s in SIDES}
    for o in truth:
        out[f"right_{o}"] = right_answer([s for s in SIDES if truth[o][s]])
    out["right"] = right_answer([s for s in SIDES if any(truth[o][s] for o in truth)])
    return out


def right_answer(sides: list[str]) -> str:
    """The answer a world with these planted sides should get: both, the one side, or neither."""
    return "both" if len(sides) == 2 else sides[0] if sides else "neither"


def answer_world(path: Path, traffic_boot: int = TRAFFIC_BOOT, engagement_boot: int = 0) -> dict:
    """Score a built world in place, compute both primaries and apply the decision rule."""
    score_dataset(path, options=ScoreOptions(reasons=False))  # the reasons in words feed reports, not the rule
    ds = load(path)
    rows = [engagement_record(ds, engagement_boot), visits_record(ds, traffic_boot)]
    return {**_answer_columns(*decision_rule.decide(rows)), "error": ""}


def run_world(scenario: str, seed: int, size: str = "small", traffic_boot: int = TRAFFIC_BOOT,
              engagement_boot: int = 0) -> dict:
    """One seeded world of a scenario, built, scored and answered: one row (answers, primaries, planted truth)."""
    start = time.perf_counter()
    cfg = world_config(scenario, seed, size)
    # one thread per world: the bank runs worlds side by side, and the scorer's gradient boosting otherwise spends
    # most of its time starting OpenMP threads on a busy machine (about 5 times slower)
    with (threadpool_limits(limits=1), warnings.catch_warnings(),
          tempfile.TemporaryDirectory(prefix="world-bank-") as tmp):
        warnings.simplefilter("ignore")  # fit warnings of hundreds of worlds would drown the progress bar
        path = build_sample(cfg, Path(tmp) / "world")
        row = {"scenario": scenario, "seed": int(seed), "size": size,
               **answer_world(path, traffic_boot, engagement_boot)}
    return {**row, **_planted_columns(cfg), "seconds": time.perf_counter() - start}


def safe_world(scenario: str, seed: int, size: str = "small", traffic_boot: int = TRAFFIC_BOOT) -> dict:
    """run_world, or a row whose answer is "failed" (with the error) when the pipeline breaks on that world, so one
    broken world does not end a bank of hundreds; the tables count failed worlds apart."""
    try:
        return run_world(scenario, seed, size, traffic_boot)
    except Exception as exc:  # noqa: BLE001 - any failure is a finding of the bank, reported with its row
        cfg = world_config(scenario, seed, size)
        failed = {k: ("failed" if k.startswith("answer") else math.nan if not k.endswith("_rejected") else False)
                  for k in _answer_columns("", None)}
        return {"scenario": scenario, "seed": int(seed), "size": size, **failed,
                "error": f"{type(exc).__name__}: {exc}", **_planted_columns(cfg), "seconds": math.nan}


def world_seeds(scenario: str, n_worlds: int, first_seed: int = 0) -> list[int]:
    """The seeds of a scenario's worlds: distinct across scenarios, so no two scenarios share random draws."""
    offset = 1_000_000 * (list(SCENARIOS).index(scenario) + 1)
    return [offset + first_seed + i for i in range(n_worlds)]


def bank_jobs(scenarios: Iterable[str] | None, n_worlds: int, first_seed: int = 0) -> list[tuple[str, int]]:
    """(scenario, seed) pairs, seed by seed across the scenarios, so a bank stopped early stays balanced."""
    names = list(scenarios or SCENARIOS)
    seeds = {s: world_seeds(s, n_worlds, first_seed) for s in names}
    return [(s, seeds[s][i]) for i in range(n_worlds) for s in names]


def iter_bank(jobs: list[tuple[str, int]], size: str = "small", workers: int = 2,
              traffic_boot: int = TRAFFIC_BOOT) -> Iterator[dict]:
    """The rows of the given worlds as they finish (in job order), on `workers` processes."""
    if workers <= 1:
        return (safe_world(s, seed, size, traffic_boot) for s, seed in jobs)
    from joblib import Parallel, delayed  # imported here: only a parallel bank needs it

    return Parallel(n_jobs=workers, return_as="generator")(
        delayed(safe_world)(s, seed, size, traffic_boot) for s, seed in jobs)


def run_bank(scenarios: Iterable[str] | None = None, n_worlds: int = 50, size: str = "small", workers: int = 2,
             traffic_boot: int = TRAFFIC_BOOT, first_seed: int = 0, progress: bool = True) -> pd.DataFrame:
    """n_worlds seeded worlds per scenario (all scenarios by default), run on `workers` processes: one row each."""
    from tqdm.auto import tqdm

    jobs = bank_jobs(scenarios, n_worlds, first_seed)
    rows = iter_bank(jobs, size, workers, traffic_boot)
    return pd.DataFrame(list(tqdm(rows, total=len(jobs), desc=f"{size} worlds", disable=not progress)))
