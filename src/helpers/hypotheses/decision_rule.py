"""The pre-registered rule that answers "quantity or quality?", written down before any result is seen.

RULE is the rule in words (the summary notebook and the README show it); the functions below apply it to the
primary contrasts that the analysis notebooks record. Nothing else decides: every other hypothesis is secondary.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
from statsmodels.stats.multitest import multipletests

ALPHA = 0.05
OUTCOMES = ("engagement", "social visits")  # the two outcomes the question is about, in the order they are told
# the hypothesis that holds each outcome's primary contrasts, used only to quote why a primary is missing
PRIMARY_IDS = {"engagement": "H02", "social visits": "H03"}
# The smallest effect worth acting on: 5 % more of the outcome, from +10 points of relevant followers (quality) or
# from doubling the follower count (quantity). On the standard scales (a coefficient per unit of share on a log
# outcome; an elasticity) these are the minima below; a primary on another scale states either its own minima
# (extra["primary"]["minimum"] = {"quality": ..., "quantity": ...}) or its scale, the log-gain in the outcome per
# unit of each contrast for those two moves (extra["primary"]["scale"]; the standard scales are SCALE).
MIN_GAIN = 0.05
SCALE = {"quality": 0.10, "quantity": math.log(2)}
MINIMUM = {side: math.log(1 + MIN_GAIN) / unit for side, unit in SCALE.items()}
ANSWERS = ("quantity", "quality", "both", "neither", "can't tell")

RULE = f"""\
**The decision rule (fixed before any result; the code applies it as written, `helpers.hypotheses.decision_rule`).**

1. *Two outcomes*: engagement per post, and social visits to the blog. For each, **one primary quantity contrast
   and one primary quality contrast, estimated in the same model**: for engagement, the regression of log
   engagement per post on log follower count and the relevant and likely-fake shares across accounts (quantity:
   the elasticity on follower count; quality: the effect of the relevant share, reported per +10 points); for
   social visits, the model notebook 22 records for H03 (relevant followers against all followers in one model).
   Both are signed so that a positive value backs their side.
2. *Multiplicity*: Holm's correction over the primary p-values only (the estimable ones, at most four;
   family-wise error {ALPHA:g}). A side is **declared** for an outcome when its primary contrast is positive and
   its Holm-adjusted p is below {ALPHA:g}.
3. *The smallest effect that matters*: {100 * MIN_GAIN:.0f} % more of the outcome from +10 points of relevant
   followers (quality) or from doubling the follower count (quantity). A side that is not declared is
   **excluded** when its 95 % interval lies below that minimum, and **undetermined** when the interval still
   reaches it.
4. *The answer per outcome*: **both** when both sides are declared; **quantity** or **quality** when that side
   alone is declared; **neither** when no side is declared and both are excluded; **can't tell** when no side is
   declared and one is undetermined, or when a primary is missing or not estimable (the reason is given).
5. *The overall answer*: the sides declared for at least one outcome (**both**, **quantity** or **quality**); when
   none is declared, **neither** if every outcome answers neither, otherwise **can't tell**.
6. *Everything else is secondary* (follower count alone, H01; reciprocity, H09; growth pace, H05/H06; purges,
   H07; case studies, H11; link posts, reply rates): shown, corrected separately (Benjamini–Hochberg over the
   secondaries), and **never vetoing or backing** a side. The dominance share of explained variance is
   descriptive only: follower counts span orders of magnitude while shares span 0 to 1, so it favours size
   whatever the effects. The head-to-head is the exchange rate: how many percent more followers give the same
   gain as +10 points of relevant followers.
