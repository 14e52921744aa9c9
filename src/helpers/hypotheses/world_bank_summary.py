"""Tables of a world bank (rows of helpers.hypotheses.world_bank.run_world): the distribution of answers per
scenario, each primary test's rejection rate with a Wilson interval, and the two targets of issue 13: a side is
declared when its effect is absent in at most 5 % of worlds; the right answer in at least 80 % of planted worlds."""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from helpers.hypotheses.decision_rule import ANSWERS

FALSE_DECLARED_MAX = 0.05  # target 1: a side absent from a world is declared in at most this share of worlds
RIGHT_MIN = 0.80  # target 2: a world with a planted effect gets the right answer in at least this share of worlds
OUTCOMES = ("engagement", "visits")
FAILED = "failed"  # the answer of a world on which the pipeline broke: counted in the answers, left out of the rates
SIDES = ("quantity", "quality")


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson interval of k successes in n trials (NaN for n = 0)."""
    if n == 0:
        return float("nan"), float("nan")
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def _rate(flags: pd.Series) -> dict:
    """Share of True with its Wilson interval and n."""
    k, n = int(flags.sum()), int(flags.notna().sum())
    low, high = wilson(k, n)
    return {"k": k, "n": n, "rate": k / n if n else float("nan"), "ci_low": low, "ci_high": high}


def answer_shares(bank: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and answer column (overall, per outcome): the share of worlds giving each answer, and n."""
    rows = []
    for (scenario, column), answers in _by_scenario(bank, ["answer", *(f"answer_{o}" for o in OUTCOMES)]):
        shares = answers.value_counts(normalize=True).reindex([*ANSWERS, FAILED], fill_value=0.0)
        rows.append({"scenario": scenario, "answer of": column.removeprefix("answer_").replace("answer", "overall"),
                     "n": len(answers), **shares.to_dict()})
    return pd.DataFrame(rows)


def _by_scenario(bank: pd.DataFrame, columns: list[str]):
    """(scenario, column) and that column's values, scenarios in the bank's order."""
    for scenario, worlds in bank.groupby("scenario", sort=False):
        for column in columns:
            yield (scenario, column), worlds[column]


def _answered(bank: pd.DataFrame) -> pd.DataFrame:
    """The worlds the pipeline answered (failed ones left out)."""
    return bank[bank["answer"] != FAILED]


def rejection_rates(bank: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and primary contrast: whether its effect is planted, and the share of worlds declaring its side
    (positive, Holm-adjusted p below 0.05) with its Wilson interval."""
    rows = []
    for scenario, worlds in _answered(bank).groupby("scenario", sort=False):
        for outcome in OUTCOMES:
            for side in SIDES:
                planted = bool(worlds[f"planted_{outcome}_{side}"].iloc[0])
                rows.append({"scenario": scenario, "primary": f"{outcome} {side}", "planted": planted,
                             **_rate(worlds[f"{outcome}_{side}_rejected"].astype(bool))})
    return pd.DataFrame(rows)


def false_declarations(bank: pd.DataFrame) -> pd.DataFrame:
    """Target 1: each primary whose effect is absent, the share of worlds declaring it; met when at most 5 %."""
    rates = rejection_rates(bank)
    absent = rates[~rates["planted"]].drop(columns="planted").copy()
    absent["target met"] = absent["rate"] <= FALSE_DECLARED_MAX
    return absent.reset_index(drop=True)


def right_answers(bank: pd.DataFrame) -> pd.DataFrame:
    """Target 2: per scenario, the share of worlds whose answer (per outcome, overall) is the planted one; the
    target applies to worlds where some effect is planted."""
    rows = []
    for scenario, worlds in _answered(bank).groupby("scenario", sort=False):
        for of, answer, right in [("overall", "answer", "right"),
                                  *((o, f"answer_{o}", f"right_{o}") for o in OUTCOMES)]:
            planted_any = worlds[right].iloc[0] != "neither"
            rate = _rate(worlds[answer] == worlds[right])
            rows.append({"scenario": scenario, "answer of": of, "right answer": worlds[right].iloc[0], **rate,
                         "target met": (rate["rate"] >= RIGHT_MIN) if planted_any else None})
    return pd.DataFrame(rows)
