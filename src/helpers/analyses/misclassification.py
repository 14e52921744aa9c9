"""The scorer's classification errors in the engagement model: measured, corrected, and carried into the intervals.

A share measured with a call of sensitivity se and specificity sp has expectation q = sp' + J·pi, with J = se + sp − 1
and sp' = 1 − sp (Rogan & Gladen 1978): the measured share moves J points per point of the true one. Regressed on
the measured (sampling-error calibrated) share, an outcome's coefficient is therefore c/J, not c. The correction
maps each calibrated share to (q − sp')/J, an affine map shared by all accounts, so it multiplies that share's
coefficient by J and leaves the follower elasticity and the other coefficients unchanged. Its interval carries the
error rates' uncertainty: draws of the coefficients (the bootstrap over accounts, else their HC3 normal law) are
multiplied by paired draws of J. The test that a coefficient is zero is unchanged by a positive factor, so the
p-value is the uncorrected one; what the correction changes is the size, and so the exchange rate and whether an
effect clears the smallest one that matters.

Error rates: for the relevant call, the dataset's labelled relevance check (helpers.quality.relevance_check);
for the likely-fake call, the same check when it labels enough fakes, else the authenticity model's rates measured
on labelled collections it never saw (helpers.quality.calibration.authenticity_error_rates). Assumed: the call's
errors do not depend on the account (non-differential, one se and sp for all).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.analyses.quality_shares import follower_flags
from helpers.data import relevance_check as check_file
from helpers.data.dataset import Dataset
from helpers.quality import relevance_check as rc
from helpers.quality.bins import RELEVANCE_THRESHOLD
from helpers.quality.calibration import ErrorRates, authenticity_error_rates
from helpers.stats import NotEstimable

N_DRAWS = rc.N_DRAWS
HOW_TO_CHECK = ("`python -m helpers relevance-check --dataset {name}` draws {n} followers to label by hand (yes/no: "
                "a real, active, on-topic follower); the next run of the analyses corrects for the errors it measures")


@dataclass(frozen=True)
class Factor:
    """How far a measured share moves per point of the true one (J = se + sp − 1), with its draws and source."""

    term: str
    rates: ErrorRates
    source: str
    draws: np.ndarray = field(repr=False)

    @property
    def j(self) -> float:
        """The point value of se + sp − 1."""
        return self.rates.sensitivity + self.rates.specificity - 1

    @property
    def ci(self) -> tuple[float, float]:
        """The 95 % interval of J from its draws."""
        return float(np.quantile(self.draws, 0.025)), float(np.quantile(self.draws, 0.975))

    def as_dict(self) -> dict:
        """The figures, for the hypothesis record."""
        return {"sensitivity": round(self.rates.sensitivity, 4), "sensitivity_ci": list(self.rates.sensitivity_ci),
                "specificity": round(self.rates.specificity, 4), "specificity_ci": list(self.rates.specificity_ci),
                "factor": round(self.j, 4), "factor_ci": [round(v, 4) for v in self.ci],
                "labelled_positive": self.rates.n_fake, "labelled_negative": self.rates.n_human, "source": self.source}


@dataclass(frozen=True)
class Corrections:
    """The factors of the engagement model's two shares; a share without one is not corrected, and why."""

    factors: dict[str, Factor]
    missing: dict[str, str]

    def as_dict(self) -> dict:
        """For the hypothesis record."""
        return {**{t: f.as_dict() for t, f in self.factors.items()},
                **{t: {"not corrected": why} for t, why in self.missing.items()}}


def _factor(term: str, rates: ErrorRates, source: str) -> Factor:
    """A Factor from error rates and their paired draws."""
    return Factor(term, rates, source, np.asarray(rates.draws_sensitivity) + np.asarray(rates.draws_specificity) - 1)


def _check(ds: Dataset, follower_quality: pd.DataFrame, threshold: float) -> rc.Check | None:
    """The dataset's labelled check with the scorer's calls on it, None when the dataset has none."""
    path = ds.path / check_file.FILE
    if not path.is_file():
        return None
    labels = check_file.read(path, ds.followers)
    calls = follower_flags(follower_quality, threshold)[[*check_file.KEYS, "relevant", "fake"]]
    written = check_file.FILE in ds.manifest.get("files", [])
    source = ("labelled from the simulated sample's planted types" if ds.simulated and written
              else f"labelled by hand in {check_file.FILE}")
    return rc.Check(labels, calls, source)


