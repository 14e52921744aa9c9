"""The summary: the answer from the primaries by the pre-registered rule, q-values per family (Holm over the
primaries, BH over the secondaries), the report's tables and texts, summary.json."""

from __future__ import annotations

import json
import math

import pytest

from helpers.hypotheses import verdict as summary

NAN = float("nan")


def res(hid: str, estimate: float, p: float, supports: str, **more) -> dict:
    """A hand-made recorded result with a symmetric interval around the estimate."""
    half = abs(estimate) / 2 + 0.1
    return {"id": hid, "question": f"question {hid}", "estimate": estimate, "ci_low": estimate - half,
            "ci_high": estimate + half, "p": p, "n": 100, "verdict": f"verdict {hid}", "finding": f"finding {hid}",
            "supports": supports, "simulated": True, **more}


def answer_of(results: list[dict]) -> summary.Answer:
    """The overall answer of a list of hand-made results."""
    return summary.overall_answer(summary.summary_table(results), simulated=True)


def test_q_values_are_benjamini_hochberg_over_the_hypotheses_with_a_p():
    results = [res("H01_a", 0.5, 0.01, "quantity"), res("H02_b", 0.5, 0.04, "quality"),
               res("H03_c", 0.5, 0.03, "quality"), res("H04_d", NAN, NAN, "quality"),
               res("H05_e", 0.5, 0.2, "quantity")]
    q = summary.summary_table(results).set_index("id")["q"]
    # by hand, m = 4: sorted p 0.01, 0.03, 0.04, 0.2 -> 0.04, 0.06, 0.0533, 0.2 -> running minimum from the top
    assert q["H01_a"] == pytest.approx(0.04)
    assert q["H02_b"] == pytest.approx(0.04 * 4 / 3)
    assert q["H03_c"] == pytest.approx(0.04 * 4 / 3)
    assert math.isnan(q["H04_d"])
    assert q["H05_e"] == pytest.approx(0.2)


def test_not_run_results_get_no_q_and_do_not_count_as_tests():
    table = summary.summary_table([res("H01_a", 0.5, 0.02, "quantity"),
                                   {"id": "H02_b", "verdict": "not run", "finding": "no result recorded"}])
    assert table.set_index("id")["q"]["H01_a"] == pytest.approx(0.02)
    assert table.set_index("id")["status"]["H02_b"] == "not run"


def primary(hid: str, outcome: str, quality: tuple, quantity: tuple, rate: dict | None = None) -> dict:
    """A hand-made primary record: quality contrast in the record, quantity contrast in extra["primary"]."""
    (qe, qp), (ne, np_) = quality, quantity
    return {**res(hid, qe, qp, "quality"),
            "extra": {"primary": {"outcome": outcome, "exchange_rate": rate,
                                  "quantity": {"estimate": ne, "ci_low": ne - 0.05, "ci_high": ne + 0.05, "p": np_,
                                               "n": 100, "measure": "elasticity"}}}}


RATE = {"estimate": 25.0, "ci_low": 19.0, "ci_high": 32.0, "measure": "% more followers",
        "words": "+10 points of relevant followers give the same gain as +25% followers (95% CI +19% to +32%)"}


def test_quantity_only_from_the_primaries_whatever_the_secondaries_say():
    # before: the answer counted every significant hypothesis; now only the primary contrasts decide
    a = answer_of([primary("H02_e", "engagement", (0.0, 0.9), (0.6, 0.001)),
                   res("H09_b", 0.3, 0.0001, "quality"), res("H07_c", -0.5, 1e-13, "quantity")])
    assert a.answer == "quantity" and a.outcome("engagement")["answer"] == "quantity"
    assert a.counts == {"quantity": {"tested": 1, "for": 0, "against": 1},
                        "quality": {"tested": 1, "for": 1, "against": 0}}
    assert a.text.startswith("Quantity")


def test_quality_only():
    a = answer_of([primary("H02_e", "engagement", (1.2, 0.0001), (0.0, 0.9)), res("H01_a", 0.6, 0.001, "quantity")])
    assert a.answer == "quality" and a.outcome("social visits")["answer"] == "can't tell"


def test_both_carries_the_exchange_rate_into_the_answer():
    a = answer_of([primary("H02_e", "engagement", (1.2, 0.001), (0.6, 0.001), rate=RATE)])
    assert a.answer == "both" and a.outcome("engagement")["exchange_rate"]["estimate"] == 25.0
    assert "Exchange rate for engagement: +10 points of relevant followers give the same gain as +25%" in a.text


