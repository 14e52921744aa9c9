"""Across hypotheses: Benjamini-Hochberg q-values, the answer to "quantity or quality?" and summary.json.

A recorded result's `supports` says which side a *positive* estimate backs, so estimates are signed with
0 meaning "no effect" (as helpers.hypotheses.record.verdict assumes). A hypothesis counts for its side when it is
significant after correction (q < alpha) and positive, and against its side when significant and negative.
Results computed on a fixed case study rather than the report's dataset (`case_data` set) are shown but not
counted, and neither are results that back no side.

The direct comparison (H08: ΔR² of follower quality over follower count) counts like any quality hypothesis;
which side *explains more* comes from its dominance share: `extra["quality_share"]`, quality's share of the
explained variance, with `extra["quality_share_ci_low"]` and `extra["quality_share_ci_high"]`. Quality explains
more when the whole interval lies above one half, follower count when it lies below; otherwise it is not settled.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import atomic
from helpers.hypotheses.registry import SIDES
from helpers.stats import benjamini_hochberg

ALPHA = 0.05
HEAD_TO_HEAD = "H08"  # id prefix of the direct comparison of quality with quantity (ΔR², dominance)
SHARE = ("quality_share", "quality_share_ci_low", "quality_share_ci_high")  # keys in H08's extra
FIELDS = ["id", "estimate", "ci_low", "ci_high", "p", "q", "n", "verdict"]  # per hypothesis in summary.json
COLUMNS = ["id", "question", "estimate", "ci_low", "ci_high", "p", "n", "verdict", "finding", "measure",
           "notebook", "supports", "simulated", "truth", "case_data", "extra"]


def _direction(row: pd.Series, alpha: float) -> str:
    """'for' or 'against' its side when significant after correction and counted, else ''."""
    if not row["counted"] or not row["q"] < alpha or not np.isfinite(row["estimate"]) or row["estimate"] == 0:
        return ""
    return "for" if row["estimate"] > 0 else "against"


def _status(row: pd.Series, alpha: float) -> str:
    """Plain words for where a hypothesis stands after the correction (q < alpha: significant)."""
    if row["verdict"] == "not run":
        return "not run"
    if not np.isfinite(row["p"]):
        return "not estimable" if not np.isfinite(row["estimate"]) else "no p-value"
    return "significant" if row["q"] < alpha else "not significant"


def summary_table(results: list[dict], alpha: float = ALPHA) -> pd.DataFrame:
    """One row per hypothesis: its result, BH q-value over the hypotheses with a p, and the side it backs."""
    df = pd.DataFrame(results).reindex(columns=COLUMNS)
    for col in ["estimate", "ci_low", "ci_high", "p", "truth"]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["n"] = pd.to_numeric(df["n"], errors="coerce").astype("Int64")
    for col in ["id", "question", "verdict", "finding", "measure", "notebook", "supports", "case_data"]:
        df[col] = df[col].fillna("").astype(str)
    df["simulated"] = [v is True for v in df["simulated"]]
    df["extra"] = [v if isinstance(v, dict) else {} for v in df["extra"]]
    df["q"] = benjamini_hochberg(df["p"].to_numpy(dtype=float)) if len(df) else np.array([], dtype=float)
    df["counted"] = df["supports"].isin(SIDES) & df["case_data"].eq("")
    df["significant"] = df["q"] < alpha
    df["direction"] = [_direction(row, alpha) for _, row in df.iterrows()] if len(df) else []
    df["status"] = [_status(row, alpha) for _, row in df.iterrows()] if len(df) else []
    return df


def _num(value: float, digits: int = 3, p_value: bool = False) -> str:
    """A number in a few significant digits, or a dash when unknown."""
    if value is None or not np.isfinite(value):
        return "—"
    return "< 1e-300" if p_value and value == 0 else f"{value:.{digits}g}"  # an underflowed p is not zero


def display_table(table: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """The summary table as short text columns for a report: estimate, 95% CI, p, q, n, side, verdict."""
    side = [("—" if not r.supports else r.supports) + (" (case study, not counted)" if r.case_data else "")
            for r in table.itertuples()]
    return pd.DataFrame({
        "hypothesis": table["id"],
        "estimate": [_num(v) for v in table["estimate"]],
        "95% CI": [f"{_num(lo)} to {_num(hi)}" if np.isfinite(lo) else "—"
                   for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)],
        "p": [_num(v, 2, p_value=True) for v in table["p"]],
        "q": [_num(v, 2, p_value=True) for v in table["q"]],
        "n": ["—" if pd.isna(v) else f"{int(v):,}" for v in table["n"]],
        "backs when > 0": side,
        f"q < {alpha:g}": table["status"],
        "verdict": table["verdict"],
    })


def styled_table(table: pd.DataFrame, alpha: float = ALPHA):
    """The display table as a pandas Styler for a report, every cell HTML-escaped (Styler does not by default)."""
    shown = display_table(table, alpha)
    return (shown.style.format(escape="html").format_index(escape="html", axis=1).hide(axis="index")
            .set_properties(**{"text-align": "left", "font-size": "0.85em"})
            .set_table_attributes('class="tex2jax_ignore mathjax_ignore"'))


@dataclass
class Answer:
    """The overall answer to "quantity or quality?" on one dataset, and what it cannot conclude."""

    answer: str  # "quantity", "quality", "both", "neither" or "not estimable"
    dominant: str | None  # the side the direct comparison (H08) finds explains more, when its interval settles it
    counts: dict[str, dict[str, int]]  # side -> tested / for / against, over counted hypotheses
    head_to_head: dict | None  # the H08 row, when present
    text: str
    cannot_conclude: list[str] = field(default_factory=list)
    alpha: float = ALPHA


def _counts(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per side: hypotheses tested (with a p), significant for, significant against."""
    out = {}
    for side in SIDES:
        rows = table[table["counted"] & table["supports"].eq(side)]
        out[side] = {"tested": int(np.isfinite(rows["p"]).sum()), "for": int(rows["direction"].eq("for").sum()),
                     "against": int(rows["direction"].eq("against").sum())}
    return out


