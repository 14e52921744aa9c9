"""Across hypotheses: the answer to "quantity or quality?" by the pre-registered rule, the corrected table of every
hypothesis, and summary.json.

The answer comes from the primary contrasts only (helpers.hypotheses.decision_rule, whose RULE states it): per
outcome, the record carrying extra["primary"] holds the quality contrast (its own estimate, interval and p) and the
quantity contrast of the same model; Holm's correction runs over those primaries alone. Every other hypothesis is
secondary: its q-value is Benjamini–Hochberg over the secondaries, it is shown, and it neither backs nor vetoes a
side. A recorded result's `supports` says which side a *positive* estimate backs (0 meaning "no effect").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import atomic
from helpers.hypotheses import decision_rule
from helpers.hypotheses.registry import SIDES
from helpers.stats import benjamini_hochberg

ALPHA = decision_rule.ALPHA
FIELDS = ["id", "estimate", "ci_low", "ci_high", "p", "q", "n", "verdict"]  # per hypothesis in summary.json
COLUMNS = ["id", "question", "estimate", "ci_low", "ci_high", "p", "n", "verdict", "finding", "measure",
           "notebook", "supports", "simulated", "truth", "case_data", "extra"]


def _direction(row: pd.Series, alpha: float) -> str:
    """'for' or 'against' its side when significant after its own family's correction, else '' (shown only)."""
    if row["supports"] not in SIDES or not row["q"] < alpha or not np.isfinite(row["estimate"]) or \
            row["estimate"] == 0:
        return ""
    return "for" if row["estimate"] > 0 else "against"


def _status(row: pd.Series, alpha: float) -> str:
    """Plain words for where a hypothesis stands after the correction (q < alpha: significant)."""
    if row["verdict"] == "not run":
        return "not run"
    if not np.isfinite(row["p"]):
        return "not estimable" if not np.isfinite(row["estimate"]) else "no p-value"
    return "significant" if row["q"] < alpha else "not significant"


def _roles(df: pd.DataFrame, outcomes: list[decision_rule.OutcomeAnswer]) -> list[str]:
    """Each row's role: primary (and for which outcome), secondary, or case study."""
    primary = {o.record: o.outcome for o in outcomes if o.record}
    return [f"primary ({primary[i]})" if i in primary else ("case study" if c else "secondary")
            for i, c in zip(df["id"], df["case_data"], strict=True)]


def _q_values(df: pd.DataFrame, outcomes: list[decision_rule.OutcomeAnswer]) -> np.ndarray:
    """Holm-adjusted p of each primary (over the primaries), Benjamini–Hochberg over the secondaries."""
    q = np.full(len(df), np.nan)
    secondary = ~df["role"].str.startswith("primary").to_numpy()
    if secondary.any():
        q[secondary] = benjamini_hochberg(df.loc[secondary, "p"].to_numpy(dtype=float))
    holm = {o.record: o.quality.p_adjusted for o in outcomes if o.record and o.quality is not None}
    for i, hid in enumerate(df["id"]):
        if hid in holm:
            q[i] = holm[hid]
    return q


def _frame(results: list[dict]) -> pd.DataFrame:
    """The recorded results as a typed frame, one row per hypothesis."""
    df = pd.DataFrame(results).reindex(columns=COLUMNS)
    for col in ["estimate", "ci_low", "ci_high", "p", "truth"]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["n"] = pd.to_numeric(df["n"], errors="coerce").astype("Int64")
    for col in ["id", "question", "verdict", "finding", "measure", "notebook", "supports", "case_data"]:
        df[col] = df[col].fillna("").astype(str)
    df["simulated"] = [v is True for v in df["simulated"]]
    df["extra"] = [v if isinstance(v, dict) else {} for v in df["extra"]]
    return df