def test_no_primary_recorded_is_cant_tell_even_with_significant_secondaries():
    # before: H01 and H02 significant answered "both"; without primaries the rule cannot tell
    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", 1.2, 0.001, "quality")])
    assert a.answer == "can't tell"
    assert all(o["answer"] == "can't tell" and o["reason"].startswith("not estimable") for o in a.outcomes)
    assert any("social visits" in item for item in a.cannot_conclude)


def test_the_dominance_share_no_longer_decides():
    share = {"quality_share": 0.05, "quality_share_ci_low": 0.01, "quality_share_ci_high": 0.1}
    a = answer_of([primary("H02_e", "engagement", (1.2, 0.001), (0.0, 0.9)),
                   res("H08_quality_vs_quantity_r2", 0.05, 0.001, "quality", extra=share)])
    assert a.answer == "quality" and not hasattr(a, "dominant")


def test_primaries_are_holm_corrected_and_secondaries_bh_corrected_apart():
    table = summary.summary_table([primary("H02_e", "engagement", (1.2, 0.02), (0.6, 0.01)),
                                   res("H01_a", 0.4, 0.04, "quantity"), res("H05_b", 0.1, 0.5, "quality")])
    q = table.set_index("id")["q"]
    assert q["H02_e"] == pytest.approx(0.02)  # Holm over the two primaries: max(0.01 * 2, 0.02)
    assert q["H01_a"] == pytest.approx(0.08)  # BH over the two secondaries
    assert table.set_index("id")["role"].to_dict() == {"H02_e": "primary (engagement)", "H01_a": "secondary",
                                                      "H05_b": "secondary"}


def test_case_studies_are_shown_but_decide_nothing():
    table = summary.summary_table([res("H01_a", 0.1, 0.5, "quantity"),
                                   res("H11_case", -0.6, 0.0001, "quantity", case_data="another account"),
                                   res("H12_links", 0.3, 0.0001, "")])
    a = summary.overall_answer(table)
    assert a.answer == "can't tell" and a.counts["quantity"]["against"] == 0
    assert table.set_index("id")["role"]["H11_case"] == "case study"
    assert any("H11_case" in item for item in a.cannot_conclude)


def test_nothing_estimable():
    a = answer_of([res("H01_a", NAN, NAN, "quantity"), {"id": "H02_b", "verdict": "not run"}])
    assert a.answer == "can't tell"
    assert a.outcome("engagement")["reason"] == "not estimable: H02_b was not run"
    assert any("H01_a" in item for item in a.cannot_conclude)


def test_summary_json_holds_every_hypothesis_and_the_answer(tmp_path):
    results = [res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", NAN, NAN, "quality"),
               {"id": "H03_c", "verdict": "not run", "finding": "no result recorded"}]
    table = summary.summary_table(results)
    a = summary.overall_answer(table, simulated=True)
    results_dir = tmp_path / "report" / "results"
    path = summary.write_summary(table, a, summary.summary_path(results_dir), dataset="mini", simulated=True)
    assert path == tmp_path / "report" / "summary.json"
    data = json.loads(path.read_text())  # strict JSON: NaN would not parse in other languages
    assert "NaN" not in path.read_text()
    assert data["dataset"] == "mini" and data["simulated"] is True
    assert [h["id"] for h in data["hypotheses"]] == ["H01_a", "H02_b", "H03_c"]
    for h in data["hypotheses"]:
        assert {"id", "estimate", "ci_low", "ci_high", "p", "q", "n", "verdict"} <= set(h)
    first = data["hypotheses"][0]
    assert first["estimate"] == 0.6 and first["q"] == pytest.approx(0.001) and first["n"] == 100
    assert first["verdict"] == "verdict H01_a"
    assert data["hypotheses"][1]["estimate"] is None and data["hypotheses"][1]["q"] is None
    assert data["hypotheses"][2]["verdict"] == "not run"
    assert data["answer"]["answer"] == "can't tell" and data["answer"]["text"].startswith("Can't tell")
    assert data["answer"]["cannot_conclude"]
    assert data["answers"] == {"overall": "can't tell",
                               "engagement": {"answer": "can't tell", "reason": "not estimable: H02_b: finding H02_b",
                                              "exchange_rate": None},
                               "social visits": {"answer": "can't tell", "exchange_rate": None,
                                                 "reason": "not estimable: H03_c was not run"}}