"""


@dataclass
class Contrast:
    """One primary contrast (quality or quantity) of one outcome, and where it stands under the rule."""

    estimate: float
    ci_low: float
    ci_high: float
    p: float
    n: int | None
    measure: str = ""
    minimum: float = float("nan")
    p_adjusted: float = float("nan")
    status: str = ""  # declared, excluded, undetermined or not estimable

    @property
    def estimable(self) -> bool:
        """All of estimate, interval and p are numbers."""
        return all(np.isfinite(v) for v in (self.estimate, self.ci_low, self.ci_high, self.p))


@dataclass
class OutcomeAnswer:
    """The answer for one outcome: both primary contrasts, the exchange rate, and why."""

    outcome: str
    answer: str
    reason: str
    record: str | None = None  # the id of the primary record
    quality: Contrast | None = None
    quantity: Contrast | None = None
    exchange_rate: dict | None = None
    declared: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready: infinities and NaN as null (an unbounded limit is also said in `exchange_rate`)."""
        return json_ready(asdict(self))


def json_ready(value: object) -> object:
    """NaN and infinities as None, recursively, so summary.json stays strict JSON."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value.item() if isinstance(value, np.generic) else value


def _number(value: object) -> float:
    """A float from a recorded value; None, text and missing values as NaN ("inf" strings as infinities)."""
    if isinstance(value, str) and value.strip().lower() in ("inf", "+inf", "infinity", "-inf", "-infinity"):
        return float(value.strip().lower().replace("infinity", "inf"))
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, text, pd.NA
        return float("nan")


def contrast(values: dict, side: str, minimum: dict | None = None) -> Contrast:
    """A Contrast from a recorded dict (estimate, ci_low, ci_high, p, n, measure) of one side."""
    n = _number(values.get("n"))
    floor = (minimum or {}).get(side, MINIMUM[side])
    return Contrast(_number(values.get("estimate")), _number(values.get("ci_low")), _number(values.get("ci_high")),
                    _number(values.get("p")), int(n) if math.isfinite(n) else None,
                    str(values.get("measure") or ""), _number(floor))


def primary_extra(outcome: str, quantity: dict, exchange_rate: dict | None,
                  minimum: dict | None = None) -> dict:
    """extra["primary"] of the primary quality record: its outcome, the quantity contrast of the same model, the
    exchange rate (None when not defined) and, on a non-standard scale, the smallest effects that matter."""
    out = {"outcome": outcome,
           "quantity": {k: quantity.get(k) for k in ("estimate", "ci_low", "ci_high", "p", "n", "measure")},
           "exchange_rate": exchange_rate}
    if minimum is not None:
        out["minimum"] = minimum
    return out


def find_primaries(rows: list[dict]) -> dict[str, dict]:
    """Each outcome's primary record (a recorded result with extra["primary"]), the first found per outcome."""
    out: dict[str, dict] = {}
    for row in rows:
        primary = (row.get("extra") or {}).get("primary") if isinstance(row.get("extra"), dict) else None
        if isinstance(primary, dict) and primary.get("outcome") in OUTCOMES and not row.get("case_data"):
            out.setdefault(primary["outcome"], row)
    return out


def _missing_reason(outcome: str, rows: list[dict]) -> str:
    """Why an outcome has no primary: the expected record's own reason when it was recorded, else that it is not."""
    prefix = PRIMARY_IDS.get(outcome, "")
    for row in rows:
        if prefix and str(row.get("id", "")).startswith(prefix):
            finding = str(row.get("finding") or "").removeprefix("not estimable: ")
            if row.get("verdict") == "not run":
                return f"not estimable: {row['id']} was not run"
            return f"not estimable: {row['id']}: {finding}" if finding else f"not estimable: {row['id']} has no primary"
    return f"not estimable: no primary {outcome} contrast was recorded"


