"""The world bank's fast version (issue 13, deliverable 7): the decision rule over tiny seeded worlds.

In every scenario where an effect is absent, the rule may declare that side in at most 5 % of worlds: with n = 50
worlds, the count declaring it may not exceed the 99.9 % quantile of Binomial(50, 0.05), which is 8 (a rule whose
true rate is 5 % exceeds it with probability below 0.001 per contrast; one at 15 % in about a third of seeds, one
at 25 % almost always). The seeds are fixed, so the test is deterministic. On planted-both, the rule must answer
"both" in more worlds than that quantile allows by chance (5 of 20), to catch a broken pipeline.

Size "tiny" (helpers.hypotheses.world_bank.SIZES): 60 cohort accounts with 40 sampled followers and 20 posts each,
a 150-day focal timeline with a focal account a fifth of the default's size. Each world is still built, written,
scored with the real scorer and answered with notebook 21's and 22's functions (H03 with its 499 block-bootstrap
draws), which costs about 3 s a world on one core even this small (scoring and the bootstrap dominate, not the
data size): 50 worlds for each of four null scenarios and 20 planted-both worlds take about 12 minutes, so that
part is marked slow. The benchmark (benchmarks/world_bank.py) runs the 200-world banks at the small and default sizes.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import binom

from helpers.hypotheses import world_bank, world_bank_summary

NULL_SCENARIOS = ["no-quality", "no-quantity", "neither", "visits-by-total-followers"]
N_NULL, N_PLANTED = 50, 20
SIZE = "tiny"


def allowance(n: int) -> int:
    """The most worlds declaring an absent side that a 5 % rate exceeds in fewer than 0.1 % of banks."""
    return int(binom.ppf(0.999, n, world_bank_summary.FALSE_DECLARED_MAX))


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    """The tiny worlds of the null scenarios and of planted-both, on one process."""
    nulls = world_bank.run_bank(NULL_SCENARIOS, N_NULL, SIZE, workers=1, progress=False)
    both = world_bank.run_bank(["planted-both"], N_PLANTED, SIZE, workers=1, progress=False)
    return pd.concat([nulls, both], ignore_index=True)


@pytest.mark.slow
def test_absent_sides_are_declared_in_at_most_five_percent_of_worlds(bank: pd.DataFrame) -> None:
    """Every primary whose effect a null scenario removes is declared in no more worlds than the binomial allowance."""
    absent = world_bank_summary.false_declarations(bank[bank["scenario"].isin(NULL_SCENARIOS)])
    assert set(absent["scenario"]) == set(NULL_SCENARIOS) and (absent["n"] == N_NULL).all()
    too_many = absent[absent["k"] > allowance(N_NULL)]
    assert too_many.empty, f"declared too often (allowance {allowance(N_NULL)} of {N_NULL}):\n{too_many}"


@pytest.mark.slow
def test_an_absent_side_is_never_the_overall_answer_too_often(bank: pd.DataFrame) -> None:
    """A side absent from both outcomes of a scenario is rarely part of the overall answer."""
    for scenario in ["no-quality", "no-quantity", "neither"]:
        worlds = bank[bank["scenario"] == scenario]
        for side in world_bank_summary.SIDES:
            if worlds[[f"planted_{o}_{side}" for o in world_bank_summary.OUTCOMES]].any(axis=None):
                continue
            claimed = worlds["answer"].isin([side, "both"]).sum()
            assert claimed <= allowance(len(worlds)), f"{scenario}: {side} claimed in {claimed} of {len(worlds)}"


@pytest.mark.slow
def test_planted_both_is_answered_both_more_often_than_chance(bank: pd.DataFrame) -> None:
    """With both effects planted, "both" comes more often than false declarations at 5 % could give."""
    worlds = bank[bank["scenario"] == "planted-both"]
    assert len(worlds) == N_PLANTED
    assert (worlds["answer"] == "both").sum() > allowance(N_PLANTED)


def test_one_tiny_world_gives_one_full_row() -> None:
    """A world's row has the rule's answers, each primary's estimate, p and decision, and its planted truth."""
    row = world_bank.run_world("neither", 7, SIZE)
    assert row["scenario"] == "neither" and row["seed"] == 7
    assert row["answer"] in world_bank_summary.ANSWERS and row["answer_visits"] in world_bank_summary.ANSWERS
    for outcome in world_bank_summary.OUTCOMES:
        assert row[f"right_{outcome}"] == "neither"
        for side in world_bank_summary.SIDES:
            assert row[f"planted_{outcome}_{side}"] is False
            assert pd.notna(row[f"{outcome}_{side}_estimate"]) and 0 <= row[f"{outcome}_{side}_p"] <= 1


def test_the_scenarios_plant_what_the_right_answers_say() -> None:
    """The right answer follows each scenario's planted block (config only, no world built)."""
    expected = {"planted-both": "both", "no-quality": "quantity", "no-quantity": "quality", "neither": "neither"}
    for scenario, answer in expected.items():
        truth = world_bank.planted(world_bank.world_config(scenario, 1, SIZE))
        sides = [s for s in world_bank_summary.SIDES if any(truth[o][s] for o in truth)]
        assert world_bank.right_answer(sides) == answer
    truth = world_bank.planted(world_bank.world_config("visits-by-total-followers", 1, SIZE))
    assert truth["visits"] == {"quantity": True, "quality": False}


def test_targets_are_read_from_the_rows() -> None:
    """The summary counts declared absent sides and right answers per scenario, with Wilson intervals."""
    rows = []
    for i in range(20):
        rows.append({"scenario": "no-quality", "answer": "quantity", "answer_engagement": "quantity",
                     "answer_visits": "can't tell", "right": "quantity", "right_engagement": "quantity",
                     "right_visits": "quantity",
                     **{f"planted_{o}_{s}": s == "quantity" for o in ("engagement", "visits")
                        for s in ("quantity", "quality")},
                     **{f"{o}_{s}_rejected": (s == "quantity" and o == "engagement") or (s == "quality" and i < 2)
                        for o in ("engagement", "visits") for s in ("quantity", "quality")}})
    bank = pd.DataFrame(rows)
    absent = world_bank_summary.false_declarations(bank).set_index("primary")
    assert absent.loc["engagement quality", "k"] == 2 and absent.loc["engagement quality", "n"] == 20
    assert not absent["target met"].any()  # 2 in 20 is 10 %, above the 5 % target
    low, high = absent.loc["visits quality", ["ci_low", "ci_high"]]
    assert low < 0.10 < high
    right = world_bank_summary.right_answers(bank).set_index("answer of")
    assert right.loc["overall", "rate"] == 1 and right.loc["visits", "rate"] == 0
    assert right.loc["overall", "target met"] and not right.loc["visits", "target met"]
