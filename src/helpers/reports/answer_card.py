"""The answer card: what a reader sees first, at the top of every dataset's index and of the top-level index.

One plain sentence per outcome with its effect (the exchange rate where there is one), interval and n; a REAL or
SIMULATED badge; the date range and the sources; a link to how the answer was decided. Built from summary.json
(the decision rule's answer) and the dataset's facts, which write_facts keeps beside the reports (card.json) so the
top-level index can show every dataset's card without loading its tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.data import atomic
from helpers.data.dataset import Dataset
from helpers.reports import numbers, safe

FACTS = "card.json"
SUMMARY_PAGE = "30_summary.html"
ANCHOR = "The-decision-rule,-fixed-before-any-result"  # nbconvert's id of the summary's heading on the rule
OUTCOME_NAMES = {"engagement": "Engagement per post", "social visits": "Social visits to the blog"}
UNITS = {"engagement": "accounts", "social visits": "days"}
HEADLINES = {"both": "Both: a bigger following and relevant, real followers each bring more.",
             "quantity": "Quantity: a bigger following brings more; relevant followers add no clear gain.",
             "quality": "Quality: relevant, real followers bring more; a bigger following adds no clear gain.",
             "neither": "Neither: no gain that matters from a bigger following or from relevant followers.",
             "can't tell": "Can't tell yet: the data do not settle it."}
CARD_STYLE = (".card{border:2px solid #1f2937;border-radius:8px;padding:12px 16px;margin:1em 0;max-width:100%;"
              "box-sizing:border-box}.card h2{margin:.2em 0 .4em}.badge{display:inline-block;padding:2px 8px;"
              "border-radius:4px;font-weight:bold;font-size:.85em;letter-spacing:.05em}.badge.real{background:#dbeafe;"
              "color:#1e3a8a}.badge.simulated{background:#fde68a;color:#78350f}.card ul{padding-left:1.2em}")


def _dates(ds: Dataset) -> tuple[str, str] | None:
    """The first and last day the dataset's posts, daily follower counts and traffic cover."""
    days = []
    for table, column in (("posts", "created_at"), ("follower_counts", "date"), ("traffic", "date")):
        frame = ds.tables.get(table)
        if frame is not None and column in frame.columns and frame[column].notna().any():
            values = pd.to_datetime(frame[column], utc=True, errors="coerce").dropna()
            days += [values.min(), values.max()]
    return (f"{min(days):%Y-%m-%d}", f"{max(days):%Y-%m-%d}") if days else None


def facts(ds: Dataset) -> dict:
    """What the card says about the data: name, real or simulated, date range and the sources' formats."""
    formats = list(dict.fromkeys(str(i.get("format")) for i in ds.manifest.get("inputs", []) if i.get("format")))
    return {"dataset": ds.name, "simulated": ds.simulated, "dates": _dates(ds), "sources": formats}


def write_facts(ds: Dataset, out_dir: Path) -> None:
    """Keep the dataset's facts beside its reports, for the top-level index."""
    atomic.write_text(out_dir / FACTS, json.dumps(facts(ds), indent=2) + "\n")


def _effect(outcome: dict) -> str:
    """The exchange rate of an outcome in words, with interval and n, or "" when there is none."""
    rate = outcome.get("exchange_rate") or {}
    n = (outcome.get("quality") or {}).get("n")
    if rate.get("estimate") is None or outcome.get("answer") not in ("both", "quality"):
        return ""
    span = numbers.interval(numbers.change(rate.get("ci_low")), numbers.change(rate.get("ci_high")))
    return (f" Ten more points of relevant followers do as much as {numbers.change(rate['estimate'])} followers "
            f"{span}; n = {numbers.count(n, UNITS.get(outcome.get('outcome'), ''))}.")


def outcome_sentence(outcome: dict) -> str:
    """One plain sentence for one outcome: the answer, its effect with interval and n, or why it is open."""
    name = OUTCOME_NAMES.get(outcome.get("outcome"), str(outcome.get("outcome")).capitalize())
    answer = outcome.get("answer", "can't tell")
    n = (outcome.get("quality") or {}).get("n") or (outcome.get("quantity") or {}).get("n")
    where = f" (n = {numbers.count(n, UNITS.get(outcome.get('outcome'), ''))})" if n else ""
    said = {"both": "both count.", "quantity": "a bigger following counts; relevant followers add no clear gain.",
            "quality": "relevant followers count; a bigger following adds no clear gain.",
            "neither": f"neither makes a difference that matters{where}."}
    if answer in said:
        return f"{name}: {said[answer]}{_effect(outcome) if answer in ('both', 'quality') else ''}" + (
            where if answer == "quantity" else "")
    return f"{name}: can't tell yet — {_open_reason(outcome)}{where}."


def _open_reason(outcome: dict) -> str:
    """Why an outcome is open, in plain words: wide intervals, or the missing primary's own reason."""
    statuses = {(outcome.get(side) or {}).get("status") for side in ("quality", "quantity")}
    if statuses <= {"undetermined", "excluded"} and "undetermined" in statuses:
        return ("neither a bigger following nor relevant followers shows a clear effect, and the data cannot rule "
                "out one that matters")
    return str(outcome.get("reason") or "not enough data")


def decided_link(*folder: str) -> str:
    """The attribute-safe link to the decision rule in the summary report (from a dataset folder, or from above)."""
    return f"{safe.href(*folder, SUMMARY_PAGE)}#{safe.attr(ANCHOR)}"


def card_html(fact: dict, summary: dict, link: str | None = None) -> str:
    """The card: badge, the answer in one line, one sentence per outcome, dates and sources, how it was decided."""
    simulated = bool(fact.get("simulated"))
    badge = ("<span class='badge simulated'>SIMULATED</span>" if simulated
             else "<span class='badge real'>REAL DATA</span>")
    answer = (summary.get("answer") or {})
    if not answer:
        body = "<p>No answer yet: the summary notebook has not run on this dataset.</p>"
    else:
        items = "".join(f"<li>{safe.html(outcome_sentence(o))}</li>" for o in answer.get("outcomes", []))
        body = f"<p><b>{safe.html(HEADLINES.get(answer.get('answer'), answer.get('answer')))}</b></p><ul>{items}</ul>"
    dates = fact.get("dates")
    span = f"{safe.html(dates[0])} to {safe.html(dates[1])}" if dates else "no dated rows"
    sources = ", ".join(safe.html(s) for s in fact.get("sources", [])) or "none recorded"
    how = f" · <a href='{link}'>how this was decided</a>" if link else ""  # link: built attribute-safe
    return (f"<section class='card' aria-label='answer'>{badge} <b>{safe.html(fact.get('dataset'))}</b>"
            f"<h2>Quantity or quality?</h2>{body}<p class='muted'>Data: {span} · sources: {sources}{how}"
            f"{' · simulated on purpose: it shows the method, not a real account' if simulated else ''}</p>"
            "</section>")


def read_card(folder: Path) -> str:
    """The card of a dataset's report folder (its facts and summary), for the top-level index."""
    fact_path, summary_path = folder / FACTS, folder / "summary.json"
    fact = json.loads(fact_path.read_text()) if fact_path.is_file() else {"dataset": folder.name}
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
    if "simulated" not in fact:  # a folder written before card.json existed: the summary still says which it is
        fact["simulated"] = bool(summary.get("simulated"))
    link = decided_link(folder.name) if (folder / SUMMARY_PAGE).is_file() else None
    return card_html(fact, summary, link)
