"""The pre-registered rule on hand-made result sets: every answer (quantity, quality, both, neither, can't tell),
multiplicity over the primaries only, secondaries that never veto, and a missing primary said in words."""

from __future__ import annotations

import json
import math

import pytest

from helpers import paths
from helpers.hypotheses import decision_rule as rule
from helpers.hypotheses import verdict

NAN = float("nan")
# contrasts on the standard scales: quality per unit of share (minimum 0.488), quantity an elasticity (0.070)
STRONG_Q, NULL_Q, WIDE_Q = (1.5, 1.0, 2.0, 1e-6), (0.05, -0.2, 0.3, 0.7), (0.5, -1.0, 2.0, 0.5)
STRONG_N, NULL_N, WIDE_N = (0.6, 0.5, 0.7, 1e-8), (0.0, -0.03, 0.03, 0.9), (0.1, -0.2, 0.4, 0.5)


def primary(hid: str, outcome: str, quality: tuple, quantity: tuple, rate: dict | None = None, **extra) -> dict:
    """A recorded primary: the quality contrast in the record, the quantity contrast in extra["primary"]."""
    (qe, ql, qh, qp), (ne, nl, nh, np_) = quality, quantity
    return {"id": hid, "question": f"question {hid}", "estimate": qe, "ci_low": ql, "ci_high": qh, "p": qp,
            "n": 100, "verdict": "v", "finding": "f", "supports": "quality", "measure": "coefficient",
            "extra": {"primary": {"outcome": outcome, "exchange_rate": rate, **extra,
                                  "quantity": {"estimate": ne, "ci_low": nl, "ci_high": nh, "p": np_, "n": 100,
                                               "measure": "elasticity"}}}}


def secondary(hid: str, estimate: float, p: float, supports: str, **more) -> dict:
    """A recorded secondary hypothesis."""
    return {"id": hid, "estimate": estimate, "ci_low": estimate - 0.1, "ci_high": estimate + 0.1, "p": p, "n": 50,
            "verdict": "v", "finding": "f", "supports": supports, **more}


def answers(rows: list[dict]) -> tuple[str, dict[str, str]]:
    """The overall answer and each outcome's answer."""
    overall, outcomes = rule.decide(rows)
    return overall, {o.outcome: o.answer for o in outcomes}


@pytest.mark.parametrize(("quality", "quantity", "expected"), [
    (NULL_Q, STRONG_N, "quantity"), (STRONG_Q, NULL_N, "quality"), (STRONG_Q, STRONG_N, "both"),
    (NULL_Q, NULL_N, "neither"), (WIDE_Q, NULL_N, "can't tell"), (NULL_Q, WIDE_N, "can't tell")])
def test_each_outcome_answers_from_its_two_primaries(quality, quantity, expected):
    rows = [primary("H02_e", "engagement", quality, quantity), primary("H03_v", "social visits", NULL_Q, NULL_N)]
    overall, per = answers(rows)
    assert per == {"engagement": expected, "social visits": "neither"}
    assert overall == expected


def test_one_side_declared_with_the_other_undetermined_is_that_side_and_says_so():
    _, outcomes = rule.decide([primary("H02_e", "engagement", STRONG_Q, WIDE_N)])
    eng = outcomes[0]
    assert eng.answer == "quality" and eng.declared == ["quality"]
    assert eng.quantity.status == "undetermined" and "still allows an effect of the minimum size" in eng.reason


def test_a_negative_significant_contrast_is_not_declared():
    _, per = answers([primary("H02_e", "engagement", (-1.5, -2.0, -1.0, 1e-6), STRONG_N)])
    assert per["engagement"] == "quantity"


def test_the_overall_answer_joins_the_sides_declared_for_any_outcome():
    assert rule.overall(["quality", "quantity"]) == "both"
    assert rule.overall(["quality", "can't tell"]) == "quality"
    assert rule.overall(["neither", "neither"]) == "neither"
    assert rule.overall(["neither", "can't tell"]) == "can't tell"
    assert rule.overall([]) == "can't tell"


def test_a_missing_primary_is_cant_tell_with_the_recorded_reason():
    rows = [primary("H02_e", "engagement", NULL_Q, NULL_N),
            {"id": "H03_followers_traffic", "estimate": None, "p": None, "verdict": "not estimable",
             "finding": "not estimable: the dataset holds no blog traffic", "supports": "quality"}]
    overall, outcomes = rule.decide(rows)
    visits = outcomes[1]
    assert visits.answer == "can't tell" and visits.quality is None
    assert visits.reason == "not estimable: H03_followers_traffic: the dataset holds no blog traffic"
    assert overall == "can't tell"  # engagement says neither, visits cannot tell: not "neither"
    assert rule.decide([])[1][1].reason == "not estimable: no primary social visits contrast was recorded"


def test_a_primary_without_an_estimate_is_cant_tell_not_estimable():
    _, outcomes = rule.decide([primary("H02_e", "engagement", STRONG_Q, (NAN, NAN, NAN, NAN))])
    assert outcomes[0].answer == "can't tell" and outcomes[0].reason.startswith("not estimable: the quantity")