def _head_to_head(table: pd.DataFrame) -> pd.Series | None:
    """The counted direct comparison of quality with quantity (H08), if recorded."""
    rows = table[table["id"].str.startswith(HEAD_TO_HEAD) & table["counted"]]
    return None if rows.empty else rows.iloc[0]


def _share(h2h: pd.Series | None) -> tuple[float, float, float]:
    """Quality's share of explained variance in the direct comparison, with its interval (NaN when absent)."""
    extra = {} if h2h is None else h2h["extra"]
    values = [extra.get(k) for k in SHARE]
    return tuple(float(v) if isinstance(v, (int, float)) else float("nan") for v in values)


def _dominant(h2h: pd.Series | None) -> str | None:
    """The side that explains more in the direct comparison, when its interval excludes one half."""
    _, low, high = _share(h2h)
    if low > 0.5:
        return "quality"
    if high < 0.5:
        return "quantity"
    return None


def _decide(counts: dict[str, dict[str, int]]) -> str:
    """The answer from the counts: which sides are backed by significant hypotheses and not contradicted."""
    if not any(c["tested"] for c in counts.values()):
        return "not estimable"
    backed = [s for s in SIDES if counts[s]["for"] > 0 and counts[s]["against"] == 0]
    return "both" if len(backed) == 2 else (backed[0] if backed else "neither")


def _text(answer: str, dominant: str | None, counts: dict, alpha: float) -> str:
    """The answer in plain words."""
    tally = "; ".join(f"{side}: {c['for']} of {c['tested']} tested hypotheses significant in its favour"
                      + (f", {c['against']} significant against it" if c["against"] else "")
                      for side, c in counts.items())
    after = f"after Benjamini–Hochberg correction at q < {alpha:g}"
    lead = {
        "quantity": "Quantity: hypotheses backing a bigger following are significant and none contradicts them, "
                    "while follower quality is not backed",
        "quality": "Quality: hypotheses backing a relevant, real and engaged network are significant and none "
                   "contradicts them, while a bigger following is not backed",
        "both": "Both: a bigger following and a relevant, real and engaged network are each backed by significant "
                "hypotheses that none contradicts",
        "neither": "Neither can be claimed: no hypothesis backs one side without being contradicted",
        "not estimable": "No answer: no hypothesis about quantity or quality could be tested on this dataset",
    }[answer]
    stronger = {"quality": "follower quality", "quantity": "follower count"}.get(dominant or "")
    if stronger and answer != "not estimable":
        lead += f"; the direct comparison (H08) finds {stronger} explains more of the differences in engagement"
    elif answer == "both":
        lead += "; which matters more is not settled by a direct comparison"
    return f"{lead} ({tally}; {after})."


