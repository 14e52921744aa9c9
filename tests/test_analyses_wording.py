"""The analyses' sentences give differences of shares as signed percentage points, the same in every notebook."""

from __future__ import annotations

from helpers.analyses import reciprocity, reply_rate, wording
from helpers.stats import Estimate


def test_shares_are_signed_points_with_one_decimal():
    est = Estimate("d", 0.0523, -0.0104, 0.0941, 0.01, 40, "test")
    assert wording.points(est.estimate) == "+5.2" and wording.points(-0.0104) == "-1.0"
    assert wording.points_interval(est) == "-1.0 to +9.4"


def test_the_reciprocity_and_reply_rate_sentences_read_as_before():
    pooled = Estimate("p", 0.0523, 0.0104, 0.0941, 0.01, 40, "t", {"unit": "accounts"})
    ties_est = Estimate("t", 0.031, -0.002, 0.064, 0.1, 40, "t", {"kish_n_eff": 1234.4})
    assert reciprocity.pooled_text(pooled, ties_est) == (
        "Among an account's followers, those it follows back are **+5.2 percentage points** more often engaged "
        "(95% CI +1.0 to +9.4, n = 40 accounts). Over all follower ties, where large accounts weigh more, the "
        "difference is +3.1 points (-0.2 to +6.4; Kish effective n 1,234 followers).")
    import pandas as pd

    periods = pd.DataFrame({"reply_share": [0.30, 0.18]})
    change = Estimate("c", -0.12, -0.2, -0.04, 0.01, 1500, "t", {"dispersion": 1.5, "design_effect": 2.25})
    assert "a change of **-12.0 points** (95% CI -20.0 to -4.0, n = 1,500 posts; week-to-week dispersion 1.50" \
        in reply_rate.change_text(change, periods)
