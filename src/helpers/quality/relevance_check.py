"""The scorer measured against the labelled relevance check (helpers.data.relevance_check): sensitivity and
specificity of its relevant and likely-fake calls, with draws that carry their uncertainty into corrected shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data.relevance_check import KEYS
from helpers.quality.calibration import LEVEL, ErrorRates

MIN_PER_CLASS = 20  # labelled followers of each kind needed before a rate is measured
N_DRAWS = 4000
METHOD = ("labelled check of {n} followers drawn at random from the judged ones: the share of those labelled "
          "{label} that the scorer calls so (sensitivity) and of the others it does not (specificity); intervals and "
          "draws from Jeffreys Beta posteriors")


@dataclass(frozen=True)
class Check:
    """A labelled check and the scorer's calls on the same followers."""

    labels: pd.DataFrame  # account_id, follower_id, relevant, fake (1/0/NaN)
    calls: pd.DataFrame  # account_id, follower_id, relevant, fake (the scorer's 0/1 calls, as the shares count them)
    source: str  # where the labels came from, in words


def rates(check: Check, label: str, seed: int = 0, level: float = LEVEL) -> ErrorRates | None:
    """Sensitivity and specificity of the scorer's call `label` on the check, None with too few labels of a kind."""
    both = check.labels[[*KEYS, label]].merge(check.calls[[*KEYS, label]], on=KEYS, suffixes=("_true", "_called"))
    both = both.dropna()
    truth, called = both[f"{label}_true"].to_numpy(bool), both[f"{label}_called"].to_numpy(bool)
    pos, neg = int(truth.sum()), int((~truth).sum())
    if min(pos, neg) < MIN_PER_CLASS:
        return None
    tp, tn = int((truth & called).sum()), int((~truth & ~called).sum())
    rng = np.random.default_rng(seed)
    se_draws = rng.beta(tp + 0.5, pos - tp + 0.5, N_DRAWS)
    sp_draws = rng.beta(tn + 0.5, neg - tn + 0.5, N_DRAWS)
    alpha = (1 - level) / 2

    def q(d: np.ndarray) -> tuple[float, float]:
        return float(np.quantile(d, alpha)), float(np.quantile(d, 1 - alpha))

    return ErrorRates(threshold=float("nan"), sensitivity=tp / pos, specificity=tn / neg,
                      sensitivity_ci=q(se_draws), specificity_ci=q(sp_draws), level=level, n_fake=pos, n_human=neg,
                      sets_with_fakes=1, sets_with_humans=1, draws_sensitivity=se_draws, draws_specificity=sp_draws,
                      method=METHOD.format(n=len(both), label=label) + f" ({check.source})")