def test_summary_json_holds_the_answers_and_exchange_rate_strictly(tmp_path):
    rate = {**RATE, "ci_high": float("inf")}
    table = summary.summary_table([primary("H02_e", "engagement", (1.2, 0.001), (0.6, 0.001), rate=rate)])
    a = summary.overall_answer(table, simulated=True)
    path = summary.write_summary(table, a, tmp_path / "summary.json", dataset="mini", simulated=True)
    data = json.loads(path.read_text())
    assert data["answers"]["overall"] == "both" and data["answers"]["engagement"]["exchange_rate"]["ci_high"] is None
    eng = data["answer"]["outcomes"][0]
    assert eng["quantity"]["status"] == eng["quality"]["status"] == "declared"
    assert data["hypotheses"][0]["role"] == "primary (engagement)"


def test_the_report_table_shows_every_hypothesis_in_plain_text():
    table = summary.summary_table([res("H01_a", 0.6, 0.0, "quantity"),
                                   res("H11_case", -0.5, 0.01, "quantity", case_data="another account"),
                                   {"id": "H03_c", "verdict": "not run"}])
    shown = summary.display_table(table).set_index("hypothesis")
    assert shown.loc["H01_a", "p"] == "< 1e-300" and shown.loc["H01_a", "95% CI"] == "0.2 to 1"
    assert shown.loc["H11_case", "backs when > 0"] == "quantity (case study on other data)"
    assert shown.loc["H11_case", "role"] == "case study"
    assert shown.loc["H03_c", "estimate"] == "—" and shown.loc["H03_c", "q < 0.05"] == "not run"


def test_the_counts_table_has_one_row_per_side_over_the_secondaries():
    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", -1.2, 0.001, "quality"),
                   res("H03_c", 0.3, 0.9, "quality")])
    counts = summary.counts_table(a)
    assert counts.index.name == "side" and list(counts.index) == ["quantity", "quality"]
    assert counts.loc["quality"].to_dict() == {"secondary hypotheses with a p-value": 2,
                                               "significant in its favour": 0, "significant against it": 1}


def test_a_rate_without_words_is_told_in_percent_and_an_unbounded_end_said_so():
    rate = {"estimate": 33.8, "ci_low": 17.2, "ci_high": float("inf"), "measure": "% more followers"}
    assert summary.rate_words(rate) == ("+10 points of relevant followers are worth +34% followers (95% CI +17% to "
                                        "unbounded: no number of extra followers may match it)")
    assert summary.rate_words(None) == "the exchange rate is not defined here"


def test_the_primaries_table_and_the_texts_show_both_contrasts_and_the_rate():
    from helpers.reports.summary_text import exchange_rate_text, outcomes_text

    a = answer_of([primary("H02_e", "engagement", (1.2, 0.001), (0.6, 0.001), rate=RATE)])
    shown = summary.primaries_table(a)
    assert shown[["outcome", "contrast", "status"]].values.tolist() == [
        ["engagement", "quantity", "declared"], ["engagement", "quality", "declared"],
        ["social visits", "quantity", "not estimable"], ["social visits", "quality", "not estimable"]]
    assert "+25% followers" in exchange_rate_text(a).replace("&#43;", "+")
    assert outcomes_text(a).startswith("- **engagement: both.**")


def test_the_scales_and_what_cannot_be_concluded_are_listed_with_data_escaped():
    from helpers.reports.summary_text import cannot_conclude_text, scales_text

    table = summary.summary_table([res("H01_a", 0.6, 0.001, "quantity", measure="log *slope*"),
                                   res("H11_case", 0.5, 0.01, "quantity", case_data="another account")])
    text = scales_text(table)
    assert "- **H01&#95;a** (question H01&#95;a): log &#42;slope&#42;." in text
    assert "*Case study on other data: another account.*" in text and "no measure recorded" in text
    a = summary.overall_answer(table, simulated=True)
    listed = cannot_conclude_text(a).splitlines()
    assert listed[0] == "**What this cannot conclude.**" and len(listed) == 2 + len(a.cannot_conclude)


def test_results_go_to_the_folder_given_else_under_the_datasets_reports(tmp_path):
    from helpers import paths
    from helpers.hypotheses import results

    assert results.results_dir("mini") == str(paths.REPORTS / "mini" / "results")
    assert results.results_dir("mini", tmp_path) == str(tmp_path)