def summary_table(results: list[dict], alpha: float = ALPHA) -> pd.DataFrame:
    """One row per hypothesis: its result, role (primary or secondary), q-value within its family and status."""
    df = _frame(results)
    _, outcomes = decision_rule.decide(df.to_dict("records"), alpha)
    df["role"] = _roles(df, outcomes) if len(df) else pd.Series(dtype=str)
    df["q"] = _q_values(df, outcomes) if len(df) else np.array([], dtype=float)
    df["significant"] = df["q"] < alpha
    df["direction"] = [_direction(row, alpha) for _, row in df.iterrows()] if len(df) else []
    df["status"] = [_status(row, alpha) for _, row in df.iterrows()] if len(df) else []
    return df


def _num(value: float, digits: int = 3, p_value: bool = False) -> str:
    """A number in a few significant digits, or a dash when unknown."""
    if value is None or not np.isfinite(value):
        return "—"
    return "< 1e-300" if p_value and value == 0 else f"{value:.{digits}g}"  # an underflowed p is not zero


def _interval(lo: float, hi: float) -> str:
    """A 95% interval in words, an unbounded end written as such."""
    if not np.isfinite(lo) and not np.isfinite(hi):
        return "—"
    return f"{_num(lo) if np.isfinite(lo) else 'unbounded'} to {_num(hi) if np.isfinite(hi) else 'unbounded'}"