def test_holm_runs_over_the_primaries_only_and_secondaries_change_nothing():
    rows = [primary("H02_e", "engagement", (1.5, 0.1, 2.9, 0.013), (0.6, 0.5, 0.7, 0.001)),
            primary("H03_v", "social visits", (0.1, -0.5, 0.7, 0.6), (0.02, -0.01, 0.05, 0.5))]
    # Holm over 4 p-values: 0.001 * 4 = 0.004, 0.013 * 3 = 0.039 < 0.05: both engagement sides declared
    _, outcomes = rule.decide(rows)
    assert outcomes[0].quality.p_adjusted == pytest.approx(0.039) and outcomes[0].answer == "both"
    many = rows + [secondary(f"H{i}_s", 0.1, 0.9, "quantity") for i in range(20, 40)]
    _, again = rule.decide(many)  # a correction over all 24 would give 0.013 * 23 > 0.05
    assert again[0].quality.p_adjusted == pytest.approx(0.039) and again[0].answer == "both"


def test_a_raw_p_below_alpha_is_not_declared_when_holm_lifts_it_above():
    rows = [primary("H02_e", "engagement", (1.5, 0.1, 2.9, 0.02), (0.6, 0.5, 0.7, 0.001)),
            primary("H03_v", "social visits", (0.1, -0.5, 0.7, 0.6), (0.02, -0.01, 0.05, 0.5))]
    _, outcomes = rule.decide(rows)  # 0.02 * 3 = 0.06
    assert outcomes[0].quality.p_adjusted == pytest.approx(0.06) and outcomes[0].answer == "quantity"


def test_a_significant_secondary_against_a_side_does_not_veto_it():
    rows = [primary("H02_e", "engagement", NULL_Q, STRONG_N),
            secondary("H07_purge", -0.6, 1e-13, "quantity"), secondary("H09_recip", 0.5, 1e-40, "quality")]
    table = verdict.summary_table(rows)
    a = verdict.overall_answer(table)
    assert a.answer == "quantity" and a.outcome("engagement")["answer"] == "quantity"
    assert a.counts["quantity"] == {"tested": 1, "for": 0, "against": 1}  # shown, not deciding
    assert a.counts["quality"]["for"] == 1  # a significant secondary for quality does not back it either


def test_secondaries_are_corrected_apart_from_the_primaries():
    rows = [primary("H02_e", "engagement", (1.5, 1.0, 2.0, 0.01), STRONG_N),
            secondary("H01_a", 0.5, 0.01, "quantity"), secondary("H05_b", 0.5, 0.04, "quality")]
    q = verdict.summary_table(rows).set_index("id")["q"]
    assert q["H01_a"] == pytest.approx(0.02) and q["H05_b"] == pytest.approx(0.04)  # BH over the two secondaries
    assert q["H02_e"] == pytest.approx(0.01)  # Holm over the two primaries: max(2 * 1e-8, 0.01)


def test_a_primary_on_another_scale_brings_its_own_minimum():
    rows = [primary("H03_v", "social visits", (0.01, -0.02, 0.04, 0.5), (0.01, -0.02, 0.04, 0.5),
                    minimum={"quality": 0.05, "quantity": 0.05})]
    assert answers(rows)[1]["social visits"] == "neither"
    rows[0]["extra"]["primary"]["minimum"] = {"quality": 0.03, "quantity": 0.05}
    assert answers(rows)[1]["social visits"] == "can't tell"


def test_a_primary_on_another_scale_can_state_the_scale_instead():
    # visits as an elasticity on relevant followers at a 50 % share: +10 points multiply them by 1.2, so 5 % more
    # visits needs an elasticity of ln 1.05 / ln 1.2 = 0.268
    scale = {"quality": math.log(1.2), "quantity": math.log(2)}
    assert rule.primary_minimum({"scale": scale})["quality"] == pytest.approx(math.log(1.05) / math.log(1.2))
    below = [primary("H03_v", "social visits", (0.05, -0.1, 0.2, 0.5), (0.01, -0.02, 0.04, 0.5), scale=scale)]
    assert answers(below)[1]["social visits"] == "neither"  # 0.2 < 0.268: a 5 % gain is excluded
    standard = [primary("H03_v", "social visits", (0.05, -0.1, 0.2, 0.5), (0.01, -0.02, 0.04, 0.5))]
    assert answers(standard)[1]["social visits"] == "neither"  # 0.2 < 0.488 on the standard scale too
    wide = [primary("H03_v", "social visits", (0.05, -0.2, 0.4, 0.5), (0.01, -0.02, 0.04, 0.5), scale=scale)]
    assert answers(wide)[1]["social visits"] == "can't tell"  # 0.4 > 0.268 on visits' own scale
    assert rule.primary_minimum({}) is None


def test_case_studies_carry_no_primary():
    row = primary("H11_case", "engagement", STRONG_Q, STRONG_N)
    row["case_data"] = "another account"
    assert answers([row])[1]["engagement"] == "can't tell"


def test_the_rule_is_shown_verbatim_in_the_summary_notebook_and_json_is_strict():
    nb = json.loads((paths.NOTEBOOKS / "30_summary.ipynb").read_text())
    shown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert any(rule.RULE.strip() in text for text in shown), "notebook 30 shows decision_rule.RULE as written"
    _, outcomes = rule.decide([primary("H02_e", "engagement", STRONG_Q, WIDE_N,
                                       rate={"estimate": 30.0, "ci_low": 10.0, "ci_high": math.inf, "measure": "%"})])
    json.dumps(outcomes[0].as_dict(), allow_nan=False)  # an unbounded rate is written as null
    assert outcomes[0].as_dict()["exchange_rate"]["ci_high"] is None
