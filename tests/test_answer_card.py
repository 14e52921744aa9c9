"""The answer card (what a reader sees first) and the one number style it is written in."""

from __future__ import annotations

import json
import math

import pytest
from bs4 import BeautifulSoup

from helpers.reports import answer_card, numbers, render

NB = numbers.NBSP


@pytest.mark.parametrize(("p", "text"), [(0.0, "< 0.001"), (1e-300, "< 0.001"), (0.0004, "< 0.001"),
                                         (0.0012, "0.0012"), (0.0123, "0.012"), (0.049, "0.049"),
                                         (0.33333, "0.33"), (1.0, "1.00"), (math.nan, "–"), (None, "–")])
def test_p_and_q_are_written_one_way(p, text):
    assert numbers.p_value(p) == text


def test_changes_shares_intervals_and_counts_are_written_one_way():
    assert numbers.change(26.0167) == f"+26{NB}%" and numbers.change(-4.54) == f"{numbers.MINUS}4.5{NB}%"
    assert numbers.change(math.inf) == "unbounded" and numbers.change(None) == "–"
    assert numbers.share(0.3333) == f"33{NB}%" and numbers.share(0.025) == f"2.5{NB}%"
    assert numbers.interval("a", "b") == f"[a, b] (95{NB}% CI)" and numbers.interval("a", "b", None) == "[a, b]"
    assert numbers.count(12345, "accounts") == "12,345 accounts" and numbers.count(float("nan")) == "–"


def _outcome(name: str, answer: str, rate: float | None = 26.0, n: int = 301, status: str = "declared") -> dict:
    return {"outcome": name, "answer": answer, "reason": "the primary is not estimable: no blog traffic",
            "quality": {"n": n, "status": status}, "quantity": {"n": n, "status": status},
            "exchange_rate": {"estimate": rate, "ci_low": 18.1, "ci_high": 34.5}}


def test_each_outcome_is_one_plain_sentence_with_its_effect_interval_and_n():
    both = answer_card.outcome_sentence(_outcome("engagement", "both"))
    assert both.startswith("Engagement per post: both count.")
    assert f"+26{NB}% followers [+18{NB}%, +34{NB}%] (95{NB}% CI); n = 301 accounts." in both
    quantity = answer_card.outcome_sentence(_outcome("engagement", "quantity"))
    assert "a bigger following counts" in quantity and "followers [" not in quantity and "n = 301" in quantity
    wide = answer_card.outcome_sentence(_outcome("social visits", "can't tell", n=97, status="undetermined"))
    assert wide == ("Social visits to the blog: can't tell yet — neither a bigger following nor relevant followers "
                    "shows a clear effect, and the data cannot rule out one that matters (n = 97 days).")
    missing = answer_card.outcome_sentence({"outcome": "social visits", "answer": "can't tell",
                                            "reason": "the primary is not estimable: no blog traffic"})
    assert missing.endswith("can't tell yet — the primary is not estimable: no blog traffic.")


def test_the_card_has_the_badge_the_answer_the_dates_and_the_link_and_escapes_data():
    summary = {"answer": {"answer": "both", "outcomes": [_outcome("engagement", "both")]}}
    fact = {"dataset": "<b>mine</b>", "simulated": False, "dates": ["2024-01-01", "2024-12-31"],
            "sources": ["x-archive <script>"]}
    soup = BeautifulSoup(answer_card.card_html(fact, summary, answer_card.decided_link()), "html.parser")
    assert soup.find(class_="badge").get_text() == "REAL DATA"
    assert not soup.find("script") and not soup.find("b", string="mine")
    text = soup.get_text()
    assert "<b>mine</b>" in text and "x-archive <script>" in text and "2024-01-01 to 2024-12-31" in text
    assert "Both: a bigger following and relevant, real followers each bring more." in text
    assert soup.find("a")["href"] == "30_summary.html#The-decision-rule,-fixed-before-any-result"
    simulated = BeautifulSoup(answer_card.card_html({**fact, "simulated": True}, {}), "html.parser")
    assert simulated.find(class_="badge").get_text() == "SIMULATED" and "No answer yet" in simulated.get_text()


def test_the_top_index_opens_with_each_datasets_card(tmp_path):
    for name, simulated in (("alpha", True), ("beta", False)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "index.html").write_text("<html></html>")
        (folder / "30_summary.html").write_text("<html></html>")
        (folder / answer_card.FACTS).write_text(json.dumps({"dataset": name, "simulated": simulated,
                                                             "dates": None, "sources": []}))
        (folder / "summary.json").write_text(json.dumps({"answer": {"answer": "quality", "outcomes": []}}))
    soup = BeautifulSoup(render.top_index(tmp_path), "html.parser")
    cards = soup.find_all("section", class_="card")
    assert [c.find("b").get_text() for c in cards] == ["alpha", "beta"]
    assert [c.find(class_="badge").get_text() for c in cards] == ["SIMULATED", "REAL DATA"]
    assert cards[0].find("a")["href"] == "alpha/30_summary.html#The-decision-rule,-fixed-before-any-result"
    assert soup.body.find_all(recursive=False)[2] is cards[0]  # the first thing after the title and one line


def test_reports_name_inputs_and_the_interests_file_without_local_folders(tmp_path):
    from helpers.data import dataset
    from helpers.quality.interests import load_interests
    from helpers.reports.header import header_html

    interests = tmp_path / "private" / "folder" / "interests.toml"
    interests.parent.mkdir(parents=True)
    interests.write_text('topics = ["seo"]\n')
    note = load_interests(interests).describe()
    assert note.startswith("interests from interests.toml:") and str(tmp_path) not in note
    ds = dataset.Dataset(tmp_path, {"inputs": [{"path": "/home/someone/Downloads/twitter-2024.zip",
                                                "format": "x-archive"}], "notes": [note]}, {})
    html = header_html(ds)
    assert "twitter-2024.zip — x-archive" in html and "/home/someone" not in html and str(tmp_path) not in html


def test_the_index_lines_use_the_one_number_style():
    line = render._estimate_cell({"estimate": 1.51, "ci_low": 1.13, "ci_high": 1.93, "n": 1301}, 0.0)
    text = BeautifulSoup(line, "html.parser").get_text()
    assert text == f"1.51 [1.13, 1.93] (95{NB}% CI), q < 0.001, n = 1,301"
    assert "q = 0.042" in render._estimate_cell({"estimate": 1.0, "ci_low": 0, "ci_high": 2, "n": 5}, 0.0423)


def test_a_report_folder_without_facts_takes_real_or_simulated_from_its_summary(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"simulated": True, "answer": {}}))
    card = BeautifulSoup(answer_card.read_card(tmp_path), "html.parser")
    assert card.find(class_="badge").get_text() == "SIMULATED"
