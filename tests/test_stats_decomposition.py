"""ΔR² of predictor blocks and general dominance weights."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from helpers.stats import delta_r2, dominance_analysis, general_dominance, subset_r2


def _frame(n: int, seed: int, coefs: dict[str, float], corr: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=n)
    cols = {k: np.sqrt(corr) * common + np.sqrt(1 - corr) * rng.normal(size=n) for k in coefs}
    y = sum(b * cols[k] for k, b in coefs.items()) + rng.normal(size=n)
    return pd.DataFrame({"y": y, **cols})


def _sm_r2(df: pd.DataFrame, cols: list[str]) -> float:
    if not cols:
        return 0.0
    return sm.OLS(df["y"], sm.add_constant(df[cols])).fit().rsquared


def test_subset_r2_matches_statsmodels_for_every_subset():
    df = _frame(300, 0, {"a": 0.5, "b": 0.3, "c": 0.0}, corr=0.4)
    r2 = subset_r2(df.to_numpy())
    names = ["a", "b", "c"]
    for k in range(4):
        for combo in combinations(range(3), k):
            mask = sum(1 << j for j in combo)
            assert r2[mask] == pytest.approx(_sm_r2(df, [names[j] for j in combo]), abs=1e-10)


def test_general_dominance_two_predictor_hand_formula():
    # With two predictors: GD_a = (R²_a + (R²_ab − R²_b)) / 2.
    r2 = np.array([0.0, 0.20, 0.10, 0.25])
    assert general_dominance(r2) == pytest.approx([(0.20 + 0.15) / 2, (0.10 + 0.05) / 2])


def test_dominance_weights_sum_to_total_r2_and_rank_planted_effects():
    df = _frame(600, 1, {"followers": 0.2, "engaged": 0.6, "real": 0.4, "noise": 0.0}, corr=0.3)
    res = dominance_analysis(df, "y", ["followers", "engaged", "real", "noise"], n_boot=100)
    weights, total = res[:-1], res[-1]
    assert sum(w.estimate for w in weights) == pytest.approx(total.estimate, abs=1e-12)
    assert total.estimate == pytest.approx(_sm_r2(df, ["followers", "engaged", "real", "noise"]))
    assert [w.extra["rank"] for w in weights] == [3, 1, 2, 4]
    assert sum(w.extra["share_of_r2"] for w in weights) == pytest.approx(1.0)
    for w in res:
        assert w.ci_low <= w.estimate <= w.ci_high and w.n == 600


def test_dominance_weights_equal_squared_betas_for_independent_predictors():
    coefs = {"a": 0.6, "b": 0.3}
    df = _frame(3000, 2, coefs)
    var_y = 1 + sum(b**2 for b in coefs.values())
    res = dominance_analysis(df, "y", list(coefs), n_boot=100)
    for est, b in zip(res, coefs.values(), strict=False):
        assert est.covers(b**2 / var_y)


def test_dominance_rejects_too_many_predictors():
    df = pd.DataFrame(np.ones((5, 12)), columns=[f"c{i}" for i in range(12)])
    with pytest.raises(ValueError):
        dominance_analysis(df, "c0", [f"c{i}" for i in range(1, 12)])


def test_delta_r2_recovers_planted_increment():
    df = _frame(1500, 3, {"followers": 0.5, "engaged": 0.5, "noise": 0.0})
    df.loc[0, "engaged"] = np.nan
    full, quant, qual, d_qual, d_quant = delta_r2(df, "y", ["followers"], ["engaged", "noise"], n_boot=150)
    assert full.estimate == pytest.approx(quant.estimate + d_qual.estimate)
    assert full.estimate == pytest.approx(qual.estimate + d_quant.estimate)
    # Truth: var(y) = 1.5, each block explains 0.25 and they are independent.
    assert full.covers(1 / 3) and d_qual.covers(1 / 6) and d_quant.covers(1 / 6)
    assert d_qual.p < 1e-10 and full.n == 1499 and full.extra["n_dropped_nan"] == 1


def test_delta_r2_f_test_is_calibrated_for_an_irrelevant_block():
    pvals = []
    for s in range(150):
        df = _frame(60, 100 + s, {"followers": 0.5, "engaged": 0.0, "real": 0.0})
        pvals.append(delta_r2(df, "y", ["followers"], ["engaged", "real"], n_boot=0)[3].p)
    assert np.mean(np.array(pvals) < 0.05) <= 0.09