def display_table(table: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """The summary table as short text columns for a report: role, estimate, 95% CI, p, q, n, side, verdict."""
    side = [("—" if not r.supports else r.supports) + (" (case study on other data)" if r.case_data else "")
            for r in table.itertuples()]
    return pd.DataFrame({
        "hypothesis": table["id"],
        "role": table["role"],
        "estimate": [_num(v) for v in table["estimate"]],
        "95% CI": [_interval(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)],
        "p": [_num(v, 2, p_value=True) for v in table["p"]],
        "q (Holm: primaries; BH: secondaries)": [_num(v, 2, p_value=True) for v in table["q"]],
        "n": ["—" if pd.isna(v) else f"{int(v):,}" for v in table["n"]],
        "backs when > 0": side,
        f"q < {alpha:g}": table["status"],
        "verdict": table["verdict"],
    })


def styled(shown: pd.DataFrame):
    """A text table as a pandas Styler for a report, every cell HTML-escaped (Styler does not by default)."""
    return (shown.style.format(escape="html").format_index(escape="html", axis=1).hide(axis="index")
            .set_properties(**{"text-align": "left", "font-size": "0.85em"})
            .set_table_attributes('class="tex2jax_ignore mathjax_ignore"'))


def styled_table(table: pd.DataFrame, alpha: float = ALPHA):
    """The display table as an escaped Styler."""
    return styled(display_table(table, alpha))


@dataclass
class Answer:
    """The overall answer to "quantity or quality?" on one dataset, each outcome's answer, and their limits."""

    answer: str  # one of decision_rule.ANSWERS
    outcomes: list[dict]  # decision_rule.OutcomeAnswer.as_dict() per outcome, in decision_rule.OUTCOMES order
    counts: dict[str, dict[str, int]]  # secondaries only, per side: tested / for / against (shown, not deciding)
    text: str
    cannot_conclude: list[str] = field(default_factory=list)
    alpha: float = ALPHA
    rule: str = ("pre-registered: per outcome one primary quantity and one primary quality contrast from one "
                 "model; Holm over the primaries only; secondaries corrected apart (Benjamini-Hochberg), never "
                 "deciding (helpers.hypotheses.decision_rule.RULE)")

    def outcome(self, name: str) -> dict:
        """One outcome's answer by its name."""
        return next(o for o in self.outcomes if o["outcome"] == name)


def _counts(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per side, over the secondaries about this dataset: tested (with a p), significant for, significant against."""
    out = {}
    for side in SIDES:
        rows = table[table["role"].eq("secondary") & table["supports"].eq(side)]
        out[side] = {"tested": int(np.isfinite(rows["p"]).sum()), "for": int(rows["direction"].eq("for").sum()),
                     "against": int(rows["direction"].eq("against").sum())}
    return out


LEADS = {
    "quantity": "Quantity: a bigger following is declared by a primary contrast, follower quality by none",
    "quality": "Quality: a relevant, real network is declared by a primary contrast, a bigger following by none",
    "both": "Both: a bigger following and a relevant, real network are each declared by a primary contrast",
    "neither": "Neither: no primary contrast is declared, and every interval excludes an effect of the minimum size",
    "can't tell": "Can't tell: no primary contrast is declared, and the data cannot exclude effects of the minimum "
                  "size (or a primary is not estimable)",
}


def _contrast_words(name: str, c: dict | None) -> str:
    """One primary contrast in a few words: estimate, interval, Holm-adjusted p."""
    if not c or c.get("estimate") is None:
        return f"{name} not estimable"
    return (f"{name} {_num(c['estimate'])} (95% CI {_interval(*(_f(c.get(k)) for k in ('ci_low', 'ci_high')))}, "
            f"Holm p = {_num(_f(c.get('p_adjusted')), 2, p_value=True)}, {c['status']})")


def _f(value: object) -> float:
    """A float, None as NaN."""
    return float(value) if isinstance(value, (int, float)) else float("nan")


def rate_words(rate: dict | None) -> str:
    """The exchange rate in a marketer's words, an unbounded end said as such."""
    if not rate or rate.get("estimate") is None:
        return (rate or {}).get("words") or "the exchange rate is not defined here"
    if rate.get("words"):
        return str(rate["words"])
    lo, hi = _f(rate.get("ci_low")), _f(rate.get("ci_high"))
    # percent, as the primary-result convention records it (25 = 25 % more followers)
    upper = "unbounded: no number of extra followers may match it" if not np.isfinite(hi) else f"{hi:+.0f}%"
    return (f"+10 points of relevant followers are worth {rate['estimate']:+.0f}% followers "
            f"(95% CI {lo:+.0f}% to {upper})" if np.isfinite(lo) else
            f"+10 points of relevant followers are worth {rate['estimate']:+.0f}% followers (interval unbounded)")


def outcome_text(o: dict) -> str:
    """One outcome's answer explained: its reason, both primary contrasts and the exchange rate."""
    if o.get("quality") is None:
        return str(o["reason"])
    return (f"{o['reason']}; {_contrast_words('quantity contrast', o['quantity'])}; "
            f"{_contrast_words('quality contrast', o['quality'])}; exchange rate: {rate_words(o['exchange_rate'])}")


def _text(answer: str, outcomes: list[dict], alpha: float) -> str:
    """The overall answer in plain words, each outcome's answer, and the exchange rates where defined."""
    per = "; ".join(f"{o['outcome']}: {o['answer']}" for o in outcomes)
    rates = "".join(f" Exchange rate for {o['outcome']}: {rate_words(o['exchange_rate'])}."
                    for o in outcomes if o.get("exchange_rate"))
    return (f"{LEADS[answer]} ({per}; Holm's correction over the primary contrasts only, at {alpha:g}; "
            f"secondary hypotheses shown apart, never deciding).{rates}")


def _limits(table: pd.DataFrame, outcomes: list[dict], simulated: bool) -> list[str]:
    """What this answer cannot conclude, in plain sentences."""
    out = ["Cause: every test here is an association in observational data; none shows that gaining followers, "
           "or better ones, would by itself bring more engagement or traffic."]
    if simulated:
        out.append("Anything about real accounts: the data are simulated, so the answer only shows that the "
                   "analyses recover the effects planted in the sample.")
    for o in outcomes:
        if o["answer"] == "can't tell":
            out.append(f"Quantity or quality for {o['outcome']}: {o['reason']}.")
        elif o["answer"] in ("quantity", "quality"):
            out.append(f"That the other side does nothing for {o['outcome']}: a contrast that is not declared is not "
                       "evidence of no effect unless its interval excludes the minimum size (" + o["reason"] + ").")
    silent = table[table["role"].eq("secondary") & ~np.isfinite(table["p"])]
    if len(silent):
        out.append("Anything from the secondary hypotheses not run, not estimable or without a test here ("
                   + ", ".join(silent["id"]) + ").")
    case = table[table["role"].eq("case study")]
    if len(case):
        out.append("Anything from case studies on other data (" + ", ".join(case["id"])
                   + "): they are shown for context only.")
    return out


def overall_answer(table: pd.DataFrame, *, simulated: bool = False, alpha: float = ALPHA) -> Answer:
    """The answer to "quantity or quality?" by the pre-registered rule, from the primaries of the table."""
    answer, outcomes = decision_rule.decide(table.to_dict("records"), alpha)
    plain = [o.as_dict() for o in outcomes]
    return Answer(answer, plain, _counts(table), _text(answer, plain, alpha), _limits(table, plain, simulated),
                  alpha)


def _plain(value: object) -> object:
    """A JSON-ready scalar: NaN, infinities and NA as null, numpy scalars as Python ones."""
    if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def summary_path(results_dir: str | Path) -> Path:
    """Where summary.json goes: beside the reports, in the parent folder of the results."""
    return Path(results_dir).resolve().parent / "summary.json"


def summary_dict(table: pd.DataFrame, answer: Answer, *, dataset: str, simulated: bool) -> dict:
    """summary.json: the dataset, each hypothesis's numbers and verdict, the answers per outcome and overall."""
    extra = ["question", "finding", "supports", "role", "significant", "direction", "status", "case_data"]
    rows = [{k: _plain(row[k]) for k in FIELDS + extra} for _, row in table.iterrows()]
    n_secondary = int((~table["role"].str.startswith("primary") & np.isfinite(table["p"])).sum())
    outcomes = {o["outcome"]: {"answer": o["answer"], "reason": o["reason"], "exchange_rate": o["exchange_rate"]}
                for o in answer.outcomes}
    return {"dataset": dataset, "simulated": simulated, "alpha": answer.alpha,
            "correction": ("Holm over the primary contrasts (the answer); Benjamini-Hochberg over the "
                           f"{n_secondary} secondary hypotheses with a p-value (shown, not deciding)"),
            "hypotheses": rows, "answers": {"overall": answer.answer, **outcomes},
            "answer": decision_rule.json_ready(answer.__dict__)}


def write_summary(table: pd.DataFrame, answer: Answer, path: str | Path, *, dataset: str,
                  simulated: bool) -> Path:
    """Write summary.json atomically."""
    content = summary_dict(table, answer, dataset=dataset, simulated=simulated)
    return atomic.write_text(path, json.dumps(content, indent=2, default=_plain, allow_nan=False) + "\n")


COUNT_COLUMNS = {"tested": "secondary hypotheses with a p-value", "for": "significant in its favour",
                 "against": "significant against it"}


def counts_table(answer: Answer) -> pd.DataFrame:
    """Per side, the secondary hypotheses tested and those significant for and against it (shown, not deciding)."""
    counts = pd.DataFrame(answer.counts).T.rename(columns=COUNT_COLUMNS)
    counts.index.name = "side"
    return counts


def primaries_table(answer: Answer) -> pd.DataFrame:
    """One row per outcome and primary contrast: estimate, 95% CI, p, Holm-adjusted p, n, status and measure."""
    rows = []
    for o in answer.outcomes:
        for side in ("quantity", "quality"):
            c = o.get(side) or {}
            rows.append({"outcome": o["outcome"], "contrast": side, "record": o.get("record") or "—",
                         "estimate": _num(_f(c.get("estimate"))),
                         "95% CI": _interval(_f(c.get("ci_low")), _f(c.get("ci_high"))),
                         "p": _num(_f(c.get("p")), 2, p_value=True),
                         "Holm p": _num(_f(c.get("p_adjusted")), 2, p_value=True),
                         "n": "—" if c.get("n") is None else f"{int(c['n']):,}",
                         "smallest effect that matters": _num(_f(c.get("minimum"))),
                         "status": c.get("status") or "not estimable", "measure": c.get("measure") or "",
                         "answer": o["answer"]})
    return pd.DataFrame(rows)