def corrections(ds: Dataset, follower_quality: pd.DataFrame, threshold: float = RELEVANCE_THRESHOLD,
                seed: int = 0) -> Corrections:
    """The correction factors of the relevant and likely-fake shares, measured on held-out labelled followers."""
    check = _check(ds, follower_quality, threshold)
    factors, missing = {}, {}
    how = HOW_TO_CHECK.format(name=ds.name, n=check_file.N_DEFAULT)
    relevant = rc.rates(check, "relevant", seed) if check is not None else None
    if relevant is not None:
        factors["relevant_share"] = _factor("relevant_share", relevant, check.source)
    elif check is None:
        missing["relevant_share"] = f"no labelled relevance check in the dataset folder; {how}"
    else:
        missing["relevant_share"] = (f"the labelled check has fewer than {rc.MIN_PER_CLASS} followers labelled "
                                     f"relevant or not; label more rows of {check_file.FILE}")
    fake = rc.rates(check, "fake", seed + 1) if check is not None else None
    if fake is not None:
        factors["fake_share"] = _factor("fake_share", fake, check.source)
    else:
        factors["fake_share"] = _factor("fake_share", authenticity_error_rates(seed=seed),
                                        "the authenticity model's rates on labelled collections it never saw")
    return Corrections(factors, missing)


