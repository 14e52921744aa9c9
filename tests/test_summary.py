"""The summary: BH q-values over recorded results, the overall answer to "quantity or quality?", summary.json."""

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


def test_quantity_only():
    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", 0.3, 0.01, "quantity"),
                   res("H03_c", 0.1, 0.6, "quality")])
    assert a.answer == "quantity" and a.dominant is None
    assert a.counts == {"quantity": {"tested": 2, "for": 2, "against": 0},
                        "quality": {"tested": 1, "for": 0, "against": 0}}
    assert a.text.startswith("Quantity")


def test_quality_only():
    a = answer_of([res("H01_a", 0.1, 0.7, "quantity"), res("H02_b", 1.2, 0.0001, "quality")])
    assert a.answer == "quality" and a.counts["quality"]["for"] == 1


def share(low: float, high: float) -> dict:
    """H08's extra: quality's share of the explained variance with its interval."""
    return {"extra": {"quality_share": (low + high) / 2, "quality_share_ci_low": low, "quality_share_ci_high": high}}


def test_mixed_without_a_direct_comparison_is_both_with_no_winner():
    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", 1.2, 0.001, "quality")])
    assert a.answer == "both" and a.dominant is None
    assert "not settled" in a.text
    assert any("H08" in item and "not recorded" in item for item in a.cannot_conclude)


@pytest.mark.parametrize(("low", "high", "dominant"), [(0.6, 0.8, "quality"), (0.1, 0.3, "quantity"),
                                                       (0.4, 0.7, None)])
def test_the_direct_comparison_names_the_side_that_explains_more_when_its_interval_settles_it(low, high, dominant):
    base = [res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", 1.2, 0.001, "quality")]
    a = answer_of(base + [res("H08_quality_vs_quantity_r2", 0.05, 0.001, "quality", **share(low, high))])
    assert a.answer == "both" and a.dominant == dominant
    assert a.head_to_head["id"] == "H08_quality_vs_quantity_r2"
    assert a.head_to_head["quality_share_ci_low"] == low
    assert a.counts["quality"]["for"] == 2  # a significant gain in R² from quality counts for quality
    if dominant is None:
        assert any("does not settle" in item for item in a.cannot_conclude)
    else:
        assert f"finds follower {'quality' if dominant == 'quality' else 'count'} explains more" in a.text


def test_a_significant_gain_from_quality_alone_answers_quality_even_if_count_explains_more():
    a = answer_of([res("H01_a", 0.1, 0.5, "quantity"),
                   res("H08_quality_vs_quantity_r2", 0.03, 0.001, "quality", **share(0.1, 0.3))])
    assert a.answer == "quality" and a.dominant == "quantity"


def test_none_significant_after_correction_is_neither_even_with_a_raw_p_below_alpha():
    results = [res("H01_a", 0.4, 0.04, "quantity")] + [res(f"H0{i}_x", 0.1, 0.5, "quality") for i in range(2, 6)]
    a = answer_of(results)
    assert a.answer == "neither"
    assert a.counts["quantity"]["for"] == 0  # q = 0.04 * 5 = 0.2 after correction


def test_a_significant_result_against_its_side_does_not_back_it():
    a = answer_of([res("H01_a", -0.6, 0.001, "quantity"), res("H02_b", 0.1, 0.9, "quality")])
    assert a.answer == "neither" and a.counts["quantity"] == {"tested": 1, "for": 0, "against": 1}


def test_case_studies_and_results_backing_no_side_are_shown_but_not_counted():
    table = summary.summary_table([res("H01_a", 0.1, 0.5, "quantity"),
                                   res("H11_case", -0.6, 0.0001, "quantity", case_data="another account"),
                                   res("H12_links", 0.3, 0.0001, "")])
    a = summary.overall_answer(table)
    assert a.answer == "neither" and a.counts["quantity"]["against"] == 0
    assert not table.set_index("id")["counted"][["H11_case", "H12_links"]].any()
    assert any("H11_case" in item for item in a.cannot_conclude)


def test_nothing_estimable():
    a = answer_of([res("H01_a", NAN, NAN, "quantity"), {"id": "H02_b", "verdict": "not run"}])
    assert a.answer == "not estimable"
    assert any("H01_a" in item and "H02_b" in item for item in a.cannot_conclude)


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
    assert data["answer"]["answer"] == "quantity" and data["answer"]["text"].startswith("Quantity")
    assert data["answer"]["cannot_conclude"]


def test_the_report_table_shows_every_hypothesis_in_plain_text():
    table = summary.summary_table([res("H01_a", 0.6, 0.0, "quantity"),
                                   res("H11_case", -0.5, 0.01, "quantity", case_data="another account"),
                                   {"id": "H03_c", "verdict": "not run"}])
    shown = summary.display_table(table).set_index("hypothesis")
    assert shown.loc["H01_a", "p"] == "< 1e-300" and shown.loc["H01_a", "95% CI"] == "0.2 to 1"
    assert shown.loc["H11_case", "backs when > 0"] == "quantity (case study, not counted)"
    assert shown.loc["H03_c", "estimate"] == "—" and shown.loc["H03_c", "q < 0.05"] == "not run"


def test_the_counts_table_has_one_row_per_side_with_the_reports_column_names():
    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"), res("H02_b", -1.2, 0.001, "quality"),
                   res("H03_c", 0.3, 0.9, "quality")])
    counts = summary.counts_table(a)
    assert counts.index.name == "side" and list(counts.index) == ["quantity", "quality"]
    assert counts.loc["quality"].to_dict() == {"hypotheses with a p-value": 2, "significant in its favour": 0,
                                               "significant against it": 1}


@pytest.mark.parametrize(("low", "high", "words"), [(0.6, 0.8, "**follower quality** explains more."),
                                                    (0.1, 0.3, "**follower count** explains more."),
                                                    (0.4, 0.7, "which side explains more is not settled.")])
def test_the_direct_comparison_is_told_with_its_share_and_which_side_explains_more(low, high, words):
    from helpers.reports.summary_text import head_to_head_text

    a = answer_of([res("H01_a", 0.6, 0.001, "quantity"),
                   res("H08_quality_vs_quantity_r2", 0.05, 0.001, "quality", **share(low, high))])
    text = head_to_head_text(a)
    assert text.startswith("Direct comparison **H08&#95;quality&#95;vs&#95;quantity&#95;r2**: estimate 0.05 (95% CI")
    assert f"(95% CI {low:.3g} to {high:.3g})" in text and text.endswith(words)


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