def holm(pvalues: list[float]) -> list[float]:
    """Holm-adjusted p-values in input order; NaN stays NaN and does not count as a test."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = multipletests(p[finite], method="holm")[1]
    return out.tolist()


def _status(c: Contrast, alpha: float) -> str:
    """Where one contrast stands: declared, excluded (interval below the minimum) or undetermined."""
    if not c.estimable:
        return "not estimable"
    if c.estimate > 0 and c.p_adjusted < alpha:
        return "declared"
    return "excluded" if c.ci_high < c.minimum else "undetermined"


def _from_statuses(quality: str, quantity: str) -> tuple[str, str]:
    """The outcome's answer and its reason from the statuses of its two contrasts."""
    status = {"quantity": quantity, "quality": quality}
    if "not estimable" in status.values():
        side = "quality" if quality == "not estimable" else "quantity"
        return "can't tell", f"not estimable: the {side} contrast has no estimate, interval or p-value"
    declared = [s for s in status if status[s] == "declared"]
    if len(declared) == 2:
        return "both", "both contrasts are positive and significant after Holm's correction"
    if declared:
        other = "quality" if declared[0] == "quantity" else "quantity"
        rest = {"excluded": "excludes an effect of the minimum size",
                "undetermined": "is not significant, and its interval still allows an effect of the minimum size"}
        return declared[0], f"only the {declared[0]} contrast is declared; the {other} contrast {rest[status[other]]}"
    if quality == quantity == "excluded":
        return "neither", "neither contrast is declared and both intervals exclude an effect of the minimum size"
    wide = [s for s in status if status[s] == "undetermined"]
    return "can't tell", ("interval too wide: no contrast is declared, and the " + " and ".join(wide)
                          + (" intervals still allow" if len(wide) > 1 else " interval still allows")
                          + " an effect of the minimum size")


def primary_minimum(primary: dict) -> dict | None:
    """The smallest effects that matter on a primary's own scale: its stated minima, else from its stated scale
    (log-gain per unit of contrast), else None (the standard scales)."""
    if isinstance(primary.get("minimum"), dict):
        return primary["minimum"]
    scale = primary.get("scale")
    if not isinstance(scale, dict):
        return None
    return {side: math.log(1 + MIN_GAIN) / float(unit) for side, unit in scale.items()
            if _number(unit) > 0}


def _outcome(outcome: str, row: dict) -> OutcomeAnswer:
    """An outcome's answer with its contrasts read from one primary record (statuses set later)."""
    primary = row["extra"]["primary"]
    minimum = primary_minimum(primary)
    quality = contrast({**row, "measure": row.get("measure")}, "quality", minimum)
    quantity = contrast(primary.get("quantity") or {}, "quantity", minimum)
    rate = primary.get("exchange_rate") if isinstance(primary.get("exchange_rate"), dict) else None
    return OutcomeAnswer(outcome, "", "", str(row.get("id")), quality, quantity, rate)


def decide(rows: list[dict], alpha: float = ALPHA) -> tuple[str, list[OutcomeAnswer]]:
    """The overall answer and each outcome's answer, by RULE, from recorded results (dicts as written)."""
    found = find_primaries(rows)
    outcomes = [_outcome(o, found[o]) if o in found else OutcomeAnswer(o, "can't tell", _missing_reason(o, rows))
                for o in OUTCOMES]
    contrasts = [c for o in outcomes if o.quality is not None for c in (o.quality, o.quantity)]
    for c, adjusted in zip(contrasts, holm([c.p if c.estimable else np.nan for c in contrasts]), strict=True):
        c.p_adjusted = adjusted
        c.status = _status(c, alpha)
    for o in outcomes:
        if o.quality is not None:
            o.answer, o.reason = _from_statuses(o.quality.status, o.quantity.status)
            o.declared = [s for s in ("quantity", "quality") if getattr(o, s).status == "declared"]
    return overall([o.answer for o in outcomes]), outcomes


def overall(answers: list[str]) -> str:
    """The overall answer from the outcomes' answers (RULE, point 5)."""
    declared = {s for a in answers for s in ({"both": ("quantity", "quality")}.get(a, (a,))) if s in
                ("quantity", "quality")}
    if declared:
        return "both" if len(declared) == 2 else declared.pop()
    return "neither" if answers and all(a == "neither" for a in answers) else "can't tell"