def _j_draws(factor: Factor | None, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of J (ones when the share is not corrected)."""
    if factor is None:
        return np.ones(n)
    return rng.choice(factor.draws, n, replace=True)


def check_informative(corr: Corrections, term: str) -> None:
    """NotEstimable when the call of a share is no better than chance on its check (J's interval reaches 0)."""
    factor = corr.factors.get(term)
    if factor is not None and factor.ci[0] <= 0:
        raise NotEstimable(f"the scorer's {term.replace('_share', '')} call is no better than chance on "
                           f"{factor.source} (se + sp − 1 = {factor.j:.2f}, 95% CI {factor.ci[0]:.2f} to "
                           f"{factor.ci[1]:.2f}): the measured share says nothing about the true one")


def corrected_draws(theta: np.ndarray, cov: np.ndarray, terms: list[str], corr: Corrections,
                    boot: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """Draws of the coefficients (order `terms`) with each corrected share's column multiplied by draws of its J.

    The coefficients' draws are the bootstrap ones when given (resampled to N_DRAWS), else normal with the model's
    covariance. Draws with J <= 0 (the call no better than chance in that draw) are dropped.
    """
    rng = np.random.default_rng(seed)
    if boot is not None and len(boot):
        base = boot[rng.integers(0, len(boot), N_DRAWS)]
    else:
        base = rng.multivariate_normal(theta, cov, N_DRAWS, method="eigh")
    js = np.column_stack([_j_draws(corr.factors.get(t), N_DRAWS, rng) for t in terms])
    keep = (js > 0).all(axis=1)
    return (base * js)[keep]


def point(theta: np.ndarray, terms: list[str], corr: Corrections) -> np.ndarray:
    """The corrected point coefficients: each corrected share's coefficient times its J."""
    return theta * np.array([corr.factors[t].j if t in corr.factors else 1.0 for t in terms])


def sentence(corr: Corrections, term: str, corrected: tuple[float, float, float],
             uncorrected: tuple[float, float, float]) -> str:
    """What the scorer's errors are and what the correction did to a coefficient, computed from the check."""
    factor = corr.factors.get(term)
    if factor is None:
        return (f"The scorer's relevant call is NOT corrected for its classification errors: "
                f"{corr.missing.get(term, 'no error rates')}. The sign and p-value of the quality contrast hold "
                "whenever the call is better than chance, but its size, and so the exchange rate, are off by the "
                "unknown factor se + sp − 1 (a coefficient on a measured share is the true one divided by it)")
    r = factor.rates
    lo, hi = factor.ci
    return (f"The scorer's relevant call was checked against {r.n_fake + r.n_human} followers {factor.source}: "
            f"sensitivity {r.sensitivity:.2f} ({r.sensitivity_ci[0]:.2f}–{r.sensitivity_ci[1]:.2f}; "
            f"{r.n_fake} labelled relevant), specificity {r.specificity:.2f} ({r.specificity_ci[0]:.2f}–"
            f"{r.specificity_ci[1]:.2f}; {r.n_human} not). A measured relevant share therefore moves "
            f"{factor.j:.2f} ({lo:.2f}–{hi:.2f}) points per point of the true one, and the quality contrast is "
            f"corrected by that factor: {corrected[0]:.2f} (95% CI {corrected[1]:.2f} to {corrected[2]:.2f}, the "
            f"interval carrying the error rates' uncertainty) instead of {uncorrected[0]:.2f} ({uncorrected[1]:.2f} "
            f"to {uncorrected[2]:.2f}) uncorrected. The correction assumes the call errs alike in every account")


def limit_sentence(corr: Corrections | None) -> str:
    """The limits paragraph's sentence on the scorer's errors, computed from what was corrected."""
    if corr is None:
        return "The followers were not scored, so nothing here depends on the scorer's errors."
    factor = corr.factors.get("relevant_share")
    if factor is None:
        return (f"The scorer's own mistakes (a relevant follower judged irrelevant) are not corrected: "
                f"{corr.missing.get('relevant_share', 'no error rates')}.")
    n = factor.rates.n_fake + factor.rates.n_human
    return (f"The correction for the scorer's mistakes rests on {n} labelled followers ({factor.source}) and "
            "assumes the call errs alike in every account; labels by one person carry that person's judgement, and "
            "a call that errs more on some audiences than others biases the corrected estimate in ways this "
            f"cannot see. The likely-fake share is corrected with {corr.factors['fake_share'].source}.")


def factors_table(corr: Corrections) -> pd.DataFrame:
    """One row per share: sensitivity, specificity and their factor with 95 % intervals, labels and source."""
    rows = []
    for term, f in corr.factors.items():
        r = f.rates
        rows.append({"share": term, "sensitivity": r.sensitivity, "se low": r.sensitivity_ci[0],
                     "se high": r.sensitivity_ci[1], "specificity": r.specificity, "sp low": r.specificity_ci[0],
                     "sp high": r.specificity_ci[1], "factor se+sp−1": f.j, "factor low": f.ci[0],
                     "factor high": f.ci[1], "labelled yes": r.n_fake, "labelled no": r.n_human, "source": f.source})
    rows += [{"share": term, "source": f"not corrected: {why}"} for term, why in corr.missing.items()]
    return pd.DataFrame(rows)


def visits_sentence(corr: Corrections | None, frame: pd.DataFrame) -> str:
    """What the scorer's false positives do to H03's quality elasticity, computed (H03 is not corrected).

    The daily count of followers called relevant is C = J·R + (1 − sp)·N (R truly relevant, N all followers):
    with N fixed, log C moves C/(J·R) = 1/(1 − (1 − sp)/q) times less than log R, q = C/N the measured share, so
    the elasticity on the called count is that many times the true one. The factor is drawn over sp's draws.
    """
    factor = corr.factors.get("relevant_share") if corr is not None else None
    days = frame[["relevant", "followers"]].dropna()
    days = days[days["followers"] > 0]
    if factor is None or days.empty:
        why = corr.missing.get("relevant_share", "no error rates") if corr is not None else "no scores"
        return (f"H03's relevant followers are the scorer's calls, and how many of them are false positives is "
                f"not measured ({why}): false positives make the quality elasticity larger than the true one")
    q = float((days["relevant"] / days["followers"]).mean())
    false_share = (1 - np.asarray(factor.rates.draws_specificity)) / q
    inflation = 1 / (1 - false_share[false_share < 1])
    sp = factor.rates.specificity
    point_false = (1 - sp) / q
    if point_false >= 1 or not len(inflation):
        return (f"H03's relevant followers are the scorer's calls: with specificity {sp:.2f} and a measured "
                f"relevant share of {100 * q:.0f} %, they may be false positives entirely, so H03's size says "
                "nothing about relevant followers")
    lo, hi = np.quantile(inflation, [0.025, 0.975])
    return (f"H03's relevant followers are the scorer's calls, not corrected for its errors: with the specificity "
            f"measured on the labelled check ({sp:.3f}, 95% CI {factor.rates.specificity_ci[0]:.3f}–"
            f"{factor.rates.specificity_ci[1]:.3f}) and a measured relevant share of {100 * q:.0f} % of followers on "
            f"these days, about {100 * point_false:.0f} % of the followers called relevant are not, which makes the "
            f"quality elasticity about {1 / (1 - point_false):.2f} ({lo:.2f}–{hi:.2f}) times the true one; its sign "
            "and p-value hold")
