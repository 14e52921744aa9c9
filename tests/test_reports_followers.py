"""The dataset index's block on who follows the account: judged n, shares with intervals, reasons, no ids."""

from __future__ import annotations

import math

import pandas as pd

from helpers.reports import followers


def _row(**over: object) -> dict:
    """An account_quality row with every share at 20 % [15 %, 25 %]."""
    row: dict = {"account_id": "me", "followers_scored": 1200, "followers_judged": 1000, "fake_judged": 1100,
                 "share_fake_corrected": 0.31, "share_fake_corrected_ci_low": 0.12,
                 "share_fake_corrected_ci_high": 0.52,
                 "fake_reasons_summary": "most flagged followers: default avatar (64 %)"}
    for b in followers.BINS:
        row.update({f"share_{b}": 0.2, f"share_{b}_ci_low": 0.15, f"share_{b}_ci_high": 0.25})
    return {**row, **over}


def test_the_text_gives_the_judged_n_every_bin_the_corrected_share_and_the_reasons() -> None:
    text = followers.account_text(_row())
    assert text.startswith("Of 1,200 followers scored, 1,000 could be judged: engaged 20 % [15 %, 25 %]; ")
    assert "likely fake 20 % [15 %, 25 %] (95 % intervals)" in text
    assert "the share of fakes is 31 % [12 %, 52 %] (n = 1,100)" in text
    assert text.endswith("Most flagged followers: default avatar (64 %).")


def test_without_error_rates_or_judged_followers_the_text_says_less_not_wrong() -> None:
    assert "share of fakes" not in followers.account_text(_row(share_fake_corrected=math.nan))
    assert followers.account_text(_row(followers_judged=0)) == (
        "None of its 1,200 followers scored could be judged (too little is known of them).")


def test_the_block_names_no_account_outside_the_focal_one() -> None:
    accounts = pd.DataFrame({"account_id": ["me", "other"], "is_focal": [False, False]})
    aq = pd.DataFrame([_row(account_id="me", followers_scored=10), _row(account_id="other@handle")])
    who, rows = followers.shown(accounts, aq)
    assert who == "the account with the most followers scored" and rows["account_id"].tolist() == ["other@handle"]
    focal = accounts.assign(is_focal=[True, False])
    assert followers.shown(focal, aq)[0] == "the studied account"


class _Scored:
    """A stand-in for a scored Dataset."""

    def __init__(self, aq: pd.DataFrame) -> None:
        self.tables = {"account_quality": aq, "accounts": None}
        self.account_quality = aq
        self.accounts = pd.DataFrame({"account_id": ["<b>me</b>"], "is_focal": [True]})


def test_the_html_block_escapes_and_shows_no_account_id() -> None:
    aq = pd.DataFrame([_row(account_id="<b>me</b>", fake_reasons_summary="most flagged followers: <script>")])
    html = followers.followers_html(_Scored(aq))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>me</b>" not in html
    assert html.startswith("<h2>Who follows the studied account</h2>")