def _limits(table: pd.DataFrame, answer: str, h2h: pd.Series | None, simulated: bool) -> list[str]:
    """What this answer cannot conclude, in plain sentences."""
    out = ["Cause: every test here is an association in observational data; none shows that gaining followers, "
           "or better ones, would by itself bring more engagement or traffic."]
    if simulated:
        out.append("Anything about real accounts: the data are simulated, so the answer only shows that the "
                   "analyses recover the effects planted in the sample.")
    if h2h is None:
        out.append(f"Which side matters more: the direct comparison of quality with quantity ({HEAD_TO_HEAD}) "
                   "was not recorded, so counts of significant hypotheses cannot rank the two sides.")
    elif _dominant(h2h) is None:
        out.append(f"Which side matters more: the direct comparison ({h2h['id']}) does not settle it (quality's "
                   "share of the explained variance is not recorded, or its interval includes one half).")
    silent = table[table["case_data"].eq("") & ~np.isfinite(table["p"])]
    if len(silent):
        out.append("Anything from the hypotheses not run, not estimable or without a test here ("
                   + ", ".join(silent["id"]) + "): they count for neither side.")
    if answer in ("neither", "quantity", "quality"):
        out.append("Absence of an effect: a hypothesis that is not significant is not evidence of no effect; its "
                   "interval shows which effects remain possible.")
    case = table[table["case_data"].ne("")]
    if len(case):
        out.append("Anything from case studies on other data (" + ", ".join(case["id"])
                   + "): they are shown for context but not counted for this dataset.")
    return out


def overall_answer(table: pd.DataFrame, *, simulated: bool = False, alpha: float = ALPHA) -> Answer:
    """The answer to "quantity or quality?" from the hypotheses significant after correction, weighing H08."""
    counts = _counts(table)
    h2h = _head_to_head(table)
    answer, dominant = _decide(counts), _dominant(h2h)
    head = None
    if h2h is not None:
        head = {k: _plain(h2h[k]) for k in ["id", "estimate", "ci_low", "ci_high", "q", "supports", "direction"]}
        head.update({k: _plain(v) for k, v in zip(SHARE, _share(h2h), strict=True)})
    return Answer(answer, dominant, counts, head, _text(answer, dominant, counts, alpha),
                  _limits(table, answer, h2h, simulated), alpha)


def _plain(value: object) -> object:
    """A JSON-ready scalar: NaN and NA as null, numpy scalars as Python ones."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def summary_path(results_dir: str | Path) -> Path:
    """Where summary.json goes: beside the reports, in the parent folder of the results."""
    return Path(results_dir).resolve().parent / "summary.json"


def summary_dict(table: pd.DataFrame, answer: Answer, *, dataset: str, simulated: bool) -> dict:
    """summary.json's content: the dataset, each hypothesis's numbers and verdict, and the answer."""
    extra = ["question", "finding", "supports", "counted", "significant", "direction", "status", "case_data"]
    rows = [{k: _plain(row[k]) for k in FIELDS + extra} for _, row in table.iterrows()]
    return {"dataset": dataset, "simulated": simulated, "alpha": answer.alpha,
            "correction": f"Benjamini-Hochberg over the {int(np.isfinite(table['p']).sum())} hypotheses with a p-value",
            "hypotheses": rows, "answer": asdict(answer)}


def write_summary(table: pd.DataFrame, answer: Answer, path: str | Path, *, dataset: str,
                  simulated: bool) -> Path:
    """Write summary.json atomically."""
    content = summary_dict(table, answer, dataset=dataset, simulated=simulated)
    return atomic.write_text(path, json.dumps(content, indent=2, default=_plain, allow_nan=False) + "\n")


COUNT_COLUMNS = {"tested": "hypotheses with a p-value", "for": "significant in its favour",
                 "against": "significant against it"}


def counts_table(answer: Answer) -> pd.DataFrame:
    """Per side, the hypotheses tested and those significant for and against it, as the report shows them."""
    counts = pd.DataFrame(answer.counts).T.rename(columns=COUNT_COLUMNS)
    counts.index.name = "side"
    return counts
