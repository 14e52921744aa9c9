"""The training notebook's comparison: where the labelled sets are, the per-set LODO table, the mean AUCs, the
calibration error, the closing finding, and the reliability figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers.quality import comparison, labelled_sets, model, training  # noqa: E402
from helpers.quality.calibration import ErrorRates, reliability  # noqa: E402
from helpers.quality.evaluation import Pool  # noqa: E402
from helpers.reports.figures import authenticity  # noqa: E402

SETS = ["alpha", "beta"]


def _summary(aucs: dict[str, float], mean: float) -> dict:
    """A summarise_lodo-like record with a fixed half-width of 0.02."""
    return {"mean_auc": mean, "mean_ci": [mean - 0.02, mean + 0.02],
            "per_set": [{"set": s, "n": 100, "n_fake": 40, "auc": a, "ci_low": a - 0.02, "ci_high": a + 0.02}
                        for s, a in aucs.items()]}


@pytest.fixture
def compared() -> comparison.Comparison:
    """The shipped model reaching the goal on one set and falling short on the other."""
    shipped = training.Config("hgb-x")
    return comparison.Comparison(
        shipped, training.Config(comparison.LOGREG, kind="logreg"),
        {"hgb-x": _summary({"alpha": 0.95, "beta": 0.80}, 0.875), comparison.LOGREG: _summary({"alpha": 0.7}, 0.7)},
        {"followers_friends_ratio": _summary({"alpha": 0.6, "beta": 0.65}, 0.625),
         "rule_camisani": _summary({"alpha": 0.55, "beta": 0.6}, 0.575)},
        _summary({"alpha": 0.97}, 0.97))


def _pool() -> Pool:
    """A pool of four accounts in two sets (only the set order matters here)."""
    meta = pd.DataFrame({"set": ["alpha", "alpha", "beta", "beta"], "label": [1, 0, 1, 0]})
    return Pool(meta, pd.DataFrame(index=meta.index), pd.DataFrame(index=meta.index), pd.Series(dtype=str))


def test_the_defaults_are_the_shared_folders_and_the_committed_model(tmp_path: Path):
    where = comparison.locations()
    assert (where.train_root, where.cresci) == (labelled_sets.TRAIN_ROOT, labelled_sets.CRESCI_SUBSET)
    assert (where.model, where.metrics) == (model.MODEL_PATH, model.METRICS_PATH)
    given = comparison.locations(str(tmp_path), None, str(tmp_path / "m.joblib"), None)
    assert given.train_root == tmp_path and given.model == tmp_path / "m.joblib"


def test_the_table_has_one_row_per_fold_with_the_shipped_interval_and_the_others_aucs(compared):
    table = comparison.lodo_table(_pool(), compared).set_index("set")
    assert table.index.tolist() == SETS
    assert table.loc["alpha", "LODO AUC [95 % CI]"] == "0.950 [0.930, 0.970]"
    assert table.loc["alpha", "in-domain CV"] == "0.970 [0.950, 0.990]" and table.loc["beta", "in-domain CV"] == "-"
    assert table.loc["alpha", comparison.LOGREG] == 0.7 and np.isnan(table.loc["beta", comparison.LOGREG])
    assert table.loc["beta", "rule_camisani"] == 0.6 and table.loc["beta", "fakes"] == 40


def test_the_means_text_lists_every_scorer_and_the_in_domain_mean(compared):
    text = comparison.means_text(compared)
    assert text.startswith("Mean over sets: hgb-x **0.875**; logistic regression **0.700**")
    assert text.endswith("; in-domain CV 0.970.")


def test_the_finding_names_the_sets_short_of_the_goal_and_the_error_rates(compared):
    rates = ErrorRates(0.75, 0.32, 0.92, (0.1, 0.57), (0.78, 1.0), 0.95, 10, 10, 2, 2, np.array([]), np.array([]))
    text = comparison.finding_text(compared, rates)
    assert "averages **0.875** over the 2 sets (in-domain CV: 0.970)" in text
    assert "Sets at or above the goal of 0.90: alpha 0.950." in text
    assert "Below it: beta 0.800 (0.100 short; in-domain nan)." in text
    assert "finds 32% [10%, 57%] of fakes and bots and clears 92% [78%, 100%] of humans." in text


def test_calibration_error_is_zero_for_probabilities_that_match_the_shares():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20000)
    labels = (rng.uniform(size=p.size) < p).astype(int)
    calibrated = pd.DataFrame({"label": labels, "p_fake": p, "score": np.clip(p * 0.3, 0, 1)})
    ece = comparison.ece(calibrated)
    assert ece["calibrated"] < 0.02 < 0.2 < ece["uncalibrated"]


def test_the_reliability_figure_shows_calibrated_and_raw_curves():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=2000)
    labels = (rng.uniform(size=p.size) < p).astype(int)
    ax = authenticity.reliability_plot(reliability(labels, p), reliability(labels, p / 2), "platt",
                                       {"calibrated": 0.01, "uncalibrated": 0.2})
    assert isinstance(ax, plt.Axes) and any("calibrated (platt)" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close("all")


def _one_set(mean: float, low: float, high: float) -> dict:
    """A summarise_lodo record with one set."""
    return {"mean_auc": mean, "mean_ci": [low, high],
            "per_set": [{"set": "a", "n": 10, "n_fake": 5, "auc": mean, "ci_low": low, "ci_high": high}]}


def test_a_combination_of_specialists_ships_only_above_the_pooled_models_interval() -> None:
    inside = {comparison.POOLED: _one_set(0.80, 0.79, 0.81), "specialists": _one_set(0.805, 0.79, 0.82)}
    assert comparison.specialists_choice(inside) == comparison.POOLED
    above = {**inside, "specialists + pooled": _one_set(0.83, 0.82, 0.84)}
    assert comparison.specialists_choice(above) == "specialists + pooled"
    table = comparison.specialists_table(above)
    assert table["set"].tolist() == ["a", "mean over sets"]
    assert table.loc[1, "specialists + pooled"] == "0.830 [0.820, 0.840]"


def test_the_recorded_specialists_comparison_says_what_ships() -> None:
    record = comparison.load_specialists()
    assert record["ships"] == comparison.specialists_choice(record["results"])
    text = comparison.specialists_text(record)
    assert text.startswith("Mean leave-one-out AUC over sets: pooled (ships) **")
    assert ("the pooled model ships" in text) == (record["ships"] == comparison.POOLED)
