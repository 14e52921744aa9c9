"""The texts of the summary report beside its forest plot: each estimate's scale, and the direct comparison in words."""

from __future__ import annotations

import pandas as pd

from helpers.hypotheses.verdict import Answer
from helpers.reports import safe


def _fmt(value: float | None) -> str:
    """A number to three significant digits, or a dash when it is missing."""
    return "—" if value is None else f"{value:.3g}"


def scales_text(table: pd.DataFrame) -> str:
    """Markdown listing each hypothesis's question and the measure its estimate is on."""
    return "Each estimate is on its own measure's scale:\n\n" + "\n".join(
        f"- **{safe.md(row.id)}** ({safe.md(row.question) or 'no question recorded'}): "
        f"{safe.md(row.measure) or 'no measure recorded'}."
        + (f" *Case study on other data: {safe.md(row.case_data)}.*" if row.case_data else "")
        for row in table.itertuples())


def head_to_head_text(answer: Answer) -> str:
    """Markdown for the direct comparison of quality with quantity (H08) and which side it finds explains more."""
    h = answer.head_to_head
    winner = "follower quality" if answer.dominant == "quality" else "follower count"
    return (f"Direct comparison **{safe.md(h['id'])}**: estimate {_fmt(h['estimate'])} (95% CI {_fmt(h['ci_low'])} "
            f"to {_fmt(h['ci_high'])}, q = {_fmt(h['q'])}); quality's share of the explained variance "
            f"{_fmt(h['quality_share'])} (95% CI {_fmt(h['quality_share_ci_low'])} to "
            f"{_fmt(h['quality_share_ci_high'])}): "
            + (f"**{winner}** explains more." if answer.dominant else "which side explains more is not settled."))


def cannot_conclude_text(answer: Answer) -> str:
    """Markdown listing what the answer cannot conclude."""
    return "**What this cannot conclude.**\n\n" + "\n".join(f"- {safe.md(item)}" for item in answer.cannot_conclude)
