"""The texts of the summary report: the decision rule, each outcome's answer with its primary contrasts and exchange
rate, each estimate's scale, and what the answer cannot conclude."""

from __future__ import annotations

import pandas as pd

from helpers.hypotheses import decision_rule
from helpers.hypotheses.verdict import Answer, outcome_text, rate_words
from helpers.reports import safe


def rule_text() -> str:
    """The pre-registered decision rule, as the summary shows it (fixed text, no data in it)."""
    return decision_rule.RULE


def outcomes_text(answer: Answer) -> str:
    """Markdown: one line per outcome with its answer, why, both primary contrasts and the exchange rate."""
    return "\n".join(f"- **{safe.md(o['outcome'])}: {safe.md(o['answer'])}.** {safe.md(outcome_text(o))}."
                     for o in answer.outcomes)


def exchange_rate_text(answer: Answer) -> str:
    """Markdown: the exchange rate of each outcome that has one, in a marketer's words."""
    lines = [f"- **{safe.md(o['outcome'])}**: {safe.md(rate_words(o['exchange_rate']))}."
             for o in answer.outcomes if o.get("exchange_rate")]
    return ("**The head-to-head (exchange rate):**\n\n" + "\n".join(lines)) if lines else (
        "**The head-to-head (exchange rate):** not defined on this dataset (no primary model was estimable).")


def answer_text(answer: Answer, simulated: bool) -> str:
    """Markdown: the overall answer in bold, flagged when the data are simulated."""
    return ("**Simulated data.** " if simulated else "") + f"**{safe.md(answer.text)}**"


def scales_text(table: pd.DataFrame) -> str:
    """Markdown listing each hypothesis's question and the measure its estimate is on."""
    return "Each estimate is on its own measure's scale:\n\n" + "\n".join(
        f"- **{safe.md(row.id)}** ({safe.md(row.question) or 'no question recorded'}): "
        f"{safe.md(row.measure) or 'no measure recorded'}."
        + (f" *Case study on other data: {safe.md(row.case_data)}.*" if row.case_data else "")
        for row in table.itertuples())


def cannot_conclude_text(answer: Answer) -> str:
    """Markdown listing what the answer cannot conclude."""
    return "**What this cannot conclude.**\n\n" + "\n".join(f"- {safe.md(item)}" for item in answer.cannot_conclude)
